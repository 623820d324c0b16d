/**
 * Detectors through GuardDuty's clients against a live `vigil serve`: create (one per account and
 * region), get (data sources and features), update (frequency, features, data sources), delete,
 * list. SDK for every operation; the AWS CLI (v2.9, whose model predates `features`) for
 * create/get/update/delete/list with data sources.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GuardDutyClient, CreateDetectorCommand, DeleteDetectorCommand, GetDetectorCommand, ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { HAVE_CLI, KEYS, MEMBER2_ACCOUNT, sdkError, startHarness, type Harness } from './harness.js';
import { detectorIdFor } from '../../src/findings/index.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.stop(); });

const inRegion = (key: typeof KEYS.admin, region: string) =>
  new GuardDutyClient({ region, endpoint: h.url, maxAttempts: 1, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });

test('the administrator has its detector from the start: list and get', async () => {
  const admin = h.sdk(KEYS.admin);
  assert.deepEqual((await admin.send(new ListDetectorsCommand({}))).DetectorIds, [h.adminDetectorId]);
  const d = await admin.send(new GetDetectorCommand({ DetectorId: h.adminDetectorId }));
  assert.equal(d.Status, 'ENABLED');
  assert.equal(d.FindingPublishingFrequency, 'SIX_HOURS');
  assert.match(d.ServiceRole!, /^arn:aws:iam::111111111111:role\/aws-service-role\/guardduty\.amazonaws\.com\//);
  assert.ok(!Number.isNaN(Date.parse(d.CreatedAt!)));
  assert.deepEqual(d.DataSources!.CloudTrail, { Status: 'ENABLED' });
  assert.equal(d.DataSources!.S3Logs!.Status, 'DISABLED');
  const features = new Map(d.Features!.map((f) => [f.Name, f.Status]));
  assert.deepEqual([features.get('CLOUD_TRAIL'), features.get('DNS_LOGS'), features.get('FLOW_LOGS'), features.get('S3_DATA_EVENTS')], ['ENABLED', 'ENABLED', 'ENABLED', 'DISABLED']);
  assert.ok(d.Features!.every((f) => f.UpdatedAt instanceof Date && !Number.isNaN(f.UpdatedAt.getTime())));
  const e = await sdkError(admin.send(new CreateDetectorCommand({ Enable: true })));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400], 'one detector per account and region');
});

test('create in another region with features and tags, update, delete', async () => {
  const eu = inRegion(KEYS.admin, 'eu-west-1');
  try {
    const { DetectorId } = await eu.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES', Tags: { team: 'sec' },
      Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] }));
    assert.equal(DetectorId, detectorIdFor(KEYS.admin.accountId, 'eu-west-1'));
    assert.notEqual(DetectorId, h.adminDetectorId);
    let d = await eu.send(new GetDetectorCommand({ DetectorId }));
    assert.deepEqual([d.FindingPublishingFrequency, d.Tags, d.DataSources!.S3Logs!.Status], ['FIFTEEN_MINUTES', { team: 'sec' }, 'ENABLED']);
    assert.equal(d.Features!.find((f) => f.Name === 'S3_DATA_EVENTS')!.Status, 'ENABLED');
    // the detector of one region is not found from another
    const wrong = await sdkError(h.sdk(KEYS.admin).send(new GetDetectorCommand({ DetectorId })));
    assert.deepEqual([wrong.name, wrong.status], ['BadRequestException', 400]);

    await eu.send(new UpdateDetectorCommand({ DetectorId, Enable: false, FindingPublishingFrequency: 'ONE_HOUR', Features: [{ Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }] }));
    d = await eu.send(new GetDetectorCommand({ DetectorId }));
    assert.deepEqual([d.Status, d.FindingPublishingFrequency, d.DataSources!.S3Logs!.Status], ['DISABLED', 'ONE_HOUR', 'DISABLED']);
    assert.equal(d.Features!.find((f) => f.Name === 'S3_DATA_EVENTS')!.Status, 'DISABLED');
    const bad = await sdkError(eu.send(new UpdateDetectorCommand({ DetectorId, Features: [{ Name: 'FLYING_LOGS' as 'S3_DATA_EVENTS', Status: 'ENABLED' }] })));
    assert.deepEqual([bad.name, bad.status], ['BadRequestException', 400]);

    await eu.send(new DeleteDetectorCommand({ DetectorId }));
    const gone = await sdkError(eu.send(new GetDetectorCommand({ DetectorId })));
    assert.deepEqual([gone.name, gone.status], ['BadRequestException', 400]);
  } finally { eu.destroy(); }
});

test('a member with no administrator has no detector until it creates one, and sees only its own', async () => {
  const m2 = h.sdk(KEYS.member2);
  assert.deepEqual((await m2.send(new ListDetectorsCommand({}))).DetectorIds, []);
  const { DetectorId } = await m2.send(new CreateDetectorCommand({ Enable: true }));
  assert.equal(DetectorId, detectorIdFor(MEMBER2_ACCOUNT, 'us-east-1'));
  assert.deepEqual((await m2.send(new ListDetectorsCommand({}))).DetectorIds, [DetectorId]);
  for (const call of [() => m2.send(new GetDetectorCommand({ DetectorId: h.adminDetectorId })), () => h.sdk(KEYS.admin).send(new GetDetectorCommand({ DetectorId })),
    () => m2.send(new DeleteDetectorCommand({ DetectorId: h.adminDetectorId }))]) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status, e.message], ['BadRequestException', 400, 'The request is rejected because the input detectorId is not owned by the current account.']);
  }
  const ro = await sdkError(h.sdk(KEYS.readOnly).send(new UpdateDetectorCommand({ DetectorId: h.adminDetectorId, Enable: false })));
  assert.deepEqual([ro.name, ro.status], ['AccessDeniedException', 403]);
});

test('AWS CLI: create-detector, get-detector, update-detector (data sources), list-detectors, delete-detector', { skip: !HAVE_CLI }, async () => {
  const region = ['--region', 'ap-southeast-2'];
  const created = await h.cli(KEYS.admin, ['create-detector', '--enable', '--finding-publishing-frequency', 'ONE_HOUR', '--tags', 'env=test', ...region]);
  assert.equal(created.code, 0, created.stderr);
  const id = created.json!.DetectorId as string;
  assert.equal(id, detectorIdFor(KEYS.admin.accountId, 'ap-southeast-2'));
  const upd = await h.cli(KEYS.admin, ['update-detector', '--detector-id', id, '--data-sources', 'S3Logs={Enable=true}', '--finding-publishing-frequency', 'FIFTEEN_MINUTES', ...region]);
  assert.equal(upd.code, 0, upd.stderr);
  const [got, list] = await Promise.all([h.cli(KEYS.admin, ['get-detector', '--detector-id', id, ...region]), h.cli(KEYS.admin, ['list-detectors', ...region])]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.json!.FindingPublishingFrequency, 'FIFTEEN_MINUTES');
  assert.equal(got.json!.Status, 'ENABLED');
  assert.deepEqual(got.json!.Tags, { env: 'test' });
  assert.deepEqual((got.json!.DataSources as { S3Logs: unknown }).S3Logs, { Status: 'ENABLED' });
  assert.deepEqual(list.json, { DetectorIds: [id] });
  const del = await h.cli(KEYS.admin, ['delete-detector', '--detector-id', id, ...region]);
  assert.equal(del.code, 0, del.stderr);
  const sydney = inRegion(KEYS.admin, 'ap-southeast-2');
  try {
    const e = await sdkError(sydney.send(new GetDetectorCommand({ DetectorId: id })));
    assert.deepEqual([e.name, e.status], ['BadRequestException', 400], 'deleted');
  } finally { sydney.destroy(); }
});
