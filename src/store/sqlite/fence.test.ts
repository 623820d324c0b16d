import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from './index.js';
import { FencedError } from '../types.js';
import { sampleFinding } from '../../testing/store-conformance.js';

const state = (namespace: string, n: number) => ({ namespace, data: { v: 1 as const, entries: [[`k${n}`, n, 0] as [string, unknown, number]] } });

test('sqlite: a commit under an older epoch of its fence key is refused whole; equal and newer epochs commit', async () => {
  const s = new SqliteStore(':memory:');
  await s.migrate();
  await s.commit({ findings: [sampleFinding('a'.repeat(32))], fence: { key: 'partition/3', epoch: 5 } });
  await s.commit({ state: [state('p/3/x/y', 1)], fence: { key: 'partition/3', epoch: 5 } });
  await s.commit({ state: [state('p/3/x/y', 2)], fence: { key: 'partition/3', epoch: 9 } });
  await assert.rejects(s.commit({ findings: [sampleFinding('b'.repeat(32))], state: [state('p/3/x/y', 3)], fence: { key: 'partition/3', epoch: 5 } }),
    (e: unknown) => e instanceof FencedError && e.current === 9 && e.epoch === 5);
  assert.deepEqual((await s.getFindings(['b'.repeat(32)])), [], 'nothing of the refused batch');
  assert.deepEqual((await s.loadState()).map((r) => r.data.entries[0][1]), [2]);
  // another key's epochs are its own
  await s.commit({ state: [state('p/4/x/y', 1)], fence: { key: 'partition/4', epoch: 1 } });
  await s.close();
});

test('sqlite: loadState with a prefix returns only that partition\'s namespaces', async () => {
  const s = new SqliteStore(':memory:');
  await s.migrate();
  await s.commit({ state: [state('p/3/a/b', 1), state('p/30/a/b', 2), state('engine/clock', 3), state('p/3/c/d', 4)] });
  assert.deepEqual((await s.loadState('p/3/')).map((r) => r.namespace).sort(), ['p/3/a/b', 'p/3/c/d']);
  assert.equal((await s.loadState()).length, 4);
  assert.deepEqual(await s.loadState('p/9/'), []);
  await s.close();
});
