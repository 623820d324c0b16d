/**
 * Corpus 4: threat intelligence. The public lists in ../shared/data/ti are loaded through the
 * real list parsers (IntelManager ad-hoc lists, the same indexes `vigil scan --threat-list`
 * builds), and addresses and names drawn from them with a seeded PRNG are injected into public
 * logs. Every changed record is recorded (line, old and new value, expected type). The changed
 * logs then go through the real parsers, enrichers and engine (src/testing/harness.ts), and each
 * candidate — one per occurrence, before aggregation — is traced back to the record that raised it.
 *
 *   VPC flow    008-mixed (a honeypot at public 147.32.81.167): the remote address of both records
 *               of a connection (paired by Zeek uid in the labels CSV) is rewritten. Benign outbound
 *               connections → Tor exits, ipsum, maltrail mining IPs, apt1 C2 ranges; inbound
 *               ACCEPTed attack connections to a port other than 80/443 → mass scanners.
 *   DNS         a Route 53 Resolver query log built from alexa_1000 (one query per name, one
 *               instance, two days so the reputation model's learning day passes), with queries for
 *               crypto-mining domains (maltrail, Panther) and apt1 domains, some as subdomains.
 *   CloudTrail  the Stratus detonation events; `sourceIPAddress` of a subset → Tor exits, ipsum.
 *
 * Scoring. Recall per type: injected connections / queries / calls with a candidate of the
 * expected type, raised by that record (the opener's, for flows) and naming the injected address
 * or name. A candidate of an intel type on a record that was not injected is judged against the
 * rules of docs/intel.md applied to the record's ground truth (Zeek's orig/resp direction, the
 * action, the port, the purposes of the lists that hold the remote address): when the rules call
 * for it, it is a "match on original traffic" (the address really is listed: possibly a true
 * positive), otherwise a false finding. Every `.Reputation` candidate on the benign DNS
 * background is a false finding of its type. A candidate of another type on an injected record
 * is a false finding too. Addresses are drawn only where the design can see them: public,
 * absent from the original log, on the intended list and no other (so one type is expected),
 * and only into connections whose direction the port heuristic reads as Zeek does (v2 records
 * carry no TCP flags); what was excluded is counted in the report.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudTrailRecord, FindingCandidate, LogKind, VigilEvent } from '../src/core/index.js';
import { intToIpv4, isPublicIp } from '../src/core/index.js';
import { defineEnricher, type Detector, type DetectorContext, type EngineServices } from '../src/engine/index.js';
import { DETECTORS } from '../src/detectors/registry.js';
import { ENRICHERS } from '../src/enrich/registry.js';
import { EMR_PORTS } from '../src/detectors/intel/port-probe.js';
import { IntelManager, type AdHocList } from '../src/intel/manager.js';
import { parserForFormat } from '../src/intel/formats/registry.js';
import type { IntelIndex } from '../src/intel/matcher/index.js';
import type { ThreatPurpose } from '../src/intel/types.js';
import { SqliteStore } from '../src/store/index.js';
import { cloudTrailFile, detect, dnsLine } from '../src/testing/harness.js';
import { reputation, scorable } from '../src/intel/reputation.js';
import { DATA, Tally, type CorpusResult, type Item } from './common.js';
import { STRATUS_DIR } from './stratus.js';

export const INTEL_SEED = 0x1e7e11;
const TI = join(DATA, 'ti');
const FLOW_FILE = join(DATA, 'vpcflow/derived-from-stratosphere/008-mixed.vpcflow-v2.log');
const FLOW_LABELS = join(DATA, 'vpcflow/derived-from-stratosphere/008-mixed.labels.csv');
const BENIGN_NAMES = join(DATA, 'dns/dga-andrewaeva-1000domains/alexa_1000.txt');
/** The honeypot's own address in 008-mixed. */
const LOCAL = '147.32.81.167';
/** "Now" for the list parsers (STIX validity) and the start of the synthetic DNS log. */
const NOW = Date.parse('2026-03-02T00:00:00Z');
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Lists

type ListKey = 'tor' | 'ipsum' | 'mining' | 'pantherMining' | 'apt1' | 'scanner';
interface ListSpec { name: string; file: string; format: 'TXT' | 'STIX'; purpose: ThreatPurpose }

export const INTEL_LISTS: Record<ListKey, ListSpec> = {
  tor: { name: 'tor-exit-M0kh', file: 'tor-exit-M0kh/Tor-IP-Addresses.txt', format: 'TXT', purpose: 'tor-exit' },
  ipsum: { name: 'ipsum-level5', file: 'ipsum/levels_5.txt', format: 'TXT', purpose: 'malicious' },
  mining: { name: 'maltrail-crypto_mining', file: 'maltrail/crypto_mining.txt', format: 'TXT', purpose: 'cryptomining' },
  pantherMining: { name: 'panther-crypto-mining-domains', file: 'panther-crypto-mining-domains/crypto_mining_domains.txt', format: 'TXT', purpose: 'cryptomining' },
  apt1: { name: 'stix2-apt1', file: 'stix2-oasis-examples/apt1.json', format: 'STIX', purpose: 'command-and-control' },
  scanner: { name: 'maltrail-mass_scanner', file: 'maltrail/mass_scanner.txt', format: 'TXT', purpose: 'scanner' },
};

interface V4Entry { addr: number; prefix: number; port: number }
interface ListContent { v4: V4Entry[]; domains: string[] }

interface Intel {
  services: EngineServices;
  threat: IntelIndex;
  content: Record<ListKey, ListContent>;
  loaded: { name: string; purpose: string; file: string; entries: number }[];
  problems: string[];
}

