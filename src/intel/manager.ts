/**
 * The list lifecycle: add, refresh (on demand or when due), activate, remove, and build the
 * engine's intel services from every active list. Statuses follow GuardDuty: a new list is
 * ACTIVATING until its first load, then ACTIVE (possibly with a note that some lines were
 * invalid) or ERROR with the reason. A refresh that fails keeps the last good copy — cached on
 * disk — in use, records `lastError`, and leaves the status ACTIVE.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Store } from '../store/types.js';
import type { EngineServices } from '../engine/services.js';
import { fetchList, FetchError } from './fetch.js';
import type { IntelList, ListCounts } from './list.js';
import { IntelIndexBuilder, type IntelIndex } from './matcher/index.js';
import { parseListBuffer, parseListFile } from './formats/stream.js';
import { validateList } from './validate.js';
import type { ListFormat, ListRole, ThreatPurpose } from './types.js';

export interface IntelLimits {
  /** Lists kept (threat + trusted). GuardDuty allows 6 threat lists and 1 trusted list. */
  maxLists: number;
  /** Entries per list. GuardDuty allows 250,000 (threat) and 2,000 (trusted). */
  maxEntriesPerList: number;
  /** Bytes per list file. GuardDuty allows 35 MB. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: IntelLimits = { maxLists: 1000, maxEntriesPerList: 50_000_000, maxBytes: 1 << 30 };

export interface IntelManagerOptions {
  cacheDir: string;
  limits?: Partial<IntelLimits>;
  s3Endpoint?: string;
  now?: () => number;
}

export interface NewList {
  name: string;
  location: string;
  format: ListFormat;
  role: ListRole;
  purpose?: ThreatPurpose;
  activate?: boolean;
  refreshSeconds?: number;
  feed?: string;
  tags?: Record<string, string>;
  apiKind?: IntelList['apiKind'];
  expectedBucketOwner?: string;
}

/** A list used for one run only (`vigil scan --threat-list`), never stored. */
export interface AdHocList { name: string; location: string; format: ListFormat; role: ListRole; purpose: ThreatPurpose | 'trusted' }

export class IntelError extends Error {}

export class IntelManager {
  readonly limits: IntelLimits;
  private readonly now: () => number;

  constructor(private readonly store: Store, private readonly opts: IntelManagerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.now = opts.now ?? Date.now;
  }

  list(): Promise<IntelList[]> { return this.store.listIntelLists(); }

  async find(nameOrId: string): Promise<IntelList> {
    const l = (await this.list()).find((x) => x.id === nameOrId || x.name === nameOrId);
    if (!l) throw new IntelError(`no list named ${nameOrId} (vigil intel list shows them)`);
    return l;
  }

  /** Adds a list and loads it once; the returned list carries the resulting status. */
  async add(n: NewList): Promise<IntelList> {
    const lists = await this.list();
    if (!/^[\w .:()/-]{1,300}$/.test(n.name)) throw new IntelError(`list name must be 1–300 letters, digits, spaces or . _ - : ( ) / (got "${n.name}")`);
    if (lists.some((l) => l.name === n.name)) throw new IntelError(`a list named ${n.name} already exists`);
    if (lists.length >= this.limits.maxLists) throw new IntelError(`already ${lists.length} lists, the limit (VIGIL_INTEL_MAX_LISTS); remove one first`);
    const iso = new Date(this.now()).toISOString();
    const list: IntelList = {
      id: randomUUID().replace(/-/g, ''), name: n.name, role: n.role, format: n.format, location: n.location,
      purpose: n.role === 'TRUSTED' ? 'trusted' : n.purpose ?? 'custom', activate: n.activate ?? true,
      status: n.activate === false ? 'INACTIVE' : 'ACTIVATING', refreshSeconds: n.refreshSeconds ?? 0,
      ...(n.feed ? { feed: n.feed } : {}), ...(n.tags ? { tags: n.tags } : {}), ...(n.apiKind ? { apiKind: n.apiKind } : {}),
      ...(n.expectedBucketOwner ? { expectedBucketOwner: n.expectedBucketOwner } : {}), createdAt: iso, updatedAt: iso,
    };
    await this.store.putIntelList(list);
    return this.load(list, true);
  }

