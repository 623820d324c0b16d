import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord, intelServices } from '../../testing/harness.js';
import { ALICE, START, UA_CLI, UA_TERRAFORM, call, roleSession } from '../../testing/cloudtrail-history.js';
import { cloudTrailThreatIntel } from '../intel/cloudtrail-threat-intel.js';
import { s3ThreatIntel } from '../intel/s3-threat-intel.js';
import { attackSequence } from './attack-sequence.js';

const TOR = '185.220.101.47';
const services = intelServices({ threat: [{ name: 'Tor exits', purpose: 'tor-exit', entries: [`${TOR},Tor exit node`] }] });
const run = (records: object[]) => detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [cloudTrailThreatIntel, s3ThreatIntel, attackSequence], services }).candidates;
const seq = (cs: ReturnType<typeof run>) => cs.filter((c) => c.type.startsWith('AttackSequence:'));

interface Sequence { signals: { type: string; name: string; signalIndicators: { key: string; values: string[] }[] }[]; sequenceIndicators: { key: string; values: string[] }[]; actors: { id: string; user: { credentialUid: string } }[]; resources: { resourceType: string; uid: string }[]; endpoints: { ip: string }[] }

test('a key used from Tor that then creates a key, escalates and weakens logging: AttackSequence:IAM/CompromisedCredentials (Critical)', () => {
  const t = START;
  const found = run([
    call(ALICE, 'ListUsers', t, { sourceIPAddress: TOR, userAgent: UA_CLI }),
    call(ALICE, 'CreateAccessKey', t + 60_000, { sourceIPAddress: TOR, userAgent: UA_CLI, requestParameters: { userName: 'backdoor' } }),
    call(ALICE, 'AttachUserPolicy', t + 120_000, { sourceIPAddress: TOR, userAgent: UA_CLI, requestParameters: { userName: 'backdoor', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }),
  ]);
  const s = seq(found);
  // raised when the pattern completed (third signal), updated by the fourth: one finding, two occurrences
  assert.equal(s.length, 2, JSON.stringify(found.map((c) => c.type)));
  assert.equal(new Set(s.map((x) => x.key)).size, 1);
  const c = s[1];
  assert.equal(c.type, 'AttackSequence:IAM/CompromisedCredentials');
  assert.equal(c.severity, 9);
  assert.equal(c.resourceRole, 'TARGET');
  assert.deepEqual(c.resource, { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAEXAMPLEKEY000001', principalId: 'AIDAEXAMPLEPRINCIPAL1', userName: 'alice', userType: 'IAMUser' } });
  const sq = (c.detection as { sequence: Sequence }).sequence;
  // the repeated UnauthorizedAccess finding (same finding) refreshes its signal rather than adding one
  assert.deepEqual(sq.signals.map((x) => [x.type, x.name]), [
    ['FINDING', 'Recon:IAMUser/TorIPCaller'], ['FINDING', 'UnauthorizedAccess:IAMUser/TorIPCaller'], ['CLOUD_TRAIL', 'CreateAccessKey'], ['CLOUD_TRAIL', 'AttachUserPolicy']]);
  assert.deepEqual(sq.signals[2].signalIndicators, [{ key: 'ATTACK_TACTIC', values: ['Persistence'] }]);
  assert.deepEqual(sq.sequenceIndicators.find((i) => i.key === 'TOR_IP')?.values, [TOR]);
  assert.ok(sq.sequenceIndicators.find((i) => i.key === 'ATTACK_TACTIC')?.values.includes('Persistence'));
  assert.equal(sq.actors[0].user.credentialUid, 'AKIAEXAMPLEKEY000001');
  assert.deepEqual(sq.endpoints.map((e) => e.ip), [TOR]);
  assert.match(c.description, /signals across/);
});

test('a key used from Tor to list and read a bucket\'s objects: AttackSequence:S3/CompromisedData on the bucket', () => {
  const data = (api: string, t: number) => ctRecord({
    eventSource: 's3.amazonaws.com', eventName: api, eventTime: new Date(t).toISOString(), sourceIPAddress: TOR, eventCategory: 'Data', managementEvent: false,
    requestParameters: { bucketName: 'acme-customer-exports', Host: 'acme-customer-exports.s3.us-east-1.amazonaws.com', key: 'customers.csv' },
  });
  const found = run([
    call(ALICE, 'ListBuckets', START, { sourceIPAddress: TOR, userAgent: UA_CLI, eventSource: 's3.amazonaws.com' }),
    data('ListObjectsV2', START + 60_000),
    data('GetObject', START + 120_000),
  ]);
  const [c, ...rest] = seq(found);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'AttackSequence:S3/CompromisedData');
  assert.equal(c.severity, 9);
  assert.equal(c.resource.resourceType, 'S3Bucket');
  assert.deepEqual(c.resource.s3BucketDetails?.map((b) => b.name), ['acme-customer-exports']);
  const sq = (c.detection as { sequence: Sequence }).sequence;
  assert.deepEqual(sq.resources.map((r) => r.resourceType), ['AccessKey', 'S3Bucket']);
  assert.deepEqual(sq.signals.map((x) => x.name), ['Recon:IAMUser/TorIPCaller', 'Discovery:S3/TorIPCaller', 'UnauthorizedAccess:S3/TorIPCaller']);
});

test('silent for weak signals alone: a CI role creating roles and attaching policies every day', () => {
  const ci = roleSession('terraform-apply', 'run-1', 'ASIACIROLE0000000001');
  const found = run(['CreateRole', 'AttachRolePolicy', 'PutRolePolicy', 'CreateAccessKey', 'ModifyInstanceAttribute']
    .map((api, i) => call(ci, api, START + i * 60_000, { sourceIPAddress: '54.239.28.85', userAgent: UA_TERRAFORM })));
  assert.deepEqual(seq(found), []);
});

test('silent for a suspicious finding followed only by discovery, or by calls more than 24 hours later', () => {
  assert.deepEqual(seq(run([
    call(ALICE, 'ListUsers', START, { sourceIPAddress: TOR }),
    call(ALICE, 'DescribeInstances', START + 60_000, { sourceIPAddress: TOR, eventSource: 'ec2.amazonaws.com' }),
    call(ALICE, 'ListRoles', START + 120_000, { sourceIPAddress: TOR }),
  ])), []);
  assert.deepEqual(seq(run([
    call(ALICE, 'ListUsers', START, { sourceIPAddress: TOR }),
    call(ALICE, 'CreateAccessKey', START + 25 * 3_600_000, { sourceIPAddress: '86.245.153.234' }),
    call(ALICE, 'AttachUserPolicy', START + 26 * 3_600_000, { sourceIPAddress: '86.245.153.234' }),
  ])), []);
});

test('silent for S3 look-alikes: a Tor listing then reads from the usual network, or one S3 call from Tor alone', () => {
  const data = (api: string, t: number, ip: string) => ctRecord({
    eventSource: 's3.amazonaws.com', eventName: api, eventTime: new Date(t).toISOString(), sourceIPAddress: ip, eventCategory: 'Data', managementEvent: false,
    requestParameters: { bucketName: 'acme-customer-exports', Host: 'acme-customer-exports.s3.us-east-1.amazonaws.com', key: 'customers.csv' },
  });
  const home = '86.245.153.234';
  // the person checked something over Tor Browser once; the data work is from the office, raising no S3 finding
  const found = run([
    call(ALICE, 'ListBuckets', START, { sourceIPAddress: TOR, userAgent: UA_CLI, eventSource: 's3.amazonaws.com' }),
    data('ListObjectsV2', START + 3_600_000, home), data('GetObject', START + 3_660_000, home), data('GetObject', START + 3_720_000, home),
  ]);
  assert.deepEqual(found.map((c) => c.type), ['Recon:IAMUser/TorIPCaller']);
  assert.deepEqual(seq(run([data('ListObjectsV2', START, TOR)])), []);
});
