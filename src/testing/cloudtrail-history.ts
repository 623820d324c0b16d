/**
 * Test helpers for behaviour baselines: real-shaped CloudTrail records of a principal's ordinary
 * days (its usual APIs, address and client), so baseline detectors can be tested after a
 * learning period instead of on hand-built profiles.
 */
import { ctRecord } from './harness.js';

export const DAY = 86_400_000;
export const START = Date.UTC(2026, 1, 1, 9, 0, 0); // 2026-02-01T09:00Z

export const UA_CLI = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off command/ec2.describe-instances';
export const UA_BOTO = 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69';
export const UA_TERRAFORM = 'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.6 (go1.22.1; linux; amd64)';
export const UA_GO = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0';

export const ALICE = { type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL1', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLEKEY000001', userName: 'alice' };

export function roleSession(role: string, session: string, key = 'ASIAEXAMPLESESSION01', account = '111122223333', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'AssumedRole', principalId: `AROAEXAMPLE${role.length}ROLEID:${session}`, arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account, accessKeyId: key,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLE${role.length}ROLEID`, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
      attributes: { creationDate: '2026-02-01T08:00:00Z', mfaAuthenticated: 'false' },
      ...extra,
    },
  };
}

const SOURCE: Record<string, string> = {
  DescribeInstances: 'ec2.amazonaws.com', DescribeVolumes: 'ec2.amazonaws.com', RunInstances: 'ec2.amazonaws.com', CreateSnapshot: 'ec2.amazonaws.com',
  GetObject: 's3.amazonaws.com', PutObject: 's3.amazonaws.com', ListBuckets: 's3.amazonaws.com', GetCallerIdentity: 'sts.amazonaws.com',
  ListUsers: 'iam.amazonaws.com', GetUser: 'iam.amazonaws.com', CreateAccessKey: 'iam.amazonaws.com', AttachUserPolicy: 'iam.amazonaws.com',
  GetSecretValue: 'secretsmanager.amazonaws.com', StartSession: 'ssm.amazonaws.com', DeleteFlowLogs: 'ec2.amazonaws.com',
  DescribeLogGroups: 'logs.amazonaws.com', PutMetricData: 'monitoring.amazonaws.com', GetParameters: 'ssm.amazonaws.com',
};

export function sourceOf(api: string): string {
  return SOURCE[api] ?? `${api.startsWith('Describe') ? 'ec2' : 'iam'}.amazonaws.com`;
}

export function call(identity: object, api: string, time: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return ctRecord({
    userIdentity: identity, eventName: api, eventSource: sourceOf(api), eventTime: new Date(time).toISOString(),
    readOnly: /^(Get|List|Describe|Head)/.test(api), eventID: `ev-${api}-${time}`, ...over,
  });
}

/** `days` ordinary days: each day, every API in `apis` once, spread over the working day. */
export function history(identity: object, o: { days: number; apis: string[]; ip: string; ua: string; start?: number; over?: Record<string, unknown> }): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const start = o.start ?? START;
  for (let d = 0; d < o.days; d++) {
    o.apis.forEach((api, i) => out.push(call(identity, api, start + d * DAY + i * 600_000, { sourceIPAddress: o.ip, userAgent: o.ua, ...o.over })));
  }
  return out;
}
