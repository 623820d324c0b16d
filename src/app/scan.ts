/**
 * One-shot scan: sources → readers → parsers → engine (enrich, detect) → findings service →
 * store, with a checkpoint (findings + processed objects + detector state, one transaction)
 * every `commitEvery` objects and at the end. Objects already processed (by content
 * fingerprint) are skipped, so scanning the same logs twice creates no duplicates and a second
 * scan of new logs continues the same windows and aggregations. Detector state is kept per
 * partition (shards.ts: the account an object's key names), as a cluster keeps it.
 */
import { resolve } from 'node:path';
import type { BadReason, LogKind } from '../core/index.js';
import { excerpt } from '../core/index.js';
import { Engine, type Detector, type Enricher, type EngineServices } from '../engine/index.js';
import { DETECTORS } from '../detectors/registry.js';
import { ENRICHERS } from '../enrich/registry.js';
import { FindingsService } from '../findings/index.js';
import { filterScopes } from '../findings/scope.js';
import { detectKind, keyHints, parserFor, type ParserSession } from '../parsers/index.js';
import { isGzip, objectFingerprint, readObject } from '../readers/index.js';
import { limitsFromEnv, type ParseLimits } from '../parsers/limits.js';
import { expandPaths, type SourceObject } from '../sources/index.js';
import type { CommitBatch, ProcessedObject, Store, UsageRow } from '../store/index.js';
import { IngestStats, type KindKey } from './ingest-stats.js';
import { Shards, stateLayout, type StateLayout } from './shards.js';
import { scanInThreads, scanThreads, type ThreadSetup } from './scan-threads.js';

export interface ScanOptions {
  /** Files, folders (recursive) or glob patterns. */
  inputs: string[];
  store: Store;
  /** Force every object to this log type instead of detecting it. */
  type?: LogKind;
  /** Region for records and paths that name none. */
  defaultRegion?: string;
  /** Re-read objects that were already processed. */
  force?: boolean;
  /** VPC flow field order for objects without a header line. */
  flowFields?: string[];
  /** Record, line, depth, string and object limits (default: limitsFromEnv()). */
  limits?: ParseLimits;
  commitEvery?: number;
  detectors?: readonly Detector[];
  enrichers?: readonly Enricher[];
  /** Threat and trusted lists (see intel/manager.ts buildServices); none when omitted. */
  services?: EngineServices;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Threads that read, parse and detect (default 1); used when the objects fall in more than one
   * partition and `threadSetup` says how a thread opens the store and lists (scan-threads.ts).
   * The findings are the same on any number.
   */
  threads?: number;
  threadSetup?: ThreadSetup;
  /** Stored bytes per thread below which fewer threads start (default MIN_BYTES_PER_THREAD, 8 MiB). */
  minBytesPerThread?: number;
}

export interface ScanProgress {
  objectsDone: number;
  objectsTotal: number;
  records: number;
  bad: number;
  bytesIn: number;
  bytesOut: number;
  elapsedMs: number;
  current: string;
}

export interface FindingTally { type: string; severity: number; created: number; updated: number; occurrences: number }

export interface ScanReport {
  inputs: { missing: { arg: string; reason: string }[] };
  objects: { total: number; processed: number; alreadyProcessed: number; failed: number };
  ingest: IngestStats;
  findings: { created: number; updated: number; suppressed: number; byType: FindingTally[] };
  detectorErrors: { detector: string; count: number; sample: string }[];
  /** Events not analysed because their remote side is on a trusted list, per log type. */
  trustedSkipped: Record<string, number>;
  durationMs: number;
  /** 0 clean, 3 completed with input errors (bad records, unreadable objects, missing inputs). */
  exitCode: 0 | 3;
}

const HEAD_BYTES = 4096;

