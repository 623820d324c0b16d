import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { bedrockLoggingDisabled } from './bedrock-logging-disabled.js';

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [bedrockLoggingDisabled] }).candidates;
}

const ROLE = {
  type: 'AssumedRole', principalId: 'AROAEXAMPLEROLE00002:mallory', arn: 'arn:aws:sts::111122223333:assumed-role/ml-platform-admin/mallory',
  accountId: '111122223333', accessKeyId: 'ASIAEXAMPLESESSION02',
  sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE00002', arn: 'arn:aws:iam::111122223333:role/ml-platform-admin', accountId: '111122223333', userName: 'ml-platform-admin' }, attributes: { creationDate: '2026-03-02T09:58:12Z', mfaAuthenticated: 'false' } },
};

const bedrock = (eventName: string, over: Record<string, unknown> = {}) => ctRecord({
  userIdentity: ROLE, eventSource: 'bedrock.amazonaws.com', eventName, awsRegion: 'us-west-2', readOnly: false,
  requestParameters: null, responseElements: null, sourceIPAddress: '45.86.201.17',
  userAgent: 'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51',
  tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'bedrock.us-west-2.amazonaws.com' },
  ...over,
});

test('DeleteModelInvocationLoggingConfiguration raises BedrockLoggingDisabled (Medium) on the caller', () => {
  const [c, ...rest] = run([bedrock('DeleteModelInvocationLoggingConfiguration')]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'DefenseEvasion:IAMUser/BedrockLoggingDisabled');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.region, 'us-west-2');
  assert.equal(c.resource.resourceType, 'AccessKey');
  assert.deepEqual(c.resource.accessKeyDetails, { accessKeyId: 'ASIAEXAMPLESESSION02', principalId: 'AROAEXAMPLEROLE00002:mallory', userName: 'ml-platform-admin', userType: 'AssumedRole' });
  assert.equal(c.action.awsApiCallAction?.api, 'DeleteModelInvocationLoggingConfiguration');
  assert.equal(c.action.awsApiCallAction?.serviceName, 'bedrock.amazonaws.com');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '45.86.201.17');
  assert.match(c.description, /us-west-2/);
});

test('silent when logging is configured or read, and when the delete is denied', () => {
  const out = run([
    bedrock('PutModelInvocationLoggingConfiguration', {
      requestParameters: { loggingConfig: { s3Config: { bucketName: 'acme-bedrock-invocations', keyPrefix: 'prod/' }, textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true } },
    }),
    bedrock('GetModelInvocationLoggingConfiguration', { readOnly: true }),
    bedrock('DeleteModelInvocationLoggingConfiguration', { errorCode: 'AccessDeniedException', errorMessage: 'User is not authorized to perform: bedrock:DeleteModelInvocationLoggingConfiguration' }),
  ]);
  assert.deepEqual(out, []);
});
