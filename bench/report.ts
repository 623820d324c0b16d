/** Prints the benchmark summary as console tables. */
import type { BenchKind, Manifest } from './generate/index.js';
import type { Mode } from './protocol.js';
import { fixed, pct, showStat, si } from './stats.js';
import type { Summary } from './summarize.js';
import { table } from './table.js';

export const MODE_LABEL: Record<Mode, string> = {
  'ceiling': 'ceiling',
  'ceiling-json': 'ceiling+JSON',
  'parse': 'vigil parse',
  'scan': 'vigil scan',
  'scan-2t': 'vigil scan, 2 threads',
};

const LEGEND = `  ceiling       cloudtrail: read + gunzip + JSON.parse each file + touch 3 fields; vpcflow/dns: read + gunzip + split lines
  ceiling+JSON  dns: ceiling + JSON.parse of every line (the least any JSON-lines reader does)
  vigil parse   Vigil's sources + readers + parser only (events counted, no detection, no store)
  vigil scan    the real scan(): parsers → enrichers → detectors → findings → SQLite (end to end)
  …, 2 threads  the same with --threads 2: account partitions spread over two worker threads
  CPU/wall above 100% = work on other threads: V8's GC helpers, and for Vigil the gunzip stream (libuv pool)`;

export function printReport(s: Summary, manifests: Partial<Record<BenchKind, Manifest>>, datasets: { kind: BenchKind; reused: boolean }[], meta: string): void {
  const out: string[] = [meta, ''];
  out.push('Data (generated, seeded; gzip level 1)');
  out.push(table(['log type', 'records', 'files', 'raw MB', 'gz MB', 'B/record', 'generation'], datasets.map(({ kind, reused }) => {
    const m = manifests[kind]!;
    const w = m.written;
    return [kind, w.records.toLocaleString('en-US'), String(w.files), (w.rawBytes / 1e6).toFixed(0), (w.gzBytes / 1e6).toFixed(0), (w.rawBytes / w.records).toFixed(0),
      `${reused ? 'reused' : 'generated'} (${(m.generateMs / 1000).toFixed(1)} s)`];
  }), [false, true, true, true, true, true, false]));
  out.push('', 'Throughput (median of runs, min–max in brackets)');
  out.push(table(['log type', 'measurement', 'records/s', 'MB/s raw', 'MB/s gz', 'CPU/wall', 'records/CPU-s', 'peak RSS MB', 'GC'], s.modes.map((m) => [
    m.kind, MODE_LABEL[m.mode], showStat(m.recPerSec, si), showStat(m.mbPerSec, fixed(0)), showStat(m.gzMbPerSec, fixed(1)),
    showStat(m.cpuShare, pct), showStat(m.recPerCpuSec, si), showStat(m.rssMb, fixed(0)), showStat(m.gcShare, pct),
  ]), [false, false, true, true, true, true, true, true, true]));
  out.push(LEGEND);
  out.push('', 'Vigil ÷ ceiling (same bytes, paired run by run)');
  out.push(table(['log type', 'vigil', 'ceiling', 'ratio'], s.ratios.map((r) => [r.kind, MODE_LABEL[r.vigil], MODE_LABEL[r.ceiling], showStat(r.ratio, pct)]), [false, false, false, true]));
  if (s.aims.length) {
    out.push('', 'Aims');
    out.push(table(['log type', 'aim', 'measured (median)', 'met'], s.aims.map((a) => [a.kind, a.aim, a.measured, a.met ? 'yes' : 'NO'])));
  }
  if (s.findings.length) {
    out.push('', 'Findings raised on the generated data (first scan run)');
    out.push(table(['log type', 'finding type', 'created', 'occurrences', 'injected', 'status'], s.findings.map((f) => [
      f.kind, f.type, String(f.created), String(f.occurrences), f.injected === undefined ? '–' : String(f.injected), f.status,
    ]), [false, false, true, true, true, false]));
  }
  const other = s.modes.map((m) => m.otherCores.median).filter(Number.isFinite);
  if (other.length) out.push('', `Other processes on the machine used ${Math.max(...other).toFixed(2)} cores at most (median per measurement) while measuring.`);
  if (s.problems.length) out.push('', 'PROBLEMS', ...s.problems.map((p) => `  - ${p}`));
  console.log(out.join('\n'));
}
