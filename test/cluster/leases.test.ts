/**
 * Lease edge cases on a private nats-server: a lease taken from under its owner makes the owner
 * drop that partition at its next round (and only that one), and a commit under the old epoch is
 * refused once the new owner has committed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../src/cluster/nats.js';
import { Worker } from '../../src/cluster/worker.js';
import { partitionStore } from '../../src/cluster/partition-store.js';
import { FencedError, openStore } from '../../src/store/index.js';
import { startNats } from '../../src/testing/nats.js';
import { until } from './helpers.js';

test('a lease taken from under its owner: the owner drops that partition only, and its older epoch can no longer commit', { timeout: 60_000 }, async () => {
  const nats = await startNats();
  const store = await openStore(':memory:');
  const c = await Cluster.open({ servers: nats.url, prefix: 'steal', partitions: 4, leaseMs: 1500 });
  const w = new Worker({ cluster: c, store, id: 'owner' });
  try {
    w.start();
    await until('the owner holds every partition', () => w.partitions.length === 4, 20_000, 50);
    const oldEpoch = w.view().find((p) => p.partition === 0)!.epoch;
    // another process deletes and re-creates the lease (as an operator or a split brain might)
    await c.leases.delete('p.0');
    const newEpoch = await c.leases.create('p.0', JSON.stringify({ worker: 'thief', at: new Date().toISOString() }));
    assert.ok(newEpoch > oldEpoch);
    await until('the owner gave partition 0 up', () => !w.partitions.includes(0), 10_000, 50);
    assert.deepEqual(w.partitions, [1, 2, 3], 'the others stay');
    await partitionStore(store, 0, () => newEpoch).commit({});
    await assert.rejects(partitionStore(store, 0, () => oldEpoch).commit({ state: [{ namespace: 'x/y', data: { v: 1, entries: [] } }] }), FencedError);
    assert.deepEqual(await store.loadState('p/0/'), [], 'nothing of the refused commit');
  } finally {
    await w.stop();
    await c.destroy();
    await c.close();
    await store.close();
    await nats.stop();
  }
});
