/**
 * AttackSequence:IAM/CompromisedCredentials and AttackSequence:S3/CompromisedData (Critical):
 * signals of one credential (its access key, else its principal id) correlated over a 24-hour
 * event-time window. Signals are the findings other detectors raise for it (through `onFinding`)
 * and weak signals from its own calls: successful calls of high-risk APIs (the Persistence,
 * PrivilegeEscalation, DefenseEvasion, CredentialAccess, Exfiltration and Impact tables).
 * Weak signals alone never make a sequence: a pattern needs a finding signal. Patterns:
 *  - CompromisedCredentials: a suspicious-access finding (threat-listed or Tor caller, pentest
 *    distribution, exfiltrated workload credentials, concurrent console logins, or any
 *    AnomalousBehavior finding) + signals of at least two tactics, one beyond Discovery, and
 *    three signals or more;
 *  - CompromisedData: a suspicious-access finding + an S3 data-event finding (another one than
 *    the access finding), three signals or more.
 * One finding per credential and window; it is raised when a pattern completes and updated
 * (count, signals) as further signals arrive. `service.detection.sequence` lists the signals,
 * indicators, actors, resources and endpoints.
 */
import { defineDetector } from '../../engine/index.js';
import type { AccessKeyDetails, FindingCandidate } from '../../core/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyDetails } from '../common/cloudtrail.js';
import { TACTIC_OF, type Tactic } from './tactics.js';

const WINDOW_MS = 24 * 3_600_000;
const MAX_SIGNALS = 40;
const HIGH_RISK: ReadonlySet<Tactic> = new Set(['Persistence', 'PrivilegeEscalation', 'DefenseEvasion', 'CredentialAccess', 'Exfiltration', 'Impact']);
export const IAM_SEQUENCE = 'AttackSequence:IAM/CompromisedCredentials';
export const S3_SEQUENCE = 'AttackSequence:S3/CompromisedData';

/** One signal: time, kind (F finding / C CloudTrail call / S S3 data call), name, tactic, severity, address, bucket. */
interface Signal { t: number; k: 'F' | 'C'; n: string; tc: string; sv: number; ip: string; b: string; acct: string; region: string }
interface Track { s: Signal[]; ak: AccessKeyDetails; w: number; rep: Record<string, number> }

/** The tactic a finding type speaks for. */
function tacticOfType(type: string): string {
  const purpose = type.slice(0, type.indexOf(':'));
  switch (purpose) {
    case 'Recon': case 'Discovery': return 'Discovery';
    case 'Stealth': case 'DefenseEvasion': return 'DefenseEvasion';
    case 'UnauthorizedAccess': case 'PenTest': case 'InitialAccess': return 'InitialAccess';
    default: return purpose;
  }
}

/** A finding that says the credential itself is in the wrong hands. */
function isAccessSignal(type: string): boolean {
  return /MaliciousIPCaller|TorIPCaller|^PenTest:|CredentialExfiltration|ConsoleLoginSuccess\.B|AnomalousBehavior/.test(type);
}

const isS3Data = (type: string) => /:S3\/(AnomalousBehavior|MaliciousIPCaller|TorIPCaller|KaliLinux|ParrotLinux|PentooLinux)/.test(type);

function credentialKey(ak: AccessKeyDetails | undefined): string {
  return ak?.accessKeyId || ak?.principalId || '';
}