  async remove(nameOrId: string): Promise<IntelList> {
    const l = await this.find(nameOrId);
    await this.store.deleteIntelList(l.id);
    await rm(this.cachePath(l), { force: true });
    return l;
  }

  async setActive(nameOrId: string, activate: boolean): Promise<IntelList> {
    const l = await this.find(nameOrId);
    l.activate = activate;
    l.updatedAt = new Date(this.now()).toISOString();
    if (!activate) { l.status = 'INACTIVE'; await this.store.putIntelList(l); return l; }
    l.status = l.sha256 ? 'ACTIVE' : 'ACTIVATING';
    await this.store.putIntelList(l);
    return l.sha256 ? l : this.load(l, true);
  }

  /** Renames a list or points it elsewhere (then reloads it); GuardDuty's UpdateThreatIntelSet/UpdateIPSet. */
  async update(nameOrId: string, change: { name?: string; location?: string; expectedBucketOwner?: string }): Promise<IntelList> {
    const l = await this.find(nameOrId);
    if (change.name && change.name !== l.name) {
      if ((await this.list()).some((x) => x.name === change.name)) throw new IntelError(`a list named ${change.name} already exists`);
      l.name = change.name;
    }
    if (change.expectedBucketOwner !== undefined) l.expectedBucketOwner = change.expectedBucketOwner;
    l.updatedAt = new Date(this.now()).toISOString();
    if (change.location && change.location !== l.location) {
      l.location = change.location;
      delete l.etag; delete l.lastModified;
      await this.store.putIntelList(l);
      return l.activate ? this.load(l, true) : l;
    }
    await this.store.putIntelList(l);
    return l;
  }

  /** Is an active list's refresh interval over? */
  isDue(l: IntelList): boolean {
    if (!l.activate) return false;
    if (!l.sha256) return true;
    if (l.refreshSeconds <= 0) return false;
    const last = Date.parse(l.lastAttemptAt ?? l.fetchedAt ?? l.createdAt);
    return this.now() - last >= l.refreshSeconds * 1000;
  }

  /** Refreshes one list (by name or id), or every active list; `dueOnly` skips lists not due. */
  async refresh(nameOrId?: string, o: { force?: boolean; dueOnly?: boolean } = {}): Promise<IntelList[]> {
    const targets = nameOrId ? [await this.find(nameOrId)] : (await this.list()).filter((l) => l.activate);
    const out: IntelList[] = [];
    for (const l of targets) out.push(o.dueOnly && !this.isDue(l) ? l : await this.load(l, Boolean(o.force)));
    return out;
  }

  /** Fetches (conditionally unless forced), validates, caches and records the outcome. */
  private async load(l: IntelList, force: boolean): Promise<IntelList> {
    const iso = new Date(this.now()).toISOString();
    l.lastAttemptAt = iso;
    l.updatedAt = iso;
    const fail = async (reason: string) => {
      if (l.sha256) { l.lastError = reason; l.status = l.activate ? 'ACTIVE' : 'INACTIVE'; } // keep the last good copy in use
      else { l.status = 'ERROR'; l.statusReason = reason; }
      await this.store.putIntelList(l);
      return l;
    };
    let res;
    try {
      res = await fetchList(l.location, force || !l.sha256 ? {} : { etag: l.etag, lastModified: l.lastModified }, { maxBytes: this.limits.maxBytes, s3Endpoint: this.opts.s3Endpoint });
    } catch (e) {
      if (e instanceof FetchError) return fail(e.message);
      throw e;
    }
    if (res.status === 'unchanged') {
      delete l.lastError;
      await this.store.putIntelList(l);
      return l;
    }
    const report = validateList(res.body.toString('utf8'), l.format, this.now());
    if (!report.ok) return fail(`no usable entries in ${l.format} format${report.errorCount ? ` (${report.errorCount} invalid; first: line ${report.errors[0].line}: ${report.errors[0].message})` : ''}`);
    if (report.entries > this.limits.maxEntriesPerList) return fail(`${report.entries} entries, over the ${this.limits.maxEntriesPerList}-entry limit (VIGIL_INTEL_MAX_ENTRIES)`);
    await mkdir(this.opts.cacheDir, { recursive: true });
    const tmp = `${this.cachePath(l)}.tmp`;
    await writeFile(tmp, res.body);
    await rename(tmp, this.cachePath(l));
    const counts: ListCounts = { ipv4: report.ipv4, ipv4Cidrs: report.ipv4Cidrs, ipv6: report.ipv6, domains: report.domains, ipPort: report.ipPort, errors: report.errorCount, skipped: report.skipped };
    Object.assign(l, { counts, sha256: res.sha256, etag: res.etag, lastModified: res.lastModified, fetchedAt: iso, status: l.activate ? 'ACTIVE' : 'INACTIVE' });
    l.statusReason = report.errorCount ? `${report.errorCount} invalid lines skipped (first: line ${report.errors[0].line}: ${report.errors[0].message})` : undefined;
    if (!l.statusReason) delete l.statusReason;
    delete l.lastError;
    await this.store.putIntelList(l);
    return l;
  }

