import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { s3BlockPublicAccess } from './s3-block-public-access.js';

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [s3BlockPublicAccess] }).candidates;
}

const BUCKET = 'acme-customer-exports';
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

const s3Call = (eventName: string, requestParameters: object | null, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 's3.amazonaws.com', eventName, requestParameters, readOnly: false, sourceIPAddress: '81.2.69.160',
  userAgent: '[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython command/s3api.put-public-access-block]',
  additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 217, AuthenticationMethod: 'AuthHeader', bytesTransferredOut: 0 },
  ...over,
});

const putBucket = (config: object, over: Record<string, unknown> = {}) => s3Call('PutBucketPublicAccessBlock', {
  publicAccessBlock: '', bucketName: BUCKET, Host: `${BUCKET}.s3.us-east-1.amazonaws.com`,
  PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', ...config },
}, over);

const putAccount = (config: object, over: Record<string, unknown> = {}) => s3Call('PutAccountPublicAccessBlock', {
  Host: '111122223333.s3-control.us-east-1.amazonaws.com',
  PublicAccessBlockConfiguration: { xmlns: 'http://awss3control.amazonaws.com/doc/2018-08-20/', ...config },
}, over);

test('a bucket Put with some settings false raises BucketBlockPublicAccessDisabled (Low) on the bucket', () => {
  const [c, ...rest] = run([putBucket({ ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Policy:S3/BucketBlockPublicAccessDisabled');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'S3Bucket');
  assert.deepEqual(c.resource.s3BucketDetails, [{ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, type: 'Destination' }]);
  assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'AKIAEXAMPLEKEY000001');
  assert.equal(c.action.awsApiCallAction?.api, 'PutBucketPublicAccessBlock');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '81.2.69.160');
  assert.deepEqual(c.action.awsApiCallAction?.affectedResources, { 'AWS::S3::Bucket': BUCKET });
  assert.deepEqual(c.additionalInfo, { disabledSettings: ['BlockPublicPolicy', 'RestrictPublicBuckets'] });
  assert.equal(c.key, `bucket:${BUCKET}`);
});

test('deleting a bucket\'s configuration turns all four settings off', () => {
  // shape from the panther-analysis AWS.S3.DeletePublicAccessBlock test
  const [c] = run([s3Call('DeleteBucketPublicAccessBlock', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, publicAccessBlock: '' })]);
  assert.equal(c.type, 'Policy:S3/BucketBlockPublicAccessDisabled');
  assert.equal(c.action.awsApiCallAction?.api, 'DeleteBucketPublicAccessBlock');
  assert.deepEqual(c.additionalInfo?.disabledSettings, ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets']);
});

test('account-level Put with settings false, and account Delete, raise AccountBlockPublicAccessDisabled', () => {
  const out = run([
    putAccount({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }),
    s3Call('DeleteAccountPublicAccessBlock', { Host: '111122223333.s3-control.us-east-1.amazonaws.com' }),
  ]);
  assert.deepEqual(out.map((c) => [c.type, c.severity, c.action.awsApiCallAction?.api, c.key]), [
    ['Policy:S3/AccountBlockPublicAccessDisabled', 2, 'PutAccountPublicAccessBlock', 'account'],
    ['Policy:S3/AccountBlockPublicAccessDisabled', 2, 'DeleteAccountPublicAccessBlock', 'account'],
  ]);
  assert.equal(out[0].resource.resourceType, 'S3Bucket');
  assert.deepEqual(out[0].resource.s3BucketDetails, []);
  assert.equal(out[0].action.awsApiCallAction?.affectedResources, undefined);
  assert.equal(out[0].accountId, '111122223333');
});

test('a Put that leaves settings out turns them off (the configuration is replaced whole)', () => {
  const [c] = run([putBucket({ BlockPublicAcls: true, IgnorePublicAcls: true })]);
  assert.equal(c.type, 'Policy:S3/BucketBlockPublicAccessDisabled');
  assert.deepEqual(c.additionalInfo?.disabledSettings, ['BlockPublicPolicy', 'RestrictPublicBuckets']);
});

test('silent when every setting is on, and for failed calls', () => {
  const denied = { errorCode: 'AccessDenied', errorMessage: 'Access Denied' };
  const out = run([
    putBucket(ALL_ON),
    putAccount(ALL_ON),
    putBucket({ BlockPublicAcls: 'true', IgnorePublicAcls: 'true', BlockPublicPolicy: 'true', RestrictPublicBuckets: 'true' }),
    putBucket({ ...ALL_ON, BlockPublicPolicy: false }, denied),
    s3Call('DeleteBucketPublicAccessBlock', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com` }, denied),
    s3Call('DeleteAccountPublicAccessBlock', { Host: '111122223333.s3-control.us-east-1.amazonaws.com' }, denied),
    s3Call('GetBucketPublicAccessBlock', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, publicAccessBlock: '' }, { readOnly: true }),
  ]);
  assert.deepEqual(out, []);
});

test('a Put whose record carries no configuration body cannot be judged: silent', () => {
  assert.deepEqual(run([s3Call('PutBucketPublicAccessBlock', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com` })]), []);
});
