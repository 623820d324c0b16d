import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scan } from './scan.js';
import { stateLayout } from './shards.js';
import { openStore } from '../store/index.js';
import { DEFAULT_PARTITIONS, partitionOfAccount, statePrefix } from '../cluster/partitions.js';
import { cloudTrailFile, ctRecord } from '../testing/harness.js';

const A = '111122223333', B = '444455556666';

function twoAccounts(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-shards-'));
  for (const acct of [A, B]) {
    const p = join(root, 'logs', `AWSLogs/${acct}/CloudTrail/us-east-1/2026/03/02/${acct}_CloudTrail_us-east-1_20260302T1000Z_x.json`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, cloudTrailFile([ctRecord({ recipientAccountId: acct, userIdentity: { type: 'IAMUser', accountId: acct, arn: `arn:aws:iam::${acct}:user/alice`, userName: 'alice', accessKeyId: 'AKIAEXAMPLE' }, eventTime: '2026-03-02T10:00:00Z' })]));
  }
  return root;
}

test('shards: a new database keeps state per account partition, under the prefixes a cluster worker uses', async () => {
  const root = twoAccounts();
  const store = await openStore(join(root, 'v.db'));
  await scan({ inputs: [join(root, 'logs')], store });
  assert.deepEqual(await stateLayout(store), { partitions: DEFAULT_PARTITIONS, unprefixed: false });
  const prefixes = new Set((await store.loadState()).map((r) => /^p\/\d+\//.exec(r.namespace)?.[0]));
  assert.deepEqual([...prefixes].sort(), [A, B].map((a) => statePrefix(partitionOfAccount(a, DEFAULT_PARTITIONS))).sort());
  await store.close();
});

test('shards: a database whose state an earlier Vigil wrote unprefixed keeps one unprefixed engine, and its state goes on', async () => {
  const root = twoAccounts();
  const store = await openStore(join(root, 'v.db'));
  // what a scan before partitions left: the engine clock, unprefixed
  await store.commit({ state: [{ namespace: 'engine/clock', data: { v: 1, entries: [['cloudtrail', [Date.parse('2026-03-01T00:00:00Z'), 0], 9e15]] } }] });
  await scan({ inputs: [join(root, 'logs')], store });
  assert.deepEqual(await stateLayout(store), { partitions: 1, unprefixed: true });
  const rows = await store.loadState();
  assert.ok(rows.every((r) => !r.namespace.startsWith('p/')), 'nothing under a partition prefix');
  const clock = rows.find((r) => r.namespace === 'engine/clock')!.data as unknown as { entries: [string, [number, number]][] };
  assert.equal(clock.entries.find(([k]) => k === 'cloudtrail')![1][0], Date.parse('2026-03-02T10:00:00Z'), 'the old clock moved on');
  await store.close();
});
