/**
 * Publishing destinations (a local folder, or S3 with a KMS key), tags on every taggable
 * resource and usage statistics, against a live `vigil serve`; and the operation map: every
 * operation of `@aws-sdk/client-guardduty` is either served on GuardDuty's exact method and path
 * or answers 404 ResourceNotFoundException in GuardDuty's error shape. SDK for every operation;
 * the AWS CLI for create/describe/list/delete-publishing-destination, tag-resource,
 * list-tags-for-resource, untag-resource and get-usage-statistics.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as GD from '@aws-sdk/client-guardduty';
import {
  CreateFilterCommand, CreatePublishingDestinationCommand, DeletePublishingDestinationCommand, DescribePublishingDestinationCommand, GetUsageStatisticsCommand,
  ListPublishingDestinationsCommand, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, UpdatePublishingDestinationCommand,
  CreateDetectorCommand, type GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import { ADMIN_ACCOUNT, HAVE_CLI, KEYS, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, sdkError, sdkOperations, startHarness, type Harness } from './harness.js';
import { ROUTE_GROUPS } from '../../src/api/routes/index.js';

let h: Harness;
let admin: GuardDutyClient;
let D: string;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  h = await startHarness();
  admin = h.sdk(KEYS.admin);
  D = h.adminDetectorId;
  // what scans record as analysed (usage is by the day the events happened: the last 30 days count)
  const old = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  await h.server.store.commit({ usage: [
    { accountId: MEMBER1_ACCOUNT, dataSource: 'CLOUD_TRAIL', day: today, events: 2_000_000, bytes: 0 },
    { accountId: MEMBER1_ACCOUNT, dataSource: 'FLOW_LOGS', day: today, events: 10, bytes: 3e9 },
    { accountId: ADMIN_ACCOUNT, dataSource: 'DNS_LOGS', day: today, events: 10, bytes: 5e8 },
    { accountId: MEMBER2_ACCOUNT, dataSource: 'CLOUD_TRAIL', day: today, events: 1_000_000, bytes: 0 },
    { accountId: MEMBER1_ACCOUNT, dataSource: 'CLOUD_TRAIL', day: old, events: 9_000_000, bytes: 0 },
  ] });
});
after(async () => { await h?.stop(); });

test('publishing destinations: a local folder — create, describe, list, update, delete; S3 needs a KMS key', async () => {
  const folder = `file://${h.dir}/export`;
  const { DestinationId } = await admin.send(new CreatePublishingDestinationCommand({ DetectorId: D, DestinationType: 'S3',
    DestinationProperties: { DestinationArn: folder }, Tags: { sink: 'local' } }));
  assert.match(DestinationId!, /^[0-9a-f]{32}$/);
  const d = await admin.send(new DescribePublishingDestinationCommand({ DetectorId: D, DestinationId }));
  assert.deepEqual([d.DestinationId, d.DestinationType, d.Status, d.PublishingFailureStartTimestamp, d.DestinationProperties, d.Tags],
    [DestinationId, 'S3', 'PUBLISHING', 0, { DestinationArn: folder }, { sink: 'local' }]);
  assert.deepEqual((await admin.send(new ListPublishingDestinationsCommand({ DetectorId: D }))).Destinations, [{ DestinationId, DestinationType: 'S3', Status: 'PUBLISHING' }]);

  const s3 = { DestinationArn: 'arn:aws:s3:::vigil-findings/exports', KmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-2222-3333-444455556666' };
  await admin.send(new UpdatePublishingDestinationCommand({ DetectorId: D, DestinationId, DestinationProperties: s3 }));
  assert.deepEqual((await admin.send(new DescribePublishingDestinationCommand({ DetectorId: D, DestinationId }))).DestinationProperties, s3);
  const noKms = await sdkError(admin.send(new CreatePublishingDestinationCommand({ DetectorId: D, DestinationType: 'S3', DestinationProperties: { DestinationArn: 'arn:aws:s3:::bucket-x' } })));
  assert.deepEqual([noKms.name, noKms.status], ['BadRequestException', 400]);
  const badType = await sdkError(admin.send(new CreatePublishingDestinationCommand({ DetectorId: D, DestinationType: 'SQS' as 'S3', DestinationProperties: { DestinationArn: folder } })));
  assert.deepEqual([badType.name, badType.status], ['BadRequestException', 400]);
  const ro = await sdkError(h.sdk(KEYS.readOnly).send(new DeletePublishingDestinationCommand({ DetectorId: D, DestinationId })));
  assert.deepEqual([ro.name, ro.status], ['AccessDeniedException', 403]);

  await admin.send(new DeletePublishingDestinationCommand({ DetectorId: D, DestinationId }));
  const gone = await sdkError(admin.send(new DescribePublishingDestinationCommand({ DetectorId: D, DestinationId })));
  assert.deepEqual([gone.name, gone.status], ['ResourceNotFoundException', 404]);
  assert.deepEqual((await admin.send(new ListPublishingDestinationsCommand({ DetectorId: D }))).Destinations, []);
});

test('AWS CLI: create/describe/list/delete-publishing-destination with a local folder', { skip: !HAVE_CLI }, async () => {
  const folder = `file://${h.dir}/cli-export`;
  const c = await h.cli(KEYS.admin, ['create-publishing-destination', '--detector-id', D, '--destination-type', 'S3', '--destination-properties', `DestinationArn=${folder}`]);
  assert.equal(c.code, 0, c.stderr);
  const id = c.json!.DestinationId as string;
  const [desc, list] = await Promise.all([
    h.cli(KEYS.admin, ['describe-publishing-destination', '--detector-id', D, '--destination-id', id]),
    h.cli(KEYS.admin, ['list-publishing-destinations', '--detector-id', D]),
  ]);
  assert.deepEqual([desc.json!.Status, desc.json!.DestinationProperties], ['PUBLISHING', { DestinationArn: folder }]);
  assert.deepEqual(list.json!.Destinations, [{ DestinationId: id, DestinationType: 'S3', Status: 'PUBLISHING' }]);
  const del = await h.cli(KEYS.admin, ['delete-publishing-destination', '--detector-id', D, '--destination-id', id]);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual((await admin.send(new ListPublishingDestinationsCommand({ DetectorId: D }))).Destinations, []);
});

test('tags: tag, list, untag on a detector and a filter; unknown resources, other accounts and aws: keys refused', async () => {
  const detectorArn = `arn:aws:guardduty:us-east-1:${ADMIN_ACCOUNT}:detector/${D}`;
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'tagged', FindingCriteria: { Criterion: { severity: { Gte: 8 } } }, Tags: { a: '1' } }));
  const filterArn = `${detectorArn}/filter/tagged`;
  await admin.send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { team: 'sec', env: 'prod' } }));
  await admin.send(new TagResourceCommand({ ResourceArn: filterArn, Tags: { b: '2' } }));
  assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: detectorArn }))).Tags, { team: 'sec', env: 'prod' });
  assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: filterArn }))).Tags, { a: '1', b: '2' });
  await admin.send(new UntagResourceCommand({ ResourceArn: detectorArn, TagKeys: ['env', 'absent'] }));
  assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: detectorArn }))).Tags, { team: 'sec' });
  await admin.send(new UntagResourceCommand({ ResourceArn: filterArn, TagKeys: ['a', 'b'] }));
  assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: filterArn }))).Tags, {});

  const m2Detector = (await h.sdk(KEYS.member2).send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
  const cases: [string, () => Promise<unknown>, string, number][] = [
    ['a filter that does not exist', () => admin.send(new ListTagsForResourceCommand({ ResourceArn: `${detectorArn}/filter/nope` })), 'ResourceNotFoundException', 404],
    ['another account\'s detector', () => admin.send(new TagResourceCommand({ ResourceArn: `arn:aws:guardduty:us-east-1:${MEMBER2_ACCOUNT}:detector/${m2Detector}`, Tags: { x: 'y' } })), 'ResourceNotFoundException', 404],
    ['not a GuardDuty ARN', () => admin.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:s3:::bucket' })), 'BadRequestException', 400],
    ['an aws: key', () => admin.send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { 'aws:owner': 'me' } })), 'BadRequestException', 400],
    ['a value over 256 characters', () => admin.send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { k: 'v'.repeat(257) } })), 'BadRequestException', 400],
    ['read-only', () => h.sdk(KEYS.readOnly).send(new TagResourceCommand({ ResourceArn: detectorArn, Tags: { x: 'y' } })), 'AccessDeniedException', 403],
  ];
  for (const [what, call, name, status] of cases) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status], [name, status], what);
  }
});

test('AWS CLI: tag-resource, list-tags-for-resource, untag-resource', { skip: !HAVE_CLI }, async () => {
  const arn = `arn:aws:guardduty:us-east-1:${ADMIN_ACCOUNT}:detector/${D}`;
  const tag = await h.cli(KEYS.admin, ['tag-resource', '--resource-arn', arn, '--tags', 'cli=yes,owner=ops']);
  assert.equal(tag.code, 0, tag.stderr);
  const untag = await h.cli(KEYS.admin, ['untag-resource', '--resource-arn', arn, '--tag-keys', 'owner']);
  assert.equal(untag.code, 0, untag.stderr);
  const list = await h.cli(KEYS.admin, ['list-tags-for-resource', '--resource-arn', arn]);
  assert.deepEqual(list.json, { Tags: { team: 'sec', cli: 'yes' } });
});

test('GetUsageStatistics: what GuardDuty would charge for the last 30 days, per account, data source and feature', async () => {
  const usage = async (type: GD.UsageStatisticType, criteria: GD.UsageCriteria = {}, c = admin, det = D) =>
    (await c.send(new GetUsageStatisticsCommand({ DetectorId: det, UsageStatisticType: type, UsageCriteria: criteria }))).UsageStatistics!;
  const byAccount = (await usage('SUM_BY_ACCOUNT')).SumByAccount!;
  assert.deepEqual(Object.fromEntries(byAccount.map((r) => [r.AccountId, r.Total])), {
    // 2M CloudTrail events × $4/M + 3 GB of flow logs × $1/GB; the 60-day-old events are outside the window
    [MEMBER1_ACCOUNT]: { Amount: '11.000000', Unit: 'USD' },
    [ADMIN_ACCOUNT]: { Amount: '0.500000', Unit: 'USD' },
    [MEMBER2_ACCOUNT]: { Amount: '4.000000', Unit: 'USD' },
  });
  const bySource = (await usage('SUM_BY_DATA_SOURCE')).SumByDataSource!;
  assert.deepEqual(Object.fromEntries(bySource.map((r) => [r.DataSource, r.Total!.Amount])), { CLOUD_TRAIL: '12.000000', FLOW_LOGS: '3.000000', DNS_LOGS: '0.500000' });
  const byFeature = (await usage('SUM_BY_FEATURES', { Features: ['CLOUD_TRAIL'] as GD.UsageFeature[] })).SumByFeature!;
  assert.deepEqual(byFeature.map((r) => [r.Feature, r.Total!.Amount]), [['CLOUD_TRAIL', '12.000000']]);
  const top = (await usage('TOP_ACCOUNTS_BY_FEATURE')).TopAccountsByFeature!.find((r) => r.Feature === 'CLOUD_TRAIL')!;
  assert.deepEqual(top.Accounts!.map((a) => a.AccountId), [MEMBER1_ACCOUNT, MEMBER2_ACCOUNT], 'largest first');
  const one = (await usage('SUM_BY_ACCOUNT', { AccountIds: [MEMBER2_ACCOUNT] })).SumByAccount!;
  assert.deepEqual(one.map((r) => r.AccountId), [MEMBER2_ACCOUNT]);

  // a member sees its own usage only, and may not ask for another account's
  const m2 = h.sdk(KEYS.member2);
  const m2Detector = (await m2.send(new GD.ListDetectorsCommand({}))).DetectorIds![0];
  assert.deepEqual((await usage('SUM_BY_ACCOUNT', {}, m2, m2Detector)).SumByAccount!.map((r) => r.AccountId), [MEMBER2_ACCOUNT]);
  const e = await sdkError(usage('SUM_BY_ACCOUNT', { AccountIds: [MEMBER1_ACCOUNT] }, m2, m2Detector));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400]);
});

test('AWS CLI: get-usage-statistics', { skip: !HAVE_CLI }, async () => {
  const r = await h.cli(KEYS.admin, ['get-usage-statistics', '--detector-id', D, '--usage-statistic-type', 'SUM_BY_DATA_SOURCE', '--usage-criteria', 'DataSources=CLOUD_TRAIL,FLOW_LOGS']);
  assert.equal(r.code, 0, r.stderr);
  const rows = (r.json!.UsageStatistics as { SumByDataSource: { DataSource: string; Total: { Amount: string; Unit: string } }[] }).SumByDataSource;
  assert.deepEqual(Object.fromEntries(rows.map((x) => [x.DataSource, x.Total])), { CLOUD_TRAIL: { Amount: '12.000000', Unit: 'USD' }, FLOW_LOGS: { Amount: '3.000000', Unit: 'USD' } });
});

/** Operations Vigil does not serve, by family (docs/api.md lists them). */
const NOT_SERVED = /Malware|Coverage|Investigation|CustomDetectionRule|FreeTrial|ObjectMalwareScan/;

