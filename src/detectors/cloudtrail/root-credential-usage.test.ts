import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { rootCredentialUsage } from './root-credential-usage.js';

const ROOT = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'ASIAROOTSESSION00001' };

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [rootCredentialUsage] }).candidates;
}

test('root credentials calling an API raise RootCredentialUsage (Low) on the access key', () => {
  const [c, ...rest] = run([ctRecord({ userIdentity: ROOT, eventSource: 's3.amazonaws.com', eventName: 'PutBucketVersioning', sourceIPAddress: '203.0.113.9' })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Policy:IAMUser/RootCredentialUsage');
  assert.equal(c.severity, 2);
  assert.equal(c.resource.resourceType, 'AccessKey');
  assert.equal(c.resource.accessKeyDetails?.userType, 'Root');
  assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'ASIAROOTSESSION00001');
  assert.equal(c.action.awsApiCallAction?.api, 'PutBucketVersioning');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '203.0.113.9');
});

test('short-term root sessions (AssumeRoot) raise ShortTermRootCredentialUsage instead', () => {
  const id = { ...ROOT, sessionContext: { assumedRoot: 'true', attributes: { creationDate: '2026-03-02T10:00:00Z', mfaAuthenticated: 'false' } } };
  const [c] = run([ctRecord({ userIdentity: id, eventName: 'DeleteUserPolicy' })]);
  assert.equal(c.type, 'Policy:IAMUser/ShortTermRootCredentialUsage');
});

test('silent for IAM users, services acting for root, and failed root console sign-ins', () => {
  const out = run([
    ctRecord(),
    ctRecord({ userIdentity: { ...ROOT, invokedBy: 'support.amazonaws.com' } }),
    ctRecord({ userIdentity: ROOT, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' }),
  ]);
  assert.deepEqual(out, []);
});

test('root acting in its own console session (invokedBy signin.amazonaws.com) counts; failed sign-in steps do not', () => {
  const console = { ...ROOT, invokedBy: 'signin.amazonaws.com' };
  const out = run([
    ctRecord({ userIdentity: console, eventName: 'CreateAccessKey', requestParameters: { userName: 'deploy' } }),
    ctRecord({ userIdentity: ROOT, eventSource: 'signin.amazonaws.com', eventName: 'ExternalIdPDirectoryLogin', responseElements: { ExternalIdPDirectoryLogin: 'Failure' }, errorMessage: 'Failed authentication' }),
    ctRecord({ userIdentity: ROOT, eventSource: 'signin.amazonaws.com', eventName: 'PasswordUpdated', responseElements: { PasswordUpdated: 'Failure' } }),
  ]);
  assert.deepEqual(out.map((c) => c.action.awsApiCallAction?.api), ['CreateAccessKey']);
});
