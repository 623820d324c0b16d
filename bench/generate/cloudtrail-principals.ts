/**
 * The CloudTrail principal population: about 2,000 principals over the 50 accounts (role
 * sessions, IAM users, AWS service principals, each account's root), each with the addresses
 * and user agents it calls from. Sizes per account are skewed: a few busy accounts, many quiet.
 */
import type { Prng } from '../prng.js';
import { weights } from '../prng.js';
import { publicIp } from './world.js';

export type IdentityType = 'AssumedRole' | 'IAMUser' | 'AWSService' | 'Root';

export interface Principal {
  type: IdentityType;
  account: string;
  /** The `userIdentity` object, shared by all of this principal's records. */
  identity: Record<string, unknown>;
  arn: string;
  ips: string[];
  agents: string[];
}

export interface AccountPrincipals {
  roles: Principal[];
  users: Principal[];
  services: Principal[];
  root: Principal;
}

/** How often each identity type makes a call (the issue's 70/20/9/1 mix). */
export const IDENTITY_MIX = weights<IdentityType>([['AssumedRole', 70], ['IAMUser', 20], ['AWSService', 9], ['Root', 1]]);

const ROLE_NAMES = ['eks-node-group', 'lambda-orders-exec', 'ecs-task-api', 'github-actions-deploy', 'terraform-apply', 'AWSReservedSSO_AdministratorAccess_3f2a',
  'AWSReservedSSO_ReadOnly_8c1d', 'datadog-integration', 'ssm-managed-instance', 'batch-etl-job', 'karpenter-controller', 'config-recorder',
  'backup-service', 'jenkins-agent', 'airflow-worker', 'cross-account-audit'];
const USER_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent',
  'svc-backup', 'svc-ci', 'svc-reporting', 'svc-legacy-app', 'svc-monitoring', 'svc-export'];
export const SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'autoscaling.amazonaws.com', 'cloudformation.amazonaws.com', 'config.amazonaws.com',
  'ecs-tasks.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'ssm.amazonaws.com', 'logs.amazonaws.com', 'events.amazonaws.com',
  'backup.amazonaws.com', 'secretsmanager.amazonaws.com', 'eks.amazonaws.com', 'rds.amazonaws.com', 's3.amazonaws.com'];

const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off command/{cmd}',
  'aws-cli/2.13.5 Python/3.11.4 Darwin/23.1.0 exe/x86_64 prompt/off command/{cmd}',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  'Boto3/1.28.57 Python/3.9.16 Linux/5.10.192-183.736.amzn2.x86_64 Botocore/1.31.57',
  'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.1',
  'aws-sdk-java/2.25.13 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard',
  'aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/s3#3.540.0',
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.6 (go1.22.1; linux; amd64)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  'AWS Internal',
  'console.amazonaws.com',
  'aws-sdk-go/1.50.38 (go1.21.8; linux; amd64)',
  'Coral/Netty4',
];

function agentsFor(rng: Prng, n: number): string[] {
  return Array.from({ length: n }, () => rng.pick(AGENTS).replace('{cmd}', rng.pick(['s3.ls', 'ec2.describe-instances', 'sts.get-caller-identity', 'iam.list-roles', 'logs.tail'])));
}

/** The EC2 address standing for one of an account's egress addresses (same draws, no extra randomness). */
function natAddress(ip: string): string {
  const [, b, c, d] = ip.split('.').map(Number);
  return `3.${208 + (b % 32)}.${c}.${d}`;
}

function ipsFor(rng: Prng, pool: string[], n: number): string[] {
  return Array.from({ length: n }, () => rng.pick(pool));
}

/** Builds ~2,000 principals over the accounts. */
export function buildPrincipals(rng: Prng, accounts: string[]): Map<string, AccountPrincipals> {
  const out = new Map<string, AccountPrincipals>();
  // skewed sizes: a few large accounts hold most roles and users
  const share = accounts.map(() => 0.2 + rng.float() ** 3 * 4);
  const sum = share.reduce((a, b) => a + b, 0);
  for (let ai = 0; ai < accounts.length; ai++) {
    const account = accounts[ai];
    const egress = Array.from({ length: 4 }, () => publicIp(rng)); // NAT gateways and offices
    const nRoles = Math.max(5, Math.round((1500 * share[ai]) / sum));
    const nUsers = Math.max(2, Math.round((420 * share[ai]) / sum));
    const roles: Principal[] = [];
    for (let i = 0; i < nRoles; i++) {
      const role = `${ROLE_NAMES[i % ROLE_NAMES.length]}${i >= ROLE_NAMES.length ? `-${i}` : ''}`;
      const roleId = `AROA${rng.alnum(17)}`;
      const session = rng.chance(0.5) ? `i-0${rng.hex(16)}` : `${rng.pick(USER_NAMES)}@example.com`;
      const arn = `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
      // an instance's credentials leave through its own NAT gateway / Elastic IP, an AWS address (EC2 3.208.0.0/12)
      const ips = ipsFor(rng, egress, 2);
      roles.push({
        // a person signs in from one office; workloads spread over the account's egress addresses
        type: 'AssumedRole', account, arn, ips: session.startsWith('i-') ? [natAddress(ips[0])] : session.includes('@') ? [ips[0]] : ips, agents: agentsFor(rng, 2),
        identity: {
          type: 'AssumedRole', principalId: `${roleId}:${session}`, arn, accountId: account, accessKeyId: `ASIA${rng.alnum(16)}`,
          sessionContext: {
            sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
            webIdFederationData: {},
            attributes: { creationDate: '2026-03-01T23:41:07Z', mfaAuthenticated: 'false' },
          },
        },
      });
    }
    const users: Principal[] = [];
    for (let i = 0; i < nUsers; i++) users.push(iamUser(rng, account, `${USER_NAMES[i % USER_NAMES.length]}${i >= USER_NAMES.length ? i : ''}`, egress));
    const services = SERVICES.map((svc): Principal => ({
      type: 'AWSService', account, arn: '', ips: [svc], agents: [svc], identity: { type: 'AWSService', invokedBy: svc },
    }));
    const root: Principal = {
      type: 'Root', account, arn: `arn:aws:iam::${account}:root`, ips: [egress[0]], agents: [AGENTS[7]],
      identity: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: `ASIA${rng.alnum(16)}` },
    };
    out.set(account, { roles, users, services, root });
  }
  return out;
}

export function iamUser(rng: Prng, account: string, name: string, egress: string[]): Principal {
  const arn = `arn:aws:iam::${account}:user/${name}`;
  return {
    // one address per person (the egress addresses are random worldwide: two would be two countries)
    type: 'IAMUser', account, arn, ips: ipsFor(rng, egress, 2).slice(0, 1), agents: agentsFor(rng, 2),
    identity: { type: 'IAMUser', principalId: `AIDA${rng.alnum(17)}`, arn, accountId: account, accessKeyId: `AKIA${rng.alnum(16)}`, userName: name },
  };
}

export function pickPrincipal(rng: Prng, p: AccountPrincipals): Principal {
  switch (rng.weighted(IDENTITY_MIX)) {
    case 'AssumedRole': return p.roles[rng.skewed(p.roles.length)];
    case 'IAMUser': return p.users[rng.skewed(p.users.length)];
    case 'AWSService': return p.services[rng.skewed(p.services.length)];
    default: return p.root;
  }
}
