/**
 * Credentials of a workload used from somewhere else:
 *  - UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS (High)
 *  - UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS (High; Medium when the
 *    other account is one of ours — GuardDuty's "affiliated")
 *  - UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS (High, Lambda credentials)
 *
 * Instance credentials: a role session whose userIdentity has `ec2RoleDelivery` or whose principal
 * id ends in `:i-<id>`. Lambda credentials: a role session seen calling from the Lambda runtime
 * (`exec-env/AWS_Lambda_*` user agents), or named after a function created with that role.
 *
 * "Outside" is decided from what the credential normally does, not from "is the address public":
 *  1. the instance's usual addresses and VPC endpoints (learned from its own calls) are fine;
 *  2. a VPC endpoint owned by another account (`vpcEndpointAccountId`) → InsideAWS;
 *  3. an address where people of these accounts work (console logins, IAM users' and Identity
 *     Center sessions' calls) → OutsideAWS, even when it falls in AWS's ranges;
 *  4. a public address outside AWS's ranges → OutsideAWS; a private or placeholder address the
 *     instance never used, once it has a usual address → OutsideAWS;
 *  5. an AWS address used by another of our accounts' workloads → InsideAWS (Medium, affiliated);
 *     an unknown AWS address while the same access key is also used from the instance's usual
 *     public address → InsideAWS (High). Anything else is learned as the instance's address.
 */
import { defineDetector, type DetectorContext, type KeyedState } from '../../engine/index.js';
import type { CloudTrailEvent } from '../../core/index.js';
import { SEVERITY, ipv4ToInt, isPrivateV4 } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, param } from '../common/cloudtrail.js';
import { fromLambdaRuntime } from '../../enrich/user-agent.js';
import { netText } from './common.js';
import { perContext } from '../common/per-context.js';

const OUTSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';
const INSIDE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS';
const LAMBDA = 'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS';
const DAY = 86_400_000;
const INSTANCE_SESSION = /:i-[0-9a-fA-F]{8,17}$/;
const MAX_ADDRS = 8;

/** An instance's (or function's) usual network: addresses and VPC endpoints it called from. */
interface Usual { a: string[]; v: string[] }

export function isInstanceCredential(e: CloudTrailEvent): boolean {
  const id = e.identity;
  return id.type === 'AssumedRole' && (id.sessionContext?.ec2RoleDelivery !== undefined || INSTANCE_SESSION.test(id.principalId ?? ''));
}

function sessionName(e: CloudTrailEvent): string {
  const pid = e.identity.principalId ?? '';
  return pid.slice(pid.indexOf(':') + 1);
}

/** People's credentials: their addresses are where people work, not where workloads run. */
function isPerson(e: CloudTrailEvent, instance: boolean): boolean {
  const t = e.identity.type;
  // an instance's own credentials are never a person's, whatever the role is called or the call is
  if (e.enrich.viaAwsService || e.enrich.uaFamily === 'aws-internal' || fromLambdaRuntime(e.userAgent) || instance) return false;
  return t === 'IAMUser' || t === 'Root' || t === 'FederatedUser' || e.eventName === 'ConsoleLogin'
    || (t === 'AssumedRole' && (e.identity.sessionContext?.sessionIssuer?.userName ?? '').startsWith('AWSReservedSSO_'));
}

function remember(list: string[], v: string): void {
  if (list.includes(v)) return;
  if (list.length >= MAX_ADDRS) list.shift();
  list.push(v);
}

/** The detector's state namespaces, looked up once per context. */
const handles = perContext((ctx: DetectorContext) => ({
  people: ctx.state<number>('people-addresses', { maxEntries: 200_000, ttlMs: 30 * DAY }),
  accounts: ctx.state<number>('accounts', { maxEntries: 100_000, ttlMs: 90 * DAY }),
  functions: ctx.state<string[]>('lambda-functions', { maxEntries: 100_000, ttlMs: 90 * DAY }),
  lambdas: ctx.state<number>('lambda-sessions', { maxEntries: 200_000, ttlMs: 30 * DAY }),
  usualState: ctx.state<Usual>('usual', { maxEntries: 500_000, ttlMs: 30 * DAY }),
  workloads: ctx.state<string>('workload-addresses', { maxEntries: 500_000, ttlMs: 30 * DAY }),
  keys: ctx.state<string>('key-addresses', { maxEntries: 500_000, ttlMs: 12 * 3_600_000 }),
}));

