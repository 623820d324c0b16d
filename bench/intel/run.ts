/**
 * Runs the threat-intel matcher benchmark in its own process (for its peak RSS) and prints it:
 * load time for N IPv4 + C CIDR + D domain indicators through the real TXT parser, bytes per
 * IPv4 indicator, lookups/s against the loaded index, and the ratio to a JavaScript Set of the
 * same addresses measured in the same process. Aims (issue 3): ≥ 5M IPv4 lookups/s on one core,
 * ≤ 20 bytes per IPv4 indicator.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface IntelBench {
  ipv4: number; cidrs: number; domains: number; textMb: number; parsedMs: number; loadMs: number; bytesPerIpv4: number;
  segments: number; lookupsPerSec: number; exactLookupsPerSec: number; baselineSetPerSec: number; hits: number;
  domainLookupsPerSec: number; maxRssMb: number;
}

export function runIntelBench(sizes: { ipv4: number; cidrs: number; domains: number; queries: number }): Promise<IntelBench> {
  const argv = ['--expose-gc', '--import', 'tsx', join(HERE, 'matcher.ts'), String(sizes.ipv4), String(sizes.cidrs), String(sizes.domains), String(sizes.queries)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: join(HERE, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_INTEL '));
      if (code !== 0 || !line) reject(new Error(`intel bench failed (exit ${code}): ${err.slice(-1500)}`));
      else resolve(JSON.parse(line.slice('BENCH_INTEL '.length)) as IntelBench);
    });
  });
}

const M = (n: number) => `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;

export function printIntelBench(r: IntelBench): string {
  const rows = [
    ['indicators loaded', `${M(r.ipv4)} IPv4 + ${M(r.cidrs)} CIDR + ${M(r.domains)} domains (${r.textMb.toFixed(0)} MB of TXT)`],
    ['load time', `${(r.loadMs / 1000).toFixed(2)} s (parse ${(r.parsedMs / 1000).toFixed(2)} s, build ${((r.loadMs - r.parsedMs) / 1000).toFixed(2)} s)`],
    ['bytes per IPv4 indicator', `${r.bytesPerIpv4.toFixed(1)} B (aim ≤ 20) ${r.bytesPerIpv4 <= 20 ? 'met' : 'NOT met'}`],
    ['CIDR segments', r.segments.toLocaleString('en-US')],
    ['IPv4 lookups/s (exact + CIDR, one core)', `${M(r.lookupsPerSec)} (aim ≥ 5M) ${r.lookupsPerSec >= 5e6 ? 'met' : 'NOT met'}`],
    ['IPv4 lookups/s, exact table only', M(r.exactLookupsPerSec)],
    ['baseline: JS Set of the same addresses', `${M(r.baselineSetPerSec)} (exact table ÷ Set = ${(r.exactLookupsPerSec / r.baselineSetPerSec).toFixed(2)}×)`],
    ['domain lookups/s (suffix walk)', M(r.domainLookupsPerSec)],
    ['peak RSS', `${r.maxRssMb.toFixed(0)} MB`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return ['Threat-intel matcher (queries: half uniformly random addresses, half listed ones)', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}
