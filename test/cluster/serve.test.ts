/**
 * `vigil serve --nats` as the listing side: two API replicas over one store watch the same
 * folder and publish its objects (each object once: the notice's message id drops the second
 * replica's copy), a worker reads and detects, and both replicas answer ListFindings with the
 * findings of one scan. The cluster shows in /vigil/ingestion/sources, /vigil/metrics and
 * `vigil status --nats`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardDutyClient, ListDetectorsCommand, ListFindingsCommand } from '@aws-sdk/client-guardduty';
import { loadServeConfig } from '../../src/api/config.js';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { scan } from '../../src/app/scan.js';
import { Cluster } from '../../src/cluster/nats.js';
import { Worker } from '../../src/cluster/worker.js';
import { openStore } from '../../src/store/index.js';
import { makeLogFolder } from '../../src/testing/log-folder.js';
import { startNats } from '../../src/testing/nats.js';
import { createTestDatabase } from '../../src/testing/postgres.js';
import { pendingNotices, until } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const KEY = { accessKeyId: 'AKIAVIGILCLUSTER0001', secretAccessKey: 'cluster/secret/0123456789abcdefghijklm' };

async function listAll(server: RunningServer): Promise<string[]> {
  const gd = new GuardDutyClient({ endpoint: server.url, region: 'us-east-1', credentials: KEY });
  const [detectorId] = (await gd.send(new ListDetectorsCommand({}))).DetectorIds!;
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const r = await gd.send(new ListFindingsCommand({ DetectorId: detectorId, MaxResults: 50, NextToken: token }));
    ids.push(...r.FindingIds!);
    token = r.NextToken || undefined;
  } while (token);
  return ids.sort();
}

for (const backend of ['sqlite', 'postgres'] as const) test(`${backend}: two serve --nats replicas list the same folder, one worker detects: each object once, the findings of one scan through both APIs`, { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-serve-'));
  const staged = join(dir, 'staged');
  const files = makeLogFolder(staged, undefined, 5, 'aws');
  const ref = await openStore(join(dir, 'scan.db'));
  await scan({ inputs: [staged], store: ref });
  // the API answers for its region (the client's), as GuardDuty does
  const expected = (await ref.queryFindings({ limit: 100_000 })).filter((f) => f.region === 'us-east-1').map((f) => f.id).sort();
  assert.ok(expected.length >= 3, `findings in us-east-1 (${expected.length})`);
  await ref.close();

  const nats = await startNats();
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const pg = backend === 'postgres' ? await createTestDatabase() : undefined;
  const db = pg ? pg.url : join(dir, 'cluster.db');
  // a PostgreSQL store has no file beside it for the secrets key: every replica is given the same one
  const env = { VIGIL_ADMIN_ACCESS_KEY_ID: KEY.accessKeyId, VIGIL_ADMIN_SECRET_ACCESS_KEY: KEY.secretAccessKey, VIGIL_SECRETS_KEY: 'ab'.repeat(32) };
  const clusters: Cluster[] = [];
  const open = async () => { const c = await Cluster.open({ servers: nats.url, prefix: 'serve', partitions: 8, leaseMs: 2000 }); clusters.push(c); return c; };
  const servers: RunningServer[] = [];
  let worker: Worker | undefined;
  // a webhook both replicas are configured with: only the one holding the notify task sends
  const events: { id: string; type: string }[] = [];
  const hook = createServer((req, res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => { const e = JSON.parse(b); events.push({ id: e.detail.id, type: e.detail.type }); res.end('ok'); }); });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  try {
    for (let i = 0; i < 2; i++) {
      const config = loadServeConfig({ db, port: '0', adminAccount: '111111111111', watch: [logs] }, env);
      config.notifiers = [{ type: 'webhook', url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/e` }];
      servers.push(await startServer(config, { logger: false, continuous: { cluster: await open() } }));
    }
    const store = await openStore(db);
    worker = new Worker({ cluster: await open(), store, id: 'only-worker' });
    worker.start();
    cpSync(staged, logs, { recursive: true });
    const admin = clusters[0];
    await until('both replicas listed every file', () => servers.every((s) => {
      const p = s.continuous.publisher!.view()[0];
      return p.published + p.duplicates === files.length;
    }));
    const [p0, p1] = servers.map((s) => s.continuous.publisher!.view()[0]);
    assert.equal(p0.published + p1.published, files.length, 'each object published once between the two');
    assert.equal(p0.duplicates + p1.duplicates, files.length, 'and dropped once as a repeat');
    await until('every notice acknowledged', async () => (await pendingNotices(admin)) === 0 && (await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0) === files.length);
    for (const s of servers) assert.deepEqual(await listAll(s), expected, `ListFindings at ${s.url}`);
    const all = (await store.queryFindings({ limit: 100_000 })).map((f) => f.id).sort();
    await until('a webhook event per new finding', () => events.length >= all.length);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(events.map((e) => e.id).sort(), all, 'each new finding notified once, by one replica');
    assert.equal(servers.filter((s) => s.continuous.notifications).length, 1, 'one replica runs the notifiers');

    await until('the cluster view has the worker', () => servers[0].continuous.view().cluster?.status?.workers.length === 1);
    const metrics = await (await fetch(`${servers[0].url}/vigil/metrics`)).text();
    assert.match(metrics, /vigil_cluster_workers\{cluster="serve"\} 1/);
    assert.match(metrics, /vigil_cluster_partitions_unowned\{cluster="serve"\} 0/);
    assert.match(metrics, /vigil_cluster_published_objects\{source="folder:[^"]+",outcome="published"\} \d+/);
    const out = await new Promise<string>((res, rej) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status', '--nats', nats.url, '--cluster-prefix', 'serve'],
      { cwd: ROOT }, (e, stdout, stderr) => (e ? rej(new Error(`${e.message}\n${stderr}`)) : res(stdout))));
    assert.match(out, /Cluster serve: 8 partitions \(lease 2 s\), 1 worker\(s\), 0 notice\(s\) waiting/);
    assert.match(out, /only-worker .* 8/);
    assert.match(out, /Every partition is owned and has nothing waiting/);
    await store.close();
  } finally {
    await worker?.stop();
    for (const s of servers) await s.stop();
    hook.close();
    await clusters[0]?.destroy();
    for (const c of clusters) await c.close();
    await nats.stop();
    await pg?.drop();
  }
});

test('vigil status --nats for a cluster that does not exist says so and creates nothing', { timeout: 60_000 }, async () => {
  const nats = await startNats();
  try {
    const r = await new Promise<{ code: number; stderr: string }>((res) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status', '--nats', nats.url, '--cluster-prefix', 'nothere'],
      { cwd: ROOT }, (e, _o, stderr) => res({ code: (e as { code?: number } | null)?.code ?? 0, stderr })));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no cluster "nothere"/);
    const c = await Cluster.open({ servers: nats.url, prefix: 'probe' });
    const streams: string[] = [];
    for await (const s of c.jsm.streams.list()) streams.push(s.config.name);
    assert.ok(!streams.some((s) => s.includes('nothere')), streams.join(','));
    await c.destroy();
    await c.close();
  } finally { await nats.stop(); }
});
