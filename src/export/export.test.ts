import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Finding } from '../core/index.js';
import { openStore } from '../store/index.js';
import { scan } from '../app/scan.js';
import { cloudTrailFile, ctRecord } from '../testing/harness.js';
import { Exporter, type DestinationDoc } from './index.js';
import { startS3rver } from '../testing/s3.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
const s3 = await startS3rver(join(dir, 's3'), ['gd-export']);
after(() => s3.close());
const endpoint = s3.endpoint;
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
const client = s3.client;

const stop = (name: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false });

async function setup(name: string) {
  const store = await openStore(join(dir, `${name}.db`));
  writeFileSync(join(dir, `${name}.json`), cloudTrailFile([stop('a'), stop('b')]));
  await scan({ inputs: [join(dir, `${name}.json`)], store });
  const findings = await store.queryFindings({ limit: 10 });
  const detectorId = findings[0].service.detectorId;
  await store.putDoc('detector', detectorId, findings[0].accountId, { detectorId, accountId: findings[0].accountId, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
  return { store, findings, detectorId };
}

const dest = (id: string, detectorId: string, destinationArn: string): DestinationDoc => ({
  destinationId: id, detectorId, destinationType: 'S3', status: 'PUBLISHING',
  destinationProperties: { destinationArn, kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
});

const lines = (gz: Buffer) => gunzipSync(gz).toString().trim().split('\n').map((l) => JSON.parse(l) as Finding);

test('folder destination: gzip JSON lines in GuardDuty\'s layout; new findings at each tick, updates once per period, archived never', async () => {
  const { store, findings, detectorId } = await setup('folder');
  const out = join(dir, 'out');
  await store.putDoc('destination', 'd1', findings[0].accountId, dest('d1', detectorId, pathToFileURL(out).href));
  let now = Date.parse(findings[0].updatedAt) + 1000;
  const ex = new Exporter({ store, retentionDays: 90, now: () => now });
  const r1 = await ex.run();
  assert.equal(r1.destinations[0].written, 2);
  const [file] = r1.destinations[0].files;
  assert.match(relative(out, file), /^AWSLogs\/111122223333\/GuardDuty\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.jsonl\.gz$/);
  assert.deepEqual(lines(readFileSync(file)).map((f) => f.id).sort(), findings.map((f) => f.id).sort());
  assert.equal(statSync(file).mode & 0o777, 0o600, 'exported findings are private');
  for (let d = dirname(file); d !== dir; d = dirname(d)) assert.equal(statSync(d).mode & 0o777, 0o700, `${d} is private`);
  assert.equal((await ex.run()).destinations[0].written, 0, 'nothing twice');
  // an update (count grows) waits for the detector's period; an archived finding is never exported
  const [a, b] = findings;
  now += 60_000;
  const later = new Date(now).toISOString();
  await store.commit({ findings: [{ ...a, updatedAt: later, service: { ...a.service, count: 2 } }, { ...b, updatedAt: later, service: { ...b.service, count: 5, archived: true } }] });
  now += 60_000;
  assert.equal((await ex.run()).destinations[0].written, 0, 'updates wait for the period');
  now += 15 * 60_000;
  const r3 = await ex.run();
  assert.equal(r3.destinations[0].written, 1);
  const [updated] = lines(readFileSync(r3.destinations[0].files[0]));
  assert.equal(updated.id, a.id);
  assert.equal(updated.service.count, 2);
  // a restart continues from the stored cursor
  now += 15 * 60_000;
  assert.equal((await new Exporter({ store, retentionDays: 90, now: () => now }).run()).destinations[0].written, 0);
  await store.close();
});

test('S3 destination (s3rver, real SDK) under a prefix; a missing bucket sets UNABLE_TO_PUBLISH with the failure time', async () => {
  const { store, findings, detectorId } = await setup('s3');
  const acct = findings[0].accountId;
  await store.putDoc('destination', 'good', acct, dest('good', detectorId, 'arn:aws:s3:::gd-export/guardduty/exports'));
  await store.putDoc('destination', 'bad', acct, dest('bad', detectorId, 'arn:aws:s3:::no-such-bucket-here'));
  const now = Date.parse(findings[0].updatedAt) + 1000;
  const ex = new Exporter({ store, retentionDays: 90, s3Endpoint: endpoint, now: () => now });
  const r = await ex.run();
  const good = r.destinations.find((d) => d.id === 'good')!;
  assert.equal(good.written, 2);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: 'gd-export', Prefix: 'guardduty/exports/AWSLogs/' }));
  assert.equal(listed.Contents?.length, 1);
  assert.match(listed.Contents![0].Key!, /^guardduty\/exports\/AWSLogs\/111122223333\/GuardDuty\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.jsonl\.gz$/);
  const obj = await client.send(new GetObjectCommand({ Bucket: 'gd-export', Key: listed.Contents![0].Key! }));
  assert.equal(lines(Buffer.from(await obj.Body!.transformToByteArray())).length, 2);
  const bad = r.destinations.find((d) => d.id === 'bad')!;
  assert.match(bad.error!, /no-such-bucket-here/);
  const doc = await store.getDoc<DestinationDoc>('destination', 'bad');
  assert.equal(doc!.status, 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY');
  assert.equal(doc!.publishingFailureStartTimestamp, now);
  await store.close();
});

test('retention: findings older than N days are exported where not yet, then deleted; none deleted when the export fails', async () => {
  const { store, findings, detectorId } = await setup('retention');
  const acct = findings[0].accountId;
  const now = Date.parse(findings[0].updatedAt) + 91 * 86_400_000;
  // a destination that cannot be written: nothing may be deleted
  await store.putDoc('destination', 'broken', acct, dest('broken', detectorId, 'arn:aws:s3:::no-such-bucket-here'));
  await assert.rejects(new Exporter({ store, retentionDays: 90, s3Endpoint: endpoint, now: () => now }).run({ forceRetention: true }), /no-such-bucket-here/);
  assert.equal((await store.countFindings()).total, 2);
  await store.deleteDoc('destination', 'broken');
  const out = join(dir, 'retained');
  await store.putDoc('destination', 'keep', acct, dest('keep', detectorId, pathToFileURL(out).href));
  // a longer retention keeps them
  assert.equal((await new Exporter({ store, retentionDays: 120, now: () => now }).run({ forceRetention: true })).retained.deleted, 0);
  const r = await new Exporter({ store, retentionDays: 90, now: () => now }).run({ forceRetention: true });
  assert.equal(r.retained.deleted, 2);
  assert.equal((await store.countFindings()).total, 0);
  // they were written by the regular export of this run (the cursor was behind), so retention had nothing left to add
  assert.equal(r.destinations[0].written + r.retained.exported, 2);
  await store.close();
});
