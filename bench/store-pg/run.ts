/**
 * Store benchmark (`npm run bench -- --only store-pg`): the same seeded findings written into a
 * SQLite file and a PostgreSQL database (a database of its own on VIGIL_TEST_PG's server, default
 * the machine's, dropped at the end) in this one process, then the API's read paths on each:
 *   - write: new findings per second in commits of BATCH (the ingest loop's checkpoints), then
 *     upserts (a fifth seen again: count and update time change);
 *   - ListFindings: `pageFindings` as GET /findings calls it (region scope, criteria, sort, 50 a
 *     page), each query repeated, p50 and p99; GetFindingsStatistics by type for comparison.
 * Default 100,000 findings (about a minute here); `--store-pg-findings 10000000` for the 10M run.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Prng } from '../prng.js';
import { FINDING_TYPES, type Finding, type FindingCandidate } from '../../src/core/index.js';
import { sampleCandidate } from '../../src/findings/samples.js';
import { buildFinding } from '../../src/findings/build.js';
import { SqliteStore, type FindingPageQuery, type Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { createTestDatabase } from '../../src/testing/postgres.js';
import { si } from '../stats.js';

const BATCH = 5_000;
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => String(111100000000 + i * 7919).padStart(12, '0'));
const T0 = Date.UTC(2026, 0, 1);
/** Findings are created over four months: four monthly partitions on PostgreSQL plus the current one. */
const SPAN_S = 120 * 86_400;

export interface QueryFigure { name: string; n: number; p50Ms: number; p99Ms: number; rows: number }
export interface BackendFigures { name: string; insertPerSec: number; upsertPerSec: number; sizeMb: number; queries: QueryFigure[] }
export interface StorePgBench { findings: number; batch: number; backends: BackendFigures[] }

/** Finding `i` of the seeded set; `seen` > 0 makes it a later occurrence (count and update time grow). */
export function finding(i: number, seen = 0): Finding {
  const rng = new Prng(1_000_003 + i);
  const type = FINDING_TYPES[rng.next() % FINDING_TYPES.length].type;
  const account = ACCOUNTS[rng.next() % ACCOUNTS.length];
  const time = T0 + (rng.next() % SPAN_S) * 1000;
  const c: FindingCandidate = { ...sampleCandidate(type, account, i % 10 ? 'us-east-1' : 'eu-west-1', time), key: `bench-${i}`, title: `${type} on resource ${i}`, description: 'Benchmark finding.' };
  if (c.resource.instanceDetails) {
    c.resource.instanceDetails = { ...c.resource.instanceDetails, instanceId: `i-${(i % 50_000).toString(16).padStart(17, '0')}`,
      networkInterfaces: [{ ...c.resource.instanceDetails.networkInterfaces![0], privateIpAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }] };
  }
  const f = buildFinding(c, 1 + (rng.next() % 50) + seen, time - 3_600_000, time, new Date(time + 60_000).toISOString());
  f.severity = c.severity;
  f.service.archived = rng.next() % 20 === 0;
  if (seen) f.updatedAt = new Date(time + 60_000 + seen * 86_400_000).toISOString();
  return f;
}

/** Findings per second of commit time (making the findings is not counted). */
export async function write(store: Store, from: number, to: number, seen: number): Promise<number> {
  let ms = 0;
  for (let i = from; i < to; i += BATCH) {
    const batch: Finding[] = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) batch.push(finding(seen ? j * 5 : j, seen));
    const t = performance.now();
    await store.commit({ findings: batch });
    ms += performance.now() - t;
  }
  return (to - from) / (ms / 1000);
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** The API's typical list and statistics calls, each with a value that varies per call (account, address, page). */
export function queries(n: number): { name: string; run: (s: Store, k: number) => Promise<number> }[] {
  const page = (q: Omit<FindingPageQuery, 'limit'>) => async (s: Store) => (await s.pageFindings({ ...q, limit: 50 })).findings.length;
  const active = { 'service.archived': { eq: ['false'] } };
  return [
    { name: 'ListFindings: active, newest first (the console\'s first page)', run: (s) => page({ region: 'us-east-1', criteria: { criterion: active }, sort: { attribute: 'updatedAt', order: 'DESC' } })(s) },
    { name: 'ListFindings: severity ≥ 7, active, newest first', run: (s) => page({ region: 'us-east-1', criteria: { criterion: { ...active, severity: { gte: 7 } } }, sort: { attribute: 'updatedAt', order: 'DESC' } })(s) },
    { name: 'ListFindings: one account (a member\'s view), newest first', run: (s, k) => page({ region: 'us-east-1', accountIds: [ACCOUNTS[k % ACCOUNTS.length]], criteria: { criterion: active }, sort: { attribute: 'updatedAt', order: 'DESC' } })(s) },
    { name: 'ListFindings: active, most severe first', run: (s) => page({ region: 'us-east-1', criteria: { criterion: active }, sort: { attribute: 'severity', order: 'DESC' } })(s) },
    { name: 'ListFindings: type + account', run: (s, k) => page({ region: 'us-east-1', criteria: { criterion: { type: { eq: ['Recon:EC2/Portscan'] }, accountId: { eq: [ACCOUNTS[k % ACCOUNTS.length]] } } } })(s) },
    { name: 'ListFindings: private IP equals (terms)', run: (s, k) => { const i = (k * 7919) % n; return page({ region: 'us-east-1', criteria: { criterion: { 'resource.instanceDetails.networkInterfaces.privateIpAddress': { eq: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] } } } })(s); } },
    { name: 'ListFindings: page 20 (cursor 950)', run: (s) => page({ region: 'us-east-1', criteria: { criterion: active }, sort: { attribute: 'updatedAt', order: 'DESC' }, cursor: 950 })(s) },
    { name: 'GetFindingsStatistics: by finding type', run: async (s) => (await s.findingStatistics({ region: 'us-east-1', groupBy: 'FINDING_TYPE', order: 'DESC', limit: 25 })).length },
  ];
}

