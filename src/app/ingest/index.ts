/**
 * The continuous ingestion loop of `vigil serve`: polls each source, reads every ready object
 * through scan's per-object pipeline (readers → parsers → engine → findings service), and
 * commits a checkpoint — findings, processed objects (content fingerprints) and detector state
 * in one store transaction — after each poll's objects (every `commitEvery` objects for a
 * backlog). Only then are sources told (cursors move), health counts the batch and notifiers are
 * handed the new and updated findings. A kill at any point loses only uncommitted work, which the
 * next start redoes from the last checkpoint's state: no object skipped, none counted twice.
 *
 * Failures never stall a source for good. A batch whose checkpoint (or read) fails is dropped
 * from memory — the pipeline is loaded again from the last checkpoint — and held by the loop,
 * which tries it again after a backoff (retry.ts). An environment failure (a full disk, a locked
 * database, a lost connection: transient.ts) is retried as it is until the cause is gone. Any
 * other error is blamed on an object: the batch is retried one object per checkpoint, so the
 * good objects commit, and an object that keeps failing alone is quarantined (quarantine.ts),
 * skipped from then on, until `vigil quarantine requeue` puts it back.
 */
import { resolve } from 'node:path';
import type { Finding } from '../../core/index.js';
import type { Detector, Enricher, EngineServices } from '../../engine/index.js';
import { filterScopes } from '../../findings/scope.js';
import { objectFingerprint } from '../../readers/index.js';
import type { ContinuousSource, SourceContext } from '../../sources/continuous.js';
import type { SourceObject } from '../../sources/index.js';
import type { ProcessedObject, Store } from '../../store/index.js';
import { processObject, type ScanOptions, type ScanReport } from '../scan.js';
import { SourceHealth, Tally, type SourceHealthData, type SourceHealthView } from './health.js';
import { Pipeline, WatchedObject } from './pipeline.js';
import type { StateLayout } from '../shards.js';
import { listQuarantine, putQuarantine, quarantineId, type QuarantineRecord } from './quarantine.js';
import { RETRY_DEFAULTS, backoffMs, type RetryOptions } from './retry.js';
import { PollLoop } from './poll-loop.js';
import { describeError, isTransient } from '../../core/transient.js';

export interface CommitNotice {
  created: Finding[];
  updated: Finding[];
  objects: ProcessedObject[];
  /** Wall time the checkpoint was committed (ms). */
  at: number;
}

export interface IngestOptions {
  store: Store;
  sources: ContinuousSource[];
  services?: EngineServices;
  defaultRegion?: string;
  flowFields?: string[];
  /** Objects per checkpoint while working through a backlog (default 25). */
  commitEvery?: number;
  /** …or after this much work (ms, default 2000), whichever comes first. */
  commitAfterMs?: number;
  detectors?: readonly Detector[];
  enrichers?: readonly Enricher[];
  /** Backoff and quarantine of failing batches (retry.ts). */
  retry?: RetryOptions;
  /**
   * Threat and trusted lists, rebuilt when they change (lists added, activated, refreshed through
   * the API while serving). Checked before a poll's objects are read, when everything before is
   * committed; the engine is rebuilt from that checkpoint with the new lists, so nothing read is
   * lost or read twice.
   */
  intel?: { signature(): Promise<string>; build(): Promise<EngineServices> };
  /** After each checkpoint (notifications hang here). Errors are logged, never undo the commit. */
  onCommit?: (n: CommitNotice) => void | Promise<void>;
  /** The state layout instead of the database's (shards.ts); a cluster partition's store prefixes state itself. */
  layout?: StateLayout;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** The store's own files are never read as logs. */
export function ownFiles(store: Store): Set<string> {
  return new Set([store.location, `${store.location}-wal`, `${store.location}-shm`, `${store.location}-journal`].map((p) => resolve(p)));
}

export function sourceContext(store: Store): SourceContext { return { store, ignore: ownFiles(store) }; }

/** One object read into the pipeline, not yet committed. */
interface Read {
  obj: SourceObject;
  rec?: ProcessedObject;
  /** False when the object could not be read (counted as failed; its SQS message stays). */
  ok: boolean;
  tally: Tally;
  /**
   * Set when the read threw, or its connection dropped: what the batch did in memory may hold part
   * of this object, so the batch is dropped and tried again like a failed checkpoint.
   */
  error?: unknown;
}

/** Failures of one object while it was held for retry. */
interface Tries { all: number; alone: number; first: number }

/**
 * A source's uncommitted objects, in order, worked off checkpoint by checkpoint. While failing it
 * waits in `Ingestor.failing` until `nextAt`; the source is not polled meanwhile (its new objects
 * wait with it), the other sources are.
 */
interface Work {
  pending: SourceObject[];
  /** The first this many pending objects are checkpointed one at a time (finding a poison object). */
  alone: number;
  /** Consecutive failed attempts (the backoff's exponent). */
  failures: number;
  nextAt: number;
  since: number;
  tries: Map<SourceObject, Tries>;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

export class Ingestor {
  readonly health = new Map<string, SourceHealth>();
  private readonly pipeline: Pipeline;
  private running = false;
  private readonly polls: PollLoop<ContinuousSource>;
  /** Checkpoints taken since start. */
  commits = 0;
  private intelSignature?: string;
  /** Times the threat lists were reloaded while running. */
  intelReloads = 0;
  /** Per source: the work held after a failure, until it commits. */
  private readonly failing = new Map<string, Work>();
  /** Quarantined objects by record id, with the object itself once this run saw it (to re-read it when re-queued). */
  private readonly quarantine = new Map<string, { record: QuarantineRecord; obj?: SourceObject }>();
  /** Per source: re-queued objects, read before the source's next poll. */
  private readonly requeued = new Map<string, SourceObject[]>();
  /** The pipeline holds effects of a batch that did not commit (its reload failed): load before reading. */
  private dirty = false;
  private readonly retryOpts: Required<RetryOptions>;

