/**
 * What a scan read, per log type: objects, records, bytes, bad input by reason with samples,
 * and valid-but-empty records skipped (NODATA, SKIPDATA, digest files). This is the ingestion
 * summary the CLI prints and, later, the data behind ingestion health.
 */
import type { BadReason, BadSample, LogKind } from '../core/index.js';

export type KindKey = LogKind | 'unknown';

export interface BadEntry { count: number; samples: BadSample[] }

export interface KindStats {
  objects: number;
  records: number;
  bytesIn: number;
  bytesOut: number;
  bad: Partial<Record<BadReason, BadEntry>>;
  skipped: Record<string, number>;
}

const MAX_SAMPLES = 3;

export class IngestStats {
  readonly kinds: Partial<Record<KindKey, KindStats>> = {};

  of(kind: KindKey): KindStats {
    return (this.kinds[kind] ??= { objects: 0, records: 0, bytesIn: 0, bytesOut: 0, bad: {}, skipped: {} });
  }

  bad(kind: KindKey, reason: BadReason, sample: BadSample): void {
    const k = this.of(kind);
    const e = (k.bad[reason] ??= { count: 0, samples: [] });
    e.count++;
    if (e.samples.length < MAX_SAMPLES) e.samples.push(sample);
  }

  skipped(kind: KindKey, reason: string, n = 1): void {
    const k = this.of(kind);
    k.skipped[reason] = (k.skipped[reason] ?? 0) + n;
  }

  get badTotal(): number {
    let n = 0;
    for (const k of Object.values(this.kinds)) for (const b of Object.values(k!.bad)) n += b!.count;
    return n;
  }

  get recordTotal(): number {
    let n = 0;
    for (const k of Object.values(this.kinds)) n += k!.records;
    return n;
  }
}