export const attackSequence = defineDetector({
  id: 'attack-sequence',
  description: 'Signals of one credential within 24 hours that together form an attack sequence',
  kinds: ['cloudtrail'],
  findingTypes: [IAM_SEQUENCE, S3_SEQUENCE],
  onEvent(e, ctx) {
    const tactic = TACTIC_OF.get(e.eventName);
    if (tactic === undefined || !HIGH_RISK.has(tactic) || e.errorCode !== '' || e.enrich.principal === '') return;
    const ak = accessKeyDetails(e);
    const key = credentialKey(ak);
    if (!key) return;
    const tracks = ctx.state<Track>('tracks', { maxEntries: 100_000, ttlMs: WINDOW_MS });
    let tr = tracks.get(key);
    if (!tr || e.time - tr.s[tr.s.length - 1].t > WINDOW_MS) tr = { s: [], ak, w: e.time, rep: {} };
    add(tr, { t: e.time, k: 'C', n: e.eventName, tc: tactic, sv: 0, ip: e.enrich.callerIp, b: '', acct: e.accountId, region: e.region }, e.time);
    tracks.set(key, tr);
    evaluate(key, tr, ctx.emit);
  },
  onFinding(c, ctx) {
    if (c.type.startsWith('AttackSequence:')) return;
    const ak = c.resource.accessKeyDetails;
    const key = credentialKey(ak);
    if (!key || c.action.actionType !== 'AWS_API_CALL') return;
    const tracks = ctx.state<Track>('tracks', { maxEntries: 100_000, ttlMs: WINDOW_MS });
    let tr = tracks.get(key);
    if (!tr || c.time - tr.s[tr.s.length - 1].t > WINDOW_MS) tr = { s: [], ak: { ...ak }, w: c.time, rep: {} };
    const ip = c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4 ?? c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV6 ?? '';
    const bucket = c.resource.s3BucketDetails?.[0]?.name ?? '';
    add(tr, { t: c.time, k: 'F', n: c.type, tc: tacticOfType(c.type), sv: c.severity, ip, b: bucket, acct: c.accountId, region: c.region }, c.time);
    tracks.set(key, tr);
    evaluate(key, tr, ctx.emit);
  },
});

function add(tr: Track, s: Signal, now: number): void {
  tr.s = tr.s.filter((x) => now - x.t <= WINDOW_MS);
  // the same finding key (or call) again only refreshes its time
  const same = tr.s.find((x) => x.k === s.k && x.n === s.n && x.ip === s.ip && x.b === s.b);
  if (same) { same.t = Math.max(same.t, s.t); return; }
  tr.s.push(s);
  if (tr.s.length > MAX_SIGNALS) tr.s.splice(tr.s.findIndex((x) => x.k === 'C'), 1);
}

function evaluate(key: string, tr: Track, emit: (c: FindingCandidate) => void): void {
  const findings = tr.s.filter((x) => x.k === 'F');
  const access = findings.filter((x) => isAccessSignal(x.n));
  if (access.length === 0 || tr.s.length < 3) return;
  const tactics = new Set(tr.s.map((x) => x.tc).filter((t) => t !== 'Policy' && t !== 'InitialAccess'));
  const beyondDiscovery = [...tactics].some((t) => t !== 'Discovery');
  const s3 = findings.filter((x) => isS3Data(x.n));
  const s3Complete = s3.length > 0 && (access.some((a) => !s3.includes(a)) || s3.length >= 2);
  const iamComplete = tactics.size >= 2 && beyondDiscovery;
  for (const [type, complete] of [[S3_SEQUENCE, s3Complete], [IAM_SEQUENCE, iamComplete && !s3Complete]] as const) {
    if (!complete) continue;
    if ((tr.rep[type] ?? 0) >= tr.s.length) continue; // nothing new since the last report
    tr.rep[type] = tr.s.length;
    emit(build(type, key, tr));
  }
}

const iso = (t: number) => new Date(t).toISOString();

