import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord, intelServices, type TestList } from '../../testing/harness.js';
import { cloudTrailThreatIntel } from './cloudtrail-threat-intel.js';

const SHA = 'a'.repeat(64);
const TOR_EXIT = '185.220.101.47';
const BAD = '45.142.212.61';
const CUSTOM = '91.92.251.103';
const LISTS: TestList[] = [
  { name: 'Tor exits', purpose: 'tor-exit', entries: [`${TOR_EXIT},Tor exit node`] },
  { name: 'Bad reputation', purpose: 'malicious', entries: [`${BAD},Credential stuffing`] },
  { name: 'My blocklist', purpose: 'custom', entries: [`${CUSTOM},Incident 2026-014`] },
];
const ALICE = { accessKeyId: 'AKIAEXAMPLEKEY000001', principalId: 'AIDAEXAMPLEPRINCIPAL1', userName: 'alice', userType: 'IAMUser' };

function run(records: object[], threat: TestList[] = LISTS) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [cloudTrailThreatIntel], services: intelServices({ threat }) }).candidates;
}

const CASES = [
  { type: 'Recon:IAMUser/TorIPCaller', ip: TOR_EXIT, list: 'Tor exits', threat: 'Tor exit node', source: 'iam.amazonaws.com', api: 'ListUsers' },
  { type: 'Recon:IAMUser/MaliciousIPCaller', ip: BAD, list: 'Bad reputation', threat: 'Credential stuffing', source: 'ec2.amazonaws.com', api: 'DescribeInstances' },
  { type: 'Recon:IAMUser/MaliciousIPCaller.Custom', ip: CUSTOM, list: 'My blocklist', threat: 'Incident 2026-014', source: 's3.amazonaws.com', api: 'ListBuckets' },
  { type: 'UnauthorizedAccess:IAMUser/TorIPCaller', ip: TOR_EXIT, list: 'Tor exits', threat: 'Tor exit node', source: 'iam.amazonaws.com', api: 'CreateUser' },
  { type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', ip: BAD, list: 'Bad reputation', threat: 'Credential stuffing', source: 'ec2.amazonaws.com', api: 'RunInstances' },
  { type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom', ip: CUSTOM, list: 'My blocklist', threat: 'Incident 2026-014', source: 'iam.amazonaws.com', api: 'AttachUserPolicy' },
];

for (const tc of CASES) {
  test(`${tc.api} from an address on "${tc.list}": ${tc.type} (Medium) on the access key`, () => {
    const found = run([ctRecord({ eventSource: tc.source, eventName: tc.api, sourceIPAddress: tc.ip, readOnly: tc.type.startsWith('Recon') })]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, tc.type);
    assert.equal(c.severity, 5);
    assert.equal(c.resourceRole, 'TARGET');
    assert.deepEqual(c.resource, { resourceType: 'AccessKey', accessKeyDetails: ALICE });
    assert.equal(c.action.actionType, 'AWS_API_CALL');
    const a = c.action.awsApiCallAction!;
    assert.equal(a.api, tc.api);
    assert.equal(a.serviceName, tc.source);
    assert.equal(a.callerType, 'Remote IP');
    assert.equal(a.remoteIpDetails?.ipAddressV4, tc.ip);
    // the geo enricher names the caller's network and country (shipped ip-location-db data)
    assert.match(a.remoteIpDetails?.organization?.asn ?? '', /^\d+$/);
    assert.ok(a.remoteIpDetails?.country?.countryCode);
    assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: tc.list, threatNames: [tc.threat], threatFileSha256: SHA }]);
    assert.deepEqual(c.additionalInfo, { threatListName: tc.list, callerIp: tc.ip });
    assert.equal(c.key, `AKIAEXAMPLEKEY000001|${tc.list}`);
    assert.equal(c.time, Date.parse('2026-03-02T10:15:00Z'));
    assert.equal(c.accountId, '111122223333');
    assert.equal(c.region, 'us-east-1');
  });
}