export const credentialExfiltration = defineDetector({
  id: 'credential-exfiltration',
  description: 'Instance and Lambda credentials used outside their usual network (outside AWS, or from another account)',
  kinds: ['cloudtrail'],
  findingTypes: [OUTSIDE, INSIDE, LAMBDA],
  onEvent(e, ctx) {
    const en = e.enrich;
    const { people, accounts, functions, lambdas, usualState, workloads, keys } = handles(ctx);
    if (accounts.get(e.accountId) === undefined || (e.time & 0xfff) === 0) accounts.set(e.accountId, 1);
    if (e.eventSource === 'lambda.amazonaws.com' && (e.eventName.startsWith('CreateFunction') || e.eventName.startsWith('UpdateFunctionConfiguration'))) learnFunction(e, functions);
    const ip = en.callerIp;
    if (ip === '' || en.viaAwsService) return;
    const instance = isInstanceCredential(e);
    if (isPerson(e, instance)) { if (people.get(ip) === undefined) people.set(ip, 1); return; }
    if (e.identity.type !== 'AssumedRole') return;

    // learn Lambda sessions: the runtime's user agent, or a function created with this role
    const pid = e.identity.principalId ?? '';
    let lambda = false;
    if (!instance) {
      if (fromLambdaRuntime(e.userAgent)) { if (lambdas.get(pid) === undefined) lambdas.set(pid, 1); lambda = true; } else lambda = lambdas.get(pid) !== undefined;
      if (!lambda) {
        const role = e.identity.sessionContext?.sessionIssuer?.arn ?? '';
        lambda = (functions.get(role) ?? []).includes(sessionName(e));
      }
    }
    if (!instance && !lambda) return;

    const account = e.identity.accountId ?? e.accountId;
    const endpoint = typeof e.raw.vpcEndpointId === 'string' ? e.raw.vpcEndpointId : '';
    const endpointAccount = typeof e.raw.vpcEndpointAccountId === 'string' ? e.raw.vpcEndpointAccountId : '';
    let u = usualState.get(pid);
    const known = u !== undefined && u.a.length + u.v.length > 0;
    const key = e.identity.accessKeyId ?? '';

    let verdict: { type: string; severity: number; why: string; remote?: { accountId?: string; affiliated: boolean } } | undefined;
    if (lambda && fromLambdaRuntime(e.userAgent)) {
      verdict = undefined; // the function itself calling: whatever the address, it is where the function runs
    } else if (endpoint !== '' && endpointAccount !== '' && endpointAccount !== account) {
      const affiliated = accounts.get(endpointAccount) !== undefined;
      verdict = { type: INSIDE, severity: affiliated ? SEVERITY.Medium : SEVERITY.High, why: `called through VPC endpoint ${endpoint} of account ${endpointAccount}`, remote: { accountId: endpointAccount, affiliated } };
    } else if (endpoint !== '' && u?.v.includes(endpoint)) {
      verdict = undefined;
    } else if (u?.a.includes(ip)) {
      verdict = undefined;
    } else if (people.get(ip) !== undefined && (instance || !en.callerInAws)) {
      // (Lambda calls come from shared AWS addresses: a person at one of them proves nothing)
      verdict = { type: OUTSIDE, severity: SEVERITY.High, why: `${ip} is an address people of these accounts use with their own credentials, not one this ${instance ? 'instance' : 'function'} calls from` };
    } else if (!en.callerInAws && en.callerIpPublic) {
      verdict = { type: OUTSIDE, severity: SEVERITY.High, why: `${ip} (${netText(e)}) is not an AWS address` };
    } else if (!en.callerIpPublic && endpoint === '') {
      const n = ipv4ToInt(ip);
      if (known) verdict = { type: OUTSIDE, severity: SEVERITY.High, why: `${ip} is ${n >= 0 && isPrivateV4(n) ? 'a private' : 'a non-routable'} address this ${instance ? 'instance' : 'function'} never called from, without a VPC endpoint` };
    } else if (en.callerInAws && instance) {
      const owner = workloads.get(ip);
      if (owner !== undefined && owner !== account) {
        verdict = { type: INSIDE, severity: SEVERITY.Medium, why: `${ip} is used by workloads of account ${owner}`, remote: { accountId: owner, affiliated: true } };
      } else if (owner === undefined && key !== '') {
        const first = keys.get(key);
        if (first !== undefined && first !== ip && u?.a.includes(first)) {
          verdict = { type: INSIDE, severity: SEVERITY.High, why: `${ip} (${netText(e)}) is an AWS address of no account seen here, used with access key ${key} while the instance itself uses it from ${first}`, remote: { affiliated: false } };
        }
      }
    }

    if (!verdict) {
      // learn: this is where the workload calls from
      if (!u) u = { a: [], v: [] };
      const before = u.a.length + u.v.length;
      if (endpoint !== '') remember(u.v, endpoint); else remember(u.a, ip);
      if (u.a.length + u.v.length !== before || (e.time & 0x3ff) === 0) usualState.set(pid, u);
      if (en.callerInAws && endpoint === '' && workloads.get(ip) !== account) workloads.set(ip, account);
      // the key's public egress (calls through VPC endpoints run beside it legitimately)
      if (key !== '' && endpoint === '' && en.callerIpPublic && keys.get(key) === undefined) keys.set(key, ip);
      return;
    }
    if (lambda && verdict.type !== OUTSIDE) return; // GuardDuty has no inside-AWS type for Lambda credentials
    const type = lambda ? LAMBDA : verdict.type;
    const subject = instance ? `instance ${sessionName(e)}` : `Lambda function ${sessionName(e)}`;
    ctx.emit({
      ...fromCloudTrail(e),
      type,
      severity: verdict.severity,
      key: `${pid}|${type}`,
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: withRemoteAccount(apiCallAction(e), verdict.remote),
      title: `Credentials created exclusively for ${subject} are used from ${type === INSIDE ? 'another AWS account' : 'outside AWS'}.`,
      description: `Credentials of role ${e.identity.sessionContext?.sessionIssuer?.arn ?? pid} delivered to ${subject} were used to call ${e.eventName}: ${verdict.why}.`,
      additionalInfo: {
        [instance ? 'instanceId' : 'functionName']: sessionName(e),
        reason: verdict.why,
        usualAddresses: u?.a ?? [],
        usualVpcEndpoints: u?.v ?? [],
        callerInAwsRanges: en.callerInAws,
        ...(endpoint ? { vpcEndpointId: endpoint } : {}),
      },
    });
  },
});

/** Lambda functions and the role they run as, from CreateFunction / UpdateFunctionConfiguration. */
function learnFunction(e: CloudTrailEvent, fns: KeyedState<string[]>): void {
  const role = param(e, 'role'), fn = param(e, 'functionName');
  if (typeof role !== 'string' || typeof fn !== 'string' || e.errorCode) return;
  const name = fn.includes(':function:') ? fn.split(':function:')[1].split(':')[0] : fn;
  const list = fns.get(role) ?? [];
  if (!list.includes(name)) { if (list.length >= 64) list.shift(); list.push(name); fns.set(role, list); }
}

function withRemoteAccount<T extends ReturnType<typeof apiCallAction>>(a: T, remote?: { accountId?: string; affiliated: boolean }): T {
  if (remote && a.awsApiCallAction) a.awsApiCallAction.remoteAccountDetails = remote;
  return a;
}
