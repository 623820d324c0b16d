import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { StateRegistry } from '../../engine/index.js';
import { cloudTrailLoggingDisabled } from './cloudtrail-logging-disabled.js';

const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events';
const BUCKET = 'aws-cloudtrail-logs-111122223333-3f9a1c2e';

function run(records: object[], state?: StateRegistry) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [cloudTrailLoggingDisabled], state }).candidates;
}

const trailCall = (eventName: string, requestParameters: object, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 'cloudtrail.amazonaws.com', eventName, requestParameters, readOnly: false, sourceIPAddress: '86.245.153.234',
  userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off command/cloudtrail.stop-logging',
  ...over,
});

const createTrail = (name: string, bucket: string, time = '2026-03-01T08:00:00Z') => trailCall('CreateTrail',
  { name, s3BucketName: bucket, isMultiRegionTrail: true, enableLogFileValidation: true, includeGlobalServiceEvents: true },
  { eventTime: time, responseElements: { name, s3BucketName: bucket, trailARN: `arn:aws:cloudtrail:us-east-1:111122223333:trail/${name}`, isMultiRegionTrail: true } });

const updateTrail = (name: string, bucket: string, time: string) => trailCall('UpdateTrail', { name, s3BucketName: bucket }, { eventTime: time });

// as S3 logs it (shape from the panther-analysis AWS.S3.BucketDeleted test)
const deleteBucket = (bucket: string, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', eventTime: '2026-03-02T10:20:00Z', readOnly: false,
  requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com` },
  additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'k8Z1mQ0vYw==' },
  userAgent: '[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython command/s3.rb]',
  ...over,
});

test('StopLogging raises CloudTrailLoggingDisabled (Low) on the caller, naming the trail', () => {
  const [c, ...rest] = run([trailCall('StopLogging', { name: TRAIL_ARN })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Stealth:IAMUser/CloudTrailLoggingDisabled');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'AccessKey');
  assert.deepEqual(c.resource.accessKeyDetails, { accessKeyId: 'AKIAEXAMPLEKEY000001', principalId: 'AIDAEXAMPLEPRINCIPAL1', userName: 'alice', userType: 'IAMUser' });
  const api = c.action.awsApiCallAction!;
  assert.equal(api.api, 'StopLogging');
  assert.equal(api.serviceName, 'cloudtrail.amazonaws.com');
  assert.equal(api.remoteIpDetails?.ipAddressV4, '86.245.153.234');
  assert.deepEqual(api.affectedResources, { 'AWS::CloudTrail::Trail': 'management-events' });
  assert.equal(c.key, 'trail:management-events');
});

test('DeleteTrail by name raises it too, and aggregates with a StopLogging of the same trail given by ARN', () => {
  const out = run([
    trailCall('StopLogging', { name: TRAIL_ARN }),
    trailCall('DeleteTrail', { name: 'management-events' }, { eventTime: '2026-03-02T10:16:00Z' }),
  ]);
  assert.deepEqual(out.map((c) => c.action.awsApiCallAction?.api), ['StopLogging', 'DeleteTrail']);
  assert.deepEqual(out.map((c) => c.key), ['trail:management-events', 'trail:management-events']);
  assert.deepEqual(out[1].additionalInfo, { trail: 'management-events', api: 'DeleteTrail' });
});

test('deleting the bucket a trail delivers to (learned from CreateTrail) raises it, naming bucket and trail', () => {
  const out = run([createTrail('management-events', BUCKET), deleteBucket(BUCKET)]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Stealth:IAMUser/CloudTrailLoggingDisabled');
  assert.equal(c.severity, 2);
  assert.equal(c.action.awsApiCallAction?.api, 'DeleteBucket');
  assert.equal(c.action.awsApiCallAction?.serviceName, 's3.amazonaws.com');
  assert.deepEqual(c.action.awsApiCallAction?.affectedResources, { 'AWS::CloudTrail::Trail': 'management-events', 'AWS::S3::Bucket': BUCKET });
  assert.deepEqual(c.additionalInfo, { trail: 'management-events', api: 'DeleteBucket', bucket: BUCKET });
  assert.match(c.description, new RegExp(`S3 bucket ${BUCKET}, where trail management-events delivers`));
});

test('the trail bucket learned in an earlier scan is still known in the next one', () => {
  const state = new StateRegistry();
  assert.deepEqual(run([createTrail('management-events', BUCKET)], state), []);
  const later = new StateRegistry();
  later.preload(state.snapshots());
  const out = run([deleteBucket(BUCKET)], later);
  assert.equal(out.length, 1);
  assert.equal(out[0].additionalInfo?.trail, 'management-events');
});

test('after UpdateTrail moves the trail, deleting the old bucket is silent and deleting the new one raises', () => {
  const newBucket = 'org-audit-logs-central';
  const out = run([
    createTrail('management-events', BUCKET),
    updateTrail(TRAIL_ARN, newBucket, '2026-03-02T09:00:00Z'),
    deleteBucket(BUCKET),
    deleteBucket(newBucket, { eventTime: '2026-03-02T10:30:00Z' }),
  ]);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].action.awsApiCallAction?.affectedResources, { 'AWS::CloudTrail::Trail': 'management-events', 'AWS::S3::Bucket': newBucket });
});

test('deleting a bucket after its trail was deleted raises only for the DeleteTrail', () => {
  const out = run([
    createTrail('management-events', BUCKET),
    trailCall('DeleteTrail', { name: TRAIL_ARN }, { eventTime: '2026-03-02T10:10:00Z' }),
    deleteBucket(BUCKET),
  ]);
  assert.deepEqual(out.map((c) => c.action.awsApiCallAction?.api), ['DeleteTrail']);
});

test('silent for failed calls, StartLogging, unrelated buckets and a trail bucket learned from a failed CreateTrail', () => {
  const out = run([
    trailCall('StopLogging', { name: TRAIL_ARN }, { errorCode: 'InvalidTrailNameException', errorMessage: 'Unknown trail' }),
    trailCall('StopLogging', { name: TRAIL_ARN }, { errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform: cloudtrail:StopLogging' }),
    trailCall('DeleteTrail', { name: 'management-events' }, { errorCode: 'TrailNotFoundException' }),
    trailCall('StartLogging', { name: TRAIL_ARN }),
    createTrail('management-events', BUCKET),
    deleteBucket(BUCKET, { errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty' }),
    deleteBucket('acme-build-artifacts'),
    trailCall('CreateTrail', { name: 'second-trail', s3BucketName: 'not-yet-allowed-bucket' }, { errorCode: 'InsufficientS3BucketPolicyException' }),
    deleteBucket('not-yet-allowed-bucket'),
  ]);
  assert.deepEqual(out, []);
});
