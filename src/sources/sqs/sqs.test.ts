import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { openStore } from '../../store/index.js';
import { cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { startFauxqs } from '../../testing/fauxqs.js';
import { Ingestor, sourceContext } from '../../app/ingest/index.js';
import { SqsSource, parseNotification } from './index.js';
import { startS3rver } from '../../testing/s3.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sqs-'));
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
const s3 = await startS3rver(join(dir, 's3'), ['org-trail']);
const s3Endpoint = s3.endpoint;
const queue = await startFauxqs();
after(async () => { await s3.close(); await queue.stop(); });
const s3c = s3.client;
const sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.endpoint });

const stop = (name: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false });
const key = (n: number) => `AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T09${String(n).padStart(2, '0')}Z_a b.json.gz`;
/** What S3 sends: keys URL-encoded with + for spaces. */
const notification = (k: string, size: number) => JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: 'org-trail', arn: 'arn:aws:s3:::org-trail' }, object: { key: encodeURIComponent(k).replace(/%2F/g, '/').replace(/%20/g, '+'), size } } }] });

async function counts(url: string) {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return { visible: Number(a.Attributes!.ApproximateNumberOfMessages), inFlight: Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('notification shapes: S3 event, SNS-wrapped, EventBridge, test event, garbage', () => {
  const s3evt = notification('AWSLogs/1/a b.json', 5);
  assert.deepEqual(parseNotification(s3evt), { objects: [{ bucket: 'org-trail', key: 'AWSLogs/1/a b.json', size: 5, etag: '' }] });
  assert.deepEqual(parseNotification(JSON.stringify({ Type: 'Notification', Message: s3evt })), parseNotification(s3evt));
  assert.deepEqual(parseNotification(JSON.stringify({ 'detail-type': 'Object Created', detail: { bucket: { name: 'b' }, object: { key: 'k', size: 3, etag: 'e' } } })), { objects: [{ bucket: 'b', key: 'k', size: 3, etag: 'e' }] });
  assert.deepEqual(parseNotification(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' })), { objects: [], ignore: 'test-event' });
  assert.deepEqual(parseNotification('{"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}'), { objects: [], ignore: 'no-created-object' });
  assert.ok('error' in parseNotification('not json'));
});

test('S3 notifications via SQS (fauxqs, real SDK): objects read once, messages deleted after the commit, redeliveries skipped, unreadable objects left for redelivery, bad messages counted', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'cloudtrail-events' }));
  const bodies = [gzipSync(cloudTrailFile([stop('one')])), gzipSync(cloudTrailFile([stop('two'), stop('two')]))];
  for (const [i, b] of bodies.entries()) {
    await s3c.send(new PutObjectCommand({ Bucket: 'org-trail', Key: key(i), Body: b }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification(key(i), b.length) }));
  }
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"hello": "not an S3 event"}' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }) }));
  const store = await openStore(join(dir, 'v.db'));
  const src = new SqsSource({ type: 'sqs', queueUrl: QueueUrl!, endpoint: queue.endpoint, s3Endpoint, waitSeconds: 1, visibilityTimeout: 30 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src] });
  await ing.start();
  try {
    await until('both objects read', () => ing.view()[0].objects.read === 2);
    await until('every message deleted', async () => { const c = await counts(QueueUrl!); return c.visible === 0 && c.inFlight === 0; });
    const h = ing.view()[0];
    assert.equal(h.kinds.cloudtrail!.records, 3);
    assert.equal(h.notices['bad-message']?.count, 1);
    assert.match(h.notices['bad-message']!.samples[0], /no Records/);
    assert.equal(h.gaps[0]?.accountId, '111122223333', 'org-trail key names feed the gap report');
    assert.deepEqual(h.counters, { messagesReceived: 4, messagesDeleted: 4, messagesInFlight: 0 });
    // a redelivered notification (a crash between the commit and the delete): skipped, deleted
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification(key(0), bodies[0].length) }));
    await until('the redelivery is seen', () => ing.view()[0].objects.alreadyProcessed === 1);
    await until('and deleted', async () => { const c = await counts(QueueUrl!); return c.visible === 0 && c.inFlight === 0; });
    // an object that is not there (yet): counted, its message left in flight for redelivery
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification(key(9), 10) }));
    await until('the failure is counted', () => ing.view()[0].objects.failed === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await counts(QueueUrl!), { visible: 0, inFlight: 1 }, 'not deleted');
  } finally {
    await ing.stop();
  }
  const findings = await store.queryFindings({ limit: 100 });
  assert.deepEqual(findings.map((f) => f.service.count).sort(), [1, 2]);
  await store.close();
});

test('visibility: messages waiting to be read are kept invisible past the timeout, and put back on the queue at stop', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'slow-consumer' }));
  const body = gzipSync(cloudTrailFile([stop('three')]));
  await s3c.send(new PutObjectCommand({ Bucket: 'org-trail', Key: key(20), Body: body }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification(key(20), body.length) }));
  const store = await openStore(join(dir, 'w.db'));
  const src = new SqsSource({ type: 'sqs', queueUrl: QueueUrl!, endpoint: queue.endpoint, s3Endpoint, waitSeconds: 1, visibilityTimeout: 3 }, sourceContext(store));
  // received, never read (as behind a long backlog): no ingest loop here
  let got: unknown[] = [];
  await until('received', async () => { got = await src.poll(); return got.length === 1; });
  await new Promise((r) => setTimeout(r, 5000)); // past the 3 s visibility timeout
  assert.deepEqual(await counts(QueueUrl!), { visible: 0, inFlight: 1 }, 'extended, not redelivered');
  await src.stop();
  assert.deepEqual(await counts(QueueUrl!), { visible: 1, inFlight: 0 }, 'released at stop');
  await store.close();
});

test('backpressure: while the ingest loop takes nothing (it backs off from a failing store), receiving stops at maxWaiting and the queue keeps the rest', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'paused-consumer' }));
  const body = gzipSync(cloudTrailFile([stop('four')]));
  await s3c.send(new PutObjectCommand({ Bucket: 'org-trail', Key: key(30), Body: body }));
  for (let i = 0; i < 25; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification(key(30), body.length) }));
  const store = await openStore(join(dir, 'p.db'));
  const src = new SqsSource({ type: 'sqs', queueUrl: QueueUrl!, endpoint: queue.endpoint, s3Endpoint, waitSeconds: 1, visibilityTimeout: 30, maxWaiting: 5 }, sourceContext(store));
  let taken = (await src.poll()).length; // starts the receive loop
  await new Promise((r) => setTimeout(r, 2500));
  const c = await counts(QueueUrl!);
  assert.ok(c.inFlight <= 5 - 1 + 10, `at most one receive past the limit in flight (${c.inFlight})`);
  assert.ok(c.visible >= 25 - 14, `the rest stays on the queue (${c.visible})`);
  // taken again: receiving resumes
  await until('every message received once the objects are taken', async () => { taken += (await src.poll()).length; return taken === 25; });
  await src.stop();
  assert.deepEqual(await counts(QueueUrl!), { visible: 25, inFlight: 0 }, 'released at stop (none was committed)');
  await store.close();
});
