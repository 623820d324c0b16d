/**
 * A benign background for a Stratus detonation: two weeks of ordinary CloudTrail activity in the
 * detonation's account, before and through the detonation, for the principals the detonation
 * uses (its IAM users, role sessions, instance sessions, federated users) and for an account's
 * usual residents (a Terraform CI role, an admin, a travelling engineer, an instance fleet, a
 * Lambda function). Deterministic for a seed. Nothing here reads or copies the detonation's user
 * agent; principals keep their own clients and networks, and the background includes routine
 * novelty (new APIs from usual places, travel with usual APIs, new CI calls) so that false
 * findings on it mean something.
 *
 * Addresses come from real networks so the ASN/country data applies: people work from French
 * residential ISPs (Orange, Free), automation from AWS EC2 ranges, instances from their VPC.
 */
import { Prng } from '../bench/prng.js';

export const DAY = 86_400_000;
export const BACKGROUND_DAYS = 14;

type Rec = Record<string, unknown>;
type Identity = Record<string, unknown>;

const HOME = ['86.245.153.', '90.12.34.', '82.64.71.', '86.246.10.'];
const TRAVEL = '81.2.69.'; // a hotel in the UK (Andrews & Arnold)
const AUTOMATION_EGRESS = ['44.226.12.', '34.208.77.', '52.12.40.']; // EC2 us-west-2 / us-east-1
const CLI = 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off command/{cmd}';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const GO = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/{api}#1.0.0';
const BOTO = 'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144';
const SSM_AGENT = 'aws-sdk-go/1.50.38 (go1.21.8; linux; amd64) amazon-ssm-agent/3.3.484.0';
const TERRAFORM = 'APN/1.0 HashiCorp/1.0 Terraform/1.9.2 (+https://www.terraform.io) terraform-provider-aws/5.59.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5';
const LAMBDA_RT = 'aws-sdk-js/3.592.0 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 lang/js md/nodejs#20.15.0 api/dynamodb#3.592.0 exec-env/AWS_Lambda_nodejs20.x';

const SOURCES: Record<string, string> = {
  AssumeRole: 'sts', GetCallerIdentity: 'sts', ListBuckets: 's3', GetBucketLocation: 's3', GetObject: 's3', PutObject: 's3', ConsoleLogin: 'signin',
  DescribeLogGroups: 'logs', FilterLogEvents: 'logs', GetMetricData: 'monitoring', DescribeAlarms: 'monitoring', ListFunctions20150331: 'lambda',
  GetFunction20150331v2: 'lambda', UpdateInstanceInformation: 'ssm', ListInstanceAssociations: 'ssm', GetParameters: 'ssm', ListAssociations: 'ssm',
  DescribeStacks: 'cloudformation', ListStacks: 'cloudformation', GetItem: 'dynamodb', PutItem: 'dynamodb', Query: 'dynamodb',
  CreateRole: 'iam', AttachRolePolicy: 'iam', PutRolePolicy: 'iam', GetRole: 'iam', ListRoles: 'iam', GetUser: 'iam', ListUsers: 'iam', ListAttachedRolePolicies: 'iam',
  GetSecretValue: 'secretsmanager', DescribeSecret: 'secretsmanager', PutBucketPolicy: 's3', CreateBucket: 's3', GetBucketPolicy: 's3', DeleteBucket: 's3',
  Decrypt: 'kms', GenerateDataKey: 'kms', DescribeKey: 'kms', SendMessage: 'sqs', ReceiveMessage: 'sqs', DescribeDBInstances: 'rds', CreateDBSnapshot: 'rds',
  GetAuthorizationToken: 'ecr', BatchGetImage: 'ecr', CreateLogStream: 'logs', PutLogEvents: 'logs',
};
const sourceOf = (api: string) => `${SOURCES[api] ?? 'ec2'}.amazonaws.com`;

