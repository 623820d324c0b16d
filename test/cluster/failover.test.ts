/**
 * Failover and rebalancing with real processes: two `vigil worker`s share a cluster (a private
 * nats-server, one SQLite store). One is killed with SIGKILL mid-stream: the other takes its
 * partitions within the lease time, and the final findings equal one scan of the same folder —
 * nothing lost, nothing counted twice. A third worker joining then takes a fair share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/postgres.js';
import { Cluster } from '../../src/cluster/nats.js';
import { makeLogFolder } from '../../src/testing/log-folder.js';
import { startNats } from '../../src/testing/nats.js';
import { findingsOf, pendingNotices, publishFolder, scanReference, until } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LEASE_S = 3;
const PARTITIONS = 16;

function worker(id: string, nats: string, db: string, prefix: string): ChildProcess & { log: string } {
  const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'worker', '--nats', nats, '--db', db, '--id', id,
    '--cluster-prefix', prefix, '--partitions', String(PARTITIONS), '--lease-seconds', String(LEASE_S)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }) as ChildProcess & { log: string };
  c.log = '';
  c.stderr!.on('data', (d) => { c.log += String(d); });
  return c;
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

async function processed(store: Store): Promise<number> {
  return (await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0);
}

async function owners(cluster: Cluster): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for await (const k of await cluster.leases.keys()) {
    const e = await cluster.leases.get(k);
    if (e?.operation === 'PUT') out.set(Number(k.slice(2)), (e.json<{ worker: string }>()).worker);
  }
  return out;
}

const count = (m: Map<number, string>, w: string) => [...m.values()].filter((x) => x === w).length;

for (const backend of ['sqlite', 'postgres'] as const) test(`${backend}: kill -9 one of two workers mid-stream: its partitions move within the lease time, the findings equal one scan; a joining worker takes a fair share`, { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-failover-'));
  const logs = join(dir, 'logs');
  const files = makeLogFolder(logs, undefined, 11, 'aws');
  const expected = await scanReference(logs, join(dir, 'scan.db'));

  const nats = await startNats();
  let pg: TestDatabase | undefined;
  if (backend === 'postgres') pg = await createTestDatabase();
  const db = pg ? pg.url : join(dir, 'cluster.db');
  const store = await openStore(db);
  const admin = await Cluster.open({ servers: nats.url, prefix: backend, partitions: PARTITIONS, leaseMs: LEASE_S * 1000 });
  const kids: ChildProcess[] = [];
  try {
    const a = worker('worker-a', nats.url, db, backend);
    const b = worker('worker-b', nats.url, db, backend);
    kids.push(a, b);
    await until('both workers own partitions', async () => { const o = await owners(admin); return count(o, 'worker-a') > 0 && count(o, 'worker-b') > 0 && o.size === PARTITIONS; }, 60_000);
    assert.equal(await publishFolder(admin, store, logs), files.length);
    await until('part of the stream is processed', async () => (await processed(store)) >= files.length * 0.25, 120_000, 20);
    const atKill = await processed(store);
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await exited(a);
    await until('worker-b owns every partition', async () => count(await owners(admin), 'worker-b') === PARTITIONS, 30_000, 50);
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`killed after ${atKill} of ${files.length} objects; worker-b owned all ${PARTITIONS} partitions ${takeoverMs} ms later (lease ${LEASE_S} s)`);
    assert.ok(atKill < files.length, `killed mid-stream (${atKill} of ${files.length} processed)`);
    assert.ok(takeoverMs <= LEASE_S * 1000 + 3000, `partitions moved within the lease time (+ one renewal round): ${takeoverMs} ms`);
    await until('every notice acknowledged', async () => (await pendingNotices(admin)) === 0 && (await processed(store)) === files.length, 120_000);
    assert.deepEqual(await findingsOf(store), expected, 'the same findings and counts as one scan');

    const c = worker('worker-c', nats.url, db, backend);
    kids.push(c);
    await until('worker-c takes a fair share', async () => { const o = await owners(admin); return count(o, 'worker-c') === PARTITIONS / 2 && count(o, 'worker-b') === PARTITIONS / 2; }, 60_000);
    for (const k of [b, c]) k.kill('SIGTERM');
    await Promise.all([exited(b), exited(c)]);
    assert.equal(b.exitCode, 0, b.log.slice(-2000));
    assert.equal((await owners(admin)).size, 0, 'a clean stop gives the leases back at once');
    assert.match(b.log, /partition \d+: taken/);
  } finally {
    for (const k of kids) if (k.exitCode === null && k.signalCode === null) { k.kill('SIGKILL'); await exited(k); }
    await admin.destroy();
    await admin.close();
    await store.close();
    await nats.stop();
    await pg?.drop();
  }
});
