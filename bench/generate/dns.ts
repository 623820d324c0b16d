/**
 * Route 53 Resolver query log generator: JSON lines as delivered to S3 (one file per VPC per
 * 5 minutes, ~5,000 lines), from the instances of the simulated network. Query mix: AWS service
 * endpoints, EC2 internal names, public SaaS domains (some through CNAME chains), Kubernetes
 * search-path NXDOMAINs, AAAA and PTR lookups, and the legitimate `instance-data.ec2.internal`.
 * Injected: DNS-rebinding names whose answer is the instance metadata address.
 */
import { Prng, weights } from '../prng.js';
import { Expected, GzipOutput, type Generated } from './output.js';
import { ephemeralPort, networkFor, type Eni, type Network, type Vpc } from './vpcflow-network.js';
import { START_MS, datePath, isoSeconds, publicIp, stamp } from './world.js';

const LINES_PER_FILE = 5000;
const SLICE_MS = 300_000;

type Kind = 'aws' | 'internal' | 'public' | 'search' | 'aaaa' | 'ptr' | 'imds';
const MIX = weights<Kind>([['aws', 35], ['internal', 15], ['public', 22], ['search', 15], ['aaaa', 10], ['ptr', 2.5], ['imds', 0.5]]);
const AWS_SERVICES = ['sts', 's3', 'dynamodb', 'ssm', 'ec2messages', 'ssmmessages', 'logs', 'monitoring', 'api.ecr', 'kms', 'secretsmanager', 'sqs', 'sns'];
const PUBLIC = ['github.com', 'api.github.com', 'registry.npmjs.org', 'pypi.org', 'files.pythonhosted.org', 'registry-1.docker.io', 'auth.docker.io',
  'www.google.com', 'login.microsoftonline.com', 'api.stripe.com', 'hooks.slack.com', 'intake.logs.datadoghq.com', 'o123456.ingest.sentry.io',
  'api.segment.io', 'cdn.jsdelivr.net', 'objects.githubusercontent.com', 'repo.maven.apache.org', 'proxy.golang.org', 'api.openai.com', 'amazon.com'];
const NAMESPACES = ['default', 'payments', 'search', 'kube-system', 'monitoring'];

interface Answer { Rdata: string; Type: string }

function dnsLine(v: Vpc, src: Eni, t: number, port: number, name: string, type: string, rcode: string, answers: Answer[]): string {
  const ans = answers.map((a) => `{"Rdata":"${a.Rdata}","Type":"${a.Type}","Class":"IN"}`).join(',');
  return `{"version":"1.100000","account_id":"${v.account}","region":"${v.region}","vpc_id":"${v.vpcId}","query_timestamp":"${isoSeconds(t)}",`
    + `"query_name":"${name}","query_type":"${type}","query_class":"IN","rcode":"${rcode}","answers":[${ans}],`
    + `"srcaddr":"${src.ip}","srcport":"${port}","transport":"UDP","srcids":{"instance":"${src.instanceId}"}}`;
}

const a = (Rdata: string): Answer => ({ Rdata, Type: 'A' });