test('every SDK operation is served on GuardDuty\'s method and path, or is a documented not-served one', () => {
  const served = new Map(ROUTE_GROUPS.flat().map(([method, path, op]) => [op, `${method} ${path}`]));
  const ops = sdkOperations();
  assert.ok(ops.length > 90, `the SDK model lists ${ops.length} operations`);
  const missing: string[] = [];
  for (const o of ops) {
    const route = served.get(o.op);
    if (route) assert.equal(route.toLowerCase(), `${o.method} ${o.path.split('?')[0]}`.toLowerCase(), `${o.op} is on GuardDuty's route`);
    else missing.push(o.op);
  }
  assert.deepEqual(missing.filter((op) => !NOT_SERVED.test(op)), [], 'only the out-of-scope families are missing');
  for (const op of served.keys()) assert.ok(ops.some((o) => o.op === op), `${op} is a GuardDuty operation`);
});

test('operations outside Vigil\'s scope answer 404 ResourceNotFoundException in GuardDuty\'s shape', async () => {
  const served = new Set(ROUTE_GROUPS.flat().map(([, , op]) => op));
  const missing = sdkOperations().filter((o) => !served.has(o.op));
  for (const o of missing) {
    const path = o.path.split('?')[0].replace(/\{(\w+)\+?\}/g, (_m, p: string) => (p === 'DetectorId' ? D : 'x1'));
    const r = await h.raw(KEYS.admin, { method: o.method, path, body: o.method === 'GET' || o.method === 'DELETE' ? undefined : '{}' });
    assert.equal(r.status, 404, `${o.op} ${o.method} ${path}: ${r.text}`);
    assert.equal(r.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.equal(r.json?.__type, 'ResourceNotFoundException');
    assert.equal(typeof r.json?.message, 'string');
  }
  // and through the SDK, as a user meets it
  const e = await sdkError(admin.send(new GD.ListCoverageCommand({ DetectorId: D })));
  assert.deepEqual([e.name, e.status], ['ResourceNotFoundException', 404]);
});

test('docs/api.md names every operation that is not served', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const served = new Set(ROUTE_GROUPS.flat().map(([, , op]) => op));
  const missing = sdkOperations().filter((o) => !served.has(o.op)).map((o) => o.op);
  // the table may group names ("Create/Get/Update/Delete/ListCustomDetectionRuleAssociation(s)")
  const words = doc.replace(/[(/)]/g, ' ');
  const named = (op: string) => doc.includes(op) || ['Create', 'Get', 'Update', 'Delete', 'List'].some((v) => op.startsWith(v) && words.includes(op.slice(v.length).replace(/s$/, '')));
  assert.deepEqual(missing.filter((op) => !named(op)), []);
  assert.match(doc, new RegExp(`Of the ${sdkOperations().length} operations in .*, Vigil serves ${served.size}`, 's'));
  assert.match(doc, new RegExp(`The other ${missing.length} `));
});
