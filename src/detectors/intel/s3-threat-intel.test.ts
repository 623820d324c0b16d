import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord, intelServices, type TestList } from '../../testing/harness.js';
import { s3ThreatIntel } from './s3-threat-intel.js';
import { cloudTrailThreatIntel } from './cloudtrail-threat-intel.js';

const TOR = '185.220.101.47';
const BAD = '45.142.212.61';
const CUSTOM = '91.92.251.103';
const LISTS: TestList[] = [
  { name: 'Tor exits', purpose: 'tor-exit', entries: [`${TOR},Tor exit node`] },
  { name: 'Bad reputation', purpose: 'malicious', entries: [`${BAD},Credential stuffing`] },
  { name: 'My blocklist', purpose: 'custom', entries: [`${CUSTOM},Incident 2026-014`] },
];

function dataEvent(api: string, ip: string, bucket = 'acme-customer-exports') {
  return ctRecord({
    eventSource: 's3.amazonaws.com', eventName: api, sourceIPAddress: ip, eventCategory: 'Data', managementEvent: false, readOnly: /^(Get|List|Head)/.test(api),
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com`, key: 'exports/customers.csv' },
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/exports/customers.csv` }, { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
}

const run = (records: object[], detectors = [s3ThreatIntel]) =>
  detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors, services: intelServices({ threat: LISTS }) }).candidates;

const CASES: [api: string, ip: string, type: string, severity: number, list: string][] = [
  ['ListObjectsV2', TOR, 'Discovery:S3/TorIPCaller', 5, 'Tor exits'],
  ['PutObject', TOR, 'UnauthorizedAccess:S3/TorIPCaller', 8, 'Tor exits'],
  ['GetObjectAcl', BAD, 'Discovery:S3/MaliciousIPCaller', 8, 'Bad reputation'],
  ['GetObject', BAD, 'Exfiltration:S3/MaliciousIPCaller', 8, 'Bad reputation'],
  ['PutObjectAcl', BAD, 'Impact:S3/MaliciousIPCaller', 8, 'Bad reputation'],
  ['DeleteObject', BAD, 'Impact:S3/MaliciousIPCaller', 8, 'Bad reputation'],
  ['ListObjects', CUSTOM, 'Discovery:S3/MaliciousIPCaller.Custom', 8, 'My blocklist'],
  ['PutObject', CUSTOM, 'UnauthorizedAccess:S3/MaliciousIPCaller.Custom', 8, 'My blocklist'],
];

for (const [api, ip, type, severity, list] of CASES) {
  test(`S3 data event ${api} from an address on "${list}": ${type}`, () => {
    const found = run([dataEvent(api, ip)]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, type);
    assert.equal(c.severity, severity);
    assert.equal(c.resourceRole, 'TARGET');
    assert.deepEqual(c.resource.s3BucketDetails, [{ name: 'acme-customer-exports', arn: 'arn:aws:s3:::acme-customer-exports', type: 'Destination' }]);
    assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'AKIAEXAMPLEKEY000001');
    assert.equal(c.action.awsApiCallAction?.api, api);
    assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, ip);
    assert.equal(c.threatIntelligenceDetails?.[0].threatListName, list);
    assert.equal((c.additionalInfo as { bucket: string }).bucket, 'acme-customer-exports');
  });

  test(`benign look-alike of ${type}: the same ${api} from an unlisted public address, a neighbour of the listed one, or a private address`, () => {
    const [a, b, c3, d] = ip.split('.').map(Number);
    const neighbour = `${a}.${b}.${c3}.${(d + 1) % 256}`;
    assert.deepEqual(run([dataEvent(api, '81.2.69.160'), dataEvent(api, neighbour), dataEvent(api, '10.0.1.25')]), []);
  });
}

test('silent for S3 data events from unlisted and private callers, and for management events (the IAM types take those)', () => {
  assert.deepEqual(run([dataEvent('GetObject', '81.2.69.160'), dataEvent('GetObject', '10.0.1.25')]), []);
  const mgmt = ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', sourceIPAddress: BAD });
  assert.deepEqual(run([mgmt]), []);
});

test('the IAM threat-intel types leave S3 data events to the S3 types', () => {
  const both = run([dataEvent('GetObject', BAD), ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', sourceIPAddress: BAD })], [s3ThreatIntel, cloudTrailThreatIntel]);
  assert.deepEqual(both.map((c) => c.type), ['Exfiltration:S3/MaliciousIPCaller', 'Recon:IAMUser/MaliciousIPCaller']);
});
