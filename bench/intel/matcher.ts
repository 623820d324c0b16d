/**
 * Threat-intel matcher benchmark (child process): generates N IPv4 addresses, C CIDR blocks
 * and D domains as TXT list text (seeded), loads them through the real TXT parser into the
 * real index, then measures lookups. Prints one `BENCH_INTEL {json}` line.
 *
 * Baseline in the same process: a JavaScript `Set` of the same addresses (int32 keys), the
 * fastest built-in structure measured here — the ratio shows what the typed-array hash buys.
 *   node --import tsx bench/intel/matcher.ts <ipv4> <cidrs> <domains> <queries>
 */
import { Prng } from '../prng.js';
import { IntelIndexBuilder } from '../../src/intel/matcher/index.js';
import { parserForFormat } from '../../src/intel/formats/registry.js';

const [N, C, D, Q] = process.argv.slice(2).map(Number);
const rng = new Prng(7);
const u32 = () => rng.next() >>> 0;

// list text, as a 10-million-line TXT file would arrive
const ips = new Uint32Array(N);
const lines: string[] = [];
for (let i = 0; i < N; i++) {
  const a = u32();
  ips[i] = a;
  lines.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
}
for (let i = 0; i < C; i++) {
  const r = rng.float();
  const p = r < 0.6 ? 24 : r < 0.85 ? 28 : r < 0.95 ? 20 : 16;
  const a = (u32() & (0xffffffff << (32 - p))) >>> 0;
  lines.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${p}`);
}
const domains: string[] = [];
for (let i = 0; i < D; i++) {
  const d = `${u32().toString(36)}${i.toString(36)}.${['com', 'net', 'org', 'xyz', 'io'][i % 5]}`;
  domains.push(d);
  lines.push(d);
}
const text = lines.join('\n');
lines.length = 0;
const textMb = text.length / 1e6;

global.gc?.();
const before = process.memoryUsage();
const t0 = performance.now();
const builder = new IntelIndexBuilder();
const sink = builder.sink({ id: 'bench', name: 'bench', purpose: 'custom' });
parserForFormat('TXT').parse(text, sink, { now: Date.now() });
const parsedMs = performance.now() - t0;
const index = builder.build();
const loadMs = performance.now() - t0;
global.gc?.();
const after = process.memoryUsage();
const stats = index.stats();

// queries: half uniformly random (worst case: no locality), half repeats of listed addresses
const queries = new Uint32Array(1 << 20);
for (let i = 0; i < queries.length; i++) queries[i] = i & 1 ? u32() : ips[Math.floor(rng.float() * N)];
function time(fn: (q: number) => number): { perSec: number; hits: number } {
  let hits = 0;
  const t = performance.now();
  for (let i = 0; i < Q; i++) if (fn(queries[i & 0xfffff]) !== 0) hits++;
  return { perSec: Q / ((performance.now() - t) / 1000), hits };
}
time((q) => index.lookupV4(q)); // warm up
const ours = time((q) => index.lookupV4(q));
const exactOnly = new IntelIndexBuilder();
const es = exactOnly.sink({ id: 'x', name: 'x', purpose: 'custom' });
for (let i = 0; i < N; i++) es.ipv4(ips[i], 32, -1, undefined);
const exactIndex = exactOnly.build();
const oursExact = time((q) => exactIndex.lookupV4(q));
const set = new Set<number>();
for (let i = 0; i < N; i++) set.add(ips[i] | 0);
const baseline = time((q) => (set.has(q | 0) ? 1 : 0));

const dq = 1_000_000;
let dh = 0;
const td = performance.now();
for (let i = 0; i < dq; i++) if (index.lookupDomain(i & 1 ? `www.${domains[i % D]}` : `x${i}.example.com`) !== 0) dh++;
const domainPerSec = dq / ((performance.now() - td) / 1000);

console.log(`BENCH_INTEL ${JSON.stringify({
  ipv4: N, cidrs: C, domains: D, textMb, parsedMs, loadMs,
  bytesPerIpv4: exactIndex.stats().bytes / N,
  heapMb: (after.heapUsed - before.heapUsed) / 1e6, arrayBuffersMb: (after.arrayBuffers - before.arrayBuffers) / 1e6,
  segments: stats.ipv4Segments, lookupsPerSec: ours.perSec, exactLookupsPerSec: oursExact.perSec, baselineSetPerSec: baseline.perSec,
  hits: ours.hits, domainLookupsPerSec: domainPerSec, domainHits: dh, maxRssMb: process.resourceUsage().maxRSS / 1024,
})}`);
