/**
 * Ingestion health per continuous source: what was read (objects, records, bytes), what was bad
 * (by reason, with samples), lag (newest event time read vs now), CloudTrail gaps (an expected
 * 5-minute file slot with no file, per account and region) and the last error. Kept in memory,
 * saved with every checkpoint as a store document (`ingest-health`), so `vigil status` can read
 * it without the server and counts continue across restarts.
 *
 * Counts are of committed work only: what a batch read is staged in a `Tally` and applied when its
 * checkpoint commits, so a batch read again after a failed checkpoint counts its objects, records
 * and bad records once. Failed attempts are counted apart, in `retry`.
 */
import { IngestStats, type KindStats } from '../ingest-stats.js';
import type { QuarantineRecord } from './quarantine.js';

const SLOT = 5 * 60_000;
/** CloudTrail delivers a file within ~15 minutes: slots younger than that are not called missing yet. */
const GAP_GRACE = 15 * 60_000;
/** How far back gaps are reported. */
const GAP_WINDOW = 24 * 3_600_000;

/** Retries of failed checkpoints, apart from what was read. */
export interface RetryHealth {
  /** Failed attempts (a checkpoint or a read that failed), each followed by a backoff and a retry. */
  retries: number;
  /** Objects quarantined since the first start. */
  quarantined: number;
  /** Quarantined objects re-queued. */
  requeued: number;
  /** Objects held for the next attempt (0 when nothing is failing). */
  waiting: number;
  /** When the next attempt is due, while failing. */
  backoffUntil?: string;
  /** When the failing batch first failed, while failing. */
  failingSince?: string;
  /** The last failed attempt; `transient`: the store's or the network's (never quarantines). */
  lastFailure?: { message: string; at: string; transient: boolean };
}

const noRetries = (): RetryHealth => ({ retries: 0, quarantined: 0, requeued: 0, waiting: 0 });

/** What one batch read, counted into the source's health only when the batch commits. */
export class Tally {
  readonly stats = new IngestStats();
  readonly objects = { read: 0, alreadyProcessed: 0, failed: 0 };
  newestEventTime = 0;
  lastObjectAt?: string;
  /** Keys of objects read (CloudTrail file slots). */
  readonly keys: string[] = [];
}

export interface GapReport { accountId: string; region: string; missingSlots: number; recent: string[]; newestFile: string }

export interface SourceHealthData {
  id: string;
  type: string;
  location: string;
  objects: { read: number; alreadyProcessed: number; failed: number };
  kinds: Partial<Record<string, KindStats>>;
  notices: Record<string, { count: number; samples: string[] }>;
  newestEventTime?: string;
  lastPollAt?: string;
  lastObjectAt?: string;
  lastCommitAt?: string;
  lastError?: { message: string; at: string };
  /** The source's own counters (SQS messages, S3 partitions). */
  counters?: Record<string, number>;
  /** Slots seen per `account|region` (5-minute slot numbers), for gaps. */
  slots?: Record<string, number[]>;
  retry?: RetryHealth;
}

export interface SourceHealthView extends Omit<SourceHealthData, 'slots'> {
  records: number;
  bytesIn: number;
  badRecords: number;
  lagSeconds?: number;
  gaps: GapReport[];
  retry: RetryHealth;
  /** Objects of this source in quarantine now (from the store's quarantine records). */
  quarantine?: QuarantineRecord[];
}

export class SourceHealth {
  stats = new IngestStats();
  objects = { read: 0, alreadyProcessed: 0, failed: 0 };
  notices: SourceHealthData['notices'] = {};
  newestEventTime = 0;
  lastPollAt?: string;
  lastObjectAt?: string;
  lastCommitAt?: string;
  lastError?: { message: string; at: string };
  counters?: Record<string, number>;
  retry: RetryHealth = noRetries();
  private readonly slots = new Map<string, Set<number>>();

  constructor(readonly id: string, readonly type: string, readonly location: string) {}

  restore(d: SourceHealthData): void {
    for (const [k, v] of Object.entries(d.kinds)) if (v) Object.assign(this.stats.of(k as never), v);
    this.objects = { ...d.objects };
    this.notices = d.notices ?? {};
    this.newestEventTime = d.newestEventTime ? Date.parse(d.newestEventTime) : 0;
    this.lastObjectAt = d.lastObjectAt;
    this.lastCommitAt = d.lastCommitAt;
    this.lastError = d.lastError;
    this.counters = d.counters;
    // the counts continue; what was failing belongs to the run that saved them
    const r = d.retry ?? noRetries();
    this.retry = { retries: r.retries, quarantined: r.quarantined, requeued: r.requeued, waiting: 0, lastFailure: r.lastFailure };
    for (const [k, v] of Object.entries(d.slots ?? {})) this.slots.set(k, new Set(v));
  }