  cachePath(l: { id: string }): string {
    return join(this.opts.cacheDir, `${l.id}.list`);
  }

  /**
   * Builds the threat and trusted indexes from every ACTIVE list's cached copy, plus ad-hoc
   * lists read straight from their files. Problems (a cache file gone, an ad-hoc file unreadable)
   * are returned, not thrown: the run goes on with the lists that loaded.
   */
  async buildServices(adHoc: AdHocList[] = []): Promise<{ services: EngineServices; loaded: { name: string; role: ListRole; entries: number }[]; problems: string[] }> {
    const threat = new IntelIndexBuilder();
    const trusted = new IntelIndexBuilder();
    const loaded: { name: string; role: ListRole; entries: number }[] = [];
    const problems: string[] = [];
    // the list is streamed into the index (formats/stream.ts): its text is never held whole
    const add = async (name: string, id: string, role: ListRole, purpose: string, format: ListFormat, from: { path: string } | { body: Buffer }, sha256?: string) => {
      const sink = (role === 'TRUSTED' ? trusted : threat).sink({ id, name, purpose, sha256 });
      // trust is about addresses: a port on a trusted entry is ignored, not a reason to never match
      const target = role === 'TRUSTED' ? { ...sink, ipv4: (a: number, p: number, _port: number, t?: string) => sink.ipv4(a, p, -1, t), ipv6: (h: string, p: number, _port: number, t?: string) => sink.ipv6(h, p, -1, t) } : sink;
      if ('path' in from) await parseListFile(from.path, format, target, { now: this.now() });
      else parseListBuffer(from.body, format, target, { now: this.now() });
      loaded.push({ name, role, entries: sink.counts.ipv4 + sink.counts.ipv6 + sink.counts.domains });
    };
    for (const l of await this.list()) {
      if (!l.activate || l.status !== 'ACTIVE') continue;
      try {
        await add(l.name, l.id, l.role, l.purpose, l.format, { path: this.cachePath(l) }, l.sha256);
      } catch (e) {
        problems.push(`list ${l.name}: cached copy unreadable (${(e as Error).message}); run vigil intel refresh ${l.name} --force`);
      }
    }
    for (const a of adHoc) {
      try {
        const res = await fetchList(a.location, {}, { maxBytes: this.limits.maxBytes, s3Endpoint: this.opts.s3Endpoint });
        if (res.status === 'fetched') await add(a.name, `adhoc:${a.name}`, a.role, a.purpose, a.format, { body: res.body }, res.sha256);
      } catch (e) {
        problems.push(`list ${a.name}: ${(e as Error).message}`);
      }
    }
    const built: [IntelIndex, IntelIndex] = [threat.build(), trusted.build()];
    return { services: { intel: { threat: built[0], trusted: built[1] } }, loaded, problems };
  }
}