test('failed calls count too, and keep their error code', () => {
  const found = run([ctRecord({ eventName: 'CreateAccessKey', sourceIPAddress: TOR_EXIT, errorCode: 'AccessDenied', errorMessage: 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateAccessKey', readOnly: false })]);
  assert.deepEqual(found.map((c) => [c.type, c.action.awsApiCallAction?.errorCode]), [['UnauthorizedAccess:IAMUser/TorIPCaller', 'AccessDenied']]);
});

test('a tor-relay list counts as Tor; any other threat purpose as MaliciousIPCaller', () => {
  const lists: TestList[] = [
    { name: 'Tor relays', purpose: 'tor-relay', entries: ['171.25.193.77'] },
    { name: 'Abuse C2', purpose: 'command-and-control', entries: ['185.117.73.66,Emotet'] },
  ];
  const found = run([ctRecord({ sourceIPAddress: '171.25.193.77' }), ctRecord({ sourceIPAddress: '185.117.73.66' })], lists);
  assert.deepEqual(found.map((c) => [c.type, c.threatIntelligenceDetails?.[0].threatListName]), [
    ['Recon:IAMUser/TorIPCaller', 'Tor relays'],
    ['Recon:IAMUser/MaliciousIPCaller', 'Abuse C2'],
  ]);
});

test('a caller on two lists of one variant: one finding naming both; on lists of two variants: one finding each', () => {
  const lists: TestList[] = [
    { name: 'Tor exits', purpose: 'tor-exit', entries: [`${TOR_EXIT},Tor exit node`] },
    { name: 'Tor relays', purpose: 'tor-relay', entries: ['185.220.101.0/24,Tor relay'] },
    { name: 'My blocklist', purpose: 'custom', entries: [TOR_EXIT] },
  ];
  const found = run([ctRecord({ sourceIPAddress: TOR_EXIT })], lists);
  assert.deepEqual(found.map((c) => [c.type, c.threatIntelligenceDetails, c.key]), [
    ['Recon:IAMUser/TorIPCaller', [
      { threatListName: 'Tor exits', threatNames: ['Tor exit node'], threatFileSha256: SHA },
      { threatListName: 'Tor relays', threatNames: ['Tor relay'], threatFileSha256: SHA },
    ], 'AKIAEXAMPLEKEY000001|Tor exits,Tor relays'],
    ['Recon:IAMUser/MaliciousIPCaller.Custom', [{ threatListName: 'My blocklist', threatNames: [], threatFileSha256: SHA }], 'AKIAEXAMPLEKEY000001|My blocklist'],
  ]);
});

test('an assumed-role session aggregates on its access key and names the role', () => {
  const role = {
    type: 'AssumedRole', principalId: 'AROAEXAMPLEROLEID0001:build', arn: 'arn:aws:sts::111122223333:assumed-role/ci-deploy/build',
    accountId: '111122223333', accessKeyId: 'ASIAEXAMPLESESSION01',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLEID0001', arn: 'arn:aws:iam::111122223333:role/ci-deploy', accountId: '111122223333', userName: 'ci-deploy' } },
  };
  const [c] = run([ctRecord({ userIdentity: role, eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', sourceIPAddress: BAD })]);
  assert.equal(c.type, 'Recon:IAMUser/MaliciousIPCaller');
  assert.deepEqual(c.resource.accessKeyDetails, { accessKeyId: 'ASIAEXAMPLESESSION01', principalId: 'AROAEXAMPLEROLEID0001:build', userName: 'ci-deploy', userType: 'AssumedRole' });
  assert.equal(c.key, 'ASIAEXAMPLESESSION01|Bad reputation');
});

test('silent for private callers in a listed private CIDR, documentation-range callers, and AWS services', () => {
  const lists: TestList[] = [{ name: 'Overbroad', purpose: 'custom', entries: ['10.0.0.0/8', '198.51.100.0/24'] }];
  const found = run([
    ctRecord({ sourceIPAddress: '10.0.1.25', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com' }),
    ctRecord({ sourceIPAddress: '198.51.100.23' }),
    ctRecord({ sourceIPAddress: 'ec2.amazonaws.com', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' }),
  ], lists);
  assert.deepEqual(found, []);
});

test('silent for callers next to a listed address', () => {
  assert.deepEqual(run([ctRecord({ sourceIPAddress: '185.220.101.48' }), ctRecord({ sourceIPAddress: '45.142.212.60', eventName: 'CreateUser' })]), []);
});

test('an ip:port indicator never matches an API caller (calls have no remote port)', () => {
  assert.deepEqual(run([ctRecord({ sourceIPAddress: BAD })], [{ name: 'C2 ports', purpose: 'malicious', entries: [`${BAD}:443`] }]), []);
});

test('an IPv6 caller on a list matches', () => {
  const ip = '2a0b:f4c2:2::47';
  const found = run([ctRecord({ sourceIPAddress: ip, eventName: 'ListSecrets', eventSource: 'secretsmanager.amazonaws.com' })],
    [{ name: 'Tor exits', purpose: 'tor-exit', entries: ['2a0b:f4c2::/32,Tor exit node'] }]);
  assert.deepEqual(found.map((c) => [c.type, c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV6]), [['Recon:IAMUser/TorIPCaller', ip]]);
});