async function measure(name: string, store: Store, n: number, reps: number, size: () => Promise<number>, log: (m: string) => void): Promise<BackendFigures> {
  log(`store-pg: ${name}: writing ${n.toLocaleString('en-US')} findings … `);
  const insertPerSec = await write(store, 0, n, 0);
  const again = Math.floor(n / 5);
  const upsertPerSec = await write(store, 0, again, 1);
  await store.optimize();
  log(`${si(insertPerSec)}/s new, ${si(upsertPerSec)}/s upserts; queries … `);
  const figures: QueryFigure[] = [];
  for (const q of queries(n)) {
    await q.run(store, 0); // warm
    const times: number[] = [];
    let rows = 0;
    for (let k = 1; k <= reps; k++) {
      const t = performance.now();
      rows = await q.run(store, k);
      times.push(performance.now() - t);
    }
    figures.push({ name: q.name, n: reps, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), rows });
  }
  log('done\n');
  return { name, insertPerSec, upsertPerSec, sizeMb: (await size()) / 1e6, queries: figures };
}

export async function runStorePgBench(n: number, reps = 200, log: (m: string) => void = (m) => process.stderr.write(m), postgresOnly = false): Promise<StorePgBench> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-bench-'));
  const db = await createTestDatabase();
  try {
    const file = join(dir, 'bench.db');
    let a: Awaited<ReturnType<typeof measure>> | undefined;
    if (!postgresOnly) {
      const sqlite = new SqliteStore(file);
      await sqlite.migrate();
      a = await measure('SQLite', sqlite, n, reps, async () => statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0), log);
      await sqlite.close();
    }
    const postgres = new PostgresStore(db.url);
    await postgres.migrate();
    const b = await measure('PostgreSQL', postgres, n, reps, async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try { return Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n); } finally { await c.end(); }
    }, log);
    await postgres.close();
    return { findings: n, batch: BATCH, backends: a ? [a, b] : [b] };
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printStorePgBench(b: StorePgBench): string {
  if (b.backends.length === 1) {
    const [p] = b.backends;
    const ms1 = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
    return [`Store: ${b.findings.toLocaleString('en-US')} findings on PostgreSQL, commits of ${b.batch.toLocaleString('en-US')}`,
      `write: new findings/s ${si(p.insertPerSec)}, upserts/s ${si(p.upsertPerSec)}, size on disk ${p.sizeMb.toFixed(0)} MB`,
      ...p.queries.map((q) => `${q.name}: p50 ${ms1(q.p50Ms)} ms, p99 ${ms1(q.p99Ms)} ms`)].join('\n');
  }
  const [a, p] = b.backends;
  const w = Math.max(...a.queries.map((q) => q.name.length), 30);
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const lines = [`Store: ${b.findings.toLocaleString('en-US')} findings, commits of ${b.batch.toLocaleString('en-US')}, SQLite vs PostgreSQL in one process`,
    `${''.padEnd(w)}  ${'SQLite'.padStart(18)}  ${'PostgreSQL'.padStart(18)}`,
    `${'write: new findings/s'.padEnd(w)}  ${si(a.insertPerSec).padStart(18)}  ${si(p.insertPerSec).padStart(18)}`,
    `${'write: upserts/s (a fifth seen again)'.padEnd(w)}  ${si(a.upsertPerSec).padStart(18)}  ${si(p.upsertPerSec).padStart(18)}`,
    `${'size on disk (MB)'.padEnd(w)}  ${a.sizeMb.toFixed(0).padStart(18)}  ${p.sizeMb.toFixed(0).padStart(18)}`,
    `${'query (50 a page): p50 / p99 ms'.padEnd(w)}`];
  for (const [i, q] of a.queries.entries()) {
    const r = p.queries[i];
    lines.push(`${q.name.padEnd(w)}  ${`${ms(q.p50Ms)} / ${ms(q.p99Ms)}`.padStart(18)}  ${`${ms(r.p50Ms)} / ${ms(r.p99Ms)}`.padStart(18)}`);
  }
  return lines.join('\n');
}
