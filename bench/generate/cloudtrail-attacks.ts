/**
 * Attack events injected into the CloudTrail data, each with the finding GuardDuty (and Vigil)
 * should raise: trail stopped or deleted, bucket made public by policy or ACL, Block Public
 * Access turned off, server access logging turned off, password policy weakened, and API calls
 * from a Kali Linux machine. Each scenario returns its records and registers the expected
 * finding under the detector's aggregation key, so equal keys count once.
 */
import type { Prng } from '../prng.js';
import type { Api } from './cloudtrail-apis.js';
import { iamUser, type Principal } from './cloudtrail-principals.js';
import { buildRecord } from './cloudtrail-record.js';
import type { Expected } from './output.js';

export interface AttackCtx { rng: Prng; actor: Principal; region: string; timeMs: number; expected: Expected; n: number }

type Scenario = (c: AttackCtx) => Record<string, unknown>[];

const write = (source: string, name: string, global = false): Api => ({ source: `${source}.amazonaws.com`, name, readOnly: false, global });
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const key = (c: AttackCtx, region: string, k: string) => `${c.actor.account}|${region}|${k}`;

const stopLogging: Scenario = (c) => {
  const name = `arn:aws:cloudtrail:${c.region}:${c.actor.account}:trail/org-trail-${c.n}`;
  c.expected.add('Stealth:IAMUser/CloudTrailLoggingDisabled', key(c, c.region, `trail:${name}`));
  return [buildRecord(c.rng, write('cloudtrail', 'StopLogging'), c.actor, c.region, c.timeMs, { requestParameters: { name } })];
};

const deleteTrail: Scenario = (c) => {
  const name = `audit-trail-${c.n}`;
  c.expected.add('Stealth:IAMUser/CloudTrailLoggingDisabled', key(c, c.region, `trail:${name}`));
  return [buildRecord(c.rng, write('cloudtrail', 'DeleteTrail'), c.actor, c.region, c.timeMs, { requestParameters: { name } })];
};

const publicPolicy: Scenario = (c) => {
  const bucket = `exfil-drop-${c.n}-${c.actor.account}`;
  c.expected.add('Policy:S3/BucketAnonymousAccessGranted', key(c, c.region, `bucket:${bucket}`));
  return [buildRecord(c.rng, write('s3', 'PutBucketPolicy'), c.actor, c.region, c.timeMs, {
    requestParameters: {
      bucketName: bucket, Host: 's3.amazonaws.com', policy: '',
      bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }] },
    },
  })];
};

const publicAcl: Scenario = (c) => {
  const bucket = `shared-reports-${c.n}-${c.actor.account}`;
  c.expected.add('Policy:S3/BucketAnonymousAccessGranted', key(c, c.region, `bucket:${bucket}`));
  return [buildRecord(c.rng, write('s3', 'PutBucketAcl'), c.actor, c.region, c.timeMs, {
    requestParameters: {
      bucketName: bucket, Host: `${bucket}.s3.amazonaws.com`, acl: '',
      AccessControlPolicy: {
        AccessControlList: { Grant: [{ Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' }, Permission: 'READ' }] },
        xmlns: S3_NS, Owner: { ID: c.rng.hex(64) },
      },
    },
  })];
};

const blockPublicAccessOff: Scenario = (c) => {
  const bucket = `customer-uploads-${c.n}-${c.actor.account}`;
  c.expected.add('Policy:S3/BucketBlockPublicAccessDisabled', key(c, c.region, `bucket:${bucket}`));
  return [buildRecord(c.rng, write('s3', 'PutBucketPublicAccessBlock'), c.actor, c.region, c.timeMs, {
    requestParameters: { publicAccessBlock: '', bucketName: bucket, Host: 's3.amazonaws.com', PublicAccessBlockConfiguration: { xmlns: S3_NS, RestrictPublicBuckets: false, BlockPublicPolicy: false, BlockPublicAcls: false, IgnorePublicAcls: false } },
  })];
};

const accessLoggingOff: Scenario = (c) => {
  const bucket = `payments-archive-${c.n}-${c.actor.account}`;
  c.expected.add('Stealth:S3/ServerAccessLoggingDisabled', key(c, c.region, `bucket:${bucket}`));
  return [buildRecord(c.rng, write('s3', 'PutBucketLogging'), c.actor, c.region, c.timeMs, {
    requestParameters: { bucketName: bucket, Host: 's3.amazonaws.com', logging: '', BucketLoggingStatus: { xmlns: S3_NS } },
  })];
};

const weakPasswordPolicy: Scenario = (c) => {
  c.expected.add('Stealth:IAMUser/PasswordPolicyChange', key(c, 'us-east-1', 'password-policy'));
  return [buildRecord(c.rng, write('iam', 'UpdateAccountPasswordPolicy', true), c.actor, c.region, c.timeMs, {
    requestParameters: { minimumPasswordLength: 6, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false, requireLowercaseCharacters: true, allowUsersToChangePassword: true, maxPasswordAge: 0, passwordReusePrevention: 0 },
  })];
};

const KALI_AGENT = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/distrib#kali.2024 md/prompt#off command/';

const kaliRecon: Scenario = (c) => {
  // leaked long-term keys of a service user, used from a pentest distribution
  const user = iamUser(c.rng, c.actor.account, `svc-export-${c.n}`, c.actor.ips);
  c.expected.add('PenTest:IAMUser/KaliLinux', key(c, c.region, String(user.identity.accessKeyId)));
  return [
    buildRecord(c.rng, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true }, user, c.region, c.timeMs, { userAgent: KALI_AGENT + 'sts.get-caller-identity' }),
    buildRecord(c.rng, { source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true }, user, c.region, c.timeMs + 4000, { userAgent: KALI_AGENT + 's3.ls', requestParameters: { Host: 's3.amazonaws.com' } }),
    buildRecord(c.rng, { source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true }, user, c.region, c.timeMs + 9000, { userAgent: KALI_AGENT + 'ec2.describe-instances', requestParameters: { instancesSet: {}, filterSet: {} } }),
  ];
};

export const SCENARIOS: Scenario[] = [stopLogging, deleteTrail, publicPolicy, publicAcl, blockPublicAccessOff, accessLoggingOff, weakPasswordPolicy, kaliRecon];
