import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile } from '../../testing/harness.js';
import { ALICE, DAY, START, UA_BOTO, UA_CLI, UA_TERRAFORM, call, history, roleSession } from '../../testing/cloudtrail-history.js';
import { iamAnomaly } from './iam-anomaly.js';

const HOME = '86.245.153.234'; // Orange S.A., FR
const AWAY = '45.142.212.61'; // WorkTitans B.V., MD
const USUAL = ['DescribeInstances', 'ListUsers', 'GetUser'];

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [iamAnomaly] }).candidates;
}

const aliceDays = (days: number) => history(ALICE, { days, apis: USUAL, ip: HOME, ua: UA_CLI });

const CASES: [tactic: string, api: string, source: string, severity: number][] = [
  ['CredentialAccess', 'GetSecretValue', 'secretsmanager.amazonaws.com', 5],
  ['DefenseEvasion', 'DeleteFlowLogs', 'ec2.amazonaws.com', 5],
  ['Discovery', 'ListRoles', 'iam.amazonaws.com', 2],
  ['Exfiltration', 'ModifySnapshotAttribute', 'ec2.amazonaws.com', 8],
  ['Impact', 'DeleteSecurityGroup', 'ec2.amazonaws.com', 8],
  ['InitialAccess', 'StartSession', 'ssm.amazonaws.com', 5],
  ['Persistence', 'CreateAccessKey', 'iam.amazonaws.com', 5],
  ['PrivilegeEscalation', 'AttachUserPolicy', 'iam.amazonaws.com', 5],
];

