import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile } from '../../testing/harness.js';
import { ALICE, START, UA_BOTO, UA_CLI, call, roleSession } from '../../testing/cloudtrail-history.js';
import { credentialExfiltration } from './credential-exfiltration.js';

const INSTANCE = 'i-0a1b2c3d4e5f60718';
const OUTSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';
const INSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS';
const LAMBDA = 'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS';
const EIP = '54.239.28.85'; // the instance's own public address (AWS)
const ENDPOINT = 'vpce-0a1b2c3d4e5f60718';
const instanceCreds = (key = 'ASIAINSTANCEKEY00001', account = '111122223333') => roleSession('app-server', INSTANCE, key, account, { ec2RoleDelivery: '2.0' });

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [credentialExfiltration] }).candidates;
}

/** The instance's own calls: through its VPC endpoint from its private address, and from its public address. */
const ownCalls = (key?: string) => [
  call(instanceCreds(key), 'DescribeInstances', START, { sourceIPAddress: '10.0.1.25', vpcEndpointId: ENDPOINT, userAgent: UA_BOTO }),
  call(instanceCreds(key), 'GetObject', START + 60_000, { sourceIPAddress: EIP, userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
];

test('instance credentials used from a public address outside AWS: InstanceCredentialExfiltration.OutsideAWS (High)', () => {
  const found = run([...ownCalls(), call(instanceCreds(), 'ListBuckets', START + 3_600_000, { sourceIPAddress: '45.142.212.61', userAgent: UA_CLI })]);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, OUTSIDE);
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'TARGET');
  assert.deepEqual(c.resource, { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'ASIAINSTANCEKEY00001', principalId: `AROAEXAMPLE10ROLEID:${INSTANCE}`, userName: 'app-server', userType: 'AssumedRole' } });
  assert.equal(c.action.awsApiCallAction?.api, 'ListBuckets');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.organization?.asnOrg, 'WorkTitans B.V.');
  const info = c.additionalInfo as Record<string, unknown>;
  assert.equal(info.instanceId, INSTANCE);
  assert.deepEqual(info.usualAddresses, [EIP]);
  assert.deepEqual(info.usualVpcEndpoints, [ENDPOINT]);
  assert.match(String(info.reason), /45\.142\.212\.61 \(AS209847 WorkTitans B\.V\.\) is not an AWS address/);
  assert.equal(c.key, `AROAEXAMPLE10ROLEID:${INSTANCE}|${OUTSIDE}`);
});

test('stolen instance credentials used from the operator\'s address, even one inside AWS\'s ranges: OutsideAWS', () => {
  // a person works from 18.236.253.47 (an address in AWS's published ranges, e.g. a placeholder in shared logs)
  const found = run([...ownCalls(),
    call(ALICE, 'SendCommand', START + 3_000_000, { sourceIPAddress: '18.236.253.47', userAgent: UA_CLI, eventSource: 'ssm.amazonaws.com' }),
    call(instanceCreds(), 'GetCallerIdentity', START + 3_600_000, { sourceIPAddress: '18.236.253.47', userAgent: UA_CLI })]);
  assert.deepEqual(found.map((c) => c.type), [OUTSIDE]);
  assert.match(String((found[0].additionalInfo as Record<string, unknown>).reason), /address people of these accounts use/);
  assert.equal((found[0].additionalInfo as Record<string, unknown>).callerInAwsRanges, true);
});

test('a private or placeholder address the instance never used, without a VPC endpoint: OutsideAWS', () => {
  const found = run([...ownCalls(), call(instanceCreds(), 'DescribeInstances', START + 3_600_000, { sourceIPAddress: '253.201.144.253', userAgent: UA_CLI })]);
  assert.deepEqual(found.map((c) => c.type), [OUTSIDE]);
});

test('a VPC endpoint of another account: InsideAWS, High when the account is unknown, Medium when it is one of ours', () => {
  const other = call(instanceCreds(), 'ListBuckets', START + 3_600_000, { sourceIPAddress: '172.31.5.9', vpcEndpointId: 'vpce-0ffee1234567890ab', vpcEndpointAccountId: '999988887777', userAgent: UA_BOTO });
  const [high] = run([...ownCalls(), other]);
  assert.equal(high.type, INSIDE);
  assert.equal(high.severity, 8);
  assert.deepEqual(high.action.awsApiCallAction?.remoteAccountDetails, { accountId: '999988887777', affiliated: false });
  // the same, when 999988887777 is one of the accounts scanned together
  const ours = call(roleSession('ops', 'carol', 'ASIAOPS0000000000001', '999988887777'), 'DescribeInstances', START + 100_000, { sourceIPAddress: '81.2.69.160', userAgent: UA_CLI, recipientAccountId: '999988887777' });
  const [medium] = run([ours, ...ownCalls(), other]);
  assert.equal(medium.type, INSIDE);
  assert.equal(medium.severity, 5);
  assert.deepEqual(medium.action.awsApiCallAction?.remoteAccountDetails, { accountId: '999988887777', affiliated: true });
});