function build(type: string, key: string, tr: Track): FindingCandidate {
  const last = tr.s.reduce((a, b) => (b.t > a.t ? b : a));
  const first = tr.s.reduce((a, b) => (b.t < a.t ? b : a));
  const ips = [...new Set(tr.s.map((x) => x.ip).filter(Boolean))];
  const buckets = [...new Set(tr.s.map((x) => x.b).filter(Boolean))];
  const tactics = [...new Set(tr.s.map((x) => x.tc))];
  const actorId = tr.ak.principalId ?? key;
  const indicators = [
    { key: 'ATTACK_TACTIC', values: tactics, title: 'Tactics observed' },
    ...(tr.s.some((x) => x.k === 'C') ? [{ key: 'HIGH_RISK_API', values: [...new Set(tr.s.filter((x) => x.k === 'C').map((x) => x.n))], title: 'High-risk APIs' }] : []),
    ...(tr.s.some((x) => /MaliciousIPCaller/.test(x.n)) ? [{ key: 'MALICIOUS_IP', values: ips, title: 'Malicious IP' }] : []),
    ...(tr.s.some((x) => /TorIPCaller/.test(x.n)) ? [{ key: 'TOR_IP', values: ips, title: 'Tor exit node' }] : []),
    ...(tr.s.some((x) => /^PenTest:/.test(x.n)) ? [{ key: 'SUSPICIOUS_USER_AGENT', values: tr.s.filter((x) => /^PenTest:/.test(x.n)).map((x) => x.n), title: 'Penetration-testing distribution' }] : []),
    ...(tr.s.some((x) => /AnomalousBehavior/.test(x.n)) ? [{ key: 'UNUSUAL_API_FOR_ACCOUNT', values: tr.s.filter((x) => /AnomalousBehavior/.test(x.n)).map((x) => x.n), title: 'Anomalous behaviour' }] : []),
  ];
  const signals = tr.s.map((x, i) => ({
    uid: `${i + 1}`,
    type: x.k === 'F' ? 'FINDING' : 'CLOUD_TRAIL',
    name: x.n,
    description: x.k === 'F' ? `Finding ${x.n}` : `API call ${x.n} (${x.tc})`,
    createdAt: iso(x.t), updatedAt: iso(x.t), firstSeenAt: iso(x.t), lastSeenAt: iso(x.t),
    severity: x.sv, count: 1,
    actorIds: [actorId],
    endpointIds: x.ip ? [x.ip] : [],
    resourceUids: x.b ? [`arn:aws:s3:::${x.b}`] : [],
    signalIndicators: [{ key: 'ATTACK_TACTIC', values: [x.tc] }],
  }));
  const sequence = {
    uid: `${type}|${key}|${tr.w}`,
    description: `${type === S3_SEQUENCE ? 'Data in S3 was reached' : 'Credentials were misused'} by ${tr.ak.userName ?? actorId} in ${tr.s.length} signals across ${tactics.join(', ')} within 24 hours.`,
    actors: [{ id: actorId, user: { name: tr.ak.userName, uid: tr.ak.principalId, type: tr.ak.userType, credentialUid: tr.ak.accessKeyId, account: { uid: last.acct } } }],
    resources: [
      { uid: tr.ak.accessKeyId ?? actorId, resourceType: 'AccessKey', accountId: last.acct, region: last.region, cloudPartition: 'aws' },
      ...buckets.map((b) => ({ uid: `arn:aws:s3:::${b}`, name: b, resourceType: 'S3Bucket', accountId: last.acct, region: last.region, service: 's3', cloudPartition: 'aws' })),
    ],
    endpoints: ips.map((ip) => ({ id: ip, ip })),
    signals,
    sequenceIndicators: indicators,
    additionalSequenceTypes: [],
  };
  const s3 = type === S3_SEQUENCE;
  return {
    accountId: last.acct, region: last.region, time: last.t,
    type,
    severity: SEVERITY.Critical,
    key: `${key}|${tr.w}`,
    resourceRole: 'TARGET',
    resource: s3
      ? { resourceType: 'S3Bucket', accessKeyDetails: tr.ak, s3BucketDetails: buckets.map((b) => ({ name: b, arn: `arn:aws:s3:::${b}`, type: 'Destination' })) }
      : { resourceType: 'AccessKey', accessKeyDetails: tr.ak },
    action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: last.n, serviceName: s3 ? 's3.amazonaws.com' : '', callerType: ips.length ? 'Remote IP' : 'Domain', ...(ips.length ? { remoteIpDetails: /:/.test(ips[ips.length - 1]) ? { ipAddressV6: ips[ips.length - 1] } : { ipAddressV4: ips[ips.length - 1] } } : {}) } },
    title: s3 ? `Potential data compromise of S3 ${buckets.length === 1 ? `bucket ${buckets[0]}` : 'buckets'} by ${tr.ak.userName ?? actorId}.` : `Potential compromise of credentials of ${tr.ak.userName ?? actorId}.`,
    description: sequence.description + ` First signal ${new Date(first.t).toISOString()}, latest ${new Date(last.t).toISOString()}.`,
    additionalInfo: { signals: tr.s.map((x) => ({ time: new Date(x.t).toISOString(), kind: x.k === 'F' ? 'finding' : 'api', name: x.n, tactic: x.tc })) },
    detection: { sequence },
  };
}

