/**
 * Corpus 5: network and DNS behaviour (issue 4), three parts, all through the real parsers,
 * enrichers and every registered detector (src/testing/harness.ts); candidates are counted one
 * per occurrence, before aggregation.
 *
 *   DGA         the held-back 20% of each DGA family in dns/dga-andrewaeva-1000domains (the split
 *               scripts/train-dga.ts uses: the model never saw these names) queried by one
 *               instance per family (20 s apart, NXDOMAIN but every tenth), and the held-back
 *               alexa_1000 and popular names queried by a benign instance. Recall of .B per name,
 *               of .C!DNS per family; every DGA candidate on a benign name is false.
 *   Tunnelling  each DNSExfiltrator capture (dns/dnsexfiltrator-tomaspena53, 24 files) replayed by
 *               its own instance at 4 queries/s as A queries → DNSDataExfiltration expected; a benign
 *               background (alexa and popular names with usual prefixes, CDN and AWS endpoint names
 *               with hashed labels, DNSBL and hash lookups) from three instances over two hours:
 *               any DNSDataExfiltration there is false.
 *   Baselines   the Stratosphere 008 capture (28 h of a public honeypot: benign outbound traffic to
 *               Microsoft, ESET, Dropbox; attacks inbound) with a learning period of 12 hours, plus
 *               injected behaviour in its second day (an LDAP callback, SMTP to six hosts, a new
 *               public resolver, DoH, DoT, 600 MB to one host, SYN, UDP, DNS, UDP-on-TCP-port and ICMP floods). Each injection expects
 *               its type naming the injected address; a candidate of an issue-4 type on the original
 *               records is false when every record between the two addresses is labelled Benign.
 *               The 002 capture (an Nmap scan) is replayed the same way (learning: first half).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingCandidate } from '../src/core/index.js';
import { detect, dnsLine, flowLine } from '../src/testing/harness.js';
import { setInstanceBaselineConfig } from '../src/detectors/behavior/config.js';
import { DATA, Tally, type CorpusResult, type Item } from './common.js';

const DGA_DIR = join(DATA, 'dns/dga-andrewaeva-1000domains');
const EXFIL_DIR = join(DATA, 'dns/dnsexfiltrator-tomaspena53');
const FLOW_DIR = join(DATA, 'vpcflow/derived-from-stratosphere');
const POPULAR = new URL('../data/popular-domains.txt', import.meta.url);
const T0 = Date.parse('2026-03-02T00:00:00Z');

const ISSUE4 = new Set(['Behavior:EC2/NetworkPortUnusual', 'Behavior:EC2/TrafficVolumeUnusual', 'Backdoor:EC2/Spambot', 'DefenseEvasion:EC2/UnusualDNSResolver',
  'DefenseEvasion:EC2/UnusualDoHActivity', 'DefenseEvasion:EC2/UnusualDoTActivity', 'Backdoor:EC2/DenialOfService.Tcp', 'Backdoor:EC2/DenialOfService.Udp',
  'Backdoor:EC2/DenialOfService.Dns', 'Backdoor:EC2/DenialOfService.UdpOnTcpPorts', 'Backdoor:EC2/DenialOfService.UnusualProtocol',
  'Trojan:EC2/DNSDataExfiltration', 'Trojan:EC2/DGADomainRequest.B', 'Trojan:EC2/DGADomainRequest.C!DNS']);

/** The held-back split of scripts/train-dga.ts. */
const heldBack = (name: string) => createHash('sha256').update(name).digest()[0] >= 205;
const names = (path: string | URL) => readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim().toLowerCase()).filter((l) => l && !l.startsWith('#') && l.includes('.'));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const dnsDomain = (c: FindingCandidate) => c.action.dnsRequestAction?.domain ?? '';
const instanceOf = (c: FindingCandidate) => c.resource.instanceDetails?.instanceId ?? '';