/** What one run of scanObjects did (plain data: a scan thread posts it to the main thread). */
export interface PartReport {
  objects: { processed: number; alreadyProcessed: number; failed: number };
  ingest: IngestStats['kinds'];
  findings: { created: number; updated: number; suppressed: number };
  tallies: FindingTally[];
  detectorErrors: { detector: string; count: number; sample: string }[];
  trustedSkipped: Record<string, number>;
}

/** Progress of one scanObjects run. */
export interface PartProgress { objectsDone: number; records: number; bad: number; bytesIn: number; current: string }

export async function scan(opts: ScanOptions): Promise<ScanReport> {
  const started = Date.now();
  const { store } = opts;
  // never read the store's own files when a scanned folder holds them
  const own = new Set([store.location, `${store.location}-wal`, `${store.location}-shm`, `${store.location}-journal`].map((p) => resolve(p)));
  const expanded = await expandPaths(opts.inputs);
  const objects = expanded.objects.filter((o) => !own.has(o.uri));
  const missing = expanded.missing;
  const layout = await stateLayout(store);
  let lastProgress = 0;
  const onProgress = (p: PartProgress, force = false) => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastProgress < 200)) return;
    lastProgress = now;
    opts.onProgress({ ...p, objectsTotal: objects.length, bytesOut: 0, elapsedMs: now - started });
  };
  const threads = scanThreads(opts, objects, layout);
  const part = threads > 1
    ? await scanInThreads(opts, objects, layout, threads, onProgress)
    : await scanObjects(objects, opts, layout, (b) => store.commit(b), onProgress);
  await store.optimize();

  const ingest = new IngestStats();
  Object.assign(ingest.kinds, part.ingest);
  const report: ScanReport = {
    inputs: { missing },
    objects: { total: objects.length, ...part.objects },
    ingest,
    findings: { ...part.findings, byType: part.tallies.sort((a, b) => b.severity - a.severity || a.type.localeCompare(b.type)) },
    detectorErrors: part.detectorErrors,
    trustedSkipped: part.trustedSkipped,
    durationMs: Date.now() - started,
    exitCode: 0,
  };
  if (ingest.badTotal > 0 || missing.length > 0 || report.objects.failed > 0 || report.detectorErrors.length > 0) report.exitCode = 3;
  return report;
}

/**
 * Reads `objects` in order through the engine of each one's partition, checkpointing (findings,
 * processed objects, detector state, usage: one `commit`) every `commitEvery` objects and at the
 * end. The scan's own loop, and each scan thread's over its partitions' objects.
 */
