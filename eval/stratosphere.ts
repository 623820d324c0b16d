/**
 * Corpus 3: VPC flow v2 lines derived from Stratosphere Zeek captures (CTU, GPL-2.0), each
 * record labelled Benign / Malicious / Background in the .labels.csv beside it. Each file is
 * scanned alone into its own store. Expectations are written per file below, with the reason;
 * a stored finding is false when every record between its local and remote address (from
 * action.networkConnectionAction) is labelled Benign. For types that cannot apply, the report
 * says why, from the labelled records themselves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../src/core/index.js';
import { BRUTE_FORCE } from '../src/detectors/vpcflow/brute-force.js';
import { DATA, Tally, scanIsolated, typeStatus, type CorpusResult, type Item, type Pending } from './common.js';

const DIR = join(DATA, 'vpcflow/derived-from-stratosphere');

interface Expectation { type: string; role: 'ACTOR' | 'TARGET'; localIp: string; why: string }

interface FlowCase {
  name: string;
  /** The monitored host (the interface's own address). */
  local: string;
  expected: Expectation[];
  /** Types a later issue builds that this traffic calls for. */
  later: { type: string; why: string }[];
}

const CASES: FlowCase[] = [
  {
    name: '002-portscan', local: '172.16.1.11',
    expected: [{ type: 'Recon:EC2/Portscan', role: 'ACTOR', localIp: '172.16.1.11', why: 'Nmap scan of ~25 hosts, hundreds of ports each, from 172.16.1.11' }],
    later: [],
  },
  {
    name: '008-mixed', local: '147.32.81.167',
    expected: [],
    // Recon:EC2/PortProbeUnprotectedPort is raised only when the prober is on a threat list: the
    // threat-intel section (eval/intel.ts) scans this file with lists loaded and scanners injected.
    later: [],
  },
];

interface Rec { src: string; dst: string; sport: number; dport: number; proto: number; action: string; start: number; label: string; detailed: string; origToResp: boolean }

function load(name: string): Rec[] {
  const lines = readFileSync(join(DIR, `${name}.vpcflow-v2.log`), 'utf8').split('\n').filter(Boolean).slice(1);
  const labels = readFileSync(join(DIR, `${name}.labels.csv`), 'utf8').split(/\r?\n/).filter(Boolean).slice(1);
  const byLine = new Map(labels.map((l) => { const c = l.split(','); return [Number(c[0]), c] as const; }));
  return lines.map((line, i) => {
    const f = line.split(' ');
    const c = byLine.get(i + 1) ?? [];
    return {
      src: f[3], dst: f[4], sport: Number(f[5]), dport: Number(f[6]), proto: Number(f[7]), start: Number(f[10]), action: f[12],
      origToResp: c[2] === 'orig->resp', label: c[3] ?? '?', detailed: c[4] ?? '',
    };
  });
}

/** Labels of every record between two addresses, either direction. */
function pairLabels(recs: Rec[], a: string, b: string): Set<string> {
  return new Set(recs.filter((r) => (r.src === a && r.dst === b) || (r.src === b && r.dst === a)).map((r) => r.label));
}

/** Why the brute-force and scan types have nothing to find here, from the labelled records. */
function whyNone(recs: Rec[], local: string): string[] {
  const attacks = recs.filter((r) => r.label === 'Malicious');
  const inbound = attacks.filter((r) => r.dst === local && r.origToResp);
  const outbound = attacks.filter((r) => r.src === local && r.origToResp);
  const out: string[] = [];
  const services: [string, number[]][] = [['SSHBruteForce', [22]], ['RDPBruteForce', [3389]], ['WinRMBruteForce', [5985, 5986]]];
  for (const [type, ports] of services) {
    const tries = inbound.filter((r) => r.proto === 6 && ports.includes(r.dport));
    if (!tries.length) continue;
    const accepted = tries.filter((r) => r.action === 'ACCEPT');
    const perIp = new Map<string, number>();
    for (const r of accepted) perIp.set(r.src, (perIp.get(r.src) ?? 0) + 1);
    const most = accepted.length ? ` (at most ${Math.max(...perIp.values())} from one address; ${BRUTE_FORCE.minConnections} needed)` : '';
    out.push(`${type}: ${tries.length} attack connections to port ${ports.join('/')}, ${accepted.length} ACCEPTed${most}; `
      + 'an instance is the TARGET of brute force only through connections its security group let in.');
  }
  const telnet = inbound.filter((r) => r.dport === 23 || r.dport === 2323);
  if (telnet.length) out.push(`Telnet: ${telnet.length} attack connections (${telnet.filter((r) => r.action === 'ACCEPT').length} ACCEPTed); GuardDuty has no Telnet brute-force type.`);
  if (!outbound.length) {
    const ports = new Set(inbound.map((r) => r.dport));
    out.push(`Portscan / PortSweep / brute force as ACTOR: the host opened no attack connections itself; the ${inbound.length} inbound attack records `
      + `(${new Set(inbound.map((r) => r.src)).size} sources, ${ports.size} ports, ${inbound.filter((r) => r.action === 'REJECT').length} REJECTed) are probes of it, which GuardDuty reports as Recon:EC2/PortProbe* only when the prober is on a threat list (scored in the threat-intel section).`);
  }
  return out;
}

