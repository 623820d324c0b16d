/**
 * Cluster throughput (`npm run bench -- --only cluster`): the bench's seeded CloudTrail, VPC flow
 * and Route 53 data (AWS key layout, several accounts), published as notices to a private
 * nats-server, read by 1 and then 2 `vigil worker` processes over one store (SQLite by default;
 * `--cluster-store postgres://…` names a PostgreSQL server, where each configuration gets a
 * database of its own, dropped after). It reports records per second from the first
 * notice to the last acknowledgement, the 2-worker/1-worker ratio (in the same run), and how the
 * partitions' records spread over the workers (an account has one owner, so the spread bounds the
 * ratio). Each configuration has a fresh cluster prefix and store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDataset, type BenchKind } from '../generate/index.js';
import { openStore } from '../../src/store/index.js';
import { Cluster } from '../../src/cluster/nats.js';
import { Publisher } from '../../src/cluster/publisher.js';
import { FolderSource } from '../../src/sources/folder/index.js';
import { sourceContext } from '../../src/app/ingest/index.js';
import { clusterStatus } from '../../src/cluster/status.js';
import { startNats } from '../../src/testing/nats.js';
import { table } from '../table.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ThroughputRow { workers: number; objects: number; records: number; seconds: number; recordsPerSecond: number; partitionsPerWorker: number[] }
export interface ClusterThroughput { rows: ThroughputRow[]; ratio: number; store: string; sizes: Record<BenchKind, number> }

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

async function until(cond: () => Promise<boolean>, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('cluster bench: timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runOne(nats: string, dirs: string[], workers: number, storeUrl: string | undefined, scratch: string, records: number): Promise<ThroughputRow> {
  const prefix = `bench${workers}w${Date.now() % 100000}`;
  const db = storeUrl ?? join(scratch, `${prefix}.db`);
  const store = await openStore(db);
  const admin = await Cluster.open({ servers: nats, prefix, partitions: 16, leaseMs: 5000 });
  const kids: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) {
      kids.push(spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'worker', '--nats', nats, '--db', db, '--id', `w${i}`, '--cluster-prefix', prefix, '--log-level', 'warn'],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    // every partition owned and the share settled (a worker that came first holds them all until the others join)
    await until(async () => {
      const s = await clusterStatus(admin);
      const per = new Map<string, number>();
      for (const p of s.partitionStatus) if (p.owner) per.set(p.owner, (per.get(p.owner) ?? 0) + 1);
      return s.partitionStatus.every((p) => p.owner) && per.size === workers && [...per.values()].every((n) => n >= Math.floor(16 / workers));
    }, 60_000);
    const t0 = performance.now();
    let objects = 0;
    for (const dir of dirs) {
      const src = new FolderSource({ type: 'folder', path: dir, settleMs: 0, rescanMs: 3_600_000 }, sourceContext(store));
      const pub = new Publisher({ cluster: admin, sources: [src] });
      objects += await pub.pollOnce(src);
      await src.stop();
    }
    const owners = (await clusterStatus(admin)).partitionStatus;
    await until(async () => (await clusterStatus(admin)).pending === 0 && (await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0) >= objects, 1_800_000);
    const seconds = (performance.now() - t0) / 1000;
    const per = new Map<string, number>();
    for (const p of owners) per.set(p.owner!, (per.get(p.owner!) ?? 0) + p.pending);
    return { workers, objects, records, seconds, recordsPerSecond: records / seconds, partitionsPerWorker: [...per.values()].sort((a, b) => b - a) };
  } finally {
    for (const k of kids) { k.kill('SIGTERM'); await exited(k); }
    await admin.destroy();
    await admin.close();
    await store.close();
  }
}

export async function runClusterThroughput(out: string, sizes: Record<BenchKind, number>, seed: number, storeUrl?: string): Promise<ClusterThroughput> {
  const sets = (Object.keys(sizes) as BenchKind[]).map((k) => ensureDataset(out, k, sizes[k], seed));
  const records = sets.reduce((n, d) => n + d.manifest.records, 0);
  const nats = await startNats();
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-cluster-bench-'));
  try {
    const rows: ThroughputRow[] = [];
    for (const w of [1, 2]) {
      // PostgreSQL: a database of its own per configuration on the given server, dropped after
      let db: { url: string; drop(): Promise<void> } | undefined;
      if (storeUrl) {
        process.env.VIGIL_TEST_PG = storeUrl;
        db = await (await import('../../src/testing/postgres.js')).createTestDatabase();
      }
      try { rows.push(await runOne(nats.url, sets.map((d) => d.dir), w, db?.url, scratch, records)); } finally { await db?.drop(); }
    }
    return { rows, ratio: rows[1].recordsPerSecond / rows[0].recordsPerSecond, store: storeUrl ? 'postgres' : 'sqlite', sizes };
  } finally {
    await nats.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function printClusterThroughput(r: ClusterThroughput): string {
  return [
    `Cluster throughput (${r.store} store; ${Object.entries(r.sizes).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')} records; 16 partitions):`,
    table(['Workers', 'Objects', 'Records', 'Seconds', 'Records/s', 'Notices per worker at publish'],
      r.rows.map((x) => [String(x.workers), String(x.objects), x.records.toLocaleString('en-US'), x.seconds.toFixed(1), Math.round(x.recordsPerSecond).toLocaleString('en-US'), x.partitionsPerWorker.join(' / ')])),
    `2 workers / 1 worker: ${r.ratio.toFixed(2)}×`,
  ].join('\n');
}
