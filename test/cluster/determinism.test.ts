/**
 * The same objects through a cluster of 1 worker and of 3 workers (one private nats-server,
 * separate clusters by prefix, separate stores) give the same findings — ids, types, counts,
 * first and last seen — and the same as one `vigil scan` of the folder.
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
import { startNats } from '../../src/testing/nats.js';
import { createTestDatabase } from '../../src/testing/postgres.js';
import { findingsOf, pendingNotices, publishFolder, scanReference, until } from './helpers.js';

test('1 worker and 3 workers (SQLite), and 3 workers on PostgreSQL, give the same findings as one scan', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-determinism-'));
  const logs = join(dir, 'logs');
  const files = makeLogFolder(logs, undefined, 7, 'aws');
  const nats = await startNats();
  try {
    const expected = await scanReference(logs, join(dir, 'scan.db'));
    assert.ok(expected.length >= 5, `the data raises findings (${expected.length})`);

    const run = async (workers: number, location = join(dir, `cluster-${workers}.db`), prefix = `det${workers}`): Promise<string[]> => {
      const store = await openStore(location);
      const admin = await Cluster.open({ servers: nats.url, prefix, partitions: 16, leaseMs: 2000 });
      const clusters: Cluster[] = [];
      const ws: Worker[] = [];
      try {
        assert.equal(await publishFolder(admin, store, logs), files.length);
        for (let i = 0; i < workers; i++) {
          const c = await Cluster.open({ servers: nats.url, prefix });
          clusters.push(c);
          ws.push(new Worker({ cluster: c, store, id: `w${i}` }));
        }
        for (const w of ws) w.start();
        await until('every notice acknowledged', async () => (await pendingNotices(admin)) === 0);
        if (workers > 1) assert.ok(ws.every((w) => w.partitions.length > 0), `every worker owns partitions (${ws.map((w) => w.partitions.length)})`);
        for (const w of ws) await w.stop();
        assert.equal((await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0), files.length, 'every object processed once');
        return await findingsOf(store);
      } finally {
        for (const w of ws) await w.stop().catch(() => undefined);
        for (const c of clusters) await c.close();
        await admin.destroy();
        await admin.close();
        await store.close();
      }
    };
    const one = await run(1);
    assert.deepEqual(one, expected, 'one worker = one scan');
    const three = await run(3);
    assert.deepEqual(three, one, 'three workers = one worker');
    const pg = await createTestDatabase();
    try {
      assert.deepEqual(await run(3, pg.url, 'detpg'), one, 'three workers on PostgreSQL = one worker on SQLite');
    } finally { await pg.drop(); }
  } finally {
    await nats.stop();
  }
});