/** One background query of an instance at `t` (ms; the soak's live writer uses it too). */
export function background(rng: Prng, net: Network, v: Vpc, src: Eni, t: number): string {
  const port = ephemeralPort(rng);
  switch (rng.weighted(MIX)) {
    case 'aws': {
      const n = rng.range(1, 3);
      return dnsLine(v, src, t, port, `${rng.pick(AWS_SERVICES)}.${v.region}.amazonaws.com.`, 'A', 'NOERROR', Array.from({ length: n }, () => a(rng.pick(net.awsEndpoints))));
    }
    case 'internal': {
      const peer = rng.pick(v.enis);
      return dnsLine(v, src, t, port, `ip-${peer.ip.replaceAll('.', '-')}.${v.region === 'us-east-1' ? 'ec2' : `${v.region}.compute`}.internal.`, 'A', 'NOERROR', [a(peer.ip)]);
    }
    case 'public': {
      const d = PUBLIC[rng.skewed(PUBLIC.length)];
      const answers = rng.chance(0.4) ? [{ Rdata: `${d.split('.')[0]}.edge-${rng.int(40)}.cdn.example.net.`, Type: 'CNAME' }, a(publicIp(rng)), a(publicIp(rng))] : [a(publicIp(rng))];
      return dnsLine(v, src, t, port, `${d}.`, 'A', 'NOERROR', answers);
    }
    case 'search':
      return dnsLine(v, src, t, port, `${rng.pick(PUBLIC)}.${rng.pick(NAMESPACES)}.svc.cluster.local.`, 'A', 'NXDOMAIN', []);
    case 'aaaa':
      return dnsLine(v, src, t, port, `${rng.pick(PUBLIC)}.`, 'AAAA', 'NOERROR', rng.chance(0.5) ? [{ Rdata: `2606:4700::${rng.hex(4)}:${rng.hex(4)}`, Type: 'AAAA' }] : []);
    case 'ptr': {
      const peer = rng.pick(v.enis);
      const rev = peer.ip.split('.').reverse().join('.');
      return dnsLine(v, src, t, port, `${rev}.in-addr.arpa.`, 'PTR', 'NOERROR', [{ Rdata: `ip-${peer.ip.replaceAll('.', '-')}.ec2.internal.`, Type: 'PTR' }]);
    }
    default:
      return dnsLine(v, src, t, port, 'instance-data.ec2.internal.', 'A', 'NOERROR', [a('169.254.169.254')]);
  }
}

/** A rebinding name queried a few times by one instance; its answer is IMDS. */
export function rebind(rng: Prng, v: Vpc, t0: number, n: number, expected: Expected): { t: number; line: string }[] {
  const victim = rng.pick(v.byRole.app);
  const name = n % 2 === 0 ? `${rng.hex(8)}.169-254-169-254.nip.io` : `7f000001.a9fea9fe.rbnd-${rng.hex(6)}.example-attacker.net`;
  expected.add('UnauthorizedAccess:EC2/MetadataDNSRebind', `${v.account}|${v.region}|${victim.instanceId}|${name}`);
  return Array.from({ length: rng.range(2, 4) }, (_, i) => {
    const t = t0 + i * 7000;
    const answers = i % 2 === 0 ? [a('169.254.169.254')] : [a(publicIp(rng)), a('169.254.169.254')];
    return { t, line: dnsLine(v, victim, t, ephemeralPort(rng), `${name}.`, 'A', 'NOERROR', answers) };
  });
}

export function generateDns(root: string, records: number, seed: number): Generated {
  const rng = new Prng(seed ^ 0xd25);
  const net = networkFor(seed); // the same network as the flow logs
  const nFiles = Math.ceil(records / LINES_PER_FILE);
  const attackRng = rng.fork(2);
  const attacks = new Map<number, number[]>();
  const repeats = Math.max(2, Math.round(records / 125_000));
  for (let k = 0; k < repeats; k++) {
    const f = attackRng.int(nFiles);
    attacks.set(f, [...(attacks.get(f) ?? []), k]);
  }
  const out = new GzipOutput(root);
  const expected = new Expected();
  const lineRng = rng.fork(3);
  for (let f = 0; f < nFiles; f++) {
    const v = net.vpcs[f % net.vpcs.length];
    const start = START_MS + Math.floor(f / net.vpcs.length) * SLICE_MS;
    const n = Math.min(LINES_PER_FILE, records - f * LINES_PER_FILE);
    const clients = v.enis.filter((e) => e.instanceId);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) lines.push(background(lineRng, net, v, clients[lineRng.skewed(clients.length)], start + Math.floor((j * SLICE_MS) / n)));
    for (const k of attacks.get(f) ?? []) {
      for (const q of rebind(lineRng, v, start + lineRng.int(SLICE_MS - 30_000), k, expected)) {
        lines.splice(Math.min(lines.length, Math.floor(((q.t - start) * n) / SLICE_MS)), 0, q.line);
      }
    }
    const key = `AWSLogs/${v.account}/vpcdnsquerylogs/${v.vpcId}/${datePath(start)}/${v.account}_vpcdnsquerylogs_${v.vpcId}_${stamp(start + SLICE_MS)}_${lineRng.hex(8)}.log.gz`;
    out.write(key, `${lines.join('\n')}\n`, lines.length);
  }
  return { written: out.stats, expected: expected.counts() };
}