export async function scanObjects(objects: readonly SourceObject[], opts: Omit<ScanOptions, 'inputs'>, layout: StateLayout,
  commit: (b: CommitBatch) => Promise<void>, onProgress?: (p: PartProgress, force?: boolean) => void): Promise<PartReport> {
  const { store } = opts;
  const ingest = new IngestStats();
  const findings = new FindingsService();
  const filters = await store.listFilters();
  findings.setFilters(filters, await filterScopes(store, filters));
  const tallies = new Map<string, FindingTally>();
  const tally = (type: string, severity: number) => {
    let t = tallies.get(type);
    if (!t) tallies.set(type, (t = { type, severity, created: 0, updated: 0, occurrences: 0 }));
    t.severity = Math.max(t.severity, severity);
    return t;
  };
  const shards = new Shards(store, layout, (state) => new Engine(opts.detectors ?? DETECTORS, opts.enrichers ?? ENRICHERS, (c) => {
    findings.submit(c);
    tally(c.type, c.severity).occurrences += c.count ?? 1;
  }, { services: opts.services }, state));
  const part: PartReport = {
    objects: { processed: 0, alreadyProcessed: 0, failed: 0 }, ingest: ingest.kinds, findings: { created: 0, updated: 0, suppressed: 0 },
    tallies: [], detectorErrors: [], trustedSkipped: {},
  };
  // processObject writes the object counts into a report
  const report = { objects: { total: 0, processed: 0, alreadyProcessed: 0, failed: 0 } } as ScanReport;

  let sinceCommit: ProcessedObject[] = [];
  let usage = new Map<string, UsageRow>();
  const seenThisRun = new Set<string>();
  const progress: PartProgress = { objectsDone: 0, records: 0, bad: 0, bytesIn: 0, current: '' };
  const tick = (force = false) => {
    progress.records = ingest.recordTotal;
    progress.bad = ingest.badTotal;
    onProgress?.(progress, force);
  };
  const checkpoint = async () => {
    const flushed = await findings.flush(store);
    part.findings.created += flushed.created.length;
    part.findings.updated += flushed.updated.length;
    part.findings.suppressed += flushed.suppressed;
    for (const f of flushed.created) tally(f.type, f.severity).created++;
    for (const f of flushed.updated) tally(f.type, f.severity).updated++;
    await commit({ findings: flushed.findings, objects: sinceCommit, state: shards.snapshots(), usage: [...usage.values()] });
    sinceCommit = [];
    usage = new Map();
  };
  for (const obj of objects) {
    progress.current = obj.key;
    const rec = await processObject(obj, opts, (await shards.of(obj.key)).engine, ingest, seenThisRun, store, report, usage);
    if (rec) sinceCommit.push(rec);
    progress.objectsDone++;
    progress.bytesIn += rec?.size ?? 0;
    tick();
    if (sinceCommit.length >= (opts.commitEvery ?? 200)) await checkpoint();
  }
  await checkpoint();
  tick(true);

  const { total: _total, ...counts } = report.objects;
  part.objects = counts;
  part.tallies = [...tallies.values()];
  const errors = new Map<string, { count: number; sample: string }>();
  for (const { engine } of shards.all) {
    for (const [d, e] of engine.detectorErrors) {
      const prev = errors.get(d);
      errors.set(d, prev ? { count: prev.count + e.count, sample: prev.sample } : { ...e });
    }
    for (const [k, n] of Object.entries(engine.trustedSkipped)) if (n > 0) part.trustedSkipped[k] = (part.trustedSkipped[k] ?? 0) + n;
  }
  part.detectorErrors = [...errors].map(([detector, e]) => ({ detector, ...e }));
  return part;
}

const DATA_SOURCE = { cloudtrail: 'CLOUD_TRAIL', vpcflow: 'FLOW_LOGS', dns: 'DNS_LOGS' } as const;

let defaultLimits: ParseLimits | undefined;