  constructor(private readonly o: IngestOptions) {
    this.pipeline = new Pipeline(o);
    this.retryOpts = { ...RETRY_DEFAULTS, ...o.retry };
    for (const s of o.sources) {
      this.health.set(s.id, new SourceHealth(s.id, s.type, s.location));
    }
    this.polls = new PollLoop(o.sources, async (s) => {
      try {
        await this.pollOnce(s);
      } catch (e) {
        // never let one source's surprise stop the loop (or the process)
        this.health.get(s.id)!.error(e);
        this.log('error', `source ${s.id}: ${(e as Error).stack ?? e}`);
      }
      const w = this.failing.get(s.id);
      if (w) this.polls.at(s.id, w.nextAt);
    });
  }

  get sources(): readonly ContinuousSource[] { return this.o.sources; }

  /** Loads the last checkpoint and starts polling (`loop: false`: tests call pollOnce themselves). */
  async start(o: { loop?: boolean } = {}): Promise<void> {
    for (const s of this.o.sources) {
      const saved = await this.o.store.getDoc<SourceHealthData>('ingest-health', s.id);
      if (saved) this.health.get(s.id)!.restore(saved);
    }
    for (const q of await listQuarantine(this.o.store)) this.quarantine.set(q.id, { record: q });
    if (this.o.intel) {
      this.intelSignature = await this.o.intel.signature();
      this.pipeline.services = await this.o.intel.build();
    }
    await this.pipeline.load();
    this.running = true;
    if (o.loop !== false) this.polls.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.polls.stop();
    for (const s of this.o.sources) await s.stop().catch(() => undefined);
  }

  private log(level: 'info' | 'warn' | 'error', msg: string): void { this.o.log?.(level, msg); }

  /**
   * One turn of one source: its held work when that is due (nothing while backing off), else a
   * poll — re-queued objects first, quarantined ones skipped — read and checkpointed. Returns the
   * objects committed (or quarantined) in this turn. Exposed for tests.
   */
  async pollOnce(s: ContinuousSource): Promise<number> {
    const h = this.health.get(s.id)!;
    await this.syncQuarantine();
    const held = this.failing.get(s.id);
    if (held) return Date.now() < held.nextAt ? 0 : this.drain(s, held);
    let objects: SourceObject[];
    try {
      objects = await s.poll();
      h.lastPollAt = new Date().toISOString();
    } catch (e) {
      h.error(e);
      this.log('warn', `source ${s.id}: ${(e as Error).message}`);
      return 0;
    }
    for (const n of s.notices?.splice(0) ?? []) h.notice(n.reason, n.uri);
    const again = this.requeued.get(s.id) ?? [];
    this.requeued.delete(s.id);
    objects = await this.skipQuarantined(s, [...again, ...objects]);
    if (objects.length === 0) return 0;
    // every earlier object is committed here: the engine may be rebuilt from the store
    if (!this.dirty) await this.reloadIntelIfChanged();
    return this.drain(s, { pending: objects, alone: 0, failures: 0, nextAt: 0, since: 0, tries: new Map() });
  }

