/**
 * Child-process entry of the baseline benchmark: feeds seeded CloudTrail records (two weeks of
 * activity of many principals) through the real normaliser, enrichers and engine, with the
 * behaviour baselines on or off, and prints one `BENCH_RESULT {json}` line: events/s, heap held
 * after a forced GC (the state), keyed-state entries and the persisted snapshot size.
 *
 *   node --expose-gc --import tsx bench/baseline/measure.ts <gen|off|on> <events> <principals> <seed>
 *
 * `gen` only builds and normalises the records (the generator's own cost, to subtract); `off`
 * runs every registered detector and enricher except the baseline ones; `on` runs them all.
 * Records are built in memory (no files, no JSON.parse): the figure isolates what baselines add
 * per event; the end-to-end effect on a scan is the CloudTrail ratio of `npm run bench`.
 */
import { Engine, StateRegistry } from '../../src/engine/index.js';
import { DETECTORS } from '../../src/detectors/registry.js';
import { ENRICHERS } from '../../src/enrich/registry.js';
import { emitCloudTrailValue } from '../../src/parsers/cloudtrail/normalize.js';
import type { VigilEvent } from '../../src/core/index.js';
import { geo } from '../../src/geo/index.js';
import { Prng } from '../prng.js';
import { RESULT_MARK } from '../protocol.js';

export const BASELINE_DETECTORS = new Set(['iam-anomaly', 's3-anomaly', 'credential-exfiltration', 'console-login-geography', 'attack-sequence']);
export const BASELINE_ENRICHERS = new Set(['cloudtrail-geo', 'cloudtrail-identity']);

const DAY = 86_400_000;
const START = Date.UTC(2026, 1, 1);
const SPAN = 14 * DAY;
const APIS = ['DescribeInstances', 'GetObject', 'PutObject', 'AssumeRole', 'GetCallerIdentity', 'DescribeVolumes', 'ListBuckets', 'GetParameters', 'Decrypt',
  'GenerateDataKey', 'PutMetricData', 'DescribeLogGroups', 'CreateLogStream', 'PutLogEvents', 'GetSecretValue', 'DescribeSecurityGroups', 'RunInstances',
  'CreateTags', 'ListUsers', 'GetRole', 'AttachRolePolicy', 'CreateSnapshot', 'SendMessage', 'Query', 'PutItem', 'StartSession', 'CreateAccessKey'];
const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off command/ec2.describe-instances',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 Botocore/1.34.69',
  'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.1',
  'aws-sdk-java/2.25.13 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10',
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 aws-sdk-go/1.51.6 (go1.22.1; linux; amd64)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
];

interface P { identity: Record<string, unknown>; account: string; ips: string[]; ua: string; apis: string[]; bucket: string }

function publicIp(rng: Prng): string {
  for (;;) {
    const a = 1 + rng.int(222);
    if (a === 10 || a === 127 || a === 100 || a === 169 || a === 172 || a === 192 || a === 198 || a === 203) continue;
    return `${a}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
  }
}

function principals(n: number, rng: Prng): P[] {
  const accounts = Array.from({ length: 50 }, (_, i) => String(100000000000 + i * 7919));
  return Array.from({ length: n }, (_, i) => {
    const account = accounts[i % accounts.length];
    const role = rng.chance(0.8);
    const identity = role
      ? { type: 'AssumedRole', principalId: `AROA${i}:session`, arn: `arn:aws:sts::${account}:assumed-role/role-${i}/session`, accountId: account, accessKeyId: `ASIA${String(i).padStart(16, '0')}`,
        sessionContext: { sessionIssuer: { type: 'Role', principalId: `AROA${i}`, arn: `arn:aws:iam::${account}:role/role-${i}`, accountId: account, userName: `role-${i}` } } }
      : { type: 'IAMUser', principalId: `AIDA${i}`, arn: `arn:aws:iam::${account}:user/user-${i}`, accountId: account, accessKeyId: `AKIA${String(i).padStart(16, '0')}`, userName: `user-${i}` };
    const apis = Array.from({ length: 4 + rng.int(8) }, () => rng.pick(APIS));
    return { identity, account, ips: [publicIp(rng), rng.chance(0.5) ? `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}` : publicIp(rng)], ua: rng.pick(AGENTS), apis, bucket: `bucket-${account}-${i % 20}` };
  });
}

function main(): void {
  const [mode, eventsArg, principalsArg, seedArg] = process.argv.slice(2);
  const events = Number(eventsArg), nPrincipals = Number(principalsArg), seed = Number(seedArg ?? 1);
  const rng = new Prng(seed);
  const ps = principals(nPrincipals, rng);
  const state = new StateRegistry();
  let findings = 0;
  const byType: Record<string, number> = {};
  const engine = mode === 'gen' ? undefined : new Engine(
    mode === 'on' ? DETECTORS : DETECTORS.filter((d) => !BASELINE_DETECTORS.has(d.id)),
    mode === 'on' ? ENRICHERS : ENRICHERS.filter((e) => !BASELINE_ENRICHERS.has(e.id)),
    (c) => { findings++; byType[c.type] = (byType[c.type] ?? 0) + 1; }, {}, state);
  let count = 0;
  const sink = { event: (e: VigilEvent) => { count++; engine?.process(e); }, bad: () => {}, skipped: () => {} };
  const opts = { objectName: 'bench', hints: {}, defaultRegion: 'us-east-1' };
  // the ASN/country/AWS tables load once per process (a fixed cost, not per principal): before the clock and the heap mark
  if (mode === 'on') geo().lookup('8.8.8.8');
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let k = 0; k < events; k++) {
    // skewed: a few principals are busy, most are quiet; every principal appears
    const p = ps[k < nPrincipals ? k : rng.skewed(nPrincipals, 2)];
    const time = START + Math.floor((k / events) * SPAN);
    const api = p.apis[rng.int(p.apis.length)];
    // GetObject / PutObject are S3 data events (object-level, on the principal's bucket)
    const data = api === 'GetObject' || api === 'PutObject';
    emitCloudTrailValue({
      eventVersion: '1.09', userIdentity: p.identity, eventTime: new Date(time).toISOString(), eventSource: data ? 's3.amazonaws.com' : 'ec2.amazonaws.com', eventName: api,
      awsRegion: 'us-east-1', sourceIPAddress: p.ips[rng.int(2)], userAgent: p.ua, requestParameters: data ? { bucketName: p.bucket, key: `k/${k % 1000}` } : null, responseElements: null,
      eventID: `e${k}`, readOnly: api !== 'PutObject', eventType: 'AwsApiCall', managementEvent: !data, recipientAccountId: p.account, eventCategory: data ? 'Data' : 'Management',
    }, k, opts, sink);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const stats = state.stats();
  const snapshotBytes = mode === 'on' || mode === 'off' ? Buffer.byteLength(JSON.stringify(state.snapshots())) : 0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${RESULT_MARK}${JSON.stringify({ mode, events: count, principals: nPrincipals, wallMs, cpuMs, heapHeldMb: (heap1 - heap0) / 1e6, maxRssMb, snapshotBytes, findings, byType, namespaces: stats })}\n`);
}

main();
