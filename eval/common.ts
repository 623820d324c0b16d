/**
 * Shared pieces of the evaluation: where the corpora live, what each corpus reports (a
 * CorpusResult), how a finding type stands today (implemented by a registered detector, in the
 * catalogue but built by a later issue, or not a catalogue type at all), and a one-file scan
 * into its own throw-away SQLite store so every finding can be attributed to that file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, type ScanReport } from '../src/app/scan.js';
import { openStore } from '../src/store/index.js';
import { findingTypeInfo, type Finding } from '../src/core/index.js';
import { DETECTORS } from '../src/detectors/registry.js';

export const DATA = process.env.VIGIL_EVAL_DATA ?? '/work/shared/data';

/**
 * One line of a per-type table. `candidates`: findings on events nobody labelled for the type
 * (Panther negatives of unmapped rules), not yet judged by a person.
 */
export interface TypeRow { type: string; expected: number; hits: number; misses: number; falseFindings: number; candidates?: number }

/** A finding or expectation worth a line in the report. */
export interface Item { type: string; where: string; detail: string }

/** An expectation this corpus has that no current detector can meet, and why. */
export interface Pending {
  type: string;
  status: TypeStatus['status'];
  issue?: number;
  where: string;
  note?: string;
}

export interface CorpusResult {
  id: string;
  title: string;
  /** Implemented types only: expected / hit / missed / false. */
  rows: TypeRow[];
  misses: Item[];
  falseFindings: Item[];
  /** Findings neither expected nor false (e.g. on attack traffic nobody labelled for that type). */
  otherFindings: Item[];
  pending: Pending[];
  notes: string[];
  /** A per-corpus table (head + rows) for the readable report. */
  detail?: { head: string[]; rows: (string | number)[][] };
  /** Corpus-specific figures for the JSON (and the smoke test). */
  extra?: Record<string, unknown>;
}

export interface TypeStatus {
  status: 'implemented' | 'not-yet-implemented' | 'not-in-catalogue' | 'no-native-type';
  issue?: number;
}

/** Every type a registered detector can raise. */
export const IMPLEMENTED: ReadonlySet<string> = new Set(DETECTORS.flatMap((d) => d.findingTypes));

export function typeStatus(type: string | undefined): TypeStatus {
  if (!type) return { status: 'no-native-type' };
  const info = findingTypeInfo(type);
  if (!info) return { status: 'not-in-catalogue' };
  if (IMPLEMENTED.has(type)) return { status: 'implemented', issue: info.issue };
  return { status: 'not-yet-implemented', issue: info.issue };
}

/** Tallies expected/hit/false per type; rows come out sorted by type. */
export class Tally {
  private readonly m = new Map<string, TypeRow>();
  row(type: string): TypeRow {
    let r = this.m.get(type);
    if (!r) this.m.set(type, (r = { type, expected: 0, hits: 0, misses: 0, falseFindings: 0 }));
    return r;
  }
  expect(type: string, hit: boolean): void {
    const r = this.row(type);
    r.expected++;
    if (hit) r.hits++; else r.misses++;
  }
  falseFinding(type: string, n = 1): void { this.row(type).falseFindings += n; }
  rows(): TypeRow[] { return [...this.m.values()].sort((a, b) => a.type.localeCompare(b.type)); }
}

export interface FileScan { report: ScanReport; findings: Finding[] }

/** Scans one file (or folder) into a fresh temporary store and returns what was stored. */
export async function scanIsolated(path: string): Promise<FileScan> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
  try {
    const store = await openStore(join(dir, 'eval.db'));
    try {
      const report = await scan({ inputs: [path], store });
      return { report, findings: await store.queryFindings({ limit: 10_000 }) };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records read and rejected by a scan, all log kinds together. */
export function ingestCounts(r: ScanReport): { records: number; bad: number } {
  return { records: r.ingest.recordTotal, bad: r.ingest.badTotal };
}