async function loadIntel(): Promise<Intel> {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  try {
    // ad-hoc lists are read straight from their files: the cache folder is never written
    const manager = new IntelManager(store, { cacheDir: join(tmpdir(), 'vigil-eval-intel-unused'), now: () => NOW });
    const adHoc: AdHocList[] = Object.values(INTEL_LISTS).map((l) => ({ name: l.name, location: join(TI, l.file), format: l.format, role: 'THREAT', purpose: l.purpose }));
    const { services, loaded, problems } = await manager.buildServices(adHoc);
    // what each list holds, read by the same format parsers, to draw indicators from
    const content = {} as Record<ListKey, ListContent>;
    for (const [key, spec] of Object.entries(INTEL_LISTS) as [ListKey, ListSpec][]) {
      const c: ListContent = { v4: [], domains: [] };
      parserForFormat(spec.format).parse(readFileSync(join(TI, spec.file), 'utf8'), {
        ipv4: (addr, prefix, port) => { c.v4.push({ addr, prefix, port }); },
        ipv6: () => {},
        domain: (name) => { c.domains.push(name); },
        error: () => {},
        skip: () => {},
      }, { now: NOW });
      content[key] = c;
    }
    return {
      services, threat: services.intel.threat, content, problems,
      loaded: loaded.map((l) => {
        const spec = Object.values(INTEL_LISTS).find((s) => s.name === l.name)!;
        return { name: l.name, purpose: spec.purpose, file: spec.file, entries: l.entries };
      }),
    };
  } finally {
    await store.close();
  }
}

/** Names and purposes of the lists behind a match id. */
function listsOf(threat: IntelIndex, id: number): { names: string[]; purposes: string[] } {
  if (id === 0) return { names: [], purposes: [] };
  const hits = threat.hits(id);
  return { names: [...new Set(hits.map((h) => h.list.name))], purposes: [...new Set(hits.map((h) => h.list.purpose))] };
}

/** Is this address (with this remote port) on the given list and on no other? */
function onlyOn(intel: Intel, ip: string, port: number, key: ListKey): boolean {
  const plain = listsOf(intel.threat, intel.threat.lookupIp(ip, -1)).names;
  const withPort = listsOf(intel.threat, intel.threat.lookupIp(ip, port)).names;
  const want = INTEL_LISTS[key].name;
  return withPort.length === 1 && withPort[0] === want && plain.every((n) => n === want);
}

// ---------------------------------------------------------------------------------------------
// Seeded sampling

