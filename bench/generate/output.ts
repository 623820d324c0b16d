/**
 * Writes generated log objects as gzip files (level 1: generation speed matters more than size)
 * under an S3-style key, and tallies what was written for the dataset manifest.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Written {
  files: number;
  /** Records (CloudTrail events, log lines without the header). */
  records: number;
  rawBytes: number;
  gzBytes: number;
}

export class GzipOutput {
  readonly stats: Written = { files: 0, records: 0, rawBytes: 0, gzBytes: 0 };

  constructor(private readonly root: string) {}

  write(key: string, text: string, records: number): void {
    const raw = Buffer.from(text, 'utf8');
    const gz = gzipSync(raw, { level: 1 });
    const path = join(this.root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gz);
    this.stats.files++;
    this.stats.records += records;
    this.stats.rawBytes += raw.length;
    this.stats.gzBytes += gz.length;
  }
}

/** What a generator returns: what it wrote, and the findings its injected attacks should raise. */
export interface Generated { written: Written; expected: Record<string, number> }

/** Expected findings from injected attacks: finding type → distinct finding keys. */
export class Expected {
  private readonly byType = new Map<string, Set<string>>();

  add(type: string, key: string): void {
    let s = this.byType.get(type);
    if (!s) this.byType.set(type, (s = new Set()));
    s.add(key);
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.byType].sort().map(([t, s]) => [t, s.size]));
  }
}
