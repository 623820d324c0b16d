/**
 * Child-process entry of the DuckDB comparison: runs the query set of one log type
 * (bench/duckdb/sql.ts) with DuckDB on N threads over one dataset folder and prints one
 * `BENCH_RESULT {json}` line: records read, findings by type, wall and CPU time of the timed
 * part (process.cpuUsage counts every thread of the process, DuckDB's included), peak RSS and
 * other processes' CPU meanwhile. Opening the in-memory database is not timed (as opening
 * Vigil's store is not); reading the files, every statement and fetching the rows are.
 *
 *   node --import tsx bench/duckdb/child.ts <kind> <dir> <threads>
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { BenchKind } from '../generate/index.js';
import { OtherCpu } from '../noise.js';
import { RESULT_MARK } from '../protocol.js';
import { querySet } from './sql.js';

export interface DuckFindings { type: string; created: number; occurrences: number }

export interface DuckMeasurement {
  kind: BenchKind;
  threads: number;
  records: number;
  findings: DuckFindings[];
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  otherCpuMs?: number;
  /** DuckDB's version string. */
  version: string;
}

async function main(): Promise<void> {
  const [kind, dir, threadsArg] = process.argv.slice(2) as [BenchKind, string, string];
  const threads = Number(threadsArg);
  if (!['cloudtrail', 'vpcflow', 'dns'].includes(kind) || !dir || !(threads >= 1)) throw new Error('usage: child.ts <kind> <dir> <threads>');
  const q = querySet(kind, dir);

  // untimed: the in-memory database and its settings
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const c = await db.connect();
  await c.run('SET enable_progress_bar = false');
  const version = String((await c.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v);

  const other = new OtherCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const sql of q.setup) await c.run(sql);
  const records = Number((await c.runAndReadAll(q.records)).getRowObjects()[0].n);
  const rows = (await c.runAndReadAll(q.findings)).getRowObjects();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const otherCpuMs = other.stop();

  const byType = new Map<string, DuckFindings>();
  for (const r of rows) {
    const type = String(r.type);
    const f = byType.get(type) ?? { type, created: 0, occurrences: 0 };
    f.created++;
    f.occurrences += Number(r.occurrences);
    byType.set(type, f);
  }
  c.closeSync();
  db.closeSync();
  const m: DuckMeasurement = {
    kind, threads, records, findings: [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : 1)),
    wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, otherCpuMs, version,
  };
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(m)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