function hasBom(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

export async function processObject(
  obj: SourceObject, opts: Omit<ScanOptions, 'inputs'>, engine: Engine, ingest: IngestStats, seen: Set<string>, store: Store, report: ScanReport,
  usage: Map<string, UsageRow>,
): Promise<ProcessedObject | undefined> {
  const hints = keyHints(obj.key);
  let fingerprint: string;
  try {
    fingerprint = await objectFingerprint(obj);
  } catch (e) {
    ingest.bad(hints.kind ?? 'unknown', 'read-error', { object: obj.uri, excerpt: excerpt((e as Error).message) });
    report.objects.failed++;
    return undefined;
  }
  if (!opts.force && (seen.has(fingerprint) || (await store.processedObjects([fingerprint])).has(fingerprint))) {
    report.objects.alreadyProcessed++;
    return undefined;
  }
  seen.add(fingerprint);
  report.objects.processed++;
  const done = (kind: KindKey, records: number, bad: number): ProcessedObject => ({
    fingerprint, uri: obj.uri, kind, size: obj.size, records, bad, processedAt: new Date().toISOString(),
  });
  if (hints.digest) {
    ingest.skipped('cloudtrail', 'digest');
    ingest.of('cloudtrail').objects++;
    return done('cloudtrail', 0, 0);
  }
  if (obj.size === 0) {
    // zero-length objects are normal (a flow log interval with no traffic, a placeholder): nothing to read
    const k = opts.type ?? hints.kind ?? 'unknown';
    ingest.of(k).objects++;
    ingest.skipped(k, 'empty-object');
    return done(k, 0, 0);
  }
  const limits = opts.limits ?? (defaultLimits ??= limitsFromEnv());

  let kind: KindKey = opts.type ?? hints.kind ?? 'unknown';
  let session: ParserSession | undefined;
  let head: Buffer[] = [];
  let headLen = 0;
  let records = 0;
  let bad = 0;
  const perAccount = new Map<string, number>();
  let firstTime = 0;
  const sink = {
    event: (e: Parameters<Engine['process']>[0]) => {
      records++;
      // usage per account: objects rarely mix accounts, so this is one Map hit per record
      perAccount.set(e.accountId, (perAccount.get(e.accountId) ?? 0) + 1);
      if (firstTime === 0) firstTime = e.time;
      engine.process(e);
    },
    bad: (reason: BadReason, position: number | undefined, text: string) => {
      bad++;
      ingest.bad(kind, reason, { object: obj.uri, position, excerpt: text });
    },
    skipped: (reason: string, n = 1) => ingest.skipped(kind, reason, n),
  };
  const start = (headBuf: Buffer) => {
    const detected = opts.type ?? detectKind(obj.key, hints, headBuf);
    if (!detected) return false;
    kind = detected;
    session = parserFor(detected).open({
      objectName: obj.uri, hints, defaultRegion: opts.defaultRegion ?? 'us-east-1', flowFields: opts.flowFields, limits,
    }, sink);
    return true;
  };
  let undetectable = false;
  let unknownHead = '';
  const gzip = await isGzip(obj).catch(() => false);
  const outcome = await readObject(obj, gzip, (chunk) => {
    if (undetectable) return false;
    if (session) { session.push(chunk); return !session.hopeless; }
    if (head.length === 0 && hasBom(chunk)) chunk = chunk.subarray(3); // a UTF-8 byte-order mark (Windows tools) is not content
    head.push(chunk);
    headLen += chunk.length;
    if (headLen < HEAD_BYTES) return true;
    const h = (head.length === 1 ? head[0] : Buffer.concat(head));
    head = [];
    if (!start(h)) { undetectable = true; unknownHead = h.toString('latin1', 0, 80); return false; }
    session!.push(h);
    return !session!.hopeless;
  }, limits);
  if (!session && !undetectable && headLen > 0) {
    const h = (head.length === 1 ? head[0] : Buffer.concat(head));
    if (start(h)) session!.push(h);
    else { undetectable = true; unknownHead = h.toString('latin1', 0, 80); }
  }
  const ks = ingest.of(kind);
  ks.objects++;
  ks.bytesIn += outcome.bytesIn;
  ks.bytesOut += outcome.bytesOut;
  if (undetectable) {
    sink.bad('unknown-type', undefined, excerpt(unknownHead));
  } else if (headLen === 0 && !outcome.error) {
    ingest.skipped(kind, 'empty-object'); // a gzip of nothing, or only a byte-order mark
  }
  // a cut stream leaves a partial last record, dropped quietly; after trailing data or at a limit the content read is whole
  const cut = outcome.error?.reason === 'gzip-corrupt' || outcome.error?.reason === 'read-error' || outcome.stopped;
  session?.end(Boolean(cut));
  if (outcome.error) {
    sink.bad(outcome.error.reason, undefined, excerpt(`${outcome.error.message} (${outcome.bytesOut} bytes decompressed and read)`));
  }
  ks.records += records;
  if (kind !== 'unknown' && records > 0) {
    const day = new Date(firstTime).toISOString().slice(0, 10);
    for (const [accountId, n] of perAccount) {
      const key = `${accountId}|${kind}|${day}`;
      const row = usage.get(key) ?? { accountId, dataSource: DATA_SOURCE[kind], day, events: 0, bytes: 0 };
      row.events += n;
      row.bytes += Math.round(outcome.bytesOut * (n / records));
      usage.set(key, row);
    }
  }
  return done(kind, records, bad);
}
