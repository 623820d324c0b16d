/**
 * A scan on several threads (`vigil scan --threads N`): the partitions of the objects
 * (shards.ts: the account each key names) are spread over N threads by bytes, largest first onto
 * the least loaded; the largest group stays on this thread, the others go to N − 1 worker threads
 * (scan-thread.ts). Each reads, decompresses, parses and detects its partitions' objects in
 * order, with its own engines (a worker with a connection of its own for reads). Checkpoints go through the main thread, which commits them one at a time, so the store
 * has one writer and a thread's next checkpoint always sees its last. Partitions share no state,
 * so the findings are those of a scan on one thread.
 *
 * A scan stays on one thread when there is nothing to spread (one partition, a database with
 * unpartitioned state from before), when the caller did not say how a thread opens the store
 * (`threadSetup`), or when it brings its own detectors or enrichers (functions do not cross threads).
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { SourceObject } from '../sources/index.js';
import { isReferable, refOf, type ObjectRef } from '../sources/refs.js';
import type { CommitBatch } from '../store/index.js';
import type { IntelManagerOptions, AdHocList } from '../intel/manager.js';
import type { ParseLimits } from '../parsers/limits.js';
import type { LogKind } from '../core/index.js';
import type { StateLayout } from './shards.js';
import { partitionOfKey } from '../cluster/partitions.js';
import { scanObjects, type FindingTally, type PartProgress, type PartReport, type ScanOptions } from './scan.js';

/** How a scan thread opens what the main thread has: plain data only. */
export interface ThreadSetup {
  /** The store's location as given (a PostgreSQL URL with its password: the store's own `location` hides it). */
  store: string;
  /** Threat and trusted lists: the stored ones (from this cache) plus these ad-hoc ones. */
  intel?: { options: Omit<IntelManagerOptions, 'now'>; adHoc: AdHocList[] };
  /** An ENI → instance inventory file (`--inventory`). */
  inventory?: string;
}

/** What a scan thread is given. */
export interface ThreadInput {
  setup: ThreadSetup;
  layout: StateLayout;
  refs: ObjectRef[];
  options: { type?: LogKind; defaultRegion?: string; force?: boolean; flowFields?: string[]; limits?: ParseLimits; commitEvery?: number };
}

export type ThreadMessage =
  | { type: 'progress'; progress: PartProgress }
  | { type: 'commit'; id: number; batch: CommitBatch }
  | { type: 'done'; part: PartReport }
  | { type: 'error'; message: string };

/**
 * Bytes (as stored) below which another thread is not worth starting: a thread loads the code
 * and its partitions' state first (about 0.3 s compiled), about what 3 MB of CloudTrail takes.
 */
export const MIN_BYTES_PER_THREAD = 8 * 1024 * 1024;

/** The threads a scan of these objects uses (1: in this thread). */
export function scanThreads(opts: ScanOptions, objects: readonly SourceObject[], layout: StateLayout): number {
  const wanted = Math.floor(opts.threads ?? 1);
  if (wanted <= 1 || !opts.threadSetup || opts.detectors || opts.enrichers || layout.partitions === 1) return 1;
  if (!objects.every(isReferable)) return 1;
  const partitions = new Set(objects.map((o) => partitionOfKey(o.key, layout.partitions)));
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  const worth = Math.floor(bytes / (opts.minBytesPerThread ?? MIN_BYTES_PER_THREAD));
  return Math.max(1, Math.min(wanted, partitions.size, worth));
}