function dga(tally: Tally, falseFindings: Item[], misses: Item[], detail: (string | number)[][], extra: Record<string, unknown>): void {
  const lines: string[] = [];
  const families = readdirSync(DGA_DIR).filter((f) => f.endsWith('_1000.txt') && !f.startsWith('alexa')).sort();
  const expected = new Map<string, Set<string>>();
  for (const f of families) {
    const family = f.replace('_1000.txt', '');
    const set = new Set(names(join(DGA_DIR, f)).filter(heldBack));
    expected.set(family, set);
    [...set].forEach((n, i) => lines.push(dnsLine({
      query_name: `${n}.`, query_timestamp: iso(T0 + i * 20_000), srcids: { instance: `i-dga-${family}` }, srcaddr: '10.0.9.9',
      ...(i % 10 === 9 ? {} : { rcode: 'NXDOMAIN', answers: [] }),
    })));
  }
  const benign = [...new Set([...names(join(DGA_DIR, 'alexa_1000.txt')), ...names(POPULAR)])].filter(heldBack);
  benign.forEach((n, i) => lines.push(dnsLine({ query_name: `${n}.`, query_timestamp: iso(T0 + i * 5_000), srcids: { instance: 'i-benign' }, srcaddr: '10.0.1.1' })));
  const { candidates } = detect([{ kind: 'dns', text: lines.join('\n') + '\n' }]);
  const b = candidates.filter((c) => c.type === 'Trojan:EC2/DGADomainRequest.B');
  const c = candidates.filter((x) => x.type === 'Trojan:EC2/DGADomainRequest.C!DNS');
  let tp = 0, fn = 0;
  for (const [family, set] of expected) {
    const flagged = new Set(b.filter((x) => instanceOf(x) === `i-dga-${family}`).map(dnsDomain));
    const hit = [...set].filter((n) => flagged.has(n)).length;
    tp += hit; fn += set.size - hit;
    for (const n of set) tally.expect('Trojan:EC2/DGADomainRequest.B', flagged.has(n));
    const burst = c.some((x) => instanceOf(x) === `i-dga-${family}`);
    tally.expect('Trojan:EC2/DGADomainRequest.C!DNS', burst);
    if (!burst) misses.push({ type: 'Trojan:EC2/DGADomainRequest.C!DNS', where: `dga/${family}`, detail: `${set.size} names, ${hit} scored as generated, no burst` });
    detail.push([`DGA ${family}`, set.size, hit, `${(100 * hit / set.size).toFixed(1)}%`, burst ? 'yes' : 'no']);
  }
  const fpB = b.filter((x) => instanceOf(x) === 'i-benign');
  const fpC = c.filter((x) => instanceOf(x) === 'i-benign');
  tally.falseFinding('Trojan:EC2/DGADomainRequest.B', fpB.length);
  tally.falseFinding('Trojan:EC2/DGADomainRequest.C!DNS', fpC.length);
  for (const x of [...fpB, ...fpC]) falseFindings.push({ type: x.type, where: 'dga/benign', detail: dnsDomain(x) });
  detail.push(['benign (alexa + popular, held back)', benign.length, fpB.length, `${(100 * fpB.length / benign.length).toFixed(1)}%`, fpC.length ? 'yes' : 'no']);
  const precision = tp / Math.max(1, tp + fpB.length), recall = tp / Math.max(1, tp + fn);
  extra.dga = { names: tp + fn, benign: benign.length, tp, fn, fp: fpB.length, precision: +precision.toFixed(4), recall: +recall.toFixed(4), f1: +(2 * precision * recall / Math.max(1e-9, precision + recall)).toFixed(4), burstFamilies: c.length };
}