for (const [tactic, api, source, severity] of CASES) {
  test(`${api} never called before, from a new network and client after the learning period: ${tactic}:IAMUser/AnomalousBehavior`, () => {
    const at = START + 10 * DAY + 3_600_000;
    const found = run([...aliceDays(10), call(ALICE, api, at, { eventSource: source, sourceIPAddress: AWAY, userAgent: UA_BOTO })]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, `${tactic}:IAMUser/AnomalousBehavior`);
    assert.equal(c.severity, severity);
    assert.equal(c.resourceRole, 'TARGET');
    assert.deepEqual(c.resource, { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAEXAMPLEKEY000001', principalId: 'AIDAEXAMPLEPRINCIPAL1', userName: 'alice', userType: 'IAMUser' } });
    const a = c.action.awsApiCallAction!;
    assert.equal(a.api, api);
    assert.equal(a.serviceName, source);
    assert.deepEqual(a.remoteIpDetails?.organization, { asn: '209847', asnOrg: 'WorkTitans B.V.', isp: 'WorkTitans B.V.', org: 'WorkTitans B.V.' });
    assert.equal(a.remoteIpDetails?.country?.countryCode, 'MD');
    assert.equal(c.key, `${ALICE.arn}|${tactic}`);
    // the explanation: unusual values and the usual profile they were compared with
    const info = c.additionalInfo as { score: number; reasons: string[]; unusual: Record<string, string> };
    assert.equal(info.score, 7); // network +2, client +2, country +1, new API for the account +1 and for the organisation +1
    assert.deepEqual(Object.keys(info.unusual), ['api', 'asnOrg', 'userAgent', 'country']);
    assert.match(info.reasons[0], new RegExp(`API ${api} was never called by this principal`));
    const det = c.detection as { anomaly: { profiles: Record<string, Record<string, { profileSubtype: string; observations: { text: string[] } }[]>>; unusual: { behavior: Record<string, Record<string, { profileSubtype: string; observations: { text: string[] } }>> } } };
    const unusual = det.anomaly.unusual.behavior[ALICE.arn];
    assert.equal(unusual.api.profileSubtype, 'UNSEEN');
    assert.equal(unusual.asnOrg.profileSubtype, 'UNSEEN');
    assert.match(unusual.asnOrg.observations.text[0], /AS209847 WorkTitans B\.V\. \(never seen before\)/);
    assert.equal(unusual.userAgent.observations.text[0], 'boto3 (never seen before)');
    const usualNet = det.anomaly.profiles[ALICE.arn].asnOrg;
    assert.deepEqual(usualNet.map((o) => o.profileSubtype), ['FREQUENT']);
    assert.match(usualNet[0].observations.text[0], /^Orange S\.A\. \(seen on 10 of \d+ days\)$/);
    assert.deepEqual(det.anomaly.profiles[ALICE.arn].userAgent[0].observations.text, ['aws-cli (seen on 10 of 10 days)']);
    assert.equal(det.anomaly.unusual.behavior['111122223333'].api.profileSubtype, 'UNSEEN', 'the account scope names the API as new for the account');
    assert.equal(det.anomaly.unusual.behavior['111122223333'].asnOrg.profileSubtype, 'UNSEEN');
    assert.equal(det.anomaly.unusual.behavior.organization.api.observations.text[0], `${api} (never seen before)`);
    assert.deepEqual(det.anomaly.profiles.organization.api.map((o) => o.profileSubtype), ['FREQUENT']);
    assert.match(det.anomaly.profiles.organization.api[0].observations.text.join(), /DescribeInstances \(seen on 10 of \d+ days\)/);
    // frequencies of every value at the three levels
    assert.deepEqual((c.additionalInfo as { frequencies: unknown }).frequencies, {
      principal: { api: 'UNSEEN', asnOrg: 'UNSEEN', userAgent: 'UNSEEN', country: 'UNSEEN', userType: 'FREQUENT' },
      account: { api: 'UNSEEN', asnOrg: 'UNSEEN', userAgent: 'UNSEEN', country: 'UNSEEN', userType: 'FREQUENT' },
      organization: { api: 'UNSEEN' },
    });
  });

  test(`benign look-alikes of ${tactic}: ${api} from the usual network and client, or called routinely, stays silent`, () => {
    const at = START + 10 * DAY + 3_600_000;
    // a new API, but from alice's usual network and client (her work growing)
    assert.deepEqual(run([...aliceDays(10), call(ALICE, api, at, { eventSource: source, sourceIPAddress: HOME, userAgent: UA_CLI })]), []);
    // an API she calls every day, from a new network and client (travel, a new laptop)
    const routine = history(ALICE, { days: 10, apis: [api], ip: HOME, ua: UA_CLI, start: START + 3_600_000, over: { eventSource: source } });
    assert.deepEqual(run([...aliceDays(10), ...routine, call(ALICE, api, at, { eventSource: source, sourceIPAddress: AWAY, userAgent: UA_BOTO })]), []);
  });
}

test('explanation at account and organisation level: an API others in the account use is FREQUENT there, and no account-level novelty is claimed', () => {
  const bob = { ...ALICE, principalId: 'AIDAEXAMPLEPRINCIPAL2', arn: 'arn:aws:iam::111122223333:user/bob', accessKeyId: 'AKIAEXAMPLEKEY000002', userName: 'bob' };
  const at = START + 10 * DAY + 3_600_000;
  const found = run([...aliceDays(10), ...history(bob, { days: 10, apis: ['GetSecretValue'], ip: HOME, ua: UA_CLI }),
    call(ALICE, 'GetSecretValue', at, { sourceIPAddress: AWAY, userAgent: UA_BOTO })]);
  assert.deepEqual(found.map((c) => c.type), ['CredentialAccess:IAMUser/AnomalousBehavior']);
  const info = found[0].additionalInfo as { score: number; frequencies: Record<string, Record<string, string>> };
  assert.equal(info.score, 5); // network +2, client +2, country +1; nothing for the account or organisation
  assert.equal(info.frequencies.principal.api, 'UNSEEN');
  assert.equal(info.frequencies.account.api, 'FREQUENT');
  assert.equal(info.frequencies.organization.api, 'FREQUENT');
  const det = found[0].detection as { anomaly: { unusual: { behavior: Record<string, unknown> } } };
  assert.deepEqual(Object.keys(det.anomaly.unusual.behavior), [ALICE.arn]);
});

test('score: one weak context signal alone (a rarely used network) is not enough; with a new API for the account it is', () => {
  // alice used AWAY once, 9 days ago: RARE for her, +1; the API is new to the account: +1
  const once = call(ALICE, 'GetUser', START + 1 * DAY + 7_200_000, { sourceIPAddress: AWAY, userAgent: UA_CLI });
  const base = [...aliceDays(12), once];
  assert.deepEqual(run([...base, call(ALICE, 'GetSecretValue', START + 12 * DAY, { sourceIPAddress: AWAY, userAgent: UA_CLI })]).map((c) => c.type), ['CredentialAccess:IAMUser/AnomalousBehavior']);
  // the same API already used by another principal of the account: only +1 → silent
  const bob = { ...ALICE, principalId: 'AIDAEXAMPLEPRINCIPAL2', arn: 'arn:aws:iam::111122223333:user/bob', accessKeyId: 'AKIAEXAMPLEKEY000002', userName: 'bob' };
  const bobUses = history(bob, { days: 12, apis: ['GetSecretValue'], ip: HOME, ua: UA_CLI });
  assert.deepEqual(run([...base, ...bobUses, call(ALICE, 'GetSecretValue', START + 12 * DAY, { sourceIPAddress: AWAY, userAgent: UA_CLI })]), []);
});

test('silent during the learning period, however unusual the call', () => {
  const found = run([...aliceDays(5), call(ALICE, 'CreateAccessKey', START + 5 * DAY, { sourceIPAddress: AWAY, userAgent: UA_BOTO })]);
  assert.deepEqual(found, []);
});

test('silent for a principal doing what it always does, even from a new place', () => {
  const found = run([...aliceDays(10),
    call(ALICE, 'ListUsers', START + 10 * DAY, { sourceIPAddress: AWAY, userAgent: UA_BOTO }),
    call(ALICE, 'DescribeInstances', START + 10 * DAY + 60_000, { sourceIPAddress: AWAY, userAgent: UA_BOTO })]);
  assert.deepEqual(found, []);
});

test('silent for a new API from the usual network and client (a principal\'s work growing)', () => {
  const found = run([...aliceDays(10), call(ALICE, 'CreateAccessKey', START + 10 * DAY, { sourceIPAddress: HOME, userAgent: UA_CLI })]);
  assert.deepEqual(found, []);
});

test('silent for a CI role that calls many APIs daily and adds new ones from its usual runners', () => {
  const ci = (session: string) => roleSession('github-actions-deploy', session, `ASIACI${session.padStart(14, '0')}`);
  const apis = ['DescribeInstances', 'RunInstances', 'CreateTags', 'DescribeVolumes', 'GetCallerIdentity', 'PutRolePolicy', 'CreateRole', 'AttachRolePolicy'];
  const days = Array.from({ length: 14 }, (_, d) => history(ci(`build-${d}`), { days: 1, start: START + d * DAY, apis, ip: '54.239.28.85', ua: UA_TERRAFORM })).flat();
  const found = run([...days,
    call(ci('build-99'), 'CreateSnapshot', START + 14 * DAY, { sourceIPAddress: '54.239.28.85', userAgent: UA_TERRAFORM }),
    call(ci('build-99'), 'DeleteSecurityGroup', START + 14 * DAY + 60_000, { sourceIPAddress: '54.239.28.85', userAgent: UA_TERRAFORM })]);
  assert.deepEqual(found, []);
});

test('role sessions share their role\'s profile (a session name never seen before is not a new principal)', () => {
  const s = (n: string) => roleSession('reporting', n, `ASIAREP${n.padStart(13, '0')}`);
  const days = Array.from({ length: 10 }, (_, d) => history(s(`run-${d}`), { days: 1, start: START + d * DAY, apis: ['GetObject', 'ListBuckets'], ip: HOME, ua: UA_BOTO })).flat();
  const found = run([...days, call(s('run-new'), 'GetSecretValue', START + 10 * DAY, { sourceIPAddress: AWAY, userAgent: UA_CLI })]);
  assert.deepEqual(found.map((c) => [c.type, c.key]), [['CredentialAccess:IAMUser/AnomalousBehavior', 'arn:aws:iam::111122223333:role/reporting|CredentialAccess']]);
});

test('AWS services acting for a principal are not profiled and raise nothing', () => {
  const svc = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
  const found = run(Array.from({ length: 12 }, (_, d) => call(svc, 'CreateAccessKey', START + d * DAY, { sourceIPAddress: 'cloudformation.amazonaws.com', userAgent: 'cloudformation.amazonaws.com' })));
  assert.deepEqual(found, []);
});
