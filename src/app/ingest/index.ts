/**
 * The continuous ingestion loop of `vigil serve`: polls each source, reads every ready object
 * through scan's per-object pipeline (readers → parsers → engine → findings service), and
 * commits a checkpoint — findings, processed objects (content fingerprints) and detector state
 * in one store transaction — after each poll's objects (every `commitEvery` objects for a
 * backlog). Only then are sources told (cursors move) and notifiers handed the new and updated
 * findings. A kill at any point loses only uncommitted work, which the next start redoes from the
 * last checkpoint's state: no object skipped, none counted twice.
 */
import { resolve } from 'node:path';
import type { Finding } from '../../core/index.js';
import { DETECTORS } from '../../detectors/registry.js';
import { ENRICHERS } from '../../enrich/registry.js';
import { Engine, StateRegistry, type Detector, type Enricher, type EngineServices } from '../../engine/index.js';
import { FindingsService } from '../../findings/index.js';
import { filterScopes } from '../../findings/scope.js';
import type { ContinuousSource, SourceContext } from '../../sources/continuous.js';
import type { SourceObject } from '../../sources/index.js';
import type { ProcessedObject, Store, UsageRow } from '../../store/index.js';
import { processObject, type ScanOptions, type ScanReport } from '../scan.js';
import { SourceHealth, type SourceHealthData } from './health.js';

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
  /**
   * Threat and trusted lists, rebuilt when they change (lists added, activated, refreshed through
   * the API while serving). Checked before a poll's objects are read, when everything before is
   * committed; the engine is rebuilt from that checkpoint with the new lists, so nothing read is
   * lost or read twice.
   */
  intel?: { signature(): Promise<string>; build(): Promise<EngineServices> };
  /** After each checkpoint (notifications hang here). Errors are logged, never undo the commit. */
  onCommit?: (n: CommitNotice) => void | Promise<void>;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** The store's own files are never read as logs. */
export function ownFiles(store: Store): Set<string> {
  return new Set([store.location, `${store.location}-wal`, `${store.location}-shm`, `${store.location}-journal`].map((p) => resolve(p)));
}

export function sourceContext(store: Store): SourceContext { return { store, ignore: ownFiles(store) }; }

class Pipeline {
  services?: EngineServices;
  engine!: Engine;
  state!: StateRegistry;
  findings!: FindingsService;
  seen = new Set<string>();
  usage = new Map<string, UsageRow>();
  newest = 0;
  /** Engine stand-in handed to processObject: notes the newest event time, then dispatches. */
  tap!: Engine;

  constructor(private readonly o: IngestOptions) {}

  async load(): Promise<void> {
    this.state = new StateRegistry();
    this.state.preload(await this.o.store.loadState());
    this.findings = new FindingsService();
    this.engine = new Engine(this.o.detectors ?? DETECTORS, this.o.enrichers ?? ENRICHERS, (c) => this.findings.submit(c), { services: this.services ?? this.o.services }, this.state);
    const engine = this.engine;
    this.tap = { process: (e: Parameters<Engine['process']>[0]) => { if (e.time > this.newest) this.newest = e.time; engine.process(e); } } as unknown as Engine;
    this.seen = new Set();
    this.usage = new Map();
  }
}

export class Ingestor {
  readonly health = new Map<string, SourceHealth>();
  private readonly pipeline: Pipeline;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly nextPoll = new Map<string, number>();
  /** Checkpoints taken since start. */
  commits = 0;
  private intelSignature?: string;
  /** Times the threat lists were reloaded while running. */
  intelReloads = 0;

  constructor(private readonly o: IngestOptions) {
    this.pipeline = new Pipeline(o);
    for (const s of o.sources) {
      this.health.set(s.id, new SourceHealth(s.id, s.type, s.location));
      s.onWake = () => { this.nextPoll.set(s.id, 0); this.wake?.(); };
    }
  }

  get sources(): readonly ContinuousSource[] { return this.o.sources; }

  /** Loads the last checkpoint and starts polling (`loop: false`: tests call pollOnce themselves). */
  async start(o: { loop?: boolean } = {}): Promise<void> {
    for (const s of this.o.sources) {
      const saved = await this.o.store.getDoc<SourceHealthData>('ingest-health', s.id);
      if (saved) this.health.get(s.id)!.restore(saved);
    }
    if (this.o.intel) {
      this.intelSignature = await this.o.intel.signature();
      this.pipeline.services = await this.o.intel.build();
    }
    await this.pipeline.load();
    this.running = true;
    if (o.loop !== false) this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    for (const s of this.o.sources) await s.stop().catch(() => undefined);
  }

  private log(level: 'info' | 'warn' | 'error', msg: string): void { this.o.log?.(level, msg); }