/** xorshift32 behind a multiplicative scramble of the seed: deterministic and ample for sampling. */
export function seededRandom(seed: number): () => number {
  let s = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** `k` items drawn without replacement (a partial Fisher–Yates shuffle of a copy). */
function sample<T>(rand: () => number, items: readonly T[], k: number): T[] {
  const a = [...items];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

// ---------------------------------------------------------------------------------------------
// Running the engine with every candidate traced to its record

interface Traced { c: FindingCandidate; seq: number; watermark: boolean }

/** Wraps a detector so each candidate it emits is reported with the event being processed. */
function tracing(d: Detector, onEmit: (c: FindingCandidate, watermark: boolean) => void): Detector {
  const contexts = new WeakMap<DetectorContext, [DetectorContext, DetectorContext]>();
  const wrap = (ctx: DetectorContext, watermark: boolean): DetectorContext => {
    let w = contexts.get(ctx);
    if (!w) {
      w = [{ ...ctx, emit: (c) => { onEmit(c, false); ctx.emit(c); } }, { ...ctx, emit: (c) => { onEmit(c, true); ctx.emit(c); } }];
      contexts.set(ctx, w);
    }
    return w[watermark ? 1 : 0];
  };
  const onWatermark = d.onWatermark;
  return {
    ...d,
    onEvent: (e, ctx) => d.onEvent(e, wrap(ctx, false)),
    ...(onWatermark ? { onWatermark: (k: LogKind, wm: number, ctx: DetectorContext) => onWatermark.call(d, k, wm, wrap(ctx, true)) } : {}),
  };
}

interface TracedRun { traced: Traced[]; events: number; bad: number }

/**
 * `detect()` with every registered detector and enricher, plus a last enricher that numbers the
 * events (in parse order, i.e. record order) and hands each to `observe`.
 */
function runTraced(inputs: { kind: LogKind; text: string; path?: string }[], services: EngineServices, observe?: (e: VigilEvent, seq: number) => void): TracedRun {
  let seq = -1;
  const traced: Traced[] = [];
  const numbering = defineEnricher({
    id: 'eval-record-numbering',
    kinds: ['vpcflow', 'dns', 'cloudtrail'],
    enrich(e) { seq++; observe?.(e, seq); },
  });
  const detectors = DETECTORS.map((d) => tracing(d, (c, watermark) => traced.push({ c, seq, watermark })));
  const r = detect(inputs, { services, detectors, enrichers: [...ENRICHERS, numbering] });
  return { traced, events: seq + 1, bad: r.bad.length };
}

const byId = (id: string) => DETECTORS.find((d) => d.id === id)!;
/** Types raised from threat-list matches. */
const LIST_TYPES = new Set(['flow-threat-intel', 'port-probe', 'tor-relay', 'dns-threat-intel', 'cloudtrail-threat-intel'].flatMap((id) => byId(id).findingTypes));
/** Types of the domain reputation model. */
const REPUTATION_TYPES = new Set(byId('dns-reputation').findingTypes);

// ---------------------------------------------------------------------------------------------
// What docs/intel.md says a listed address or name raises (the oracle for original traffic)

const FLOW_OUT: Record<string, string> = {
  'command-and-control': 'Backdoor:EC2/C&CActivity.B', 'cryptomining': 'CryptoCurrency:EC2/BitcoinTool.B',
  'blackhole': 'Trojan:EC2/BlackholeTraffic', 'drop-point': 'Trojan:EC2/DropPoint',
  'tor-exit': 'UnauthorizedAccess:EC2/TorClient', 'tor-relay': 'UnauthorizedAccess:EC2/TorClient',
  'custom': 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', 'malicious': 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom',
};
const DNS_TYPES: Record<string, string> = {
  'command-and-control': 'Backdoor:EC2/C&CActivity.B!DNS', 'cryptomining': 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
  'blackhole': 'Trojan:EC2/BlackholeTraffic!DNS', 'drop-point': 'Trojan:EC2/DropPoint!DNS', 'phishing': 'Trojan:EC2/PhishingDomainRequest!DNS',
  'drive-by': 'Trojan:EC2/DriveBySourceTraffic!DNS', 'custom': 'Impact:EC2/MaliciousDomainRequest.Custom', 'malicious': 'Impact:EC2/MaliciousDomainRequest.Custom',
};
/** Reconnaissance calls, as docs/intel.md lists them. */
const RECON_CALL = /^(Get|List|Describe|Head)/;

function flowTypesFor(purposes: string[], outbound: boolean, action: string, localPort: number): Set<string> {
  const out = new Set<string>();
  for (const p of purposes) {
    if (outbound) { if (FLOW_OUT[p]) out.add(FLOW_OUT[p]); continue; }
    if (action !== 'ACCEPT') continue; // rejected inbound traffic raises nothing
    if (p === 'custom') out.add(FLOW_OUT.custom);
    if ((p === 'scanner' || p === 'malicious') && localPort !== 80 && localPort !== 443) {
      out.add(EMR_PORTS.has(localPort) ? 'Recon:EC2/PortProbeEMRUnprotectedPort' : 'Recon:EC2/PortProbeUnprotectedPort');
    }
  }
  return out;
}

function apiTypesFor(purposes: string[], eventName: string): Set<string> {
  const stage = RECON_CALL.test(eventName) ? 'Recon' : 'UnauthorizedAccess';
  return new Set(purposes.map((p) => `${stage}:IAMUser/${p === 'tor-exit' || p === 'tor-relay' ? 'TorIPCaller' : p === 'custom' ? 'MaliciousIPCaller.Custom' : 'MaliciousIPCaller'}`));
}

function remoteOf(c: FindingCandidate): string {
  const a = c.action;
  type IpDetails = { ipAddressV4?: string; ipAddressV6?: string } | undefined;
  const probe = a.portProbeAction?.portProbeDetails?.[0] as { remoteIpDetails?: IpDetails } | undefined;
  const ip: IpDetails = a.networkConnectionAction?.remoteIpDetails ?? probe?.remoteIpDetails ?? a.awsApiCallAction?.remoteIpDetails;
  return ip?.ipAddressV4 ?? ip?.ipAddressV6 ?? a.dnsRequestAction?.domain ?? '';
}

// ---------------------------------------------------------------------------------------------
// Scoring shared by the three logs

type Log = 'vpcflow' | 'dns' | 'cloudtrail';

interface TypeFigures { log: Log; type: string; injected: number; detected: number; falseFindings: number; originalMatches: number }

class Score {
  readonly tally = new Tally();
  readonly perType = new Map<string, TypeFigures>();
  readonly misses: Item[] = [];
  readonly falseFindings: Item[] = [];
  readonly original: (Item & { lists: string[] })[] = [];
  fig(log: Log, type: string): TypeFigures {
    let f = this.perType.get(type);
    if (!f) this.perType.set(type, (f = { log, type, injected: 0, detected: 0, falseFindings: 0, originalMatches: 0 }));
    return f;
  }
  injected(log: Log, type: string, hit: boolean, where: string, detail: string): void {
    const f = this.fig(log, type);
    f.injected++;
    if (hit) f.detected++; else this.misses.push({ type, where, detail });
    this.tally.expect(type, hit);
  }
  falseFinding(log: Log, type: string, where: string, detail: string): void {
    this.fig(log, type).falseFindings++;
    this.tally.falseFinding(type);
    this.falseFindings.push({ type, where, detail });
  }
  originalMatch(log: Log, type: string, where: string, detail: string, lists: string[]): void {
    this.fig(log, type).originalMatches++;
    this.original.push({ type, where, detail, lists });
  }
}

// ---------------------------------------------------------------------------------------------
// VPC flow

interface FlowRec { fields: string[]; uid: string; dir: string; label: string; detailed: string }
interface FlowChange { line: number; record: number; uid: string; field: 'srcaddr' | 'dstaddr'; old: string; new: string; entry: string; expected: string; list: string }
interface FlowInjection {
  uid: string; records: number[]; opener: number; old: string; new: string; entry: string;
  remotePort: number; localPort: number; action: string; expected: string; list: string; hit?: boolean;
}

interface FlowPlan { list: ListKey; type: string; outbound: boolean; n: number; rejected: number }
const FLOW_PLAN: FlowPlan[] = [
  { list: 'tor', type: 'UnauthorizedAccess:EC2/TorClient', outbound: true, n: 20, rejected: 2 },
  { list: 'ipsum', type: 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', outbound: true, n: 20, rejected: 2 },
  { list: 'mining', type: 'CryptoCurrency:EC2/BitcoinTool.B', outbound: true, n: 20, rejected: 2 },
  { list: 'apt1', type: 'Backdoor:EC2/C&CActivity.B', outbound: true, n: 20, rejected: 2 },
  { list: 'scanner', type: 'Recon:EC2/PortProbeUnprotectedPort', outbound: false, n: 30, rejected: 0 },
];

/** Single addresses (and ip:port entries) of a list, or random hosts of its CIDRs, in a seeded order. */
function addressPool(rand: () => number, c: ListContent, size: number): { ip: string; port: number }[] {
  const single = c.v4.filter((e) => e.prefix === 32).map((e) => ({ ip: intToIpv4(e.addr), port: e.port }));
  const ranges = c.v4.filter((e) => e.prefix < 32 && e.port < 0);
  const hosts: { ip: string; port: number }[] = [];
  for (let i = 0; ranges.length && i < size; i++) {
    const r = ranges[Math.floor(rand() * ranges.length)];
    const span = 2 ** (32 - r.prefix);
    const addr = (r.addr + Math.floor(rand() * span)) >>> 0;
    if ((addr & 255) === 0 || (addr & 255) === 255) continue;
    hosts.push({ ip: intToIpv4(addr), port: -1 });
  }
  return sample(rand, [...single, ...hosts], single.length + hosts.length);
}

function runFlows(intel: Intel, rand: () => number, score: Score) {
  const lines = readFileSync(FLOW_FILE, 'utf8').split('\n').filter(Boolean);
  const header = lines[0];
  const labels = readFileSync(FLOW_LABELS, 'utf8').split(/\r?\n/).filter(Boolean).slice(1).map((l) => l.split(','));
  const byRecord = new Map(labels.map((c) => [Number(c[0]), c] as const));
  const recs: FlowRec[] = lines.slice(1).map((l, i) => {
    const c = byRecord.get(i + 1) ?? [];
    return { fields: l.split(' '), uid: c[1] ?? '', dir: c[2] ?? '', label: c[3] ?? '', detailed: c[4] ?? '' };
  });
  const original = new Set(recs.flatMap((r) => [r.fields[3], r.fields[4]]));
  const toText = (rs: FlowRec[]) => [header, ...rs.map((r) => r.fields.join(' '))].join('\n') + '\n';

  // the engine's reading of the untouched file: which side opened each record's connection
  const inferred: string[] = [];
  runTraced([{ kind: 'vpcflow', text: toText(recs), path: FLOW_FILE }], intel.services, (e, seq) => {
    if (e.kind === 'vpcflow') inferred[seq] = e.enrich.direction;
  });

  // connections by Zeek uid; the orig->resp record is the opener's
  const conns = new Map<string, number[]>();
  recs.forEach((r, i) => { if (r.uid) { const a = conns.get(r.uid); if (a) a.push(i); else conns.set(r.uid, [i]); } });
  interface Cand { uid: string; records: number[]; opener: number; remote: string; remotePort: number; localPort: number; action: string }
  const outbound: Cand[] = [], inbound: Cand[] = [];
  const excluded = { alreadyListed: 0, outboundDirection: 0, inboundDirection: 0, inboundWebPort: 0, inboundRejected: 0 };
  for (const [uid, idx] of conns) {
    const opener = idx.find((i) => recs[i].dir === 'orig->resp');
    if (opener === undefined) continue;
    const o = recs[opener], f = o.fields;
    if (f[7] !== '6' || !idx.every((i) => recs[i].fields[3] === LOCAL || recs[i].fields[4] === LOCAL)) continue;
    const out = f[3] === LOCAL;
    const remote = out ? f[4] : f[3];
    if (!isPublicIp(remote) || !idx.every((i) => recs[i].fields[3] === remote || recs[i].fields[4] === remote)) continue;
    // an address already listed stays as it is: its findings are matches on original traffic
    if (intel.threat.lookupIp(remote) !== 0) { excluded.alreadyListed++; continue; }
    const cand: Cand = { uid, records: idx, opener, remote, remotePort: Number(out ? f[6] : f[5]), localPort: Number(out ? f[5] : f[6]), action: f[12] };
    if (out && o.label === 'Benign') {
      if (inferred[opener] === 'OUTBOUND') outbound.push(cand); else excluded.outboundDirection++;
    } else if (!out && o.label === 'Malicious') {
      if (cand.action !== 'ACCEPT') { excluded.inboundRejected++; continue; }
      if (cand.localPort === 80 || cand.localPort === 443 || EMR_PORTS.has(cand.localPort)) { excluded.inboundWebPort++; continue; }
      if (inferred[opener] === 'INBOUND') inbound.push(cand); else excluded.inboundDirection++;
    }
  }

  // draw connections and addresses per plan
  const used = new Set<string>();
  const taken = new Set<string>();
  const injections: FlowInjection[] = [];
  const pools: Record<string, { available: number; drawn: number; ipPort: number }> = {};
  for (const plan of FLOW_PLAN) {
    const spec = INTEL_LISTS[plan.list];
    const pool = addressPool(rand, intel.content[plan.list], 400)
      .filter((a) => isPublicIp(a.ip) && !original.has(a.ip));
    const fits = (a: { ip: string; port: number }, c: Cand) => (a.port < 0 || a.port === c.remotePort) && !used.has(a.ip) && onlyOn(intel, a.ip, c.remotePort, plan.list);
    const candidates = (plan.outbound ? outbound : inbound).filter((c) => !taken.has(c.uid));
    const rejected = sample(rand, candidates.filter((c) => c.action === 'REJECT'), plan.rejected);
    const accepted = sample(rand, candidates.filter((c) => c.action === 'ACCEPT'), plan.n - rejected.length);
    let drawn = 0, ipPort = 0;
    for (const c of [...rejected, ...accepted]) {
      const a = pool.find((x) => fits(x, c));
      if (!a) continue;
      used.add(a.ip);
      taken.add(c.uid);
      drawn++;
      if (a.port >= 0) ipPort++;
      injections.push({
        uid: c.uid, records: c.records, opener: c.opener, old: c.remote, new: a.ip, entry: a.port >= 0 ? `${a.ip}:${a.port}` : a.ip,
        remotePort: c.remotePort, localPort: c.localPort, action: c.action, expected: plan.type, list: spec.name,
      });
    }
    pools[spec.name] = { available: new Set(pool.filter((a) => onlyOn(intel, a.ip, a.port, plan.list)).map((a) => a.ip)).size, drawn, ipPort };
  }

  // rewrite
  const changed = recs.map((r) => ({ ...r, fields: [...r.fields] }));
  const injectedAt = new Map<number, FlowInjection>();
  const changes: FlowChange[] = [];
  for (const inj of injections) {
    for (const i of inj.records) {
      const f = changed[i].fields;
      const field = f[3] === inj.old ? 'srcaddr' : 'dstaddr';
      f[field === 'srcaddr' ? 3 : 4] = inj.new;
      injectedAt.set(i, inj);
      changes.push({ line: i + 2, record: i + 1, uid: inj.uid, field, old: inj.old, new: inj.new, entry: inj.entry, expected: inj.expected, list: inj.list });
    }
  }
  changes.sort((a, b) => a.line - b.line);

  // scan the changed file
  let misread = 0;
  const run = runTraced([{ kind: 'vpcflow', text: toText(changed), path: FLOW_FILE }], intel.services, (e, seq) => {
    if (e.kind === 'vpcflow' && (e.srcAddr !== changed[seq]?.fields[3] || e.dstAddr !== changed[seq]?.fields[4])) misread++;
  });
  const where = (i: number) => `008-mixed line ${i + 2}`;
  const originalListed = new Map<number, { types: Set<string>; lists: string[] }>();
  for (const t of run.traced) {
    if (!LIST_TYPES.has(t.c.type) || t.c.type === 'UnauthorizedAccess:EC2/TorRelay') {
      if (t.c.type === 'UnauthorizedAccess:EC2/TorRelay') score.falseFinding('vpcflow', t.c.type, where(t.seq), `TorRelay raised (${t.c.description}); no relay traffic was injected`);
      continue;
    }
    const i = t.seq, inj = injectedAt.get(i), remote = remoteOf(t.c);
    if (inj) {
      if (!inj.hit && t.c.type === inj.expected && remote === inj.new && i === inj.opener) inj.hit = true;
      else score.falseFinding('vpcflow', t.c.type, where(i), `on an injected record (${inj.list}, expected ${inj.expected} once, from the opener's record at line ${inj.opener + 2}): remote ${remote}`);
      continue;
    }
    const oracle = flowOracle(intel, recs[i]);
    if (oracle.types.has(t.c.type)) {
      score.originalMatch('vpcflow', t.c.type, where(i), `${recs[i].fields.slice(3, 7).join(' ')} ${recs[i].fields[12]}, labelled ${recs[i].label} ${recs[i].detailed}`, oracle.lists);
      originalListed.set(i, oracle);
    } else {
      score.falseFinding('vpcflow', t.c.type, where(i), `remote ${remote}, record ${recs[i].fields.slice(3, 7).join(' ')} ${recs[i].fields[12]} (${recs[i].dir}, ${recs[i].label}); `
        + `lists ${oracle.lists.join(', ') || 'none'}; the rules call for ${[...oracle.types].join(', ') || 'nothing'}`);
    }
  }
  for (const inj of injections) {
    score.injected('vpcflow', inj.expected, Boolean(inj.hit), where(inj.opener), `${inj.list}: ${inj.old} → ${inj.new} (${inj.action}, remote port ${inj.remotePort}, local port ${inj.localPort}), no candidate`);
  }
  // the original records whose remote address is listed, and what became of them
  const originalUnraised: Item[] = [];
  const listedOriginal = { records: 0, addresses: new Set<string>(), responderRecords: 0, inboundRejected: 0, ruleSaysNothing: 0, raised: 0, notRaised: 0 };
  recs.forEach((r, i) => {
    if (injectedAt.has(i)) return;
    const o = flowOracle(intel, r);
    if (!o.lists.length) return;
    const f = r.fields;
    listedOriginal.records++;
    listedOriginal.addresses.add(f[3] === LOCAL ? f[4] : f[3]);
    if (r.dir !== 'orig->resp') { listedOriginal.responderRecords++; return; }
    if (f[4] === LOCAL && f[12] !== 'ACCEPT') { listedOriginal.inboundRejected++; return; }
    if (!o.types.size) { listedOriginal.ruleSaysNothing++; return; }
    if (originalListed.has(i)) { listedOriginal.raised++; return; }
    listedOriginal.notRaised++;
    for (const type of o.types) {
      originalUnraised.push({ type, where: where(i), detail: `${f.slice(3, 7).join(' ')} ${f[12]} (Zeek: ${f[4] === LOCAL ? 'inbound' : 'outbound'}) on ${o.lists.join(', ')}, `
        + `no candidate; the port heuristic reads the record as ${inferred[i]} (v2 records carry no TCP flags)` });
    }
  });
  return {
    changes, injections, pools, excluded, originalUnraised, listedOriginal: { ...listedOriginal, addresses: listedOriginal.addresses.size },
    records: recs.length, eventsRead: run.events, rejected: run.bad, misread,
    eligible: { outbound: outbound.length, inbound: inbound.length },
  };
}

/** What the rules call for on one original record: its remote address listed, opener's record only. */
function flowOracle(intel: Intel, r: FlowRec): { types: Set<string>; lists: string[] } {
  const f = r.fields;
  const out = f[3] === LOCAL;
  const remote = out ? f[4] : f[3];
  const remotePort = Number(out ? f[6] : f[5]), localPort = Number(out ? f[5] : f[6]);
  if (!isPublicIp(remote)) return { types: new Set(), lists: [] };
  const { names, purposes } = listsOf(intel.threat, intel.threat.lookupIp(remote, remotePort));
  if (!names.length || r.dir !== 'orig->resp') return { types: new Set(), lists: names };
  return { types: flowTypesFor(purposes, out, f[12], localPort), lists: names };
}

// ---------------------------------------------------------------------------------------------
// DNS

interface DnsQuery { name: string; time: number; answer: string; injected?: { expected: string; list: string; listed: string; subdomain: boolean; hit?: boolean } }

const SUBDOMAIN_LABELS = ['www', 'eu1', 'api', 'us-west', 'node7', 'mail', 'cdn'];

function randomPublicIp(rand: () => number, intel: Intel): string {
  for (;;) {
    const ip = intToIpv4(Math.floor(rand() * 4294967296) >>> 0);
    if (isPublicIp(ip) && intel.threat.lookupIp(ip) === 0) return ip;
  }
}

function runDns(intel: Intel, rand: () => number, score: Score) {
  const background = [...new Set(readFileSync(BENIGN_NAMES, 'utf8').split(/\r?\n/).map((l) => l.trim().toLowerCase()).filter(Boolean))];
  const inBackground = new Set(background);
  const at = () => NOW + Math.floor(rand() * 2 * DAY / 1000) * 1000;
  const queries: DnsQuery[] = background.map((name) => ({ name, time: at(), answer: randomPublicIp(rand, intel) }));

  // injected names: listed domains (and subdomains of them) whose every list has the intended purpose
  const plans: { lists: ListKey[]; expected: string; perList: number }[] = [
    { lists: ['mining', 'pantherMining'], expected: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', perList: 15 },
    { lists: ['apt1'], expected: 'Backdoor:EC2/C&CActivity.B!DNS', perList: 6 },
  ];
  const usedNames = new Set<string>();
  for (const plan of plans) {
    const purpose = INTEL_LISTS[plan.lists[0]].purpose;
    for (const key of plan.lists) {
      const domains = [...new Set(intel.content[key].domains)].filter((d) => !inBackground.has(d));
      // apt1 names three domains: each is queried itself and as a subdomain
      const picks = domains.length * 2 <= plan.perList ? [...domains, ...domains] : sample(rand, domains, plan.perList);
      picks.forEach((listed, k) => {
        const subdomain = domains.length * 2 <= plan.perList ? k >= domains.length : k % 3 === 2;
        const name = subdomain ? `${SUBDOMAIN_LABELS[Math.floor(rand() * SUBDOMAIN_LABELS.length)]}.${listed}` : listed;
        const hits = listsOf(intel.threat, intel.threat.lookupDomain(name));
        if (usedNames.has(name) || inBackground.has(name) || !hits.purposes.length || hits.purposes.some((p) => p !== purpose)) return;
        usedNames.add(name);
        queries.push({ name, time: at(), answer: randomPublicIp(rand, intel), injected: { expected: plan.expected, list: INTEL_LISTS[key].name, listed, subdomain } });
      });
    }
  }
  // the log in time order (a stable sort keeps the seeded order on equal times)
  queries.sort((a, b) => a.time - b.time);
  const start = queries[0].time;
  const text = queries.map((q, i) => dnsLine({
    query_timestamp: new Date(q.time).toISOString().replace('.000Z', 'Z'), query_name: `${q.name}.`,
    answers: [{ Rdata: q.answer, Type: 'A', Class: 'IN' }], srcaddr: '10.0.1.25', srcport: String(1024 + ((i * 7919) % 60000)),
    srcids: { instance: 'i-0e7a1b2c3d4e5f601' },
  })).join('\n') + '\n';

  let misread = 0;
  const run = runTraced([{ kind: 'dns', text, path: 'route53-resolver-eval.log' }], intel.services, (e, seq) => {
    if (e.kind === 'dns' && e.queryName !== queries[seq]?.name) misread++;
  });
  const where = (i: number) => `dns query ${i + 1} (${queries[i].name})`;
  const reputationFalse: { name: string; type: string; score: unknown; features: unknown; day: number }[] = [];
  for (const t of run.traced) {
    const q = queries[t.seq];
    if (!q || (!LIST_TYPES.has(t.c.type) && !REPUTATION_TYPES.has(t.c.type))) continue;
    const domain = remoteOf(t.c);
    if (q.injected) {
      if (!q.injected.hit && t.c.type === q.injected.expected && domain === q.name) q.injected.hit = true;
      else score.falseFinding('dns', t.c.type, where(t.seq), `on an injected query (${q.injected.list}, expected ${q.injected.expected} once)`);
      continue;
    }
    if (REPUTATION_TYPES.has(t.c.type)) {
      const rep = (t.c.additionalInfo?.reputation ?? {}) as { score?: number; features?: string[] };
      const day = q.time - start >= DAY ? 2 : 1;
      reputationFalse.push({ name: q.name, type: t.c.type, score: rep.score, features: rep.features, day });
      score.falseFinding('dns', t.c.type, where(t.seq), `benign background name, day ${day}, score ${rep.score} from ${(rep.features ?? []).join(', ')}`);
      continue;
    }
    const { names, purposes } = listsOf(intel.threat, intel.threat.lookupDomain(q.name));
    const types = new Set(purposes.map((p) => DNS_TYPES[p]).filter(Boolean));
    if (types.has(t.c.type)) score.originalMatch('dns', t.c.type, where(t.seq), `background name listed as ${intel.threat.matchDomain(q.name)[1]}`, names);
    else score.falseFinding('dns', t.c.type, where(t.seq), `background name; lists ${names.join(', ') || 'none'}`);
  }
  const injected = queries.filter((q) => q.injected);
  for (const q of injected) {
    const inj = q.injected!;
    score.injected('dns', inj.expected, Boolean(inj.hit), `dns query ${queries.indexOf(q) + 1}`, `${q.name} (${inj.subdomain ? `subdomain of ${inj.listed}` : 'listed'}, ${inj.list}), no candidate`);
  }
  return {
    queries: queries.length, background: background.length, scorable: background.filter(scorable).length,
    dayTwo: queries.filter((q) => !q.injected && q.time - start >= DAY).length,
    // the model alone, as if every background name were first seen after the learning day
    steadyState: queries.filter((q) => !q.injected && scorable(q.name) && intel.threat.lookupDomain(q.name) === 0)
      .map((q) => ({ name: q.name, ...reputation(q.name, true, [q.answer]) })).filter((r) => r.type)
      .map((r) => ({ name: r.name, type: r.type!, score: r.score, features: r.features })),
    eventsRead: run.events, rejected: run.bad, misread,
    injected: injected.map((q) => ({ line: queries.indexOf(q) + 1, name: q.name, time: new Date(q.time).toISOString(), listed: q.injected!.listed, subdomain: q.injected!.subdomain, list: q.injected!.list, expected: q.injected!.expected })),
    reputationFalse,
  };
}

// ---------------------------------------------------------------------------------------------
// CloudTrail

interface CtEvent { file: string; index: number; rec: CloudTrailRecord }
interface CtChange { file: string; index: number; eventName: string; old: string; new: string; expected: string; list: string; hit?: boolean }

function runCloudTrail(intel: Intel, rand: () => number, score: Score) {
  const files = readdirSync(STRATUS_DIR).filter((f) => f.endsWith('.json') && f !== 'LABELS.json').sort();
  const byFile = files.map((file) => ({ file, recs: JSON.parse(readFileSync(join(STRATUS_DIR, file), 'utf8')) as CloudTrailRecord[] }));
  const events: CtEvent[] = byFile.flatMap(({ file, recs }) => recs.map((rec, index) => ({ file, index, rec })));
  const originalIps = new Set(events.map((e) => e.rec.sourceIPAddress));
  // calls an AWS service made for the principal carry no caller address to rewrite
  const eligible = events.filter((e) => typeof e.rec.eventName === 'string' && typeof e.rec.sourceIPAddress === 'string'
    && !/[a-z]/i.test(e.rec.sourceIPAddress) && !e.rec.userIdentity?.invokedBy);
  const plans: { list: ListKey; recon: number; other: number; tor: boolean }[] = [
    { list: 'tor', recon: 10, other: 8, tor: true },
    { list: 'ipsum', recon: 10, other: 8, tor: false },
  ];
  const changes = new Map<CtEvent, CtChange>();
  const usedIps = new Set<string>();
  for (const plan of plans) {
    const spec = INTEL_LISTS[plan.list];
    const pool = addressPool(rand, intel.content[plan.list], 0).filter((a) => a.port < 0 && isPublicIp(a.ip) && !originalIps.has(a.ip) && onlyOn(intel, a.ip, -1, plan.list));
    const free = eligible.filter((e) => !changes.has(e));
    const picks = [...sample(rand, free.filter((e) => RECON_CALL.test(e.rec.eventName!)), plan.recon), ...sample(rand, free.filter((e) => !RECON_CALL.test(e.rec.eventName!)), plan.other)];
    for (const e of picks) {
      const a = pool.find((x) => !usedIps.has(x.ip));
      if (!a) break;
      usedIps.add(a.ip);
      const stage = RECON_CALL.test(e.rec.eventName!) ? 'Recon' : 'UnauthorizedAccess';
      changes.set(e, { file: e.file, index: e.index, eventName: e.rec.eventName!, old: e.rec.sourceIPAddress!, new: a.ip, expected: `${stage}:IAMUser/${plan.tor ? 'TorIPCaller' : 'MaliciousIPCaller'}`, list: spec.name });
    }
  }
  const changedEvents = events.map((e) => (changes.has(e) ? { ...e, rec: { ...e.rec, sourceIPAddress: changes.get(e)!.new } } : e));
  let misread = 0;
  const run = runTraced(byFile.map(({ file }) => ({ kind: 'cloudtrail' as const, path: file, text: cloudTrailFile(changedEvents.filter((e) => e.file === file).map((e) => e.rec)) })), intel.services, (e, seq) => {
    if (e.kind === 'cloudtrail' && (e.raw.eventID !== changedEvents[seq]?.rec.eventID || e.sourceIp !== changedEvents[seq]?.rec.sourceIPAddress)) misread++;
  });
  const where = (i: number) => `${events[i].file.replace(/\.json$/, '')} #${events[i].index + 1} ${events[i].rec.eventName}`;
  for (const t of run.traced) {
    if (!LIST_TYPES.has(t.c.type)) continue;
    const e = events[t.seq], ch = e && changes.get(e), remote = remoteOf(t.c);
    if (!e) continue;
    if (ch) {
      if (!ch.hit && t.c.type === ch.expected && remote === ch.new) ch.hit = true;
      else score.falseFinding('cloudtrail', t.c.type, where(t.seq), `on an injected call (${ch.list}, expected ${ch.expected} once)`);
      continue;
    }
    const ip = e.rec.sourceIPAddress ?? '';
    const { names, purposes } = isPublicIp(ip) ? listsOf(intel.threat, intel.threat.lookupIp(ip)) : { names: [], purposes: [] };
    if (apiTypesFor(purposes, e.rec.eventName ?? '').has(t.c.type)) score.originalMatch('cloudtrail', t.c.type, where(t.seq), `original caller ${ip}`, names);
    else score.falseFinding('cloudtrail', t.c.type, where(t.seq), `original caller ${ip}; lists ${names.join(', ') || 'none'}`);
  }
  for (const ch of changes.values()) {
    score.injected('cloudtrail', ch.expected, Boolean(ch.hit), `${ch.file.replace(/\.json$/, '')} #${ch.index + 1} ${ch.eventName}`, `${ch.list}: ${ch.old} → ${ch.new}, no candidate`);
  }
  return {
    files: files.length, events: events.length, eventsRead: run.events, rejected: run.bad, misread,
    changes: [...changes.values()].map(({ hit: _hit, ...c }) => ({ ...c, event: c.index + 1 })),
  };
}

// ---------------------------------------------------------------------------------------------

const pct = (n: number, d: number) => (d === 0 ? '-' : (n / d).toFixed(2));

export async function runIntel(): Promise<CorpusResult> {
  const intel = await loadIntel();
  const score = new Score();
  // one stream per log, so adding draws to one log never shifts another's
  const flows = runFlows(intel, seededRandom(INTEL_SEED), score);
  const dns = runDns(intel, seededRandom(INTEL_SEED + 1), score);
  const ct = runCloudTrail(intel, seededRandom(INTEL_SEED + 2), score);
  for (const t of REPUTATION_TYPES) score.fig('dns', t);

  const order: Log[] = ['vpcflow', 'dns', 'cloudtrail'];
  const perType = [...score.perType.values()].sort((a, b) => order.indexOf(a.log) - order.indexOf(b.log) || a.type.localeCompare(b.type));
  const rows = score.tally.rows();
  for (const t of REPUTATION_TYPES) if (!rows.some((r) => r.type === t)) rows.push({ type: t, expected: 0, hits: 0, misses: 0, falseFindings: 0 });
  rows.sort((a, b) => a.type.localeCompare(b.type));

  const repByType = new Map<string, string[]>();
  for (const r of dns.reputationFalse) repByType.set(r.type, [...(repByType.get(r.type) ?? []), r.name]);
  const notes: string[] = [
    `Lists (real parsers, ad-hoc lists): ${intel.loaded.map((l) => `${l.name} [${l.purpose}] ${l.entries}`).join('; ')}.${intel.problems.length ? ` Problems: ${intel.problems.join('; ')}` : ''}`,
    `Seed ${INTEL_SEED}. Addresses drawn only when public, absent from the original log, and on the intended list alone (available per list: ${Object.entries(flows.pools).map(([k, v]) => `${k} ${v.available}`).join(', ')}; ${flows.pools[INTEL_LISTS.mining.name]?.ipPort ?? 0} mining injections are ip:443 entries).`,
    `VPC flow 008-mixed: ${flows.injections.length} connections injected (${flows.changes.length} records; ${flows.injections.filter((i) => i.action === 'REJECT').length} outbound attempts REJECTed, still counted), `
      + `from ${flows.eligible.outbound} eligible benign outbound and ${flows.eligible.inbound} eligible inbound ACCEPTed attack connections. Not injectable: `
      + `${flows.excluded.outboundDirection} benign outbound and ${flows.excluded.inboundDirection} inbound attack connections whose direction the port heuristic reads the other way (v2 has no TCP flags), `
      + `${flows.excluded.inboundRejected} REJECTed inbound (raise nothing by rule), ${flows.excluded.inboundWebPort} inbound to 80/443 or an EMR port, `
      + `${flows.excluded.alreadyListed} connections whose remote is already listed (left as original traffic).`,
    `DNS: ${dns.background} benign names (alexa_1000), one query each over two days (${dns.dayTwo} on day 2, after the reputation model's learning day; ${dns.background - dns.scorable} popular or infrastructure names are never scored), `
      + `plus ${dns.injected.length} injected queries (${dns.injected.filter((q) => q.subdomain).length} subdomains of listed domains).`,
    `Original flows with a listed remote: ${flows.listedOriginal.records} records, ${flows.listedOriginal.addresses} addresses; ${flows.listedOriginal.responderRecords} responder records and `
      + `${flows.listedOriginal.inboundRejected} REJECTed inbound raise nothing by rule, ${flows.listedOriginal.ruleSaysNothing} other records where the rules call for nothing; `
      + `of the rest, ${flows.listedOriginal.raised} raised, ${flows.listedOriginal.notRaised} not (listed below).`,
    `CloudTrail: ${ct.changes.length} of ${ct.events} Stratus events given a listed sourceIPAddress (${ct.changes.filter((c) => RECON_CALL.test(c.eventName)).length} reconnaissance calls).`,
    `Reputation model on the benign background: ${dns.reputationFalse.length} false finding(s)${dns.reputationFalse.length ? ': ' + [...repByType].map(([t, n]) => `${t.replace('Impact:EC2/', '')} ${n.length} (${n.join(', ')})`).join('; ') : ''}. `
      + `With every name first seen after the learning day the model would flag ${dns.steadyState.length}: ${dns.steadyState.map((r) => `${r.name} (${r.features.join('+')})`).join(', ') || 'none'}.`,
  ];
  if (score.original.length) {
    notes.push(`Matches on original traffic (${score.original.length}): listed addresses or names already in the public logs, raised as the rules say — not counted as false; they may be true positives:`);
    for (const o of score.original.slice(0, 25)) notes.push(`  ${o.type} @ ${o.where}: ${o.detail} — on ${o.lists.join(', ')}`);
    if (score.original.length > 25) notes.push(`  … ${score.original.length - 25} more in the JSON`);
  }
  if (flows.originalUnraised.length) {
    notes.push(`Listed remotes in the original flows where the rules call for a finding and none came (${flows.originalUnraised.length}):`);
    for (const o of flows.originalUnraised.slice(0, 15)) notes.push(`  ${o.type} @ ${o.where}: ${o.detail}`);
  }
  const parsing = [
    flows.eventsRead !== flows.records || flows.rejected || flows.misread ? `vpcflow: ${flows.records} records, ${flows.eventsRead} read, ${flows.rejected} rejected, ${flows.misread} out of order` : '',
    dns.eventsRead !== dns.queries || dns.rejected || dns.misread ? `dns: ${dns.queries} queries, ${dns.eventsRead} read, ${dns.rejected} rejected, ${dns.misread} out of order` : '',
    ct.eventsRead !== ct.events || ct.rejected || ct.misread ? `cloudtrail: ${ct.events} events, ${ct.eventsRead} read, ${ct.rejected} rejected, ${ct.misread} out of order` : '',
  ].filter(Boolean);
  const misses = [...score.misses, ...parsing.map((p) => ({ type: '(parser)', where: 'intel', detail: `${p}: candidates cannot be traced to records` }))];

  return {
    id: 'intel',
    title: 'Threat intelligence: public lists injected into public logs (seeded; every changed record recorded)',
    rows,
    misses,
    falseFindings: score.falseFindings,
    otherFindings: [],
    pending: [],
    notes,
    detail: {
      head: ['log', 'finding type', 'injected', 'detected', 'recall', 'false', 'original-traffic matches'],
      rows: perType.map((f) => [f.log, f.type, f.injected, f.detected, pct(f.detected, f.injected), f.falseFindings, f.originalMatches]),
    },
    extra: {
      seed: INTEL_SEED,
      lists: intel.loaded,
      perType: perType.map((f) => ({ ...f, recall: f.injected ? f.detected / f.injected : null })),
      originalMatches: score.original,
      reputationFalse: dns.reputationFalse,
      reputationSteadyState: dns.steadyState,
      vpcflow: { file: '008-mixed.vpcflow-v2.log', records: flows.records, eligible: flows.eligible, excluded: flows.excluded, listedOriginal: flows.listedOriginal, pools: flows.pools, changes: flows.changes, originalUnraised: flows.originalUnraised },
      dns: { queries: dns.queries, background: dns.background, injected: dns.injected },
      cloudtrail: { files: ct.files, events: ct.events, changes: ct.changes },
      problems: intel.problems,
    },
  };
}
