/**
 * The connection to SQS (and to S3, where the SQS source reads the objects its messages name)
 * is lost under a running ingest loop and comes back, three times: while a long poll is in flight,
 * between a receive and the reads of its objects, and between a checkpoint and the deletes of its
 * messages. fauxqs keeps its queues in memory, so it is not restarted: a loopback TCP proxy
 * (src/testing/tcp-proxy.ts) stands between the source's clients and the servers and is cut and
 * restored on the same port, while the test keeps sending objects and notifications to the servers
 * directly. The Ingestor is never restarted. At the end: the findings of one scan of the same
 * objects, each object read once (retries counted apart), no message redelivered, none left on
 * the queue, nothing quarantined.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Ingestor, sourceContext } from '../../src/app/ingest/index.js';
import type { SourceObject } from '../../src/sources/index.js';
import { SqsSource } from '../../src/sources/sqs/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { findingLines, referenceFindings } from './reference.js';
import { startFauxqs, type Fauxqs } from '../../src/testing/fauxqs.js';
import { cloudTrailFile, ctRecord } from '../../src/testing/harness.js';
import { S3RVER_KEY, startS3rver, type TestS3 } from '../../src/testing/s3.js';
import { startTcpProxy, type CutMode, type TcpProxy } from '../../src/testing/tcp-proxy.js';

const BUCKET = 'trail';
const stop = (name: string, t: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false, eventTime: t });
const key = (i: number) => `AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T09${String(i).padStart(2, '0')}Z_o${i}.json.gz`;
/** Object i: trail t<i mod 4>, so objects 4… raise the counts of earlier findings. */
const body = (i: number) => gzipSync(cloudTrailFile([stop(`t${i % 4}`, `2026-03-02T09:${String(i).padStart(2, '0')}:00Z`)]));
/** What S3 sends for a put (keys URL-encoded). */
const notification = (i: number) => JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key: encodeURIComponent(key(i)).replace(/%2F/g, '/'), size: body(i).length } } }] });

/** Polls `cond` every 50 ms; fails naming `what` after `limitMs`. */
async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened within ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const findings = findingLines;
const reference = (dir: string, n: number) => referenceFindings(dir, n, key, body);