/** Partition → thread: by bytes, the largest partition first onto the least loaded thread; the groups most bytes first. */
export function spread(objects: readonly SourceObject[], layout: StateLayout, threads: number): SourceObject[][] {
  const bytes = new Map<number, number>();
  for (const o of objects) { const p = partitionOfKey(o.key, layout.partitions); bytes.set(p, (bytes.get(p) ?? 0) + Math.max(1, o.size)); }
  const load = new Array<number>(threads).fill(0);
  const owner = new Map<number, number>();
  for (const [p, b] of [...bytes].sort((x, y) => y[1] - x[1] || x[0] - y[0])) {
    const t = load.indexOf(Math.min(...load));
    owner.set(p, t);
    load[t] += b;
  }
  const out = Array.from({ length: threads }, () => [] as SourceObject[]);
  for (const o of objects) out[owner.get(partitionOfKey(o.key, layout.partitions))!].push(o);
  // the most bytes first
  const order = load.map((b, t) => [b, t] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  return order.map(([, t]) => out[t]);
}

/**
 * How to start the thread's module: compiled, or (tests, the bench) from source through tsx's
 * API, since a worker does not inherit the loader hooks `node --import tsx` gave this thread.
 */
function threadEntry(): { code: string | URL; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { code: pathToFileURL(join(dirname(here), 'scan-thread.js')), eval: false };
  const entry = pathToFileURL(join(dirname(here), 'scan-thread.ts')).href;
  return { code: `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`, eval: true };
}

export async function scanInThreads(opts: ScanOptions, objects: readonly SourceObject[], layout: StateLayout, threads: number,
  onProgress: (p: PartProgress, force?: boolean) => void): Promise<PartReport> {
  const { store } = opts;
  // the largest group stays on this thread, which starts at once with what it has loaded; the
  // others go to worker threads, which first load the code (~0.3 s compiled)
  const groups = spread(objects, layout, threads);
  const progress = groups.map((): PartProgress => ({ objectsDone: 0, records: 0, bad: 0, bytesIn: 0, current: '' }));
  const report = (force = false) => {
    const sum: PartProgress = { objectsDone: 0, records: 0, bad: 0, bytesIn: 0, current: '' };
    for (const p of progress) { sum.objectsDone += p.objectsDone; sum.records += p.records; sum.bad += p.bad; sum.bytesIn += p.bytesIn; sum.current ||= p.current; }
    onProgress(sum, force);
  };
  const workers: Worker[] = [];
  // the store has one writer: checkpoints are committed in the order they arrive
  let commits: Promise<void> = Promise.resolve();
  const commit = (b: CommitBatch): Promise<void> => (commits = commits.then(() => store.commit(b)));
  const inWorker = (group: SourceObject[], i: number) => new Promise<PartReport>((resolve, reject) => {
    const input: ThreadInput = {
      setup: opts.threadSetup!, layout, refs: group.map(refOf),
      options: { type: opts.type, defaultRegion: opts.defaultRegion, force: opts.force, flowFields: opts.flowFields, limits: opts.limits, commitEvery: opts.commitEvery },
    };
    const entry = threadEntry();
    const w = new Worker(entry.code, { workerData: input, eval: entry.eval });
    workers.push(w);
    let settled = false;
    w.on('message', (m: ThreadMessage) => {
      if (m.type === 'progress') { progress[i] = m.progress; report(); return; }
      if (m.type === 'commit') {
        commit(m.batch).then(
          () => w.postMessage({ type: 'committed', id: m.id }),
          (e: Error) => w.postMessage({ type: 'commit-failed', id: m.id, message: e.message, code: (e as { code?: string }).code }));
        return;
      }
      settled = true;
      if (m.type === 'done') resolve(m.part); else reject(new Error(m.message));
    });
    w.on('error', (e) => { settled = true; reject(e); });
    w.on('exit', (code) => { if (!settled) reject(new Error(`scan thread ${i + 1} stopped (exit code ${code}) before it finished`)); });
  });
  try {
    const here = scanObjects(groups[0], opts, layout, commit, (p) => { progress[0] = { ...p }; report(); });
    const parts = await Promise.all([here, ...groups.slice(1).map((g, i) => inWorker(g, i + 1))]);
    await commits;
    report(true);
    return mergeParts(parts);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One report from the threads' reports. */
export function mergeParts(parts: PartReport[]): PartReport {
  const out: PartReport = {
    objects: { processed: 0, alreadyProcessed: 0, failed: 0 }, ingest: {}, findings: { created: 0, updated: 0, suppressed: 0 },
    tallies: [], detectorErrors: [], trustedSkipped: {},
  };
  const tallies = new Map<string, FindingTally>();
  const errors = new Map<string, { detector: string; count: number; sample: string }>();
  for (const p of parts) {
    for (const k of ['processed', 'alreadyProcessed', 'failed'] as const) out.objects[k] += p.objects[k];
    for (const k of ['created', 'updated', 'suppressed'] as const) out.findings[k] += p.findings[k];
    for (const [kind, s] of Object.entries(p.ingest) as [keyof PartReport['ingest'], NonNullable<PartReport['ingest'][keyof PartReport['ingest']]>][]) {
      const t = (out.ingest[kind] ??= { objects: 0, records: 0, bytesIn: 0, bytesOut: 0, bad: {}, skipped: {} });
      t.objects += s.objects; t.records += s.records; t.bytesIn += s.bytesIn; t.bytesOut += s.bytesOut;
      for (const [why, n] of Object.entries(s.skipped)) t.skipped[why] = (t.skipped[why] ?? 0) + n;
      for (const [reason, b] of Object.entries(s.bad) as [keyof typeof s.bad, NonNullable<(typeof s.bad)[keyof typeof s.bad]>][]) {
        const e = (t.bad[reason] ??= { count: 0, samples: [] });
        e.count += b.count;
        for (const x of b.samples) if (e.samples.length < 3) e.samples.push(x);
      }
    }
    for (const x of p.tallies) {
      const t = tallies.get(x.type);
      if (!t) tallies.set(x.type, { ...x });
      else { t.severity = Math.max(t.severity, x.severity); t.created += x.created; t.updated += x.updated; t.occurrences += x.occurrences; }
    }
    for (const d of p.detectorErrors) {
      const e = errors.get(d.detector);
      if (e) e.count += d.count; else errors.set(d.detector, { ...d });
    }
    for (const [k, n] of Object.entries(p.trustedSkipped)) out.trustedSkipped[k] = (out.trustedSkipped[k] ?? 0) + n;
  }
  out.tallies = [...tallies.values()];
  out.detectorErrors = [...errors.values()];
  return out;
}
