/**
 * VPC Flow Logs generator: version 2 default-format files with the header line, as delivered to
 * S3 (one file per VPC per 5 minutes, ~8,000 lines each). Traffic mix: east-west service calls,
 * outbound HTTPS and S3, DNS to the VPC resolver, inbound web traffic to load balancers,
 * rejected internet background scanning, a little admin SSH and ICMP, and NODATA/SKIPDATA lines.
 * Injected: SSH brute force against an instance, an outbound port scan of one host, and a port
 * sweep across many hosts.
 */
import { Prng, weights } from '../prng.js';
import { Expected, GzipOutput, type Generated } from './output.js';
import { ephemeralPort, networkFor, type Eni, type Network, type Vpc } from './vpcflow-network.js';
import { START_MS, datePath, publicIp, stamp } from './world.js';

export const FLOW_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const LINES_PER_FILE = 8000;
const SLICE_S = 300;

type Kind = 'eastWest' | 'outbound' | 's3' | 'dns' | 'inbound' | 'noise' | 'adminSsh' | 'icmp' | 'nodata';
const MIX = weights<Kind>([['eastWest', 40], ['outbound', 18], ['s3', 7], ['dns', 8], ['inbound', 15], ['noise', 8], ['adminSsh', 0.5], ['icmp', 1], ['nodata', 1]]);
const EAST_WEST: [server: 'db' | 'cache' | 'app' | 'web', port: number][] = [['db', 5432], ['cache', 6379], ['app', 8080], ['app', 443], ['web', 443], ['db', 3306]];
const NOISE_PORTS = [22, 23, 80, 443, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200, 2375];

interface Flow { line: string; t: number }

function line(v: Vpc, eni: Eni, src: string, dst: string, sport: number, dport: number, proto: number, packets: number, bytes: number, t: number, action: string): string {
  return `2 ${v.account} ${eni.id} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${bytes} ${t} ${t + 5 + (t % 55)} ${action} OK`;
}

/** One connection seen from one side: the record of the request or of the response direction. */
function conversation(rng: Prng, v: Vpc, eni: Eni, local: string, remote: string, lport: number, rport: number, proto: number, packets: number, t: number): string {
  const bytes = packets * rng.range(60, 1400);
  return rng.chance(0.5)
    ? line(v, eni, local, remote, lport, rport, proto, packets, bytes, t, 'ACCEPT')
    : line(v, eni, remote, local, rport, lport, proto, packets, bytes, t, 'ACCEPT');
}

/** One background flow line of a VPC at `t` (seconds; the soak's live writer uses it too). */
export function background(rng: Prng, net: Network, v: Vpc, t: number): string {
  const r = v.byRole;
  switch (rng.weighted(MIX)) {
    case 'eastWest': {
      const [role, port] = rng.pick(EAST_WEST);
      const client = rng.pick(rng.chance(0.7) ? r.app : r.batch);
      const server = r[role][rng.skewed(r[role].length)];
      const seenBy = rng.chance(0.5) ? client : server;
      return conversation(rng, v, seenBy, client.ip, server.ip, ephemeralPort(rng), port, 6, rng.range(3, 400), t);
    }
    case 'outbound': {
      const client = rng.pick(rng.chance(0.6) ? r.app : r.web);
      return conversation(rng, v, client, client.ip, net.apis[rng.skewed(net.apis.length)], ephemeralPort(rng), rng.chance(0.9) ? 443 : 80, 6, rng.range(6, 300), t);
    }
    case 's3': {
      const client = rng.pick(r.batch);
      return conversation(rng, v, client, client.ip, rng.pick(net.awsEndpoints), ephemeralPort(rng), 443, 6, rng.range(20, 9000), t);
    }
    case 'dns': {
      const client = rng.pick(v.enis);
      return conversation(rng, v, client, client.ip, v.resolver, ephemeralPort(rng), 53, 17, rng.range(1, 2), t);
    }
    case 'inbound': {
      const lb = rng.pick(r.lb);
      return conversation(rng, v, lb, lb.ip, publicIp(rng), 443, ephemeralPort(rng), 6, rng.range(5, 60), t);
    }
    case 'noise': {
      const target = rng.pick(rng.chance(0.5) ? r.lb : r.web);
      const packets = rng.range(1, 2);
      return line(v, target, publicIp(rng), target.ip, rng.range(1024, 65535), rng.chance(0.8) ? rng.pick(NOISE_PORTS) : rng.range(1, 65535), 6, packets, packets * 44, t, 'REJECT');
    }
    case 'adminSsh': {
      const host = rng.pick(r.web);
      return conversation(rng, v, host, host.ip, rng.pick(net.offices), 22, ephemeralPort(rng), 6, rng.range(200, 5000), t);
    }
    case 'icmp': {
      const host = rng.pick(v.enis);
      return line(v, host, rng.pick(v.enis).ip, host.ip, 0, 0, 1, rng.range(1, 10), rng.range(1, 10) * 84, t, 'ACCEPT');
    }
    default: {
      const host = rng.pick(v.enis);
      return `2 ${v.account} ${host.id} - - - - - - - ${t} ${t + 60} - ${rng.chance(0.9) ? 'NODATA' : 'SKIPDATA'}`;
    }
  }
}

