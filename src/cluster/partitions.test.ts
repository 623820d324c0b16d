import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountOfKey, assign, partitionOfKey } from './partitions.js';

test('the account of an AWS log key, with or without an organisation id; none for loose files', () => {
  assert.equal(accountOfKey('AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/x.json.gz'), '111122223333');
  assert.equal(accountOfKey('trail/AWSLogs/o-abcdefghij/444455556666/CloudTrail/eu-west-1/2026/03/02/x.json.gz'), '444455556666');
  assert.equal(accountOfKey('/data/logs/AWSLogs/777788889999/vpcflowlogs/us-east-1/2026/03/02/f.log.gz'), '777788889999');
  assert.equal(accountOfKey('/data/logs/flow-00001.log.gz'), undefined);
  assert.equal(accountOfKey('AWSLogs/12345/CloudTrail/x.json'), undefined, 'not 12 digits');
});

test('every key of one account goes to one partition; loose files to partition 0', () => {
  const a = partitionOfKey('AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz', 64);
  assert.equal(partitionOfKey('x/AWSLogs/111122223333/vpcdnsquerylogs/vpc-1/2026/03/02/b.log.gz', 64), a);
  assert.equal(partitionOfKey('/tmp/flow.log', 64), 0);
  const seen = new Set(Array.from({ length: 200 }, (_, i) => partitionOfKey(`AWSLogs/${String(100000000000 + i * 7919)}/CloudTrail/r/k`, 64)));
  assert.ok(seen.size > 50, `200 accounts spread over most of 64 partitions (${seen.size})`);
});

test('assignment is balanced to within one, the same in every process, and moves little when a worker joins or leaves', () => {
  const three = assign(['w-b', 'w-a', 'w-c'], 64);
  assert.deepEqual(assign(['w-c', 'w-a', 'w-b'], 64), three, 'order of the list does not matter');
  const loads = (m: Map<number, string>) => [...m.values()].reduce((acc, w) => acc.set(w, (acc.get(w) ?? 0) + 1), new Map<string, number>());
  assert.deepEqual([...loads(three).values()].sort(), [21, 21, 22]);
  const four = assign(['w-a', 'w-b', 'w-c', 'w-d'], 64);
  assert.deepEqual([...loads(four).values()], [16, 16, 16, 16]);
  const moved = [...four].filter(([p, w]) => three.get(p) !== w).length;
  assert.ok(moved >= 16 && moved <= 32, `a join moves at most twice the joiner's share (16), not everything (${moved})`);
  const two = assign(['w-a', 'w-b'], 64);
  const lost = [...three.values()].filter((w) => w === 'w-c').length;
  const movedOnLoss = [...two].filter(([p, w]) => three.get(p) !== w).length;
  assert.ok(movedOnLoss >= lost && movedOnLoss <= 2 * lost, `losing w-c moves its ${lost} partitions and few others (${movedOnLoss})`);
  assert.equal(assign([], 64).size, 0);
  assert.equal(new Set(assign(['only'], 8).values()).size, 1);
});

test('with the current owners given, a join moves only the joiner\'s share and a loss only the lost worker\'s partitions', () => {
  const three = assign(['w-a', 'w-b', 'w-c'], 64);
  const four = assign(['w-a', 'w-b', 'w-c', 'w-d'], 64, three);
  assert.equal([...four].filter(([p, w]) => three.get(p) !== w).length, 16, 'exactly the 16 w-d takes');
  assert.ok([...four].every(([p, w]) => w === 'w-d' || three.get(p) === w), 'nobody else swaps');
  const two = assign(['w-a', 'w-b'], 64, three);
  const lost = [...three].filter(([, w]) => w === 'w-c').map(([p]) => p);
  assert.deepEqual([...two].filter(([p, w]) => three.get(p) !== w).map(([p]) => p), lost, 'only w-c\'s partitions move');
  assert.deepEqual(assign(['w-a', 'w-b', 'w-c'], 64, three), three, 'the steady state is a fixed point');
  // a current owner that is not live is ignored; an over-full owner gives its excess up
  const skewed = new Map(Array.from({ length: 64 }, (_, p) => [p, 'w-a'] as [number, string]));
  const spread = assign(['w-a', 'w-b'], 64, skewed);
  assert.equal([...spread.values()].filter((w) => w === 'w-a').length, 32);
});
