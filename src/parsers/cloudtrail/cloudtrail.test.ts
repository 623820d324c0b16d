import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText, ctRecord, cloudTrailFile } from '../../testing/harness.js';
import type { CloudTrailEvent } from '../../core/index.js';

const r1 = ctRecord({ eventName: 'ListUsers', eventID: 'e1' });
const r2 = ctRecord({ eventName: 'GetUser', eventID: 'e2', awsRegion: 'eu-west-1' });
const r3 = ctRecord({ eventName: 'ListRoles', eventID: 'e3' });
const names = (evs: unknown[]) => (evs as CloudTrailEvent[]).map((e) => e.eventName);

test('S3-delivered {"Records":[…]} files parse every record with time, account and region', () => {
  const out = parseText('cloudtrail', cloudTrailFile([r1, r2]));
  assert.deepEqual(names(out.events), ['ListUsers', 'GetUser']);
  const e = out.events[1] as CloudTrailEvent;
  assert.equal(e.time, Date.UTC(2026, 2, 2, 10, 15, 0));
  assert.equal(e.accountId, '111122223333');
  assert.equal(e.region, 'eu-west-1');
  assert.equal(e.identity.userName, 'alice');
  assert.deepEqual(out.bad, []);
});

test('any chunking gives the same records (streaming scanner and whole-document path agree)', () => {
  const text = cloudTrailFile([r1, { ...r2, requestParameters: { policy: 'a "quoted" \\ value with } and ] inside' } }, r3]);
  for (const chunkSize of [1, 3, 7, 64, 1000]) {
    const out = parseText('cloudtrail', text, { chunkSize });
    assert.deepEqual(names(out.events), ['ListUsers', 'GetUser', 'ListRoles'], `chunk ${chunkSize}`);
    assert.equal((out.events[1] as CloudTrailEvent).raw.requestParameters?.policy, 'a "quoted" \\ value with } and ] inside');
    assert.deepEqual(out.bad, []);
  }
});

test('region and account come from the S3 key layout when records lack them; org trails too', () => {
  const rec = { ...r1, awsRegion: undefined, recipientAccountId: undefined, userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } };
  const out = parseText('cloudtrail', cloudTrailFile([rec]), { path: 'bucket/AWSLogs/o-abc123def4/444455556666/CloudTrail/ap-south-1/2026/03/02/x.json.gz' });
  const e = out.events[0] as CloudTrailEvent;
  assert.equal(e.accountId, '444455556666');
  assert.equal(e.region, 'ap-south-1');
});

test('JSON arrays of events (console/API exports) parse each element', () => {
  const out = parseText('cloudtrail', JSON.stringify([r1, r2], null, 2));
  assert.deepEqual(names(out.events), ['ListUsers', 'GetUser']);
});

test('JSON lines, with CloudWatch Logs export timestamp prefixes, parse line by line', () => {
  const text = `2026-03-02T10:15:01.000Z ${JSON.stringify(r1)}\n${JSON.stringify(r2)}\n\n2026-03-02T10:15:03.123Z ${JSON.stringify(r3)}\n`;
  assert.deepEqual(names(parseText('cloudtrail', text).events), ['ListUsers', 'GetUser', 'ListRoles']);
});

test('EventBridge "AWS API Call via CloudTrail" envelopes unwrap to the detail record', () => {
  const { recipientAccountId: _a, awsRegion: _r, ...detail } = r1;
  const env = { version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: '999988887777', time: '2026-03-02T10:15:00Z', region: 'us-west-2', resources: [], detail };
  const e = parseText('cloudtrail', JSON.stringify(env) + '\n').events[0] as CloudTrailEvent;
  assert.equal(e.eventName, 'ListUsers');
  assert.equal(e.accountId, '999988887777');
  assert.equal(e.region, 'us-west-2');
});

test('CloudWatch Logs subscription batches yield each logEvents message', () => {
  const batch = { messageType: 'DATA_MESSAGE', owner: '111122223333', logGroup: 'trail', logStream: 's', logEvents: [
    { id: '1', timestamp: 1, message: JSON.stringify(r1) }, { id: '2', timestamp: 2, message: JSON.stringify(r2) }] };
  assert.deepEqual(names(parseText('cloudtrail', JSON.stringify(batch)).events), ['ListUsers', 'GetUser']);
});

test('digest files are skipped with a count, not reported as bad', () => {
  const digest = { awsAccountId: '111122223333', digestStartTime: '2026-03-02T09:00:00Z', digestEndTime: '2026-03-02T10:00:00Z', logFiles: [] };
  const out = parseText('cloudtrail', JSON.stringify(digest));
  assert.deepEqual(out.events, []);
  assert.deepEqual(out.bad, []);
  assert.equal(out.skipped.digest, 1);
});

test('a truncated file keeps every complete record and counts one json-truncated', () => {
  const text = cloudTrailFile([r1, r2, r3]);
  const cut = text.slice(0, text.length - 200);
  for (const chunkSize of [undefined, 5]) {
    const out = parseText('cloudtrail', cut, { chunkSize });
    assert.deepEqual(names(out.events), ['ListUsers', 'GetUser']);
    assert.deepEqual(out.bad.map((b) => b.reason), ['json-truncated']);
  }
});

test('one damaged record costs only itself', () => {
  const text = `{"Records":[${JSON.stringify(r1)},{"eventName": "Broken", "eventTime": 2026-03-02},${JSON.stringify(r3)}]}`;
  const out = parseText('cloudtrail', text);
  assert.deepEqual(names(out.events), ['ListUsers', 'ListRoles']);
  assert.deepEqual(out.bad.map((b) => [b.reason, b.position]), [['json-invalid', 2]]);
});

test('binary junk between JSON lines is counted as not-json and skipped', () => {
  const junk = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x8b, 0x0a]);
  const buf = Buffer.concat([Buffer.from(JSON.stringify(r1) + '\n'), junk, Buffer.from(JSON.stringify(r2) + '\n')]);
  const out = parseText('cloudtrail', buf);
  assert.deepEqual(names(out.events), ['ListUsers', 'GetUser']);
  assert.deepEqual(out.bad.map((b) => b.reason), ['not-json']);
});

test('records without eventName/eventSource, or with a bad eventTime, are counted by reason', () => {
  const out = parseText('cloudtrail', cloudTrailFile([{ foo: 1 }, { ...r1, eventTime: 'yesterday' }, { ...r2, eventSource: undefined }, r3]));
  assert.deepEqual(names(out.events), ['ListRoles']);
  assert.deepEqual(out.bad.map((b) => b.reason), ['record-shape', 'bad-time', 'record-shape']);
});
