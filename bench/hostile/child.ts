/**
 * One hostile object through the real `scan()` into a fresh store, in its own process so that
 * peak RSS is this object's alone. Prints `BENCH_RESULT {…}`: wall time, peak RSS, and the
 * reasons the object was rejected with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../src/app/scan.js';
import { openStore } from '../../src/store/index.js';
import { RESULT_MARK } from '../protocol.js';

const [file] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
const store = await openStore(join(dir, 'v.db'));
const baseRss = process.memoryUsage().rss;
const started = performance.now();
const r = await scan({ inputs: [file], store });
const wallMs = performance.now() - started;
await store.close();
rmSync(dir, { recursive: true, force: true });
const reasons: Record<string, number> = {};
for (const k of Object.values(r.ingest.kinds)) for (const [reason, b] of Object.entries(k!.bad)) reasons[reason] = (reasons[reason] ?? 0) + b!.count;
const bytesOut = Object.values(r.ingest.kinds).reduce((n, k) => n + k!.bytesOut, 0);
console.log(RESULT_MARK + JSON.stringify({
  wallMs, maxRssMb: process.resourceUsage().maxRSS / 1024, startRssMb: baseRss / 2 ** 20, records: r.ingest.recordTotal, reasons, bytesOut,
}));