test('an AWS address that another of our accounts\' workloads use: InsideAWS (Medium, affiliated)', () => {
  const theirs = roleSession('batch', 'i-0fedcba9876543210', 'ASIATHEIRKEY00000001', '444455556666', { ec2RoleDelivery: '2.0' });
  const found = run([
    call(theirs, 'DescribeInstances', START, { sourceIPAddress: '3.5.0.1', userAgent: UA_BOTO, recipientAccountId: '444455556666' }),
    ...ownCalls(),
    call(instanceCreds(), 'GetObject', START + 3_600_000, { sourceIPAddress: '3.5.0.1', userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
  ]);
  assert.deepEqual(found.map((c) => [c.type, c.severity, c.action.awsApiCallAction?.remoteAccountDetails]), [[INSIDE, 5, { accountId: '444455556666', affiliated: true }]]);
});

test('the same instance access key used at once from the instance and from an unknown AWS address: InsideAWS (High)', () => {
  const found = run([...ownCalls(), call(instanceCreds(), 'ListBuckets', START + 600_000, { sourceIPAddress: '52.95.110.1', userAgent: UA_CLI })]);
  assert.deepEqual(found.map((c) => [c.type, c.severity]), [[INSIDE, 8]]);
});

test('silent for instance credentials used from the instance\'s own VPC endpoint and addresses, and from a new AWS address with a new key', () => {
  const found = run([
    ...ownCalls(),
    call(instanceCreds(), 'PutObject', START + 3_600_000, { sourceIPAddress: '10.0.1.25', vpcEndpointId: ENDPOINT, userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
    call(instanceCreds(), 'GetObject', START + 3_700_000, { sourceIPAddress: EIP, userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
    // stopped and started: a new public address (Amazon-owned) and new credentials
    call(instanceCreds('ASIAINSTANCEKEY00002'), 'GetObject', START + 7_200_000, { sourceIPAddress: '52.95.110.1', userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
    // an AWS service acting with the role
    call(instanceCreds(), 'Decrypt', START + 7_300_000, { sourceIPAddress: 's3.amazonaws.com', userAgent: 's3.amazonaws.com', eventSource: 'kms.amazonaws.com' }),
  ]);
  assert.deepEqual(found, []);
});

test('silent for a fresh instance\'s first calls from a private address, and for ordinary role sessions anywhere', () => {
  const found = run([
    call(instanceCreds(), 'DescribeTags', START, { sourceIPAddress: '10.0.1.25', userAgent: UA_BOTO }),
    call(roleSession('developer', 'alice@example.com', 'ASIADEV0000000000001'), 'ListBuckets', START + 60_000, { sourceIPAddress: '45.142.212.61', userAgent: UA_CLI }),
  ]);
  assert.deepEqual(found, []);
});

test('Lambda credentials used outside AWS: ResourceCredentialExfiltration.OutsideAWS (High); silent from the function itself', () => {
  const fn = roleSession('orders-exec', 'orders-handler', 'ASIALAMBDAKEY0000001');
  const runtime = 'aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.214-225.855.amzn2.x86_64 lang/js md/nodejs#20.12.0 api/dynamodb#3.540.0 exec-env/AWS_Lambda_nodejs20.x';
  const own = call(fn, 'PutItem', START, { sourceIPAddress: '3.5.0.1', userAgent: runtime, eventSource: 'dynamodb.amazonaws.com' });
  const stolen = call(fn, 'ListBuckets', START + 600_000, { sourceIPAddress: '91.92.251.103', userAgent: UA_CLI, eventSource: 's3.amazonaws.com' });
  const found = run([own, stolen]);
  assert.deepEqual(found.map((c) => [c.type, c.severity, (c.additionalInfo as Record<string, unknown>).functionName]), [[LAMBDA, 8, 'orders-handler']]);
  assert.deepEqual(run([own, call(fn, 'GetItem', START + 60_000, { sourceIPAddress: '52.95.110.1', userAgent: runtime, eventSource: 'dynamodb.amazonaws.com' })]), []);
  // the runtime's own agent, even from an address the data does not place in AWS (placeholder addresses in shared fixtures)
  assert.deepEqual(run([own, call(fn, 'GetItem', START + 60_000, { sourceIPAddress: '12.34.56.78', userAgent: runtime, eventSource: 'dynamodb.amazonaws.com' })]), []);
});

test('a function is known as Lambda from its CreateFunction call too (role and function name)', () => {
  const create = call(ALICE, 'CreateFunction20150331', START, { eventSource: 'lambda.amazonaws.com', sourceIPAddress: '81.2.69.160', userAgent: UA_CLI,
    requestParameters: { functionName: 'nightly-export', role: 'arn:aws:iam::111122223333:role/export-exec', runtime: 'python3.12', handler: 'app.handler' } });
  const stolen = call(roleSession('export-exec', 'nightly-export', 'ASIAEXPORTKEY0000001'), 'GetObject', START + 600_000, { sourceIPAddress: '91.92.251.103', userAgent: UA_CLI, eventSource: 's3.amazonaws.com' });
  assert.deepEqual(run([create, stolen]).map((c) => c.type), [LAMBDA]);
});

test('silent for instances of one account behind one NAT gateway, whatever their roles are called (instance credentials are never a person\'s)', () => {
  const nat = '3.220.17.4'; // an EC2 address
  const web = roleSession('web', 'i-0aaaaaaaaaaaaaaa1', 'ASIAWEBKEY0000000001', '111122223333', { ec2RoleDelivery: '2.0' });
  // a role whose name looks like an Identity Center permission set, used by an instance
  const odd = roleSession('AWSReservedSSO_Ops_0123456789abcdef', 'i-0bbbbbbbbbbbbbbb2', 'ASIAODDKEY0000000001', '111122223333', { ec2RoleDelivery: '2.0' });
  const found = run([
    call(odd, 'DescribeInstances', START, { sourceIPAddress: nat, userAgent: UA_BOTO }),
    call(web, 'GetObject', START + 60_000, { sourceIPAddress: nat, userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
    call(web, 'PutObject', START + 120_000, { sourceIPAddress: nat, userAgent: UA_BOTO, eventSource: 's3.amazonaws.com' }),
  ]);
  assert.deepEqual(found, []);
});
