/**
 * Writes the bundled sample logs in samples/ (committed): a morning in a small AWS account,
 * in AWS's S3 key layout, with a few attacks among ordinary activity. Deterministic: same
 * output every run. `npm run gen:samples` regenerates them; `vigil scan samples/` reads them.
 *
 * Attacks planted (and what Vigil should find):
 *  - root sign-in and root API calls                      Policy:IAMUser/RootCredentialUsage
 *  - a key used from Kali Linux                           PenTest:IAMUser/KaliLinux
 *  - the org trail stopped                                Stealth:IAMUser/CloudTrailLoggingDisabled
 *  - password policy weakened                             Stealth:IAMUser/PasswordPolicyChange
 *  - bucket made public (policy), its BPA removed,
 *    its access logging turned off                        Policy:S3/BucketAnonymousAccessGranted,
 *                                                         Policy:S3/BucketBlockPublicAccessDisabled,
 *                                                         Stealth:S3/ServerAccessLoggingDisabled
 *  - Bedrock invocation logging deleted                   DefenseEvasion:IAMUser/BedrockLoggingDisabled
 *  - all of the above by the leaked Kali key, in an hour   AttackSequence:IAM/CompromisedCredentials (Critical)
 *  - SSH brute force against the bastion                  UnauthorizedAccess:EC2/SSHBruteForce (Low, target)
 *  - a compromised worker scans a host and sweeps :6379   Recon:EC2/Portscan, Impact:EC2/PortSweep
 *  - the worker resolves a name pointing at IMDS          UnauthorizedAccess:EC2/MetadataDNSRebind
 */
import { gzipSync } from 'node:zlib';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const VPC = 'vpc-0c4f1e2a9b7d35816';
const root = join(import.meta.dirname ?? '.', '..', 'samples');
const day = '2026/03/02';
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

// a tiny deterministic PRNG so the samples never change between runs
let seed = 20260302;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function write(rel: string, data: string, gzip = true): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, gzip ? gzipSync(data, { level: 9 }) : data);
}

// ---- CloudTrail -------------------------------------------------------------------------
const UA_CLI = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off';
const UA_KALI = 'aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023 prompt/off command/s3.ls';
const UA_CONSOLE = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15';

