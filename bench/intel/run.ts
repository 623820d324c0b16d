/**
 * Runs the threat-intel matcher benchmark: writes (or reuses) the seeded TXT list, measures it in
 * its own process (bench/intel/matcher.ts) and prints the figures with their targets (issue 15):
 * ≥ 10M IPv4 lookups/s per core with 10M IPv4 + 1M CIDR loaded, and a peak RSS while loading
 * within 2× of the final table size.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { ensureIntelList, type IntelSizes } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export const LOOKUP_TARGET = 10e6;
export const LOAD_RSS_TARGET = 2;

interface Figure { cpu: number; wall: number; cpuMin: number; cpuMax: number; hits: number }

export interface IntelBench {
  ipv4: number; cidrs: number; domains: number; queries: number; rounds: number; listMb: number;
  parsedMs: number; loadMs: number;
  rssBeforeMb: number; maxRssBeforeMb: number; loadPeakRssMb: number; rssAfterMb: number;
  tableMb: number; ipv4Mb: number; cidrMb: number; domainMb: number; bytesPerIpv4: number; bytesPerDomain: number;
  loaded: { ipv4: number; cidrs: number; segments: number; domains: number };
  lookups: Record<'index' | 'exact' | 'map' | 'previousExact' | 'previous', Figure>;
  domainLookups: Record<'index' | 'previous', Figure>;
  maxRssMb: number;
  /** (peak RSS while loading − RSS before) ÷ final table size. */
  loadRssRatio: number;
}

export async function runIntelBench(sizes: IntelSizes & { queries: number }, dataDir: string, rounds: number): Promise<IntelBench> {
  const list = ensureIntelList(join(dataDir, 'intel'), sizes);
  const listMb = statSync(list.path).size / (1024 * 1024);
  const argv = ['--expose-gc', '--import', 'tsx', join(HERE, 'matcher.ts'), list.path, String(sizes.ipv4), String(sizes.cidrs), String(sizes.domains), String(sizes.queries), String(rounds)];
  const r = await new Promise<Omit<IntelBench, 'listMb' | 'loadRssRatio'>>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: join(HERE, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_INTEL '));
      if (code !== 0 || !line) reject(new Error(`intel bench failed (exit ${code}): ${err.slice(-1500)}`));
      else resolve(JSON.parse(line.slice('BENCH_INTEL '.length)));
    });
  });
  return { ...r, listMb, loadRssRatio: (r.loadPeakRssMb - r.rssBeforeMb) / r.tableMb };
}

const M = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${(n / 1e3).toFixed(0)}k`);
const fig = (f: Figure) => `${M(f.cpu)} (${M(f.cpuMin)}–${M(f.cpuMax)}; wall ${M(f.wall)})`;

export function printIntelBench(r: IntelBench): string {
  const L = r.lookups, Dl = r.domainLookups;
  // the targets are for 10M IPv4 + 1M CIDR (+ 1M domains): smaller runs (--smoke) are dominated by fixed costs
  const full = r.ipv4 >= 10e6 && r.cidrs >= 1e6;
  const met = (ok: boolean) => (full ? (ok ? 'met' : 'NOT met') : 'not judged below 10M IPv4 + 1M CIDR');
  const rows = [
    ['indicators loaded', `${M(r.ipv4)} IPv4 + ${M(r.cidrs)} CIDR + ${M(r.domains)} domains (${r.listMb.toFixed(0)} MiB TXT file, streamed)`],
    ['load time', `${(r.loadMs / 1000).toFixed(2)} s (read + parse + insert ${(r.parsedMs / 1000).toFixed(2)} s, build ${((r.loadMs - r.parsedMs) / 1000).toFixed(2)} s)`],
    ['final table size', `${r.tableMb.toFixed(0)} MiB: exact IPv4 ${r.ipv4Mb.toFixed(0)} MiB (${r.bytesPerIpv4.toFixed(1)} B/address), CIDR ${r.cidrMb.toFixed(0)} MiB (${r.loaded.segments.toLocaleString('en-US')} segments), domains ${r.domainMb.toFixed(0)} MiB (${r.bytesPerDomain.toFixed(1)} B/domain)`],
    ['peak RSS while loading', `${r.loadPeakRssMb.toFixed(0)} MiB, ${r.rssBeforeMb.toFixed(0)} MiB before: +${(r.loadPeakRssMb - r.rssBeforeMb).toFixed(0)} MiB = ${r.loadRssRatio.toFixed(2)}× the table (target ≤ ${LOAD_RSS_TARGET}×) ${met(r.loadRssRatio <= LOAD_RSS_TARGET)}; the whole process ${(r.loadPeakRssMb / r.tableMb).toFixed(2)}× the table`],
    ['IPv4 lookups/s per core (exact + CIDR)', `${fig(L.index)} (target ≥ ${M(LOOKUP_TARGET)}) ${met(L.index.cpu >= LOOKUP_TARGET)}`],
    ['  baseline: previous matcher', `${fig(L.previous)}: new ÷ previous = ${(L.index.cpu / L.previous.cpu).toFixed(2)}×`],
    ['IPv4 lookups/s per core, exact table alone', fig(L.exact)],
    ['  baseline: JS Map of the same addresses', `${fig(L.map)}: exact table ÷ Map = ${(L.exact.cpu / L.map.cpu).toFixed(2)}×`],
    ['  baseline: previous exact table', `${fig(L.previousExact)}: new ÷ previous = ${(L.exact.cpu / L.previousExact.cpu).toFixed(2)}×`],
    ['domain lookups/s per core (suffix walk)', `${fig(Dl.index)}; previous (Map): ${fig(Dl.previous)}: ${(Dl.index.cpu / Dl.previous.cpu).toFixed(2)}×`],
    ['peak RSS of the process', `${r.maxRssMb.toFixed(0)} MiB (with the baselines built after loading)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return [`Threat-intel matcher (medians of ${r.rounds} interleaved rounds of ${M(r.queries)} queries; per core = per CPU-second of the process; queries: half uniformly random addresses, half listed ones)`,
    ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}
