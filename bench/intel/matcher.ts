/**
 * Threat-intel matcher benchmark (child process, so its peak RSS is its own):
 *
 * 1. Load: the list file (bench/intel/generate.ts) streams through the real loading path —
 *    `parseListFile` (src/intel/formats/stream.ts, what IntelManager.buildServices runs) into an
 *    `IntelIndexBuilder` — then `build()`. Timed; RSS before, peak RSS (`maxRSS`) right after,
 *    and the index's own bytes (its typed arrays).
 * 2. Lookups, in interleaved rounds, each figure per CPU-second of this process (= per core: the
 *    loops run on one thread and allocate nothing) and per wall second: the index's IPv4 lookup
 *    (exact + CIDR), the exact table alone, and the baselines in the same process: a JavaScript
 *    Map of the same addresses (int32 keys) and the previous matcher (bench/intel/previous.ts).
 *    Queries: half uniformly random addresses (no locality: the worst case), half listed ones.
 *    Then domain lookups (half subdomains of listed names, half unlisted), against the previous
 *    Map suffix walk.
 * Prints one `BENCH_INTEL {json}` line.
 *   node --expose-gc --import tsx bench/intel/matcher.ts <list file> <ipv4> <cidrs> <domains> <queries> <rounds>
 */
import { IntelIndexBuilder, type IntelIndex } from '../../src/intel/matcher/index.js';
import { Ipv4ExactTable } from '../../src/intel/matcher/ipv4-exact.js';
import { parseListFile } from '../../src/intel/formats/stream.js';
import { Prng } from '../prng.js';
import { replay } from './generate.js';
import { PreviousDomains, PreviousExact, PreviousRanges, previousLookupV4 } from './previous.js';

const [file, ...nums] = process.argv.slice(2);
const [N, C, D, Q, ROUNDS] = nums.map(Number);
const MB = 1024 * 1024;

// 1. load
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const maxRssBefore = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
const builder = new IntelIndexBuilder();
const sink = builder.sink({ id: 'bench', name: 'bench', purpose: 'custom' });
await parseListFile(file, 'TXT', sink, { now: Date.now() });
const parsedMs = performance.now() - t0;
const index = builder.build();
const loadMs = performance.now() - t0;
const loadPeakRss = process.resourceUsage().maxRSS * 1024;
global.gc?.();
const rssAfter = process.memoryUsage().rss;
const stats = index.stats();

// 2. lookups
const data = replay({ ipv4: N, cidrs: C, domains: D });
const rng = new Prng(11);
const queries = new Uint32Array(1 << 20);
for (let i = 0; i < queries.length; i++) queries[i] = i & 1 ? rng.next() >>> 0 : data.ips[Math.floor(rng.float() * N)];

const exact = new Ipv4ExactTable();
const one = () => 1;
for (let i = 0; i < N; i++) exact.add(data.ips[i], 1, one);
const map = new Map<number, number>();
for (let i = 0; i < N; i++) map.set(data.ips[i] | 0, 1);
const prevExact = new PreviousExact(data.ips, new Int32Array(N).fill(1), N, one);
const ends = new Uint32Array(C);
for (let i = 0; i < C; i++) ends[i] = (data.cidrStart[i] + 2 ** (32 - data.cidrPrefix[i]) - 1) >>> 0;
const prevRanges = new PreviousRanges(data.cidrStart, ends, new Int32Array(C).fill(1), C, one);

