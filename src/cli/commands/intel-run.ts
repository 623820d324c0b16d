/**
 * What `vigil intel …` does once its flags are parsed (commands/intel.ts registers the commands):
 * loaded only when one runs, as it opens the store and the lists.
 */
import { readFile } from 'node:fs/promises';
import { FEEDS, findFeed } from '../../intel/feeds.js';
import { validateList } from '../../intel/validate.js';
import type { IntelList } from '../../intel/list.js';
import { IntelError } from '../../intel/manager.js';
import { isIp, isPublicIp } from '../../core/index.js';
import { normaliseDomain } from '../../intel/ip-text.js';
import type { Store } from '../../store/index.js';
import { fail, table } from '../format.js';
import type { StoreFlags } from './common.js';
import { openStoreOrFail, storeLocation } from './store-open.js';
import { intelManager, parseFormat, parsePurpose } from '../intel-setup.js';

export interface IntelAddOptions extends StoreFlags { feed?: string; format: string; purpose: string; trusted?: boolean; refresh?: string; inactive?: boolean; json?: boolean }
export interface IntelRefreshOptions extends StoreFlags { due?: boolean; force?: boolean; json?: boolean }
export interface IntelTestOptions extends StoreFlags { port?: number; json?: boolean }

async function withManager<T>(db: string, fn: (m: ReturnType<typeof intelManager>, store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreOrFail(db);
  try {
    return await fn(intelManager(store, db), store);
  } catch (e) {
    if (e instanceof IntelError || (e as Error).message?.startsWith('unknown ')) fail((e as Error).message, 2);
    throw e;
  } finally {
    await store.close();
  }
}

function duration(s: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(s.trim());
  if (!m) fail(`--refresh takes a duration such as 30m, 6h, 1d or 0 (got ${s})`, 2);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
}

function entries(l: IntelList): string {
  const c = l.counts;
  if (!c) return '–';
  const parts = [c.ipv4 && `${c.ipv4.toLocaleString('en-US')} IPv4`, c.ipv4Cidrs && `${c.ipv4Cidrs.toLocaleString('en-US')} CIDR`, c.ipv6 && `${c.ipv6} IPv6`,
    c.domains && `${c.domains.toLocaleString('en-US')} domains`, c.ipPort && `${c.ipPort} ip:port`].filter(Boolean);
  return parts.join(', ') || '0';
}

function statusText(l: IntelList): string {
  return [l.status, l.statusReason, l.lastError && `last refresh failed: ${l.lastError}`].filter(Boolean).join(' — ');
}

function printLists(lists: IntelList[]): void {
  process.stdout.write(table(['Name', 'Role', 'Purpose', 'Format', 'Entries', 'Status', 'Fetched', 'Location'],
    lists.map((l) => [l.name, l.role, l.purpose, l.format, entries(l), statusText(l), l.fetchedAt?.replace(/\.\d+Z$/, 'Z') ?? '–', l.location])) + '\n');
}

export async function intelAdd(name: string | undefined, location: string | undefined, o: IntelAddOptions): Promise<void> {
  await withManager(storeLocation(o), async (m) => {
    const feed = o.feed ? findFeed(o.feed) ?? fail(`unknown feed ${o.feed}; vigil intel feeds lists them`, 2) : undefined;
    if (!feed && (!name || !location)) fail('give a name and a location, or --feed <name> (vigil intel add --help)', 2);
    const l = await m.add({
      name: name ?? feed!.name, location: location ?? feed!.url, format: feed?.format ?? parseFormat(o.format),
      role: o.trusted ? 'TRUSTED' : 'THREAT', purpose: feed?.purpose ?? parsePurpose(o.purpose), activate: !o.inactive,
      refreshSeconds: o.refresh !== undefined ? duration(o.refresh) : feed?.refreshSeconds ?? 0, feed: feed?.name,
    });
    if (o.json) process.stdout.write(JSON.stringify(l, null, 2) + '\n');
    else printLists([l]);
    if (l.status === 'ERROR') process.exitCode = 3;
  });
}

export async function intelList(o: StoreFlags & { json?: boolean }): Promise<void> {
  await withManager(storeLocation(o), async (m) => {
    const lists = await m.list();
    if (o.json) process.stdout.write(JSON.stringify(lists, null, 2) + '\n');
    else if (lists.length === 0) process.stdout.write('No lists yet. Add one: vigil intel add --feed tor-exit, or vigil intel add <name> <file|url|s3://…>\n');
    else printLists(lists);
  });
}

export async function intelRemove(name: string, o: StoreFlags): Promise<void> {
  await withManager(storeLocation(o), async (m) => { const l = await m.remove(name); process.stdout.write(`Removed ${l.name}.\n`); });
}

export async function intelSetActive(name: string, on: boolean, o: StoreFlags): Promise<void> {
  await withManager(storeLocation(o), async (m) => printLists([await m.setActive(name, on)]));
}

export async function intelRefresh(name: string | undefined, o: IntelRefreshOptions): Promise<void> {
  await withManager(storeLocation(o), async (m) => {
    const lists = await m.refresh(name, { force: o.force, dueOnly: o.due });
    if (o.json) process.stdout.write(JSON.stringify(lists, null, 2) + '\n');
    else printLists(lists);
    if (lists.some((l) => l.status === 'ERROR' || l.lastError)) process.exitCode = 3;
  });
}

export async function intelTest(value: string, o: IntelTestOptions): Promise<void> {
  await withManager(storeLocation(o), async (m) => {
    const { services } = await m.buildServices();
    const ip = isIp(value);
    const domain = ip ? undefined : normaliseDomain(value);
    if (!ip && !domain) fail(`${value} is neither an IP address nor a domain`, 2);
    const look = (idx: typeof services.intel.threat) => idx.hits(ip ? idx.lookupIp(value, o.port ?? -1) : idx.lookupDomain(domain!));
    const threat = look(services.intel.threat), trusted = look(services.intel.trusted);
    const result = {
      value, trusted: trusted.map((h) => h.list.name),
      threats: threat.map((h) => ({ list: h.list.name, purpose: h.list.purpose, threat: h.threat ?? null })),
      note: ip && !isPublicIp(value) ? 'private or reserved address: lists are never applied to it in logs' : undefined,
    };
    if (o.json) { process.stdout.write(JSON.stringify(result, null, 2) + '\n'); return; }
    if (!threat.length && !trusted.length) process.stdout.write(`${value}: on no active list.\n`);
    for (const t of result.trusted) process.stdout.write(`${value}: TRUSTED by ${t} — findings for it are suppressed.\n`);
    for (const t of result.threats) process.stdout.write(`${value}: on ${t.list} (${t.purpose}${t.threat ? `, ${t.threat}` : ''})\n`);
    if (result.note) process.stdout.write(`note: ${result.note}\n`);
  });
}

export async function intelValidate(file: string, o: { format: string; json?: boolean }): Promise<void> {
  let format;
  try { format = parseFormat(o.format); } catch (e) { fail((e as Error).message, 2); }
  const text = await readFile(file, 'utf8').catch((e: Error) => fail(`cannot read ${file}: ${e.message}`));
  const r = validateList(text, format);
  if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    process.stdout.write(`${file}: ${r.status.toUpperCase()} — ${r.entries.toLocaleString('en-US')} entries (${r.ipv4} IPv4, ${r.ipv4Cidrs} CIDR, ${r.ipv6} IPv6, ${r.domains} domains, ${r.ipPort} ip:port)`
      + `${r.errorCount ? `, ${r.errorCount} invalid` : ''}${Object.keys(r.skipped).length ? `, skipped: ${Object.entries(r.skipped).map(([k, v]) => `${v} ${k}`).join(', ')}` : ''}\n`);
    for (const e of r.errors.slice(0, 50)) process.stdout.write(`  line ${e.line}: ${e.message}\n`);
    if (r.errors.length > 50) process.stdout.write(`  … ${r.errors.length - 50} more (--json lists them all)\n`);
  }
  process.exitCode = r.status === 'valid' ? 0 : r.status === 'partial' ? 3 : 1;
}

export function intelFeeds(o: { json?: boolean }): void {
  if (o.json) { process.stdout.write(JSON.stringify(FEEDS, null, 2) + '\n'); return; }
  process.stdout.write(table(['Feed', 'What', 'Purpose', 'Refresh', 'Terms'], FEEDS.map((f) => [f.name, f.title, f.purpose, `${f.refreshSeconds / 3600} h`, f.terms])) + '\n');
}