test('SQS and S3 connections cut under a running ingest loop (a long poll in flight, between a receive and its reads, between a commit and its deletes): recovered without restart, nothing lost or duplicated', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sqs-outage-'));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // the source finds credentials the AWS way (s3rver checks them; fauxqs takes any)
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEY.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEY.secretAccessKey;
  let s3: TestS3 | undefined;
  let queue: Fauxqs | undefined;
  let sqsProxy: TcpProxy | undefined;
  let s3Proxy: TcpProxy | undefined;
  let sqs: SQSClient | undefined;
  let store: Store | undefined;
  let ing: Ingestor | undefined;
  const logs: string[] = [];
  try {
    s3 = await startS3rver(join(dir, 's3'), [BUCKET]);
    queue = await startFauxqs();
    sqsProxy = await startTcpProxy({ port: queue.port });
    s3Proxy = await startTcpProxy({ port: Number(new URL(s3.endpoint).port) });
    const proxies = [sqsProxy, s3Proxy];
    /** The network between Vigil and AWS goes away (both services at once) and comes back. */
    const cut = async (mode: CutMode) => (await Promise.all(proxies.map((p) => p.cut(mode))))[0];
    const restore = () => Promise.all(proxies.map((p) => p.restore()));

    // the test's own clients talk to the servers directly, so they work while Vigil's are cut off
    sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.endpoint });
    const direct = sqs;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'trail-objects' }));
    const queueUrl = QueueUrl!;
    let sent = 0;
    /** Puts objects and sends their notifications in one SendMessageBatch (one receive gets them all). */
    const deliver = async (...ids: number[]) => {
      for (const i of ids) await s3!.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: body(i) }));
      await direct.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ids.map((i) => ({ Id: `o${i}`, MessageBody: notification(i) })) }));
      sent += ids.length;
    };
    const onQueue = async () => {
      const a = await direct.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return { visible: Number(a.Attributes!.ApproximateNumberOfMessages), inFlight: Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible) };
    };
    const drained = async () => { const c = await onQueue(); return c.visible === 0 && c.inFlight === 0; };

    store = await openStore(join(dir, 'v.db'));
    // the cuts that must land at a precise point of the source's work hang on its poll and its commit
    let cutOnPoll: CutMode | undefined;
    const cutOnCommit: { mode?: CutMode; objects?: number } = {};
    class CutSource extends SqsSource {
      override async poll(): Promise<SourceObject[]> {
        const objs = await super.poll();
        if (objs.length && cutOnPoll) { const m = cutOnPoll; cutOnPoll = undefined; await cut(m); }
        return objs;
      }
      override async committed(objects: SourceObject[], failed?: ReadonlySet<SourceObject>): Promise<void> {
        if (cutOnCommit.mode && objects.length >= 2) { const m = cutOnCommit.mode; cutOnCommit.mode = undefined; cutOnCommit.objects = objects.length; await cut(m); }
        return super.committed(objects, failed);
      }
    }
    // a short visibility timeout, so a message a dead long poll took comes back within the test;
    // the heartbeat (every third of it) keeps received messages invisible across the outages
    const src = new CutSource({ type: 'sqs', queueUrl, endpoint: sqsProxy.endpoint, s3Endpoint: s3Proxy.endpoint, waitSeconds: 2, visibilityTimeout: 10 }, sourceContext(store));
    ing = new Ingestor({ store, sources: [src], retry: { baseMs: 100, maxMs: 500 }, log: (l, m) => { logs.push(`${new Date().toISOString()} ${l} ${m}`); } });
    const health = () => ing!.view()[0];
    const errorSince = (t: string) => (health().lastError?.at ?? '') > t;
    await ing.start();

    // 1. normal operation
    await deliver(0, 1);
    await until('the first two objects read and their messages deleted', async () => health().objects.read === 2 && await drained());

    // 2. cut while a long poll is in flight: its socket is reset, new connections too
    await until('a long poll in flight through the proxy', () => sqsProxy!.awaiting() >= 1, 10_000);
    await sleep(200); // inside fauxqs's wait, not on its way there
    let at = new Date().toISOString();
    assert.ok(await cut('reset') >= 1, 'the cut hit a request in flight');
    await deliver(2, 3); // a dead long poll may take these: they come back after the visibility timeout
    await until('the lost receive shows in health', () => errorSince(at), 20_000);
    await until('reconnection attempts are turned away', () => sqsProxy!.rejected >= 1, 20_000);
    await sleep(1000);
    await restore();
    await until('the objects sent during the outage read after it', async () => health().objects.read === 4 && await drained(), 40_000);
    assert.deepEqual(await findings(store), await reference(dir, 4), 'after the first outage: the findings of one scan of four objects');
    assert.equal(health().retry.retries, 0, 'no batch was held: only receives failed');

    // 3. cut between a receive and the reads of its objects: the reads fail, the batch is held
    let h = health();
    const retriesBefore = h.retry.retries;
    cutOnPoll = 'refuse';
    at = new Date().toISOString();
    await deliver(4, 5);
    await until('the held batch fails its reads at least twice', () => health().retry.retries >= retriesBefore + 2, 20_000);
    h = health();
    assert.equal(h.retry.lastFailure?.transient, true, `a lost connection is the environment's: ${h.retry.lastFailure?.message}`);
    assert.equal(h.retry.waiting, 2);
    assert.equal(h.objects.read, 4);
    assert.equal(h.objects.failed, 0, 'a lost connection is not a failed object');
    await deliver(6); // waits on the queue (or in a dead long poll) until the network is back
    await restore(); // well within the visibility timeout: the held messages are not redelivered
    await until('the held batch and the later object read', async () => health().objects.read === 7 && await drained(), 40_000);
    assert.deepEqual(await findings(store), await reference(dir, 7), 'after the second outage');

    // 4. cut between a checkpoint and the deletes of its messages
    cutOnCommit.mode = 'refuse';
    at = new Date().toISOString();
    await deliver(7, 8);
    await until('a checkpoint of both objects cut before its deletes', () => cutOnCommit.objects !== undefined, 20_000);
    await until('the failed delete shows in health', () => errorSince(at), 20_000);
    await sleep(1000);
    await restore();
    // the committed messages must be deleted now, not redelivered after the visibility timeout
    await until('every message deleted', drained, 8_000);
    await sleep(11_000); // past the visibility timeout: a message not deleted would be back
    h = health();
    assert.deepEqual(await onQueue(), { visible: 0, inFlight: 0 }, 'nothing redelivered');
    assert.deepEqual(await findings(store), await reference(dir, 9), 'the findings of one scan of the nine objects');
    assert.equal(h.objects.read, 9, 'each object read once');
    assert.equal(h.objects.alreadyProcessed, 0, 'no object offered twice');
    assert.equal(h.objects.failed, 0);
    assert.equal(h.records, 9);
    assert.equal(h.retry.quarantined, 0);
    assert.deepEqual(h.quarantine, []);
    assert.equal(h.retry.waiting, 0);
    assert.equal(h.counters?.messagesReceived, sent, 'every message received by Vigil once');
    assert.equal(h.counters?.messagesDeleted, sent, 'and deleted once');
    assert.equal(h.counters?.messagesInFlight, 0);
    assert.equal((await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0), 9);
  } catch (e) {
    console.error(logs.join('\n'));
    throw e;
  } finally {
    await ing?.stop();
    await store?.close();
    sqs?.destroy();
    await sqsProxy?.close();
    await s3Proxy?.close();
    await queue?.stop();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