interface Timing { wall: number; cpu: number; hits: number }
function timed(loop: () => number, n: number): Timing {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const hits = loop();
  const c = process.cpuUsage(c0);
  return { wall: n / ((performance.now() - w0) / 1000), cpu: n / ((c.user + c.system) / 1e6), hits };
}
// one loop per structure, so each call site sees one receiver
function loopIndex(idx: IntelIndex): number { let h = 0; for (let i = 0; i < Q; i++) if (idx.lookupV4(queries[i & 0xfffff]) !== 0) h++; return h; }
function loopExact(t: Ipv4ExactTable): number { let h = 0; for (let i = 0; i < Q; i++) if (t.get(queries[i & 0xfffff]) !== 0) h++; return h; }
function loopMap(m: Map<number, number>): number { let h = 0; for (let i = 0; i < Q; i++) if ((m.get(queries[i & 0xfffff] | 0) ?? 0) !== 0) h++; return h; }
function loopPrevExact(t: PreviousExact): number { let h = 0; for (let i = 0; i < Q; i++) if (t.get(queries[i & 0xfffff]) !== 0) h++; return h; }
function loopPrev(e: PreviousExact, r: PreviousRanges): number { let h = 0; for (let i = 0; i < Q; i++) if (previousLookupV4(e, r, queries[i & 0xfffff]) !== 0) h++; return h; }

const cases: Record<string, () => Timing> = {
  index: () => timed(() => loopIndex(index), Q),
  exact: () => timed(() => loopExact(exact), Q),
  map: () => timed(() => loopMap(map), Q),
  previousExact: () => timed(() => loopPrevExact(prevExact), Q),
  previous: () => timed(() => loopPrev(prevExact, prevRanges), Q),
};
const samples: Record<string, Timing[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const k of Object.keys(cases)) cases[k](); // warm-up: every loop optimised before timing
for (let r = 0; r < ROUNDS; r++) {
  const keys = Object.keys(cases);
  for (let j = 0; j < keys.length; j++) { const k = keys[(j + r) % keys.length]; samples[k].push(cases[k]()); }
}

// domains: half subdomains of listed names, half unlisted names
const DQ = Math.min(1_000_000, Q);
const names: string[] = [];
for (let i = 0; i < DQ; i++) names.push(i & 1 ? `www.${data.domains[i % D]}` : `x${i}.example.com`);
const prevDomains = new PreviousDomains();
for (const d of data.domains) prevDomains.add(d, 1, one);
function loopDomains(idx: IntelIndex): number { let h = 0; for (let i = 0; i < DQ; i++) if (idx.lookupDomain(names[i]) !== 0) h++; return h; }
function loopPrevDomains(t: PreviousDomains): number { let h = 0; for (let i = 0; i < DQ; i++) if (t.get(names[i])[0] !== 0) h++; return h; }
const dSamples: Record<string, Timing[]> = { index: [], previous: [] };
loopDomains(index); loopPrevDomains(prevDomains);
for (let r = 0; r < ROUNDS; r++) {
  dSamples.index.push(timed(() => loopDomains(index), DQ));
  dSamples.previous.push(timed(() => loopPrevDomains(prevDomains), DQ));
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const summary = (ts: Timing[]) => ({ cpu: median(ts.map((t) => t.cpu)), wall: median(ts.map((t) => t.wall)), cpuMin: Math.min(...ts.map((t) => t.cpu)), cpuMax: Math.max(...ts.map((t) => t.cpu)), hits: ts[0].hits });

console.log(`BENCH_INTEL ${JSON.stringify({
  ipv4: N, cidrs: C, domains: D, queries: Q, rounds: ROUNDS,
  parsedMs, loadMs,
  rssBeforeMb: rssBefore / MB, maxRssBeforeMb: maxRssBefore / MB, loadPeakRssMb: loadPeakRss / MB, rssAfterMb: rssAfter / MB,
  tableMb: stats.bytes / MB, ipv4Mb: stats.ipv4Bytes / MB, cidrMb: stats.cidrBytes / MB, domainMb: stats.domainBytes / MB,
  bytesPerIpv4: stats.ipv4Bytes / stats.ipv4, bytesPerDomain: stats.domainBytes / stats.domains,
  loaded: { ipv4: stats.ipv4, cidrs: stats.ipv4Cidrs, segments: stats.ipv4Segments, domains: stats.domains },
  lookups: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)])),
  domainLookups: Object.fromEntries(Object.entries(dSamples).map(([k, v]) => [k, summary(v)])),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
})}`);
