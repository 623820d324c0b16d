/**
 * The CloudTrail API mix: which calls principals make, how often (read-heavy, as real
 * management-event trails are), and realistic requestParameters / responseElements /
 * additionalEventData for each. Nothing here should trip a detector: benign bucket policies are
 * restricted, Block Public Access stays on.
 */
import type { Prng, Weighted } from '../prng.js';
import { weights } from '../prng.js';
import type { Principal } from './cloudtrail-principals.js';

export interface ApiCtx { rng: Prng; account: string; region: string; p: Principal; time: string }

export interface Api {
  source: string;
  name: string;
  readOnly: boolean;
  /** IAM and similar: logged with awsRegion us-east-1. */
  global?: boolean;
  eventType?: string;
  req?: (c: ApiCtx) => unknown;
  resp?: (c: ApiCtx) => unknown;
  /** Extra top-level fields (additionalEventData, resources, …). */
  more?: (c: ApiCtx) => Record<string, unknown>;
}

const BUCKETS = ['app-assets', 'data-lake', 'tf-state', 'access-logs', 'backups', 'ml-datasets', 'static-site'];
const bucket = (c: ApiCtx) => `${c.rng.pick(BUCKETS)}-${c.account}`;
const instanceId = (c: ApiCtx) => `i-0${c.rng.hex(16)}`;
const s3Extra = (c: ApiCtx) => ({
  additionalEventData: {
    SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': `${c.rng.alnum(40)}=`, bytesTransferredOut: c.rng.range(200, 4000),
  },
});
const kmsKey = (c: ApiCtx) => `arn:aws:kms:${c.region}:${c.account}:key/${c.rng.uuid()}`;
const kmsResources = (c: ApiCtx) => ({ resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKey(c) }] });
const tokenPool: string[] = [];
function sessionToken(rng: Prng): string {
  if (tokenPool.length < 64) tokenPool.push('IQoJb3JpZ2luX2VjE' + rng.alnum(180));
  return tokenPool[rng.int(tokenPool.length)];
}

const api = (source: string, name: string, readOnly: boolean, rest: Partial<Api> = {}): Api => ({ source: `${source}.amazonaws.com`, name, readOnly, ...rest });

