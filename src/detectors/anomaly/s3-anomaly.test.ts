import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { ALICE, DAY, START, UA_BOTO, UA_CLI } from '../../testing/cloudtrail-history.js';
import { s3Anomaly } from './s3-anomaly.js';

const HOME = '86.245.153.234';
const AWAY = '45.142.212.61';

/** An S3 data event as CloudTrail logs it. */
function s3(api: string, time: number, bucket: string, o: { ip?: string; ua?: string; key?: string } = {}) {
  return ctRecord({
    userIdentity: ALICE, eventSource: 's3.amazonaws.com', eventName: api, eventTime: new Date(time).toISOString(),
    sourceIPAddress: o.ip ?? HOME, userAgent: o.ua ?? UA_CLI, eventCategory: 'Data', managementEvent: false, readOnly: /^(Get|List|Head)/.test(api),
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com`, key: o.key ?? 'reports/2026/02/summary.csv' },
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${o.key ?? 'reports/2026/02/summary.csv'}` }, { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    eventID: `s3-${api}-${time}-${Math.random()}`,
  });
}

/** 10 ordinary days: alice lists and reads 20 objects of `reports` a day, writes 2. */
function usualDays(days = 10) {
  const out = [];
  for (let d = 0; d < days; d++) {
    const t = START + d * DAY;
    out.push(s3('ListObjectsV2', t, 'acme-reports'));
    for (let i = 0; i < 20; i++) out.push(s3('GetObject', t + 60_000 + i * 1000, 'acme-reports', { key: `reports/${d}/${i}.csv` }));
    out.push(s3('PutObject', t + 120_000, 'acme-reports'), s3('PutObject', t + 121_000, 'acme-reports'));
  }
  return out;
}

const run = (records: object[]) => detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [s3Anomaly] }).candidates;
const T = START + 10 * DAY + 3_600_000;

const NOVEL: [api: string, type: string, severity: number][] = [
  ['ListObjectsV2', 'Discovery:S3/AnomalousBehavior', 2],
  ['GetObject', 'Exfiltration:S3/AnomalousBehavior', 8],
  ['PutObject', 'Impact:S3/AnomalousBehavior.Write', 5],
  ['DeleteObject', 'Impact:S3/AnomalousBehavior.Delete', 8],
  ['PutObjectAcl', 'Impact:S3/AnomalousBehavior.Permission', 8],
];

for (const [api, type, severity] of NOVEL) {
  test(`${api} on a bucket the principal never touched, from a new network and client: ${type}`, () => {
    const found = run([...usualDays(), s3(api, T, 'acme-payroll', { ip: AWAY, ua: UA_BOTO })]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, type);
    assert.equal(c.severity, severity);
    assert.equal(c.resourceRole, 'TARGET');
    assert.equal(c.resource.resourceType, 'S3Bucket');
    assert.deepEqual(c.resource.s3BucketDetails, [{ name: 'acme-payroll', arn: 'arn:aws:s3:::acme-payroll', type: 'Destination' }]);
    assert.equal(c.resource.accessKeyDetails?.userName, 'alice');
    assert.deepEqual(c.action.awsApiCallAction?.affectedResources, { bucketName: 'acme-payroll' });
    const reasons = (c.additionalInfo as { reasons: string[] }).reasons;
    assert.match(reasons.join('; '), /bucket acme-payroll was never accessed by this principal/);
    assert.match(reasons.join('; '), /network AS209847 WorkTitans B\.V\. was never used/);
    const det = c.detection as { anomaly: { unusual: { behavior: Record<string, Record<string, { profileSubtype: string }>> }; profiles: Record<string, Record<string, { observations: { text: string[] } }[]>> } };
    assert.equal(det.anomaly.unusual.behavior[ALICE.arn].bucket.profileSubtype, 'UNSEEN');
    assert.deepEqual(det.anomaly.profiles[ALICE.arn].bucket[0].observations.text, ['acme-reports (seen on 10 of 10 days)']);
    // account and organisation: nobody there touched acme-payroll or used that network before
    const acct = det.anomaly.unusual.behavior['111122223333'];
    assert.equal(acct.bucket.profileSubtype, 'UNSEEN');
    assert.equal(acct.asnOrg.profileSubtype, 'UNSEEN');
    assert.equal(det.anomaly.unusual.behavior.organization.bucket.profileSubtype, 'UNSEEN');
    assert.deepEqual(det.anomaly.profiles.organization.bucket[0].observations.text, ['acme-reports (seen on 10 of 10 days)']);
    const freq = (c.additionalInfo as { frequencies: Record<string, Record<string, string>> }).frequencies;
    assert.deepEqual(freq.principal, { bucket: 'UNSEEN', api: api === 'ListObjectsV2' || api === 'GetObject' || api === 'PutObject' ? 'FREQUENT' : 'UNSEEN', asnOrg: 'UNSEEN', userAgent: 'UNSEEN', country: 'UNSEEN' });
    assert.deepEqual(freq.account, { bucket: 'UNSEEN', api: freq.principal.api, asnOrg: 'UNSEEN', userAgent: 'UNSEEN' });
    assert.deepEqual(freq.organization, { bucket: 'UNSEEN', api: freq.principal.api });
  });

  test(`benign look-alikes of ${type}: ${api} on a new bucket from the usual network and client, or on the usual bucket from a new place, stays silent`, () => {
    assert.deepEqual(run([...usualDays(), s3(api, T, 'acme-payroll')]), []);
    const routine = Array.from({ length: 10 }, (_, d) => s3(api, START + d * DAY + 3_600_000, 'acme-reports'));
    assert.deepEqual(run([...usualDays(), ...routine, s3(api, T, 'acme-reports', { ip: AWAY, ua: UA_BOTO })]), []);
  });
}