  private async run(): Promise<void> {
    while (this.running) {
      const now = Date.now();
      for (const s of this.o.sources) {
        if (!this.running) break;
        if ((this.nextPoll.get(s.id) ?? 0) > now) continue;
        this.nextPoll.set(s.id, Date.now() + s.intervalMs);
        try {
          await this.pollOnce(s);
        } catch (e) {
          // never let one source's surprise stop the loop (or the process)
          this.health.get(s.id)!.error(e);
          this.log('error', `source ${s.id}: ${(e as Error).stack ?? e}`);
        }
        this.nextPoll.set(s.id, Math.min(this.nextPoll.get(s.id)!, Date.now() + s.intervalMs));
      }
      if (!this.running) break;
      const wait = Math.max(0, Math.min(...this.o.sources.map((s) => this.nextPoll.get(s.id) ?? 0)) - Date.now());
      if (wait > 0) await new Promise<void>((res) => { const t = setTimeout(res, wait); this.wake = () => { clearTimeout(t); res(); }; });
      this.wake = undefined;
    }
  }

  /** One poll of one source: read what is ready, checkpoint. Exposed for tests. */
  async pollOnce(s: ContinuousSource): Promise<number> {
    const h = this.health.get(s.id)!;
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
    if (objects.length === 0) return 0;
    // every earlier object is committed here: the engine may be rebuilt from the store
    await this.reloadIntelIfChanged();
    const every = this.o.commitEvery ?? 25;
    const afterMs = this.o.commitAfterMs ?? 2000;
    let batchStart = Date.now();
    let batch: SourceObject[] = [];
    let done: ProcessedObject[] = [];
    let failed = new Set<SourceObject>();
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      if (!this.running) { s.retry?.(objects.slice(i)); break; }
      const { rec, ok } = await this.read(obj, h);
      batch.push(obj);
      if (rec) done.push(rec);
      if (!ok) failed.add(obj);
      if (batch.length >= every || Date.now() - batchStart >= afterMs) {
        if (!(await this.checkpoint(s, batch, done, failed))) return 0;
        batch = []; done = []; failed = new Set();
        batchStart = Date.now();
      }
    }
    await this.checkpoint(s, batch, done, failed);
    return objects.length;
  }

  private async read(obj: SourceObject, h: SourceHealth): Promise<{ rec?: ProcessedObject; ok: boolean }> {
    const p = this.pipeline;
    const report = { objects: { total: 0, processed: 0, alreadyProcessed: 0, failed: 0 } } as ScanReport;
    const opts = { inputs: [], store: this.o.store, defaultRegion: this.o.defaultRegion, flowFields: this.o.flowFields } as ScanOptions;
    const before = p.newest;
    p.newest = h.newestEventTime;
    let rec: ProcessedObject | undefined;
    try {
      rec = await processObject(obj, opts, p.tap, h.stats, p.seen, this.o.store, report, p.usage);
    } catch (e) {
      // processObject counts bad input itself; an exception here is a source failure (network…)
      h.error(e);
      h.stats.bad('unknown', 'read-error', { object: obj.uri, excerpt: (e as Error).message.slice(0, 200) });
      report.objects.failed++;
    }
    h.newestEventTime = Math.max(h.newestEventTime, p.newest);
    p.newest = Math.max(before, p.newest);
    h.objects.read += report.objects.processed;
    h.objects.alreadyProcessed += report.objects.alreadyProcessed;
    h.objects.failed += report.objects.failed;
    if (report.objects.processed) { h.lastObjectAt = new Date().toISOString(); h.fileSeen(obj.key); }
    return { rec, ok: report.objects.failed === 0 };
  }

  private async checkpoint(s: ContinuousSource, batch: SourceObject[], done: ProcessedObject[], failed: ReadonlySet<SourceObject> = new Set()): Promise<boolean> {
    if (batch.length === 0) return true;
    const p = this.pipeline;
    const h = this.health.get(s.id)!;
    try {
      const filters = await this.o.store.listFilters();
      p.findings.setFilters(filters, await filterScopes(this.o.store, filters));
      const flushed = await p.findings.flush(this.o.store);
      // only the namespaces touched since the last checkpoint: the store keeps the others
      await this.o.store.commit({ findings: flushed.findings, objects: done, state: p.state.changedSnapshots(), usage: [...p.usage.values()] });
      p.usage = new Map();
      p.seen = new Set();
      this.commits++;
      h.lastCommitAt = new Date().toISOString();
      if (s.counters) h.counters = s.counters();
      await this.o.store.putDoc('ingest-health', s.id, '', h.data()).catch(() => undefined);
      await s.committed?.(batch, failed).catch((e) => { h.error(e); });
      if (this.o.onCommit && (flushed.created.length || flushed.updated.length || done.length)) {
        try { await this.o.onCommit({ created: flushed.created, updated: flushed.updated, objects: done, at: Date.now() }); } catch (e) { this.log('error', `after commit: ${(e as Error).message}`); }
      }
      return true;
    } catch (e) {
      // nothing of this batch is stored: start again from the last checkpoint and re-offer it
      h.error(e);
      this.log('error', `checkpoint failed for ${s.id}: ${(e as Error).message}; the batch will be read again`);
      s.retry?.(batch);
      await p.load();
      return false;
    }
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

  /** Health of every source (API, metrics, status). */
  view(): ReturnType<SourceHealth['view']>[] {
    const now = Date.now();
    for (const s of this.o.sources) if (s.counters) this.health.get(s.id)!.counters = s.counters();
    return [...this.health.values()].map((h) => h.view(now));
  }
}
