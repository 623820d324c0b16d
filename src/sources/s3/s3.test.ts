import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { openStore } from '../../store/index.js';
import { cloudTrailFile, ctRecord, flowFile, flowLine } from '../../testing/harness.js';
import { Ingestor, sourceContext } from '../../app/ingest/index.js';
import { S3Source, keyTime } from './index.js';
import { startS3rver } from '../../testing/s3.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-s3src-'));
const s3 = await startS3rver(join(dir, 's3'));
after(() => s3.close());
const endpoint = s3.endpoint;
// credentials the AWS way: the source's client finds them in the environment
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
const client = s3.client;

async function bucket(name: string) {
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return (Key: string, Body: Buffer | string) => client.send(new PutObjectCommand({ Bucket: name, Key, Body }));
}

const stop = (name: string, t: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false, eventTime: t });
let n = 0;
const ctKey = (acct: string, region: string, stamp: string, org?: string) =>
  `AWSLogs/${org ? `${org}/` : ''}${acct}/CloudTrail/${region}/${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}/${acct}_CloudTrail_${region}_${stamp}_${String(++n).padStart(4, '0')}.json.gz`;
const ctBody = (name: string, t: string) => gzipSync(cloudTrailFile([stop(name, t)]));

async function ids(store: Awaited<ReturnType<typeof openStore>>) {
  return (await store.queryFindings({ limit: 100_000 })).map((f) => `${f.id}:${f.service.count}`).sort();
}

test('key times: CloudTrail/flow file stamps, then day folders', () => {
  assert.equal(keyTime('AWSLogs/1/CloudTrail/us-east-1/2026/03/02/1_CloudTrail_us-east-1_20260302T0905Z_a.json.gz'), Date.UTC(2026, 2, 2, 9, 5));
  assert.equal(keyTime('AWSLogs/1/vpcdnsquerylogs/vpc-1/2026/03/02/q.log.gz'), Date.UTC(2026, 2, 2));
  assert.equal(keyTime('random/key.json'), undefined);
});

test('S3 polling, backfill: org-trail, CloudTrail and VPC flow layouts through the real SDK; every object once; late files and new partitions found; digests skipped', async () => {
  const put = await bucket('trail-logs');
  await put(ctKey('111122223333', 'us-east-1', '20260302T0900Z', 'o-abcdefghij'), ctBody('a', '2026-03-02T09:01:00Z'));
  await put(ctKey('444455556666', 'eu-west-1', '20260302T0900Z'), ctBody('b', '2026-03-02T09:02:00Z'));
  await put('AWSLogs/444455556666/CloudTrail-Digest/eu-west-1/2026/03/02/444455556666_CloudTrail-Digest_eu-west-1_t_eu-west-1_20260302T090000Z.json.gz', gzipSync('{}'));
  await put('AWSLogs/444455556666/vpcflowlogs/eu-west-1/2026/03/02/444455556666_vpcflowlogs_eu-west-1_fl-1_20260302T0900Z_h.log.gz',
    gzipSync(flowFile([flowLine({ src: '203.0.113.5', dst: '10.0.0.1', sport: 5555, dport: 22, packets: 3, bytes: 180, start: 1772442000 })])));
  await put('not-a-log.bin', Buffer.from('\u0000\u0001 binary junk'));
  const store = await openStore(join(dir, 'a.db'));
  const src = new S3Source({ type: 's3', bucket: 'trail-logs', start: 'backfill', endpoint, discoverSeconds: 0 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src] });
  await ing.start({ loop: false });
  assert.equal(await ing.pollOnce(src), 4, 'three logs and the junk object; the digest is not listed');
  assert.equal(await ing.pollOnce(src), 0, 'nothing new');
  let h = ing.view()[0];
  assert.equal(h.objects.read, 4);
  assert.equal(h.kinds.cloudtrail!.records, 2);
  assert.equal(h.kinds.vpcflow!.records, 1);
  assert.equal(h.kinds.unknown!.bad['unknown-type']!.count, 1);
  assert.equal(h.kinds.unknown!.bad['unknown-type']!.samples[0].object, 's3://trail-logs/not-a-log.bin');
  // a file that arrives late into an older day folder, and a new account's partition
  await put(ctKey('444455556666', 'eu-west-1', '20260302T0855Z'), ctBody('b', '2026-03-02T08:56:00Z'));
  await put(ctKey('777788889999', 'us-west-2', '20260302T0905Z'), ctBody('c', '2026-03-02T09:06:00Z'));
  assert.equal(await ing.pollOnce(src), 2);
  h = ing.view()[0];
  assert.equal(h.objects.read, 6);
  assert.deepEqual(h.gaps.map((g) => `${g.accountId}/${g.region}`).sort(), ['111122223333/us-east-1', '444455556666/eu-west-1', '777788889999/us-west-2']);
  assert.ok(h.gaps.find((g) => g.accountId === '444455556666')!.missingSlots > 0, 'slots after the newest file are reported missing');
  await ing.stop();
  // cursors are kept: a new process reads nothing again
  const src2 = new S3Source({ type: 's3', bucket: 'trail-logs', start: 'backfill', endpoint }, sourceContext(store));
  const ing2 = new Ingestor({ store, sources: [src2] });
  await ing2.start({ loop: false });
  await ing2.pollOnce(src2);
  assert.equal(ing2.view()[0].objects.read, 6, 'the counts continue; no object read twice');
  await ing2.stop();
  const cursor = await store.getDoc<{ partitions: Record<string, number> }>('ingest-cursor', src2.id);
  assert.equal(cursor!.partitions['AWSLogs/444455556666/CloudTrail/eu-west-1/'], Date.UTC(2026, 2, 2, 9, 0));
  const got = await ids(store);
  assert.equal(got.length, 3);
  assert.ok(got.some((x) => x.endsWith(':2')), 'the late file of trail b raised its finding\'s count');
  await store.close();
});