export type Attack = (rng: Prng, v: Vpc, t0: number, expected: Expected) => Flow[];

const sshBruteForce: Attack = (rng, v, t0, expected) => {
  const victim = rng.pick(v.byRole.web);
  const attacker = publicIp(rng);
  const out: Flow[] = [];
  const n = rng.range(25, 40);
  for (let i = 0; i < n; i++) {
    const t = t0 + Math.floor((i * 240) / n);
    const sport = 40000 + i * 7 + rng.int(7);
    const packets = rng.range(8, 24);
    out.push({ t, line: line(v, victim, attacker, victim.ip, sport, 22, 6, packets, packets * 150, t, 'ACCEPT') });
    out.push({ t, line: line(v, victim, victim.ip, attacker, 22, sport, 6, packets - 1, packets * 120, t, 'ACCEPT') });
  }
  expected.add('UnauthorizedAccess:EC2/SSHBruteForce', `${v.account}|${v.region}|TARGET|${victim.id}`);
  return out;
};

const portscan: Attack = (rng, v, t0, expected) => {
  const scanner = rng.pick(v.byRole.app);
  const target = publicIp(rng);
  const ports = new Set<number>();
  while (ports.size < 40) ports.add(rng.range(1, 1024));
  const out = [...ports].map((port, i): Flow => {
    const t = t0 + Math.floor(i * 3);
    return { t, line: line(v, scanner, scanner.ip, target, ephemeralPort(rng), port, 6, rng.range(1, 2), 44, t, 'ACCEPT') };
  });
  expected.add('Recon:EC2/Portscan', `${v.account}|${v.region}|${scanner.id}`);
  return out;
};

const portSweep: Attack = (rng, v, t0, expected) => {
  const scanner = rng.pick(v.byRole.batch);
  const out: Flow[] = [];
  for (let i = 0; i < 45; i++) {
    const t = t0 + i * 4;
    out.push({ t, line: line(v, scanner, scanner.ip, publicIp(rng), ephemeralPort(rng), 6379, 6, 1, 60, t, 'ACCEPT') });
  }
  expected.add('Impact:EC2/PortSweep', `${v.account}|${v.region}|${scanner.id}|6379`);
  return out;
};

export const ATTACKS: Attack[] = [sshBruteForce, portscan, portSweep];

export function generateVpcFlow(root: string, records: number, seed: number): Generated {
  const rng = new Prng(seed ^ 0xf10);
  const net = networkFor(seed);
  const nFiles = Math.ceil(records / LINES_PER_FILE);
  const attackRng = rng.fork(2);
  const attacks = new Map<number, Attack[]>();
  const repeats = Math.max(1, Math.round(records / 250_000));
  for (const a of ATTACKS) {
    for (let k = 0; k < repeats; k++) {
      const f = attackRng.int(nFiles);
      attacks.set(f, [...(attacks.get(f) ?? []), a]);
    }
  }
  const out = new GzipOutput(root);
  const expected = new Expected();
  const lineRng = rng.fork(3);
  for (let f = 0; f < nFiles; f++) {
    const v = net.vpcs[f % net.vpcs.length];
    const slice = Math.floor(f / net.vpcs.length);
    const start = START_MS / 1000 + slice * SLICE_S;
    const n = Math.min(LINES_PER_FILE, records - f * LINES_PER_FILE);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) lines.push(background(lineRng, net, v, start + Math.floor((j * SLICE_S) / n)));
    for (const attack of attacks.get(f) ?? []) {
      // splice each attack line in where its time falls
      for (const fl of attack(lineRng, v, start + lineRng.int(40), expected)) {
        lines.splice(Math.min(lines.length, Math.floor(((fl.t - start) * n) / SLICE_S)), 0, fl.line);
      }
    }
    const key = `AWSLogs/${v.account}/vpcflowlogs/${v.region}/${datePath(start * 1000)}/${v.account}_vpcflowlogs_${v.region}_fl-0${lineRng.hex(16)}_${stamp(start * 1000 + SLICE_S * 1000)}_${lineRng.hex(8)}.log.gz`;
    out.write(key, `${FLOW_HEADER}\n${lines.join('\n')}\n`, lines.length);
  }
  return { written: out.stats, expected: expected.counts() };
}
