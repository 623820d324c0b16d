/**
 * The S3 service goes away under a running ingest loop and comes back on the same address: once
 * right after a listing (its objects cannot be read), once between polls (the listing fails).
 * s3rver is stopped and started again over the same directory; the real SDK talks to it. The
 * loop must back off on the lost connection, never quarantine, and resume by itself: the
 * findings of one scan of the same objects, none lost, none twice, each object counted once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import S3rver from 's3rver';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ingestor, sourceContext } from '../../src/app/ingest/index.js';
import type { ContinuousSource } from '../../src/sources/continuous.js';
import { S3Source } from '../../src/sources/s3/index.js';
import { openStore } from '../../src/store/index.js';
import { findingLines, referenceFindings } from './reference.js';
import { cloudTrailFile, ctRecord } from '../../src/testing/harness.js';
import { S3RVER_KEY } from '../../src/testing/s3.js';

const stop = (name: string, t: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false, eventTime: t });
const key = (i: number) => `AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T09${String(i).padStart(2, '0')}Z_o${i}.json.gz`;
/** Object i: trail t<i>, and trail t0 again in object 2 (a count of 2). */
const body = (i: number) => gzipSync(cloudTrailFile(i === 2 ? [stop('t2', '2026-03-02T09:02:00Z'), stop('t0', '2026-03-02T09:02:30Z')] : [stop(`t${i}`, `2026-03-02T09:0${i}:00Z`)]));

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const findings = findingLines;
const reference = (dir: string, n: number) => referenceFindings(dir, n, key, body);

test('S3 stopped and restarted on the same port: reads and listings resume by themselves, nothing lost or duplicated', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-s3-outage-'));
  const s3dir = join(dir, 's3');
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // the source finds credentials the AWS way
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEY.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEY.secretAccessKey;
  const start = async (port: number) => {
    const s = new S3rver({ port, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'trail' }] });
    return { server: s, port: (await s.run()).port };
  };
  const first = await start(0);
  let server = first.server;
  const port = first.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: S3RVER_KEY });
  const putObject = (i: number) => client.send(new PutObjectCommand({ Bucket: 'trail', Key: key(i), Body: body(i) }));
  for (let i = 0; i < 3; i++) await putObject(i);

  const store = await openStore(join(dir, 'v.db'));
  const s3 = new S3Source({ type: 's3', bucket: 'trail', start: 'backfill', endpoint, pollSeconds: 1, discoverSeconds: 0 }, sourceContext(store));
  // the first listing that finds objects takes the server down before they are read
  let cut = false;
  const src: ContinuousSource = {
    id: s3.id, type: s3.type, location: s3.location, intervalMs: s3.intervalMs,
    poll: async () => {
      const objs = await s3.poll();
      if (objs.length && !cut) { cut = true; await server.close(); }
      return objs;
    },
    committed: (o) => s3.committed(o), retry: (o) => s3.retry(o), counters: () => s3.counters(), stop: () => s3.stop(),
  };
  const ing = new Ingestor({ store, sources: [src], retry: { baseMs: 100, maxMs: 500 } });
  await ing.start();
  let up = false;
  try {
    await until('reads fail for the lost connection, more than once', () => ing.view()[0].retry.retries >= 2);
    let h = ing.view()[0];
    assert.equal(h.retry.lastFailure?.transient, true, h.retry.lastFailure?.message);
    assert.equal(h.retry.waiting, 3);
    assert.equal(h.objects.read, 0);
    assert.equal(h.objects.failed, 0, 'a lost connection is not a failed object');
    ({ server } = await start(port));
    up = true;
    await until('the three objects committed after S3 came back', () => ing.view()[0].objects.read === 3);
    assert.deepEqual(await findings(store), await reference(dir, 3));

    // down between polls: the listing fails (the source's error), then resumes with what landed meanwhile
    await server.close();
    up = false;
    const before = ing.view()[0].lastError?.at ?? '';
    await until('a listing failed', () => (ing.view()[0].lastError?.at ?? '') > before && ing.view()[0].lastPollAt! < ing.view()[0].lastError!.at);
    ({ server } = await start(port));
    up = true;
    await putObject(3);
    await until('the object that landed after the outage is read', () => ing.view()[0].objects.read === 4);
    h = ing.view()[0];
    assert.deepEqual(await findings(store), await reference(dir, 4), 'the findings of one scan of the four objects');
    assert.equal(h.objects.read, 4, 'each object counted once');
    assert.equal(h.objects.alreadyProcessed, 0, 'nothing offered twice');
    assert.equal(h.records, 5);
    assert.equal(h.retry.quarantined, 0);
    assert.deepEqual(h.quarantine, []);
    assert.equal((await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0), 4);
  } finally {
    await ing.stop();
    if (up) await server.close();
    client.destroy();
    await store.close();
  }
});