/** Read-mostly APIs people use day to day; each person has a stable subset. */
const PEOPLE_ROUTINE = ['DescribeInstances', 'ListBuckets', 'GetCallerIdentity', 'DescribeLogGroups', 'FilterLogEvents', 'GetMetricData', 'DescribeSecurityGroups',
  'DescribeVpcs', 'GetBucketLocation', 'ListFunctions20150331', 'DescribeStacks', 'DescribeAlarms', 'GetObject', 'DescribeSubnets', 'DescribeDBInstances', 'GetRole',
  'ListRoles', 'AssumeRole', 'DescribeVolumes', 'DescribeImages'];
/** Terraform plans and applies: a large, growing set of calls, including high-risk ones. */
const CI_APIS = ['DescribeInstances', 'DescribeVpcs', 'DescribeSubnets', 'DescribeSecurityGroups', 'GetRole', 'ListAttachedRolePolicies', 'GetBucketPolicy', 'CreateRole',
  'AttachRolePolicy', 'PutRolePolicy', 'RunInstances', 'CreateTags', 'AuthorizeSecurityGroupIngress', 'CreateSecurityGroup', 'PutBucketPolicy', 'CreateBucket',
  'CreateDBSnapshot', 'ModifyInstanceAttribute', 'DescribeKey', 'GetSecretValue', 'DeleteSecurityGroup', 'TerminateInstances', 'CreateSnapshot', 'DescribeSnapshots'];

export interface DetonationInfo { account: string; region: string; start: number; identities: Identity[]; addresses: Map<Identity, string> }

/** What a detonation holds: account, region, first event time, and its distinct identities. */
export function detonationInfo(records: Rec[]): DetonationInfo {
  const ids = new Map<string, Identity>();
  const addresses = new Map<Identity, string>();
  let start = Infinity, account = '', region = 'us-east-1';
  for (const r of records) {
    const t = Date.parse(String(r.eventTime));
    if (t < start) start = t;
    account ||= String(r.recipientAccountId ?? '');
    region = String(r.awsRegion ?? region);
    const id = (r.userIdentity ?? {}) as Identity;
    const key = `${id.type}|${id.arn}`;
    if (id.type && id.type !== 'AWSService' && !ids.has(key)) { ids.set(key, id); addresses.set(id, String(r.sourceIPAddress ?? '')); }
  }
  return { account, region, start, identities: [...ids.values()], addresses };
}