  /**
   * Works off `w` checkpoint by checkpoint. On a failure the work is kept in `failing` with its
   * next attempt time and the loop goes on with the other sources.
   */
  private async drain(s: ContinuousSource, w: Work): Promise<number> {
    const h = this.health.get(s.id)!;
    const every = this.o.commitEvery ?? 25;
    const afterMs = this.o.commitAfterMs ?? 2000;
    let handled = 0;
    while (w.pending.length > 0) {
      if (!this.running) {
        // stopping: offered again at the next start (SQS: made visible again)
        s.retry?.(w.pending);
        this.settle(s);
        return handled;
      }
      const loaded = await this.ensureLoaded();
      if (loaded !== true) { this.failed(s, w, [], loaded.error); return handled; }
      const alone = w.alone > 0;
      const reads: Read[] = [];
      const started = Date.now();
      let outcome: Outcome | undefined;
      for (const obj of w.pending) {
        const r = await this.read(obj, h);
        reads.push(r);
        if (r.error !== undefined) {
          // what this batch did in memory goes; all of it is read again after the backoff
          outcome = { ok: false, error: r.error };
          this.dirty = true;
          await this.ensureLoaded();
          break;
        }
        if (alone || reads.length >= every || Date.now() - started >= afterMs || !this.running) break;
      }
      outcome ??= await this.checkpoint(s, reads);
      if (outcome.ok) {
        w.pending.splice(0, reads.length);
        if (alone) w.alone--;
        w.failures = 0;
        handled += reads.length;
        continue;
      }
      const group = reads.map((r) => r.obj);
      if (await this.blame(s, w, group, reads[0]?.rec, outcome.error)) { handled++; continue; }
      this.failed(s, w, group, outcome.error);
      return handled;
    }
    this.settle(s);
    return handled;
  }

  /**
   * After a failed attempt on `group` with an error that is not the environment's: the objects
   * are checkpointed one at a time from now on, and a lone object that failed
   * `quarantineAfter` times is quarantined — if a checkpoint without it works (else it is not the
   * object: it stays, and the source waits with the error in health).
   * True when `group[0]` was quarantined (the work goes on at once without it).
   */
  private async blame(s: ContinuousSource, w: Work, group: SourceObject[], rec: ProcessedObject | undefined, error: unknown): Promise<boolean> {
    const now = Date.now();
    for (const o of group) {
      const t = w.tries.get(o) ?? { all: 0, alone: 0, first: now };
      t.all++;
      if (group.length === 1) t.alone++;
      w.tries.set(o, t);
    }
    if (isTransient(error)) return false;
    if (group.length > 1) { w.alone = Math.max(w.alone, group.length); return false; }
    const obj = group[0];
    const t = w.tries.get(obj)!;
    if (t.alone < this.retryOpts.quarantineAfter) return false;
    const h = this.health.get(s.id)!;
    const fingerprint = rec?.fingerprint;
    const record: QuarantineRecord = {
      id: quarantineId(s.id, obj.uri, fingerprint, obj.size), source: s.id, uri: obj.uri, key: obj.key, size: obj.size,
      ...(fingerprint ? { fingerprint } : {}), error: describeError(error), tries: t.all,
      firstFailureAt: new Date(t.first).toISOString(), lastFailureAt: new Date(now).toISOString(), quarantinedAt: new Date(now).toISOString(),
    };
    try {
      // the probe: the same checkpoint without this object's content must work, else it is not the object
      const filters = await this.o.store.listFilters();
      await filterScopes(this.o.store, filters);
      await this.o.store.commit({});
      await this.o.store.putDoc('ingest-health', s.id, '', h.data());
      await putQuarantine(this.o.store, record);
    } catch (e) {
      this.log('warn', `source ${s.id}: checkpoints fail without ${obj.uri} too (${describeError(e)}); it is not quarantined`);
      return false;
    }
    this.quarantine.set(record.id, { record, obj });
    w.pending.shift();
    if (w.alone > 0) w.alone--;
    w.failures = 0;
    w.tries.delete(obj);
    h.retry.quarantined++;
    h.error(error);
    this.log('error', `source ${s.id}: quarantined ${obj.uri} after ${t.all} failed checkpoints: ${record.error} (vigil quarantine requeue ${record.id})`);
    // its source is done with it: an SQS message is not deleted (it comes back, is skipped, may reach a dead-letter queue)
    await s.committed?.([obj], new Set([obj])).catch((e) => { h.error(e); });
    await this.o.store.putDoc('ingest-health', s.id, '', h.data()).catch(() => undefined);
    return true;
  }