function ipsOf(f: Finding): { local: string; remote: string } {
  const n = f.service.action.networkConnectionAction;
  return { local: n?.localIpDetails?.ipAddressV4 ?? n?.localIpDetails?.ipAddressV6 ?? '', remote: n?.remoteIpDetails?.ipAddressV4 ?? n?.remoteIpDetails?.ipAddressV6 ?? '' };
}

export async function runStratosphere(): Promise<CorpusResult> {
  const tally = new Tally();
  const misses: Item[] = [], falseFindings: Item[] = [], otherFindings: Item[] = [], pending: Pending[] = [];
  const notes: string[] = [], detail: (string | number)[][] = [];
  const perFile: Record<string, unknown> = {};

  for (const c of CASES) {
    const recs = load(c.name);
    const { report, findings } = await scanIsolated(join(DIR, `${c.name}.vpcflow-v2.log`));
    const used = new Set<Finding>();
    for (const e of c.expected) {
      const match = findings.find((f) => f.type === e.type && f.service.resourceRole === e.role && ipsOf(f).local === e.localIp);
      tally.expect(e.type, Boolean(match));
      if (match) used.add(match);
      else misses.push({ type: e.type, where: c.name, detail: `${e.role} ${e.localIp}: ${e.why}` });
    }
    for (const f of findings) {
      if (used.has(f)) continue;
      const { local, remote } = ipsOf(f);
      const labels = pairLabels(recs, local, remote);
      const item = { type: f.type, where: c.name, detail: `${f.service.resourceRole} ${local} ↔ ${remote}: labels ${[...labels].join('/') || 'none'} — ${f.title}` };
      if (labels.size === 1 && labels.has('Benign')) { tally.falseFinding(f.type); falseFindings.push(item); } else otherFindings.push(item);
    }
    for (const l of c.later) {
      const st = typeStatus(l.type);
      pending.push({ type: l.type, status: st.status, issue: st.issue, where: c.name, note: l.why });
    }
    if (!c.expected.length) notes.push(`${c.name}: no implemented type is expected, because:`, ...whyNone(recs, c.local).map((w) => `  ${w}`));
    const count = (lab: string) => recs.filter((r) => r.label === lab).length;
    const mixLabels = `${count('Malicious')} Malicious / ${count('Benign')} Benign / ${count('Background')} Background`;
    detail.push([c.name, report.ingest.recordTotal, report.ingest.badTotal, mixLabels,
      findings.map((f) => `${f.type} ${f.service.resourceRole} ${ipsOf(f).local} (${f.service.count}×)`).join(', ') || '-']);
    perFile[c.name] = {
      records: report.ingest.recordTotal, bad: report.ingest.badTotal, lines: recs.length,
      findings: findings.map((f) => ({ type: f.type, role: f.service.resourceRole, ...ipsOf(f), count: f.service.count })),
    };
    if (report.ingest.recordTotal !== recs.length || report.ingest.badTotal) {
      misses.push({ type: '(parser)', where: c.name, detail: `${recs.length} lines, ${report.ingest.recordTotal} records read, ${report.ingest.badTotal} rejected` });
    }
  }
  return {
    id: 'stratosphere', title: 'Stratosphere captures as VPC flow v2 (labelled per record, one store per file)',
    rows: tally.rows(), misses, falseFindings, otherFindings, pending, notes,
    detail: { head: ['file', 'records', 'rejected', 'labels', 'findings'], rows: detail },
    extra: { files: perFile },
  };
}
