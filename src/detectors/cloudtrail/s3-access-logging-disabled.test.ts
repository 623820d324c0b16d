import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { s3AccessLoggingDisabled } from './s3-access-logging-disabled.js';

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [s3AccessLoggingDisabled] }).candidates;
}

const BUCKET = 'critical-data-bucket';
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// PutBucketLogging as CloudTrail logs it (see the panther-analysis AWS.S3.DisableBucketLogging tests)
const putLogging = (status: object | undefined, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 's3.amazonaws.com', eventName: 'PutBucketLogging', readOnly: false, sourceIPAddress: '81.2.69.160',
  userAgent: '[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36]',
  requestParameters: { logging: '', bucketName: BUCKET, Host: `${BUCKET}.s3.us-east-1.amazonaws.com`, ...(status ? { BucketLoggingStatus: status } : {}) },
  additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 108, AuthenticationMethod: 'AuthHeader', bytesTransferredOut: 0 },
  resources: [{ accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${BUCKET}` }],
  ...over,
});

test('an empty BucketLoggingStatus raises ServerAccessLoggingDisabled (Low) on the bucket', () => {
  const [c, ...rest] = run([putLogging({ xmlns: XMLNS })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Stealth:S3/ServerAccessLoggingDisabled');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'S3Bucket');
  assert.deepEqual(c.resource.s3BucketDetails, [{ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, type: 'Destination' }]);
  assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'AKIAEXAMPLEKEY000001');
  assert.equal(c.action.awsApiCallAction?.api, 'PutBucketLogging');
  assert.equal(c.action.awsApiCallAction?.serviceName, 's3.amazonaws.com');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '81.2.69.160');
  assert.deepEqual(c.action.awsApiCallAction?.affectedResources, { 'AWS::S3::Bucket': BUCKET });
  assert.equal(c.key, `bucket:${BUCKET}`);
});

test('silent when logging is enabled, the call failed, or the record carries no status', () => {
  const out = run([
    putLogging({ xmlns: XMLNS, LoggingEnabled: { TargetBucket: 'acme-s3-access-logs', TargetPrefix: `${BUCKET}/` } }),
    putLogging({ xmlns: XMLNS }, { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }),
    putLogging(undefined),
    ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketLogging', requestParameters: { logging: '', bucketName: BUCKET, Host: `${BUCKET}.s3.us-east-1.amazonaws.com` } }),
  ]);
  assert.deepEqual(out, []);
});