test('S3 polling from a date: older objects are not read; a missing bucket is an error in health', async () => {
  const put = await bucket('flow-logs');
  const old = ctKey('111122223333', 'us-east-1', '20260301T2355Z');
  await put(old, ctBody('old', '2026-03-01T23:55:00Z'));
  await put(ctKey('111122223333', 'us-east-1', '20260302T0005Z'), ctBody('new', '2026-03-02T00:05:00Z'));
  const store = await openStore(join(dir, 'b.db'));
  const src = new S3Source({ type: 's3', bucket: 'flow-logs', prefix: 'AWSLogs/', start: '2026-03-02T00:00:00Z', endpoint }, sourceContext(store));
  const missing = new S3Source({ type: 's3', id: 'missing', bucket: 'no-such-bucket', endpoint }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src, missing] });
  await ing.start({ loop: false });
  assert.equal(await ing.pollOnce(src), 1);
  await ing.pollOnce(missing);
  const [h, m] = ing.view();
  assert.equal(h.objects.read, 1);
  assert.match(m.lastError!.message, /NoSuchBucket|bucket/i);
  await ing.stop();
  await store.close();
});

test('S3 polling from now: what was there before the first start is not read, what lands after is, and a restart keeps the start', async () => {
  const put = await bucket('live-logs');
  const old = new Date(Date.now() - 3 * 3_600_000);
  const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
  await put(ctKey('111122223333', 'us-east-1', stamp(old)), ctBody('before', old.toISOString()));
  const store = await openStore(join(dir, 'now.db'));
  const mk = () => new S3Source({ type: 's3', bucket: 'live-logs', endpoint, start: 'now' }, sourceContext(store));
  const src = mk();
  const ing = new Ingestor({ store, sources: [src] });
  await ing.start({ loop: false });
  assert.equal(await ing.pollOnce(src), 0, 'three hours old: before the start');
  const now = new Date();
  await put(ctKey('111122223333', 'us-east-1', stamp(now)), ctBody('after', now.toISOString()));
  assert.equal(await ing.pollOnce(src), 1);
  await ing.stop();
  const again = mk();
  const ing2 = new Ingestor({ store, sources: [again] });
  await ing2.start({ loop: false });
  await ing2.pollOnce(again);
  assert.equal(ing2.view()[0].objects.read, 1, 'the old object is still before the (kept) start');
  await ing2.stop();
  await store.close();
});