function shuffle<T>(rng: Prng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

class Writer {
  readonly records: Rec[] = [];
  private n = 0;
  constructor(private readonly rng: Prng, private readonly account: string, private readonly region: string) {}
  add(identity: Identity, api: string, time: number, ip: string, ua: string, extra: Rec = {}): void {
    this.records.push({
      eventVersion: '1.09', userIdentity: identity, eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: sourceOf(api), eventName: api,
      awsRegion: this.region, sourceIPAddress: ip, userAgent: ua.replace('{cmd}', api.toLowerCase()).replace('{api}', SOURCES[api] ?? 'ec2'),
      requestParameters: null, responseElements: null, requestID: `bg-${this.n}`, eventID: `bg-${this.account}-${this.n++}`,
      readOnly: /^(Get|List|Describe|Filter|Query)/.test(api), eventType: api === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
      managementEvent: true, recipientAccountId: this.account, eventCategory: 'Management', ...extra,
    });
  }
  ip(prefix: string): string { return prefix + (10 + this.rng.int(200)); }
}

function sessionIdentity(base: Identity, session: string, key: string): Identity {
  const ctx = (base.sessionContext ?? {}) as Rec;
  const issuer = (ctx.sessionIssuer ?? {}) as Rec;
  const roleId = String(issuer.principalId ?? String(base.principalId ?? 'AROAEXAMPLE').split(':')[0]);
  return { ...base, principalId: `${roleId}:${session}`, arn: String(base.arn).replace(/\/[^/]+$/, `/${session}`), accessKeyId: key };
}

/**
 * Background records for one detonation: days [start − 14 d, start + 12 h), ordinary activity for
 * the detonation's identities and the account's usual residents, sorted by time. `sameNetwork`
 * (an ablation) has the detonation's people work from the detonation's own address with a client
 * no family names, so only the API itself can differ.
 */
export function background(info: DetonationInfo, seed: number, o: { sameNetwork?: boolean } = {}): Rec[] {
  const rng = new Prng(seed);
  const w = new Writer(rng, info.account, info.region);
  const first = Math.floor(info.start / DAY) * DAY - BACKGROUND_DAYS * DAY;
  const end = info.start + 12 * 3_600_000;
  const at = (day: number, hour: number) => first + day * DAY + hour * 3_600_000 + rng.int(3_600_000);
  const days = Math.ceil((end - first) / DAY);
  const key = () => `ASIA${rng.alnum(16)}`;

  // the detonation's own principals, each with its kind of ordinary life
  for (const id of info.identities) {
    const type = String(id.type);
    const session = String(id.principalId ?? '').split(':')[1] ?? '';
    const sso = type === 'AssumedRole' && String(id.arn ?? '').includes('/AWSReservedSSO_');
    if (type === 'IAMUser' || type === 'FederatedUser' || type === 'Root' || sso) {
      // ablation: people work from the detonation's own address with an in-house tool (an unrecognised client)
      const home = o.sameNetwork ? info.addresses.get(id)! : w.ip(rng.pick(HOME));
      const tool = (ua: string) => (o.sameNetwork ? 'acme-ops-console/2.3 (internal)' : ua);
      const routine = shuffle(rng, [...PEOPLE_ROUTINE]).slice(0, 8);
      const extraApi = PEOPLE_ROUTINE.find((a) => !routine.includes(a))!;
      for (let d = 0; d < days; d++) {
        if ((new Date(first + d * DAY).getUTCDay() + 6) % 7 >= 5 && rng.chance(0.8)) continue; // weekends mostly off
        const login = at(d, 7);
        if (login < end && type === 'IAMUser') w.add(id, 'ConsoleLogin', login, home, tool(BROWSER), { responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } });
        for (let i = 0; i < 6 + rng.int(10); i++) {
          const t = at(d, 8 + rng.int(10));
          if (t >= end) continue;
          const api = d === 9 && i === 0 ? extraApi : rng.pick(routine); // one new API from home, day 9
          w.add(id, api, t, home, tool(rng.chance(0.7) ? CLI : BROWSER));
        }
      }
    } else if (type === 'AssumedRole' && /^i-[0-9a-fA-F]+$/.test(session)) {
      const priv = `10.0.${rng.int(4)}.${10 + rng.int(200)}`, eip = w.ip(rng.pick(AUTOMATION_EGRESS));
      for (let d = 0; d < days; d++) {
        const k = key();
        for (let h = 0; h < 24; h += 2) {
          const t = first + d * DAY + h * 3_600_000 + rng.int(600_000);
          if (t >= end) continue;
          w.add(id, 'UpdateInstanceInformation', t, priv, SSM_AGENT, { vpcEndpointId: 'vpce-0a1b2c3d4e5f60718', userIdentity: { ...id, accessKeyId: k } });
          if (h % 6 === 0) w.add(id, 'GetObject', t + 5_000, eip, BOTO, { userIdentity: { ...id, accessKeyId: k }, eventCategory: 'Management' });
        }
      }
    } else if (type === 'AssumedRole') {
      const egress = w.ip(rng.pick(AUTOMATION_EGRESS));
      const routine = ['DescribeInstances', 'GetCallerIdentity', 'DescribeVolumes', 'DescribeTags'];
      for (let d = 0; d < days; d++) {
        const sess = sessionIdentity(id, `aws-go-sdk-${first + d * DAY}`, key());
        for (let i = 0; i < 10; i++) { const t = at(d, 1 + rng.int(20)); if (t < end) w.add(sess, rng.pick(routine), t, egress, GO); }
      }
    }
  }

  // the account's residents
  const acct = info.account;
  const user = (name: string): Identity => ({ type: 'IAMUser', principalId: `AIDA${rng.alnum(17)}`, arn: `arn:aws:iam::${acct}:user/${name}`, accountId: acct, accessKeyId: `AKIA${rng.alnum(16)}`, userName: name });
  const role = (name: string, session: string): Identity => ({
    type: 'AssumedRole', principalId: `AROA${name.length}EXAMPLEROLE:${session}`, arn: `arn:aws:sts::${acct}:assumed-role/${name}/${session}`, accountId: acct, accessKeyId: key(),
    sessionContext: { sessionIssuer: { type: 'Role', principalId: `AROA${name.length}EXAMPLEROLE`, arn: `arn:aws:iam::${acct}:role/${name}`, accountId: acct, userName: name }, attributes: { creationDate: new Date(first).toISOString(), mfaAuthenticated: 'false' } },
  });
  const admin = user('ops-admin'), traveller = user('bob');
  const adminHome = w.ip(HOME[0]), bobHome = w.ip(HOME[1]), hotel = w.ip(TRAVEL), runner = w.ip(AUTOMATION_EGRESS[1]);
  const adminRoutine = shuffle(rng, [...PEOPLE_ROUTINE]).slice(0, 10);
  const bobRoutine = shuffle(rng, [...PEOPLE_ROUTINE]).slice(0, 6);
  const fns = ['orders-handler', 'thumbnailer'];
  for (let d = 0; d < days; d++) {
    const weekend = (new Date(first + d * DAY).getUTCDay() + 6) % 7 >= 5;
    // Terraform: every day a plan, most days an apply touching a growing set of APIs
    const ci = role('ci-deploy', `gha-${first + d * DAY}`);
    const reach = Math.min(CI_APIS.length, 8 + d); // new calls appear as the infrastructure grows
    for (let i = 0; i < 30; i++) { const t = at(d, 2 + rng.int(18)); if (t < end) w.add(ci, CI_APIS[rng.int(reach)], t, runner, TERRAFORM); }
    if (!weekend) {
      for (let i = 0; i < 12; i++) { const t = at(d, 8 + rng.int(9)); if (t < end) w.add(admin, rng.pick(adminRoutine), t, adminHome, rng.chance(0.5) ? CLI : BROWSER); }
      if (d === 11) { const t = at(d, 10); if (t < end) w.add(admin, 'CreateAccessKey', t, adminHome, CLI); } // a rotation, from the usual place
      const travelling = d === 6 || d === 7;
      for (let i = 0; i < 8; i++) { const t = at(d, 8 + rng.int(9)); if (t < end) w.add(traveller, rng.pick(bobRoutine), t, travelling ? hotel : bobHome, CLI); }
      const t0 = at(d, 7);
      if (t0 < end) w.add(traveller, 'ConsoleLogin', t0, travelling ? hotel : bobHome, BROWSER, { responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } });
    }
    // an instance fleet and two functions, around the clock
    for (let n = 0; n < 3; n++) {
      const inst = role('app-server', `i-0${(0xabcdef + n).toString(16)}00000000${n}`);
      (inst.sessionContext as Rec).ec2RoleDelivery = '2.0';
      for (let h = 0; h < 24; h += 3) { const t = first + d * DAY + h * 3_600_000 + rng.int(900_000); if (t < end) w.add(inst, rng.pick(['GetParameters', 'Decrypt', 'SendMessage', 'GetCallerIdentity']), t, `10.0.${n}.${20 + n}`, BOTO, { vpcEndpointId: 'vpce-0f1e2d3c4b5a69788' }); }
    }
    for (const fn of fns) {
      const s = role(`${fn}-exec`, fn);
      for (let h = 0; h < 24; h += 2) { const t = first + d * DAY + h * 3_600_000 + rng.int(3_600_000); if (t < end) w.add(s, rng.pick(['GetItem', 'PutItem', 'Query']), t, w.ip(AUTOMATION_EGRESS[0]), LAMBDA_RT); }
    }
  }
  return w.records.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
}
