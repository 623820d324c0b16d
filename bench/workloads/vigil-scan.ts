/**
 * Vigil end to end: the real `scan()` (sources → readers → parsers → engine → findings service →
 * store) over a dataset folder, into a fresh SQLite store in a temporary folder; on `threads`
 * worker threads (`--threads`) when more than one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../src/app/scan.js';
import { openStore } from '../../src/store/index.js';
import type { LogKind } from '../../src/core/index.js';
import type { WorkloadResult } from './types.js';

/** Opens the store (untimed), then returns the timed part. */
export async function prepareScan(dir: string, kind: LogKind, threads = 1): Promise<{ run: () => Promise<WorkloadResult>; cleanup: () => Promise<void> }> {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const db = join(tmp, 'vigil.db');
  const store = await openStore(db);
  return {
    async run() {
      const report = await scan({ inputs: [dir], store, threads, threadSetup: { store: db } });
      const k = report.ingest.kinds[kind];
      let bad = 0;
      for (const s of Object.values(report.ingest.kinds)) for (const b of Object.values(s!.bad)) bad += b!.count;
      return {
        records: k?.records ?? 0,
        bytesIn: k?.bytesIn ?? 0,
        bytesOut: k?.bytesOut ?? 0,
        scan: {
          findings: report.findings.byType.map(({ type, created, updated, occurrences }) => ({ type, created, updated, occurrences })),
          bad,
          skipped: k?.skipped ?? {},
          exitCode: report.exitCode,
          detectorErrors: report.detectorErrors.reduce((n, e) => n + e.count, 0),
        },
      };
    },
    async cleanup() {
      await store.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