const users = {
  alice: { type: 'IAMUser', principalId: 'AIDA4EXAMPLEALICE01', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: 'AKIA4EXAMPLEALICE01', userName: 'alice' },
  ci: { type: 'AssumedRole', principalId: 'AROA4EXAMPLECIDEPLO:gh-actions-4821', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deploy/gh-actions-4821`, accountId: ACCOUNT, accessKeyId: 'ASIA4EXAMPLECI00001',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROA4EXAMPLECIDEPLO', arn: `arn:aws:iam::${ACCOUNT}:role/ci-deploy`, accountId: ACCOUNT, userName: 'ci-deploy' }, attributes: { creationDate: iso(T0), mfaAuthenticated: 'false' } } },
  leaked: { type: 'IAMUser', principalId: 'AIDA4EXAMPLEBACKUP1', arn: `arn:aws:iam::${ACCOUNT}:user/backup-svc`, accountId: ACCOUNT, accessKeyId: 'AKIA4EXAMPLEBACKUP1', userName: 'backup-svc' },
  root: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIA4EXAMPLEROOTCON' },
};

function ct(t: number, who: object, source: string, name: string, extra: Record<string, unknown> = {}): object {
  return {
    eventVersion: '1.09', userIdentity: who, eventTime: iso(t), eventSource: source, eventName: name, awsRegion: REGION,
    sourceIPAddress: '198.51.100.23', userAgent: UA_CLI, requestParameters: null, responseElements: null,
    requestID: uuid(), eventID: uuid(), readOnly: /^(Get|List|Describe|Head)/.test(name), eventType: 'AwsApiCall',
    managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management', ...extra,
  };
}

const ctRecords: object[][] = [[], [], []];
const routine: [string, string][] = [['ec2.amazonaws.com', 'DescribeInstances'], ['s3.amazonaws.com', 'ListBuckets'], ['iam.amazonaws.com', 'ListRoles'],
  ['sts.amazonaws.com', 'GetCallerIdentity'], ['cloudwatch.amazonaws.com', 'GetMetricData'], ['ecr.amazonaws.com', 'GetAuthorizationToken']];
for (let i = 0; i < 240; i++) {
  const t = T0 + i * 45_000;
  const [src, name] = pick(routine);
  ctRecords[Math.min(2, Math.floor(i / 80))].push(ct(t, pick([users.alice, users.ci, users.ci]), src, name,
    { sourceIPAddress: pick(['198.51.100.23', '10.0.3.17', '203.0.113.80']) }));
}
const atk = T0 + 2 * 3_600_000;
const attacks = [
  ct(atk, users.root, 'signin.amazonaws.com', 'ConsoleLogin', { sourceIPAddress: '192.0.2.200', userAgent: UA_CONSOLE, eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } }),
  ct(atk + 60_000, users.root, 'iam.amazonaws.com', 'CreateAccessKey', { sourceIPAddress: '192.0.2.200', userAgent: UA_CONSOLE, requestParameters: { userName: 'backup-svc' } }),
  ct(atk + 5 * 60_000, users.leaked, 's3.amazonaws.com', 'ListBuckets', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI }),
  ct(atk + 6 * 60_000, users.leaked, 'cloudtrail.amazonaws.com', 'StopLogging', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI, requestParameters: { name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` } }),
  ct(atk + 7 * 60_000, users.leaked, 'iam.amazonaws.com', 'UpdateAccountPasswordPolicy', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI,
    requestParameters: { minimumPasswordLength: 6, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false, requireLowercaseCharacters: true, allowUsersToChangePassword: true, maxPasswordAge: 0, passwordReusePrevention: 0 } }),
  ct(atk + 8 * 60_000, users.leaked, 's3.amazonaws.com', 'DeleteBucketPublicAccessBlock', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI, requestParameters: { bucketName: 'acme-customer-exports', Host: 'acme-customer-exports.s3.amazonaws.com', publicAccessBlock: '' } }),
  ct(atk + 9 * 60_000, users.leaked, 's3.amazonaws.com', 'PutBucketPolicy', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI, requestParameters: { bucketName: 'acme-customer-exports', Host: 'acme-customer-exports.s3.amazonaws.com', policy: [''],
    bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-customer-exports/*' }] } } }),
  ct(atk + 10 * 60_000, users.leaked, 's3.amazonaws.com', 'PutBucketLogging', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI, requestParameters: { bucketName: 'acme-customer-exports', logging: '', BucketLoggingStatus: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }, Host: 'acme-customer-exports.s3.amazonaws.com' } }),
  ct(atk + 11 * 60_000, users.leaked, 'bedrock.amazonaws.com', 'DeleteModelInvocationLoggingConfiguration', { sourceIPAddress: '192.0.2.200', userAgent: UA_KALI }),
  // benign look-alikes: a denied StopLogging, a policy limited to a VPC endpoint
  ct(atk + 12 * 60_000, users.alice, 'cloudtrail.amazonaws.com', 'StopLogging', { errorCode: 'AccessDenied', errorMessage: 'not authorized', requestParameters: { name: 'org-trail' } }),
  ct(atk + 13 * 60_000, users.ci, 's3.amazonaws.com', 'PutBucketPolicy', { requestParameters: { bucketName: 'acme-artifacts',
    bucketPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-artifacts/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } }] } } }),
];
ctRecords[2].push(...attacks);
ctRecords.forEach((records, i) => {
  const stamp = iso(T0 + i * 3_600_000).replace(/[-:]/g, '').slice(0, 13) + 'Z';
  write(`AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/${day}/${ACCOUNT}_CloudTrail_${REGION}_${stamp}_${hex(16)}.json.gz`, JSON.stringify({ Records: records }));
});
write(`AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/${day}/${ACCOUNT}_CloudTrail-Digest_${REGION}_org-trail_${REGION}_20260302T120000Z.json.gz`,
  JSON.stringify({ awsAccountId: ACCOUNT, digestStartTime: iso(T0 + 3 * 3_600_000), digestEndTime: iso(T0 + 4 * 3_600_000), digestS3Bucket: 'acme-trail', logFiles: [] }));

// ---- VPC flow logs ---------------------------------------------------------------------
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const BASTION = { eni: 'eni-0b1a5710e2d3c4f50', ip: '10.0.1.10' };
const WORKER = { eni: 'eni-0d3e9f8a7b6c5d412', ip: '10.0.2.44' };
const flowLines: string[] = [HEADER];
const sec = (ms: number) => Math.floor(ms / 1000);
const fl = (eni: string, src: string, dst: string, sp: number, dp: number, proto: number, pk: number, by: number, t: number, action = 'ACCEPT') =>
  `2 ${ACCOUNT} ${eni} ${src} ${dst} ${sp} ${dp} ${proto} ${pk} ${by} ${sec(t)} ${sec(t) + 60} ${action} OK`;
// routine: HTTPS out, DNS, admins on the bastion
for (let i = 0; i < 300; i++) {
  const t = T0 + i * 20_000;
  const sp = 32768 + Math.floor(rand() * 28000);
  const web = pick(['52.94.236.248', '140.82.112.3', '151.101.1.69', '13.107.42.14']);
  flowLines.push(fl(WORKER.eni, WORKER.ip, web, sp, 443, 6, 40 + Math.floor(rand() * 200), 20_000 + Math.floor(rand() * 900_000), t));
  flowLines.push(fl(WORKER.eni, web, WORKER.ip, 443, sp, 6, 60 + Math.floor(rand() * 300), 90_000 + Math.floor(rand() * 4_000_000), t));
  if (i % 10 === 0) {
    flowLines.push(fl(BASTION.eni, '203.0.113.80', BASTION.ip, 50000 + i, 22, 6, 400, 60_000, t));
    flowLines.push(fl(BASTION.eni, BASTION.ip, '203.0.113.80', 22, 50000 + i, 6, 380, 240_000, t));
  }
}
flowLines.push(`2 ${ACCOUNT} ${WORKER.eni} - - - - - - - ${sec(T0)} ${sec(T0) + 60} - NODATA`);
// SSH brute force against the bastion: 60 short connections in 10 minutes
for (let i = 0; i < 60; i++) {
  const t = atk + i * 10_000;
  flowLines.push(fl(BASTION.eni, '185.220.101.47', BASTION.ip, 41000 + i * 3, 22, 6, 11, 1850, t));
  flowLines.push(fl(BASTION.eni, BASTION.ip, '185.220.101.47', 22, 41000 + i * 3, 6, 10, 2410, t));
}
// the worker scans an internal host and sweeps :6379 on the internet
for (let p = 1; p <= 120; p++) flowLines.push(fl(WORKER.eni, WORKER.ip, '10.0.3.17', 45001, p * 7, 6, 1, 44, atk + 30 * 60_000 + p * 500, 'REJECT'));
for (let h = 1; h <= 64; h++) flowLines.push(fl(WORKER.eni, WORKER.ip, `45.33.${h}.${(h * 37) % 250 + 1}`, 45002 + h, 6379, 6, 2, 120, atk + 40 * 60_000 + h * 1000));
write(`AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/${day}/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0a1b2c3d4e5f67890_20260302T0900Z_${hex(8)}.log.gz`, flowLines.join('\n') + '\n');

// ---- Route 53 Resolver query logs --------------------------------------------------------
const dnsLines: string[] = [];
const q = (t: number, name: string, rdata: string, src = WORKER.ip, instance = 'i-0d3e9f8a7b6c5d412', type = 'A') => JSON.stringify({
  version: '1.100000', account_id: ACCOUNT, region: REGION, vpc_id: VPC, query_timestamp: iso(t), query_name: `${name}.`,
  query_type: type, query_class: 'IN', rcode: 'NOERROR', answers: [{ Rdata: rdata, Type: type, Class: 'IN' }], srcaddr: src,
  srcport: String(30000 + Math.floor(rand() * 30000)), transport: 'UDP', srcids: { instance },
});
for (let i = 0; i < 200; i++) {
  const t = T0 + i * 30_000;
  dnsLines.push(q(t, pick(['sts.us-east-1.amazonaws.com', 's3.amazonaws.com', 'api.github.com', 'registry.npmjs.org', 'deb.debian.org']), pick(['52.94.236.248', '140.82.112.3', '151.101.1.69'])));
}
dnsLines.push(q(T0 + 600_000, 'instance-data.ec2.internal', '169.254.169.254')); // benign: AWS's own name for IMDS
dnsLines.push(q(atk + 35 * 60_000, 'img.cdn-sync.example.net', '169.254.169.254'));
write(`AWSLogs/${ACCOUNT}/vpcdnsquerylogs/${VPC}/${day}/${ACCOUNT}_vpcdnsquerylogs_${VPC}_20260302T0900Z_${hex(8)}.log.gz`, dnsLines.join('\n') + '\n');

// ---- one broken object, to show how bad input is reported -----------------------------------
write('incoming/partial-upload.json', JSON.stringify({ Records: ctRecords[0].slice(0, 3) }).slice(0, -400), false);

rmSync(join(root, '.gitkeep'), { force: true });
console.log(`samples written to ${root}`);