  /** Keeps `w` for a retry after the backoff and shows it in health. */
  private failed(s: ContinuousSource, w: Work, group: SourceObject[], error: unknown): void {
    const h = this.health.get(s.id)!;
    const now = Date.now();
    const transient = isTransient(error);
    w.failures++;
    w.since ||= now;
    w.nextAt = now + backoffMs(w.failures, this.retryOpts);
    this.failing.set(s.id, w);
    h.error(error);
    h.retry.retries++;
    h.retry.waiting = w.pending.length;
    h.retry.failingSince = new Date(w.since).toISOString();
    h.retry.backoffUntil = new Date(w.nextAt).toISOString();
    h.retry.lastFailure = { message: describeError(error), at: new Date(now).toISOString(), transient };
    const what = group.length === 1 ? group[0].uri : `a batch of ${group.length || w.pending.length} object(s)`;
    this.log(transient ? 'warn' : 'error', `source ${s.id}: ${what} did not commit (${transient ? 'store or network' : 'object-specific'}: ${describeError(error)}); next try in ${w.nextAt - now} ms`);
  }

  /** Nothing held for the source any more. */
  private settle(s: ContinuousSource): void {
    this.failing.delete(s.id);
    const r = this.health.get(s.id)!.retry;
    r.waiting = 0;
    r.backoffUntil = undefined;
    r.failingSince = undefined;
  }

  /** Loads the pipeline from the last checkpoint if a failed batch left it dirty. */
  private async ensureLoaded(): Promise<true | { error: unknown }> {
    if (!this.dirty) return true;
    try {
      await this.pipeline.load();
      this.dirty = false;
      return true;
    } catch (e) {
      return { error: e };
    }
  }

  private async read(obj: SourceObject, h: SourceHealth): Promise<Read> {
    const p = this.pipeline;
    const tally = new Tally();
    const report = { objects: { total: 0, processed: 0, alreadyProcessed: 0, failed: 0 } } as ScanReport;
    const opts = { inputs: [], store: this.o.store, defaultRegion: this.o.defaultRegion, flowFields: this.o.flowFields } as ScanOptions;
    const watched = new WatchedObject(obj);
    p.newest = 0;
    let rec: ProcessedObject | undefined;
    let thrown: unknown;
    try {
      rec = await processObject(watched, opts, await p.engineFor(obj.key), tally.stats, p.seen, this.o.store, report, p.usage);
    } catch (e) {
      thrown = e;
    }
    // processObject counts bad input and unreadable objects itself (a read-error sample); what it
    // throws, or a stream error that was a dropped connection, is a failure of the attempt
    const error = thrown ?? (watched.error !== undefined && isTransient(watched.error) ? watched.error : undefined);
    if (error !== undefined) {
      h.error(error);
      return { obj, ok: false, tally, error };
    }
    tally.newestEventTime = p.newest;
    tally.objects.read = report.objects.processed;
    tally.objects.alreadyProcessed = report.objects.alreadyProcessed;
    tally.objects.failed = report.objects.failed;
    if (report.objects.processed) { tally.lastObjectAt = new Date().toISOString(); tally.keys.push(obj.key); }
    return { obj, rec, ok: report.objects.failed === 0, tally };
  }

