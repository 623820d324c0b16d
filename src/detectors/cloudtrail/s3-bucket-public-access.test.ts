import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { s3BucketPublicAccess } from './s3-bucket-public-access.js';

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [s3BucketPublicAccess] }).candidates;
}

const BUCKET = 'acme-marketing-site';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const OWNER_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

const s3Call = (eventName: string, requestParameters: object | null, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 's3.amazonaws.com', eventName, requestParameters, readOnly: false, sourceIPAddress: '81.2.69.160',
  userAgent: '[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython command/s3api.put-bucket-policy]',
  additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader' },
  ...over,
});

// requestParameters laid out as CloudTrail logs them (see the panther-analysis AWS.CloudTrail.ResourceMadePublic tests)
const putPolicy = (statements: object[], over: Record<string, unknown> = {}) => s3Call('PutBucketPolicy', {
  bucketName: BUCKET, bucketPolicy: { Version: '2012-10-17', Statement: statements }, host: [`${BUCKET}.s3.us-east-1.amazonaws.com`], policy: [''],
}, over);

const grant = (grantee: object, permission: string) => ({ Grantee: { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', ...grantee }, Permission: permission });
const ownerGrant = grant({ 'xsi:type': 'CanonicalUser', ID: OWNER_ID }, 'FULL_CONTROL');
const putAclBody = (grants: object[], over: Record<string, unknown> = {}) => s3Call('PutBucketAcl', {
  bucketName: BUCKET, Host: `${BUCKET}.s3.us-east-1.amazonaws.com`, acl: '',
  AccessControlPolicy: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', Owner: { ID: OWNER_ID }, AccessControlList: { Grant: grants } },
}, over);
const putAclHeader = (headers: Record<string, string[]>, over: Record<string, unknown> = {}) => s3Call('PutBucketAcl', {
  host: [`${BUCKET}.s3.us-east-1.amazonaws.com`], bucketName: BUCKET, acl: [''], ...headers,
}, over);

const PUBLIC_READ = { Sid: 'PublicReadGetObject', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };

test('a bucket policy allowing Principal "*" raises BucketAnonymousAccessGranted (High) on the bucket', () => {
  const [c, ...rest] = run([putPolicy([PUBLIC_READ])]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Policy:S3/BucketAnonymousAccessGranted');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'S3Bucket');
  assert.deepEqual(c.resource.s3BucketDetails, [{ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, type: 'Destination', publicAccess: { effectivePermission: 'PUBLIC' } }]);
  assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'AKIAEXAMPLEKEY000001');
  assert.equal(c.action.awsApiCallAction?.api, 'PutBucketPolicy');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '81.2.69.160');
  assert.deepEqual(c.action.awsApiCallAction?.affectedResources, { 'AWS::S3::Bucket': BUCKET });
  assert.deepEqual(c.additionalInfo, { exposure: 'anonymous', via: 'bucket policy' });
});

test('Principal {"AWS": "*"}, and "*" under a condition that restricts nobody (TLS only), are anonymous too', () => {
  const out = run([
    putPolicy([{ Sid: 'Public Access', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` }]),
    putPolicy([{ ...PUBLIC_READ, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]),
    putPolicy([{ ...PUBLIC_READ, Principal: { AWS: ['arn:aws:iam::444455556666:root', '*'] } }]),
  ]);
  assert.deepEqual(out.map((c) => c.type), Array(3).fill('Policy:S3/BucketAnonymousAccessGranted'));
});

test('an ACL granting AllUsers, or a public canned ACL, is anonymous access via the ACL', () => {
  const out = run([
    putAclBody([ownerGrant, grant({ 'xsi:type': 'Group', URI: ALL_USERS }, 'READ')]),
    putAclHeader({ 'x-amz-acl': ['public-read'] }),
    putAclHeader({ 'x-amz-grant-read': [`uri="${ALL_USERS}"`] }),
    s3Call('CreateBucket', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, 'x-amz-acl': ['public-read-write'] }),
  ]);
  assert.deepEqual(out.map((c) => [c.type, c.action.awsApiCallAction?.api, c.additionalInfo?.via]), [
    ['Policy:S3/BucketAnonymousAccessGranted', 'PutBucketAcl', 'access control list'],
    ['Policy:S3/BucketAnonymousAccessGranted', 'PutBucketAcl', 'access control list'],
    ['Policy:S3/BucketAnonymousAccessGranted', 'PutBucketAcl', 'access control list'],
    ['Policy:S3/BucketAnonymousAccessGranted', 'CreateBucket', 'access control list'],
  ]);
  assert.ok(out.every((c) => c.resource.s3BucketDetails?.[0]?.name === BUCKET && c.severity === 8));
});

test('a grant to AuthenticatedUsers raises BucketPublicAccessGranted (High)', () => {
  const out = run([
    putAclBody([ownerGrant, grant({ 'xsi:type': 'Group', URI: AUTH_USERS }, 'READ')]),
    putAclHeader({ 'x-amz-acl': ['authenticated-read'] }),
  ]);
  assert.equal(out.length, 2);
  for (const c of out) {
    assert.equal(c.type, 'Policy:S3/BucketPublicAccessGranted');
    assert.equal(c.severity, 8);
    assert.equal(c.resource.s3BucketDetails?.[0]?.name, BUCKET);
    assert.deepEqual(c.additionalInfo, { exposure: 'authenticated', via: 'access control list' });
  }
});

test('AllUsers wins over AuthenticatedUsers in the same ACL', () => {
  const [c] = run([putAclBody([ownerGrant, grant({ 'xsi:type': 'Group', URI: AUTH_USERS }, 'READ'), grant({ 'xsi:type': 'Group', URI: ALL_USERS }, 'READ_ACP')])]);
  assert.equal(c.type, 'Policy:S3/BucketAnonymousAccessGranted');
});

test('silent for service principals, restrictive conditions, Deny statements, named accounts and private ACLs', () => {
  const out = run([
    // the policy CloudTrail needs on its log bucket
    putPolicy([
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events' } } },
      { Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/111122223333/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    ]),
    putPolicy([{ ...PUBLIC_READ, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } } }]),
    putPolicy([{ ...PUBLIC_READ, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }]),
    putPolicy([{ ...PUBLIC_READ, Condition: { IpAddress: { 'aws:SourceIp': ['81.2.69.0/24'] } } }]),
    putPolicy([{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]),
    putPolicy([{ ...PUBLIC_READ, Principal: { AWS: 'arn:aws:iam::444455556666:root' } }]),
    putAclHeader({ 'x-amz-acl': ['private'] }),
    putAclHeader({ 'x-amz-acl': ['bucket-owner-full-control'] }),
    // the log-delivery group an access-log target bucket grants
    putAclBody([ownerGrant, grant({ 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, 'WRITE')]),
    s3Call('CreateBucket', { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
  ]);
  assert.deepEqual(out, []);
});

test('silent for failed calls and records without a usable policy', () => {
  const out = run([
    putPolicy([PUBLIC_READ], { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }),
    putAclHeader({ 'x-amz-acl': ['public-read'] }, { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }),
    s3Call('PutBucketPolicy', null),
    s3Call('PutBucketPolicy', { bucketName: BUCKET, bucketPolicy: 'invalid-json-policy' }),
  ]);
  assert.deepEqual(out, []);
});

test('Allow with NotPrincipal, and a source-IP condition admitting 0.0.0.0/0, are anonymous', () => {
  const out = run([
    putPolicy([{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/admin' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }]),
    putPolicy([{ ...PUBLIC_READ, Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } } }]),
  ]);
  assert.deepEqual(out.map((c) => c.type), ['Policy:S3/BucketAnonymousAccessGranted', 'Policy:S3/BucketAnonymousAccessGranted']);
});
