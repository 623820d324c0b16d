/**
 * On a 3-node JetStream cluster (loopback, streams and buckets with 3 replicas), one NATS node is
 * killed while two workers are reading: the workers reconnect to the others, and the findings
 * still equal one scan of the same folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { Cluster } from '../../src/cluster/nats.js';
import { Worker } from '../../src/cluster/worker.js';
import { makeLogFolder } from '../../src/testing/log-folder.js';
import { startNatsCluster } from '../../src/testing/nats.js';
import { findingsOf, pendingNotices, publishFolder, scanReference, until } from './helpers.js';

test('3-node JetStream cluster, replicas 3, one node killed mid-stream: the same findings as one scan', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-cluster-'));
  const logs = join(dir, 'logs');
  const files = makeLogFolder(logs, undefined, 13, 'aws');
  const expected = await scanReference(logs, join(dir, 'scan.db'));

  const nats = await startNatsCluster(3);
  const store = await openStore(join(dir, 'cluster.db'));
  const clusters: Cluster[] = [];
  const workers: Worker[] = [];
  try {
    // JetStream needs its meta leader elected before the first stream can be made
    let admin: Cluster | undefined;
    await until('JetStream cluster ready', async () => {
      admin = await Cluster.open({ servers: nats.url, prefix: 'r3', partitions: 8, leaseMs: 3000, replicas: 3 }).catch(() => undefined);
      return admin !== undefined;
    }, 60_000, 500);
    clusters.push(admin!);
    const info = await admin!.jsm.streams.info(admin!.stream);
    assert.equal(info.config.num_replicas, 3);
    for (let i = 0; i < 2; i++) {
      const c = await Cluster.open({ servers: nats.url, prefix: 'r3' });
      clusters.push(c);
      workers.push(new Worker({ cluster: c, store, id: `w${i}` }));
    }
    assert.equal(await publishFolder(admin!, store, logs), files.length);
    for (const w of workers) w.start();
    await until('part of the stream is processed', async () => (await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0) >= files.length * 0.2, 120_000, 20);
    const leader = info.cluster?.leader;
    const victim = nats.nodes.find((n, i) => `n${i}` === leader) ?? nats.nodes[0];
    t.diagnostic(`killing ${leader ?? 'n0'} (the stream's leader)`);
    await victim.kill();
    await until('every notice acknowledged', async () => {
      const pending = await pendingNotices(admin!).catch(() => -1);
      return pending === 0 && (await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0) === files.length;
    }, 180_000, 500);
    assert.deepEqual(await findingsOf(store), expected);
  } finally {
    for (const w of workers) await w.stop().catch(() => undefined);
    await clusters[0]?.destroy().catch(() => undefined);
    for (const c of clusters) await c.close().catch(() => undefined);
    await store.close();
    await nats.stop();
  }
});