  /** A batch committed: its tally becomes part of the counts. */
  apply(t: Tally): void {
    mergeStats(this.stats, t.stats);
    this.objects.read += t.objects.read;
    this.objects.alreadyProcessed += t.objects.alreadyProcessed;
    this.objects.failed += t.objects.failed;
    if (t.newestEventTime > this.newestEventTime) this.newestEventTime = t.newestEventTime;
    if (t.lastObjectAt) this.lastObjectAt = t.lastObjectAt;
    for (const k of t.keys) this.fileSeen(k);
  }

  notice(reason: string, sample: string): void {
    const n = (this.notices[reason] ??= { count: 0, samples: [] });
    n.count++;
    if (n.samples.length < 3) n.samples.push(sample);
  }

  error(e: unknown): void {
    this.lastError = { message: (e as Error)?.message ?? String(e), at: new Date().toISOString() };
  }

  /** Records a CloudTrail file's 5-minute slot from its name (`<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_…`). */
  fileSeen(key: string): void {
    const m = /(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z/.exec(key.slice(key.lastIndexOf('/') + 1));
    if (!m) return;
    const t = Date.UTC(+m[3], +m[4] - 1, +m[5], +m[6], +m[7]);
    const k = `${m[1]}|${m[2]}`;
    let s = this.slots.get(k);
    if (!s) this.slots.set(k, (s = new Set()));
    s.add(Math.floor(t / SLOT));
    // bounded: keep two windows of slots
    if (s.size > 2 * GAP_WINDOW / SLOT) {
      const newest = Math.max(...s);
      for (const x of s) if (x < newest - 2 * GAP_WINDOW / SLOT) s.delete(x);
    }
  }

  gaps(now = Date.now()): GapReport[] {
    const out: GapReport[] = [];
    for (const [k, s] of this.slots) {
      if (s.size === 0) continue;
      const [accountId, region] = k.split('|');
      const newest = Math.max(...s);
      const first = Math.max(Math.min(...s), Math.floor((now - GAP_WINDOW) / SLOT));
      const last = Math.floor((now - GAP_GRACE) / SLOT);
      const missing: number[] = [];
      for (let x = first; x <= last; x++) if (!s.has(x)) missing.push(x);
      out.push({ accountId, region, missingSlots: missing.length, recent: missing.slice(-5).map((x) => new Date(x * SLOT).toISOString()), newestFile: new Date(newest * SLOT).toISOString() });
    }
    return out.sort((a, b) => b.missingSlots - a.missingSlots || a.accountId.localeCompare(b.accountId));
  }

  data(): SourceHealthData {
    return {
      id: this.id, type: this.type, location: this.location, objects: { ...this.objects }, kinds: this.stats.kinds, notices: this.notices,
      newestEventTime: this.newestEventTime ? new Date(this.newestEventTime).toISOString() : undefined,
      lastPollAt: this.lastPollAt, lastObjectAt: this.lastObjectAt, lastCommitAt: this.lastCommitAt, lastError: this.lastError, counters: this.counters,
      retry: { ...this.retry },
      slots: Object.fromEntries([...this.slots].map(([k, v]) => [k, [...v]])),
    };
  }

  view(now = Date.now()): SourceHealthView { return healthView(this.data(), now, this.gaps(now)); }
}

/** The health document as shown by the API and `vigil status`. */
export function healthView(d: SourceHealthData, now = Date.now(), gaps?: GapReport[]): SourceHealthView {
  let records = 0, bytesIn = 0, badRecords = 0;
  for (const k of Object.values(d.kinds)) {
    if (!k) continue;
    records += k.records; bytesIn += k.bytesIn;
    for (const b of Object.values(k.bad)) badRecords += b?.count ?? 0;
  }
  if (!gaps) { const h = new SourceHealth(d.id, d.type, d.location); h.restore(d); gaps = h.gaps(now); }
  const { slots: _slots, ...rest } = d;
  return {
    ...rest, retry: d.retry ?? noRetries(), records, bytesIn, badRecords,
    lagSeconds: d.newestEventTime ? Math.max(0, Math.round((now - Date.parse(d.newestEventTime)) / 1000)) : undefined,
    gaps,
  };
}

const MAX_SAMPLES = 3;

/** Adds `from`'s counts into `into` (samples kept up to three per reason, the earliest first). */
export function mergeStats(into: IngestStats, from: IngestStats): void {
  for (const [kind, f] of Object.entries(from.kinds)) {
    if (!f) continue;
    const k = into.of(kind as never);
    k.objects += f.objects; k.records += f.records; k.bytesIn += f.bytesIn; k.bytesOut += f.bytesOut;
    for (const [reason, b] of Object.entries(f.bad)) {
      if (!b) continue;
      const e = (k.bad[reason as keyof KindStats['bad']] ??= { count: 0, samples: [] });
      e.count += b.count;
      for (const sample of b.samples) if (e.samples.length < MAX_SAMPLES) e.samples.push(sample);
    }
    for (const [reason, n] of Object.entries(f.skipped)) k.skipped[reason] = (k.skipped[reason] ?? 0) + n;
  }
}