test('account level: a bucket other principals of the account use daily is FREQUENT there, and only the principal scope is unusual', () => {
  const bob = { ...ALICE, principalId: 'AIDAEXAMPLEPRINCIPAL2', arn: 'arn:aws:iam::111122223333:user/bob', accessKeyId: 'AKIAEXAMPLEKEY000002', userName: 'bob' };
  const bobs = Array.from({ length: 10 }, (_, d) => ({ ...s3('GetObject', START + d * DAY + 7_200_000, 'acme-payroll', { ip: AWAY, ua: UA_BOTO }), userIdentity: bob }));
  const found = run([...usualDays(), ...bobs, s3('GetObject', T, 'acme-payroll', { ip: AWAY, ua: UA_BOTO })]);
  assert.deepEqual(found.map((c) => c.type), ['Exfiltration:S3/AnomalousBehavior']);
  const freq = (found[0].additionalInfo as { frequencies: Record<string, Record<string, string>> }).frequencies;
  assert.deepEqual([freq.principal.bucket, freq.account.bucket, freq.account.asnOrg, freq.organization.bucket], ['UNSEEN', 'FREQUENT', 'FREQUENT', 'FREQUENT']);
  const det = found[0].detection as { anomaly: { unusual: { behavior: Record<string, Record<string, unknown>> } } };
  assert.deepEqual(Object.keys(det.anomaly.unusual.behavior), [ALICE.arn]);
});

test('a burst of reads far above the busiest hour before: Exfiltration:S3/AnomalousBehavior, once per hour', () => {
  const burst = Array.from({ length: 400 }, (_, i) => s3('GetObject', T + i * 2000, 'acme-reports', { key: `reports/all/${i}.csv` }));
  const found = run([...usualDays(), ...burst]);
  assert.deepEqual(found.map((c) => c.type), ['Exfiltration:S3/AnomalousBehavior']);
  assert.match((found[0].additionalInfo as { reasons: string[] }).reasons[0], /^201 read calls this hour; the busiest hour before had 20$/);
});

test('a burst of deletes: Impact:S3/AnomalousBehavior.Delete', () => {
  const burst = Array.from({ length: 250 }, (_, i) => s3('DeleteObject', T + i * 1000, 'acme-reports', { key: `reports/${i}.csv` }));
  assert.deepEqual(run([...usualDays(), ...burst]).map((c) => [c.type, c.severity]), [['Impact:S3/AnomalousBehavior.Delete', 8]]);
});

test('silent during learning, for usual buckets from a new place, a new bucket from the usual place, and usual volumes', () => {
  assert.deepEqual(run([...usualDays(3), s3('GetObject', START + 3 * DAY, 'acme-payroll', { ip: AWAY, ua: UA_BOTO })]), []);
  assert.deepEqual(run([...usualDays(), s3('GetObject', T, 'acme-reports', { ip: AWAY, ua: UA_BOTO })]), []);
  assert.deepEqual(run([...usualDays(), s3('GetObject', T, 'acme-payroll'), s3('DeleteObject', T + 1000, 'acme-payroll')]), []);
  assert.deepEqual(run([...usualDays(), ...Array.from({ length: 25 }, (_, i) => s3('GetObject', T + i * 1000, 'acme-reports'))]), []);
});

test('management events are not S3 data events: left to the IAM profiles', () => {
  const mgmt = { ...s3('GetObject', T, 'acme-payroll', { ip: AWAY, ua: UA_BOTO }), eventCategory: 'Management', managementEvent: true };
  assert.deepEqual(run([...usualDays(), mgmt]), []);
});