const assumeRole = api('sts', 'AssumeRole', true, {
  req: (c) => ({ roleArn: `arn:aws:iam::${c.account}:role/${c.rng.pick(['app-runtime', 'deploy', 'read-only-audit', 'etl'])}`, roleSessionName: `session-${c.rng.hex(8)}`, durationSeconds: 3600 }),
  resp: (c) => ({
    credentials: { accessKeyId: `ASIA${c.rng.alnum(16)}`, sessionToken: sessionToken(c.rng), expiration: 'Mar 2, 2026, 11:15:00 AM' },
    assumedRoleUser: { assumedRoleId: `AROA${c.rng.alnum(17)}:session`, arn: `arn:aws:sts::${c.account}:assumed-role/app-runtime/session` },
  }),
  more: (c) => ({ resources: [{ accountId: c.account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${c.account}:role/app-runtime` }] }),
});
const decrypt = api('kms', 'Decrypt', true, {
  req: (c) => ({ encryptionContext: { 'aws:lambda:FunctionArn': `arn:aws:lambda:${c.region}:${c.account}:function:orders-${c.rng.int(40)}` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  more: kmsResources,
});
const generateDataKey = api('kms', 'GenerateDataKey', true, {
  req: (c) => ({ keyId: kmsKey(c), encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket(c)}/exports/part-${c.rng.hex(6)}.parquet` }, keySpec: 'AES_256' }),
  more: kmsResources,
});

/** Calls made by role sessions and IAM users. */
export const USER_APIS: Weighted<Api> = weights<Api>([
  [assumeRole, 6],
  [decrypt, 6],
  [generateDataKey, 2],
  [api('sts', 'GetCallerIdentity', true), 4],
  [api('ec2', 'DescribeInstances', true, {
    req: (c) => ({ instancesSet: {}, filterSet: { items: [{ name: 'tag:Name', valueSet: { items: [{ value: `web-${c.rng.int(30)}` }] } }] } }),
  }), 8],
  [api('ec2', 'DescribeSecurityGroups', true, { req: (c) => ({ securityGroupSet: {}, securityGroupIdSet: { items: [{ groupId: `sg-0${c.rng.hex(16)}` }] }, filterSet: {} }) }), 3],
  [api('ec2', 'DescribeVolumes', true, { req: () => ({ volumeSet: {}, filterSet: {}, maxResults: 500 }) }), 2],
  [api('s3', 'ListBuckets', true, { req: () => ({ Host: 's3.amazonaws.com' }), more: s3Extra }), 3],
  [api('s3', 'GetBucketAcl', true, { req: (c) => ({ bucketName: bucket(c), Host: `${bucket(c)}.s3.amazonaws.com`, acl: '' }), more: s3Extra }), 3],
  [api('s3', 'GetBucketLocation', true, { req: (c) => ({ bucketName: bucket(c), Host: `${bucket(c)}.s3.amazonaws.com`, location: '' }), more: s3Extra }), 3],
  [api('s3', 'GetBucketPolicy', true, { req: (c) => ({ bucketName: bucket(c), Host: `${bucket(c)}.s3.amazonaws.com`, policy: '' }), more: s3Extra }), 2],
  [api('iam', 'GetRole', true, { global: true, req: (c) => ({ roleName: c.rng.pick(['app-runtime', 'deploy', 'read-only-audit', 'etl']) }) }), 3],
  [api('iam', 'ListRoles', true, { global: true, req: () => ({ maxItems: 1000 }) }), 2],
  [api('iam', 'ListAttachedRolePolicies', true, { global: true, req: (c) => ({ roleName: `role-${c.rng.int(50)}` }) }), 2],
  [api('iam', 'ListUsers', true, { global: true }), 1],
  [api('logs', 'CreateLogStream', false, { req: (c) => ({ logGroupName: `/aws/lambda/orders-${c.rng.int(40)}`, logStreamName: `2026/03/02/[$LATEST]${c.rng.hex(32)}` }) }), 4],
  [api('logs', 'DescribeLogGroups', true, { req: (c) => ({ logGroupNamePrefix: `/aws/${c.rng.pick(['lambda', 'ecs', 'eks'])}/` }) }), 2],
  [api('ssm', 'UpdateInstanceInformation', false, {
    req: (c) => ({
      instanceId: instanceId(c), agentVersion: '3.3.40.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux',
      platformVersion: '2023', iPAddress: `10.${c.rng.int(50)}.${c.rng.int(64)}.${c.rng.range(4, 254)}`, computerName: `ip-10-0-${c.rng.int(64)}-${c.rng.int(254)}.ec2.internal`,
      agentName: 'amazon-ssm-agent', availabilityZone: `${c.region}a`, availabilityZoneId: 'use1-az4',
    }),
  }), 4],
  [api('ssm', 'GetParameter', true, { req: (c) => ({ name: `/prod/orders/${c.rng.pick(['db-host', 'feature-flags', 'api-url'])}`, withDecryption: true }) }), 3],
  [api('secretsmanager', 'GetSecretValue', true, { req: (c) => ({ secretId: `arn:aws:secretsmanager:${c.region}:${c.account}:secret:prod/db-${c.rng.hex(6)}` }) }), 2],
  [api('ecr', 'GetAuthorizationToken', true, { req: () => ({ registryIds: [] }) }), 2],
  [api('dynamodb', 'DescribeTable', true, { req: (c) => ({ tableName: `orders-${c.rng.pick(['prod', 'staging'])}-${c.rng.int(10)}` }) }), 2],
  [api('monitoring', 'GetMetricData', true, { req: (c) => ({ startTime: c.time, endTime: c.time, metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization' }, period: 300, stat: 'Average' } }] }) }), 2],
  [api('monitoring', 'DescribeAlarms', true, { req: () => ({ maxRecords: 100 }) }), 1],
  [api('elasticloadbalancing', 'DescribeTargetHealth', true, { req: (c) => ({ targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/web-${c.rng.int(8)}/${c.rng.hex(16)}` }) }), 2],
  [api('autoscaling', 'DescribeAutoScalingGroups', true, { req: () => ({ maxRecords: 100 }) }), 1],
  [api('lambda', 'ListFunctions20150331', true, { req: () => ({ functionVersion: 'ALL' }) }), 1],
  [api('cloudtrail', 'DescribeTrails', true, { req: () => ({ includeShadowTrails: true }) }), 0.4],
  [api('cloudtrail', 'LookupEvents', true, { req: () => ({ maxResults: 50 }) }), 0.3],
  [api('ec2', 'CreateTags', false, {
    req: (c) => ({ resourcesSet: { items: [{ resourceId: instanceId(c) }] }, tagSet: { items: [{ key: 'team', value: c.rng.pick(['payments', 'search', 'platform']) }] } }),
    resp: (c) => ({ requestId: c.rng.uuid(), _return: true }),
  }), 1],
  [api('ec2', 'RunInstances', false, {
    req: (c) => ({ instancesSet: { items: [{ imageId: `ami-0${c.rng.hex(16)}`, minCount: 1, maxCount: 1 }] }, instanceType: 'm6i.large', blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false, disableApiStop: false, clientToken: c.rng.uuid() }),
    resp: (c) => ({
      requestId: c.rng.uuid(), reservationId: `r-0${c.rng.hex(16)}`, ownerId: c.account, groupSet: {},
      instancesSet: { items: [{ instanceId: instanceId(c), imageId: `ami-0${c.rng.hex(16)}`, instanceState: { code: 0, name: 'pending' }, privateDnsName: 'ip-10-0-1-17.ec2.internal', amiLaunchIndex: 0, productCodes: {}, instanceType: 'm6i.large', launchTime: 1772446500000, placement: { availabilityZone: `${c.region}a`, tenancy: 'default' }, monitoring: { state: 'disabled' }, subnetId: `subnet-0${c.rng.hex(16)}`, vpcId: `vpc-0${c.rng.hex(16)}`, privateIpAddress: '10.0.1.17', stateReason: { code: 'pending', message: 'pending' }, architecture: 'x86_64', rootDeviceType: 'ebs', rootDeviceName: '/dev/xvda', blockDeviceMapping: {}, virtualizationType: 'hvm', hypervisor: 'xen', groupSet: { items: [{ groupId: `sg-0${c.rng.hex(16)}`, groupName: 'default' }] }, sourceDestCheck: true, networkInterfaceSet: {}, ebsOptimized: false, enaSupport: true, cpuOptions: { coreCount: 1, threadsPerCore: 2 } }] },
    }),
  }), 0.3],
  [api('ec2', 'AuthorizeSecurityGroupIngress', false, {
    req: (c) => ({ groupId: `sg-0${c.rng.hex(16)}`, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, groups: {}, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] }, ipv6Ranges: {}, prefixListIds: {} }] } }),
    resp: (c) => ({ requestId: c.rng.uuid(), _return: true }),
  }), 0.2],
  [api('s3', 'PutBucketPolicy', false, {
    // benign: only reachable through the organisation's VPC endpoint
    req: (c) => ({
      bucketName: bucket(c), Host: 's3.amazonaws.com', policy: '',
      bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'VpceOnly', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket(c)}/*`, Condition: { StringEquals: { 'aws:SourceVpce': `vpce-0${c.rng.hex(16)}` } } }] },
    }),
    more: s3Extra,
  }), 0.05],
  [api('s3', 'PutBucketPublicAccessBlock', false, {
    req: (c) => ({ publicAccessBlock: '', bucketName: bucket(c), Host: 's3.amazonaws.com', PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', RestrictPublicBuckets: true, BlockPublicPolicy: true, BlockPublicAcls: true, IgnorePublicAcls: true } }),
    more: s3Extra,
  }), 0.05],
  [api('signin', 'ConsoleLogin', false, {
    eventType: 'AwsConsoleSignIn',
    resp: () => ({ ConsoleLogin: 'Success' }),
    more: () => ({ additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' } }),
  }), 0.3],
]);

/** Calls AWS services make for their principals (identity type AWSService). */
export const SERVICE_APIS: Weighted<Api> = weights<Api>([[assumeRole, 5], [decrypt, 4], [generateDataKey, 2]]);

/** What the root user does: sign in and look around. */
export const ROOT_APIS: Weighted<Api> = weights<Api>([
  [api('signin', 'ConsoleLogin', false, { eventType: 'AwsConsoleSignIn', resp: () => ({ ConsoleLogin: 'Success' }), more: () => ({ additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' } }) }), 1],
  [api('s3', 'ListBuckets', true, { req: () => ({ Host: 's3.amazonaws.com' }), more: s3Extra }), 3],
  [api('iam', 'GetAccountSummary', true, { global: true }), 2],
  [api('ec2', 'DescribeInstances', true, { req: () => ({ instancesSet: {}, filterSet: {} }) }), 2],
]);

/** Error codes on ~3% of calls, with the messages AWS writes. */
export const ERRORS = weights<[string, string]>([
  [['AccessDenied', 'User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action'], 60],
  [['Client.UnauthorizedOperation', 'You are not authorized to perform this operation.'], 10],
  [['ThrottlingException', 'Rate exceeded'], 15],
  [['ResourceNotFoundException', 'Requested resource not found'], 10],
  [['NoSuchBucketPolicy', 'The bucket policy does not exist'], 5],
]);