function tunnelling(tally: Tally, falseFindings: Item[], misses: Item[], detail: (string | number)[][], extra: Record<string, unknown>): void {
  const files = readdirSync(EXFIL_DIR).filter((f) => f.startsWith('U-FLNAME-')).sort();
  const lines: string[] = [];
  files.forEach((f, k) => {
    const qs = readFileSync(join(EXFIL_DIR, f), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).map((l) => l.split(',')[1]?.replace(/"/g, '') ?? '');
    qs.forEach((q, i) => lines.push(dnsLine({ query_name: `${q}.`, query_type: 'A', query_timestamp: iso(T0 + k * 3_600_000 + i * 250), srcids: { instance: `i-exfil-${k}` }, srcaddr: `10.0.2.${k + 1}`, rcode: 'NXDOMAIN', answers: [] })));
  });
  // benign background: three instances, two hours
  const hex = (i: number) => (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0');
  const popular = names(POPULAR), alexa = names(join(DGA_DIR, 'alexa_1000.txt'));
  const prefixes = ['www', 'api', 'cdn', 'static', 'login', 'img', 'mail'];
  let bg = 0;
  for (let i = 0; i < 6_000; i++) {
    const t = T0 + 30 * 86_400_000 + Math.floor(i * 1_200);
    const pick = i % 6;
    const name = pick === 0 ? `${prefixes[i % prefixes.length]}.${popular[i % popular.length]}`
      : pick === 1 ? alexa[i % alexa.length]
        : pick === 2 ? `d${hex(i)}${hex(i + 1).slice(0, 4)}.cloudfront.net`
          : pick === 3 ? `${hex(i)}${hex(i + 2)}.execute-api.us-east-1.amazonaws.com`
            : pick === 4 ? `${hex(i)}${hex(i + 3)}${hex(i + 4)}${hex(i + 5)}.hash.cymru.com`
              : `${i % 250}.${(i * 7) % 250}.113.198.zen.spamhaus.org`;
    lines.push(dnsLine({ query_name: `${name}.`, query_timestamp: iso(t), srcids: { instance: `i-bg-${i % 3}` }, srcaddr: `10.0.3.${i % 3}` }));
    bg++;
  }
  const { candidates } = detect([{ kind: 'dns', text: lines.join('\n') + '\n' }]);
  const ex = candidates.filter((c) => c.type === 'Trojan:EC2/DNSDataExfiltration');
  let hits = 0;
  files.forEach((f, k) => {
    const hit = ex.some((c) => instanceOf(c) === `i-exfil-${k}`);
    if (hit) hits++; else misses.push({ type: 'Trojan:EC2/DNSDataExfiltration', where: `exfil/${f}`, detail: 'not detected' });
    tally.expect('Trojan:EC2/DNSDataExfiltration', hit);
  });
  const fp = ex.filter((c) => instanceOf(c).startsWith('i-bg-'));
  tally.falseFinding('Trojan:EC2/DNSDataExfiltration', fp.length);
  for (const x of fp) falseFindings.push({ type: x.type, where: 'exfil/background', detail: dnsDomain(x) });
  const other = candidates.filter((c) => instanceOf(c).startsWith('i-bg-') && ISSUE4.has(c.type) && c.type !== 'Trojan:EC2/DNSDataExfiltration');
  for (const x of other) { tally.falseFinding(x.type); falseFindings.push({ type: x.type, where: 'exfil/background', detail: dnsDomain(x) }); }
  detail.push(['DNSExfiltrator captures', files.length, hits, `${(100 * hits / files.length).toFixed(1)}%`, '']);
  detail.push(['benign high-cardinality DNS', bg, fp.length, `${(100 * fp.length / bg).toFixed(2)}%`, '']);
  extra.tunnelling = { captures: files.length, detected: hits, backgroundQueries: bg, falseFindings: fp.length };
}

interface Rec { src: string; dst: string; label: string }

function loadFlows(name: string): { text: string; recs: Rec[]; start: number; end: number; eni: string } {
  const text = readFileSync(join(FLOW_DIR, `${name}.vpcflow-v2.log`), 'utf8');
  const lines = text.split('\n').filter(Boolean).slice(1);
  const labels = readFileSync(join(FLOW_DIR, `${name}.labels.csv`), 'utf8').split(/\r?\n/).filter(Boolean).slice(1);
  const byLine = new Map(labels.map((l) => { const c = l.split(','); return [Number(c[0]), c[3]] as const; }));
  let start = Infinity, end = 0;
  const recs = lines.map((line, i) => {
    const f = line.split(' ');
    start = Math.min(start, Number(f[10])); end = Math.max(end, Number(f[10]));
    return { src: f[3], dst: f[4], label: byLine.get(i + 1) ?? '?' };
  });
  return { text, recs, start, end, eni: lines[0].split(' ')[2] };
}

interface Injection { type: string; remote: string; lines: string[] }

function injections(local: string, eni: string, t: number): Injection[] {
  const f = (o: Omit<Parameters<typeof flowLine>[0], 'eni' | 'account'>) => flowLine({ ...o, eni, account: '123456789012' });
  const conn = (remote: string, port: number, at: number, sport: number, proto = 6, out: [number, number] = [6, 5]) => [
    f({ src: local, dst: remote, sport, dport: port, proto, packets: out[0], bytes: out[0] * 120, start: at }),
    f({ src: remote, dst: local, sport: port, dport: sport, proto, packets: out[1], bytes: out[1] * 200, start: at }),
  ];
  return [
    { type: 'Behavior:EC2/NetworkPortUnusual', remote: '45.83.193.150', lines: conn('45.83.193.150', 1389, t, 51515) },
    { type: 'Backdoor:EC2/Spambot', remote: '', lines: Array.from({ length: 6 }, (_, i) => conn(`64.233.${160 + i}.27`, 25, t + 600 + i * 30, 52000 + i)).flat() },
    { type: 'DefenseEvasion:EC2/UnusualDNSResolver', remote: '77.88.8.8', lines: conn('77.88.8.8', 53, t + 1200, 53001, 17, [1, 1]) },
    { type: 'DefenseEvasion:EC2/UnusualDoHActivity', remote: '94.140.14.14', lines: conn('94.140.14.14', 443, t + 1800, 53002) },
    { type: 'DefenseEvasion:EC2/UnusualDoTActivity', remote: '9.9.9.9', lines: conn('9.9.9.9', 853, t + 2400, 53003) },
    { type: 'Behavior:EC2/TrafficVolumeUnusual', remote: '185.199.108.153', lines: Array.from({ length: 10 }, (_, i) => f({ src: local, dst: '185.199.108.153', sport: 53004, dport: 443, packets: 45_000, bytes: 60_000_000, start: t + 3000 + i * 60 })) },
    { type: 'Backdoor:EC2/DenialOfService.Tcp', remote: '93.184.216.34', lines: Array.from({ length: 150 }, (_, i) => f({ src: local, dst: '93.184.216.34', sport: 20000 + i, dport: 80, packets: 1_000, bytes: 40_000, start: t + 4000, end: t + 4059 })) },
    { type: 'Backdoor:EC2/DenialOfService.Udp', remote: '94.130.0.1', lines: Array.from({ length: 40 }, (_, i) => f({ src: local, dst: '94.130.0.1', sport: 21000 + i, dport: 27015, proto: 17, packets: 4_000, bytes: 2_048_000, start: t + 4200, end: t + 4259 })) },
    { type: 'Backdoor:EC2/DenialOfService.Dns', remote: '8.8.4.4', lines: Array.from({ length: 40 }, (_, i) => f({ src: local, dst: '8.8.4.4', sport: 22000 + i, dport: 53, proto: 17, packets: 4_000, bytes: 280_000, start: t + 4400, end: t + 4459 })) },
    { type: 'Backdoor:EC2/DenialOfService.UdpOnTcpPorts', remote: '104.18.32.7', lines: Array.from({ length: 40 }, (_, i) => f({ src: local, dst: '104.18.32.7', sport: 23000 + i, dport: 80, proto: 17, packets: 4_000, bytes: 3_600_000, start: t + 4600, end: t + 4659 })) },
    { type: 'Backdoor:EC2/DenialOfService.UnusualProtocol', remote: '151.101.65.69', lines: [f({ src: local, dst: '151.101.65.69', sport: 0, dport: 0, proto: 1, packets: 150_000, bytes: 12_600_000, start: t + 4800, end: t + 4859 })] },
  ];
}

function remoteOf(c: FindingCandidate): string { return c.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4 ?? ''; }

function baselines(tally: Tally, falseFindings: Item[], misses: Item[], otherFindings: Item[], detail: (string | number)[][], extra: Record<string, unknown>): void {
  const perFile: Record<string, unknown> = {};
  for (const [name, local, inject] of [['008-mixed', '147.32.81.167', true], ['002-portscan', '172.16.1.11', false]] as const) {
    const { text, recs, start, end, eni } = loadFlows(name);
    const learnDays = inject ? 0.5 : (end - start) / 2 / 86_400;
    setInstanceBaselineConfig({ learningDays: learnDays });
    try {
      const t = start + 86_400 - (start % 86_400) + 11 * 3600; // 11:00 of the capture's second day
      const inj = inject ? injections(local, eni, t) : [];
      const injected = new Set(inj.flatMap((i) => i.lines));
      const all = text.trimEnd() + '\n' + [...injected].join('\n') + '\n';
      const { candidates } = detect([{ kind: 'vpcflow', text: all }]);
      const mine = candidates.filter((c) => ISSUE4.has(c.type));
      for (const i of inj) {
        const hit = mine.some((c) => c.type === i.type && (i.remote === '' || remoteOf(c) === i.remote));
        tally.expect(i.type, hit);
        if (!hit) misses.push({ type: i.type, where: `${name}+injected`, detail: `injected ${i.lines.length} records${i.remote ? ` to ${i.remote}` : ''}` });
      }
      const injectedRemotes = new Set(inj.map((i) => i.remote));
      const smtp = (r: string) => r.startsWith('64.233.');
      let falseN = 0, onAttack = 0;
      for (const c of mine) {
        const r = remoteOf(c);
        if (injectedRemotes.has(r) || smtp(r)) continue;
        const labels = new Set(recs.filter((x) => (x.src === local && x.dst === r) || (x.src === r && x.dst === local)).map((x) => x.label));
        const item = { type: c.type, where: name, detail: `${local} ↔ ${r}: labels ${[...labels].join('/') || 'none'} — ${c.title}` };
        if (labels.size === 1 && labels.has('Benign')) { tally.falseFinding(c.type); falseFindings.push(item); falseN++; } else { otherFindings.push(item); onAttack++; }
      }
      detail.push([`${name} replay (learning ${learnDays.toFixed(2)} d)${inject ? ` + ${inj.length} injected` : ''}`, recs.length,
        inj.filter((i) => mine.some((c) => c.type === i.type && (i.remote === '' || remoteOf(c) === i.remote))).length, `${falseN} false, ${onAttack} on attack/unlabelled`, '']);
      perFile[name] = { records: recs.length, injected: inj.map((i) => i.type), candidates: mine.length, falseFindings: falseN, onAttackTraffic: onAttack };
    } finally {
      setInstanceBaselineConfig(undefined);
    }
  }
  extra.baselines = perFile;
}

export async function runNetwork(): Promise<CorpusResult> {
  const tally = new Tally();
  const misses: Item[] = [], falseFindings: Item[] = [], otherFindings: Item[] = [];
  const detail: (string | number)[][] = [];
  const extra: Record<string, unknown> = {};
  dga(tally, falseFindings, misses, detail, extra);
  tunnelling(tally, falseFindings, misses, detail, extra);
  baselines(tally, falseFindings, misses, otherFindings, detail, extra);
  const d = extra.dga as { precision: number; recall: number; f1: number };
  return {
    id: 'network', title: 'Network and DNS behaviour: DGA families, DNSExfiltrator captures, baselines on Stratosphere flows with injected behaviour',
    rows: tally.rows(), misses, falseFindings, otherFindings, pending: [],
    notes: [
      `DGA (.B per name, held-back split): precision ${d.precision}, recall ${d.recall}, F1 ${d.f1}; popular names are never scored at run time, so they cannot be false.`,
      'Baselines: Stratosphere captures span hours, not weeks; the learning period is shortened for the replay (VIGIL_INSTANCE_LEARNING_DAYS), and injected behaviour is synthetic on a real background.',
    ],
    detail: { head: ['set', 'items', 'detected', 'rate / false', 'burst (.C!DNS)'], rows: detail },
    extra,
  };
}