  /** One checkpoint of `reads`. On failure nothing of them is kept in memory either. */
  private async checkpoint(s: ContinuousSource, reads: Read[]): Promise<Outcome> {
    if (reads.length === 0) return { ok: true };
    const p = this.pipeline;
    const h = this.health.get(s.id)!;
    const done = reads.flatMap((r) => (r.rec ? [r.rec] : []));
    let flushed: Awaited<ReturnType<typeof p.findings.flush>>;
    try {
      const filters = await this.o.store.listFilters();
      p.findings.setFilters(filters, await filterScopes(this.o.store, filters));
      flushed = await p.findings.flush(this.o.store);
      // only the namespaces touched since the last checkpoint: the store keeps the others
      await this.o.store.commit({ findings: flushed.findings, objects: done, state: p.shards.changedSnapshots(), usage: [...p.usage.values()] });
    } catch (e) {
      // nothing of this batch is stored: back to the last checkpoint's state
      this.dirty = true;
      await this.ensureLoaded();
      return { ok: false, error: e };
    }
    p.usage = new Map();
    p.seen = new Set();
    this.commits++;
    for (const r of reads) h.apply(r.tally);
    h.lastCommitAt = new Date().toISOString();
    if (s.counters) h.counters = s.counters();
    await this.o.store.putDoc('ingest-health', s.id, '', h.data()).catch(() => undefined);
    const failed = new Set(reads.filter((r) => !r.ok).map((r) => r.obj));
    await s.committed?.(reads.map((r) => r.obj), failed).catch((e) => { h.error(e); });
    if (this.o.onCommit && (flushed.created.length || flushed.updated.length || done.length)) {
      try { await this.o.onCommit({ created: flushed.created, updated: flushed.updated, objects: done, at: Date.now() }); } catch (e) { this.log('error', `after commit: ${(e as Error).message}`); }
    }
    return { ok: true };
  }

  /**
   * Follows the store's quarantine records: a record gone (re-queued by `vigil quarantine
   * requeue`, maybe from another process) puts its object before the source's next poll.
   */
  private async syncQuarantine(): Promise<void> {
    let records: QuarantineRecord[];
    try { records = await listQuarantine(this.o.store); } catch { return; }
    const ids = new Set(records.map((q) => q.id));
    for (const [id, q] of this.quarantine) {
      if (ids.has(id)) continue;
      this.quarantine.delete(id);
      const h = this.health.get(q.record.source);
      if (!h) continue;
      h.retry.requeued++;
      if (q.obj) {
        const list = this.requeued.get(q.record.source) ?? [];
        list.push(q.obj);
        this.requeued.set(q.record.source, list);
        this.polls.due(q.record.source);
      }
      this.log('info', `source ${q.record.source}: ${q.record.uri} re-queued`);
    }
    for (const q of records) if (!this.quarantine.has(q.id)) this.quarantine.set(q.id, { record: q });
  }

  /** Drops quarantined objects from a poll (the same URI with other content is new and read). */
  private async skipQuarantined(s: ContinuousSource, objects: SourceObject[]): Promise<SourceObject[]> {
    const mine = [...this.quarantine.values()].filter((q) => q.record.source === s.id);
    if (mine.length === 0) return objects;
    const kept: SourceObject[] = [];
    const skipped: SourceObject[] = [];
    for (const obj of objects) {
      const candidates = mine.filter((q) => q.record.uri === obj.uri);
      if (candidates.length === 0) { kept.push(obj); continue; }
      const fingerprint = await objectFingerprint(obj).catch(() => undefined);
      const q = candidates.find((c) => (c.record.fingerprint ? c.record.fingerprint === fingerprint : c.record.size === obj.size));
      if (!q) { kept.push(obj); continue; }
      q.obj = obj;
      skipped.push(obj);
    }
    if (skipped.length) await s.committed?.(skipped, new Set(skipped)).catch((e) => { this.health.get(s.id)!.error(e); });
    return kept;
  }

  /** Between checkpoints: new lists → a new engine restored from the last checkpoint. */
  private async reloadIntelIfChanged(): Promise<void> {
    if (!this.o.intel) return;
    try {
      const sig = await this.o.intel.signature();
      if (sig === this.intelSignature) return;
      this.pipeline.services = await this.o.intel.build();
      this.intelSignature = sig;
      await this.pipeline.load();
      this.intelReloads++;
      this.log('info', 'threat lists changed: reloaded for ingestion');
    } catch (e) {
      this.log('warn', `threat lists: ${(e as Error).message}`);
    }
  }

  /** Health of every source (API, metrics, status), with the objects each has in quarantine. */
  view(): SourceHealthView[] {
    const now = Date.now();
    for (const s of this.o.sources) if (s.counters) this.health.get(s.id)!.counters = s.counters();
    const records = [...this.quarantine.values()].map((q) => q.record);
    return [...this.health.values()].map((h) => ({ ...h.view(now), quarantine: records.filter((q) => q.source === h.id) }));
  }
}
