/**
 * Turns the raw measurements into what the report shows: per log type and measurement the
 * median and range of throughput, CPU, memory and GC; Vigil ÷ ceiling ratios paired run by run
 * (same bytes, same moment, so machine noise mostly cancels); the aims; and the findings
 * Vigil raised against the attacks the generator injected.
 */
import type { BenchKind, Manifest } from './generate/index.js';
import type { Measurement, Mode } from './protocol.js';
import { stat, type Stat } from './stats.js';

export interface ModeSummary {
  kind: BenchKind;
  mode: Mode;
  records: number;
  bytesIn: number;
  bytesOut: number;
  recPerSec: Stat;
  /** Decompressed MB/s. */
  mbPerSec: Stat;
  /** Compressed MB/s. */
  gzMbPerSec: Stat;
  /** CPU time ÷ wall time (above 1: work on more than one thread, e.g. async gunzip). */
  cpuShare: Stat;
  /** Records per CPU-second: throughput per core. */
  recPerCpuSec: Stat;
  rssMb: Stat;
  gcShare: Stat;
  /** Other processes' CPU during the run, in cores. */
  otherCores: Stat;
}

export interface RatioSummary { kind: BenchKind; vigil: Mode; ceiling: Mode; ratio: Stat }

export interface AimResult { kind: BenchKind; aim: string; measured: string; met: boolean }

export interface FindingRow {
  kind: BenchKind;
  type: string;
  created: number;
  occurrences: number;
  /** Distinct findings the injected attacks should raise (undefined: not injected). */
  injected?: number;
  status: 'ok' | 'missed' | 'more than injected' | 'background' | 'not raised';
}

export interface Summary {
  modes: ModeSummary[];
  ratios: RatioSummary[];
  aims: AimResult[];
  findings: FindingRow[];
  /** Problems that make the run invalid (missed attacks, bad records, detector errors, unstable findings). */
  problems: string[];
}

const MB = 1e6;
const CEILING_FOR: [Mode, Mode][] = [['scan', 'ceiling'], ['parse', 'ceiling'], ['scan', 'ceiling-json'], ['parse', 'ceiling-json']];

export function summarize(samples: Measurement[], manifests: Partial<Record<BenchKind, Manifest>>): Summary {
  const s: Summary = { modes: [], ratios: [], aims: [], findings: [], problems: [] };
  const kinds = [...new Set(samples.map((m) => m.kind))];
  for (const kind of kinds) {
    const of = (mode: Mode) => samples.filter((m) => m.kind === kind && m.mode === mode);
    for (const mode of [...new Set(samples.filter((m) => m.kind === kind).map((m) => m.mode))]) {
      const ms = of(mode);
      s.modes.push({
        kind, mode, records: ms[0].records, bytesIn: ms[0].bytesIn, bytesOut: ms[0].bytesOut,
        recPerSec: stat(ms.map((m) => m.records / (m.wallMs / 1000))),
        mbPerSec: stat(ms.map((m) => m.bytesOut / MB / (m.wallMs / 1000))),
        gzMbPerSec: stat(ms.map((m) => m.bytesIn / MB / (m.wallMs / 1000))),
        cpuShare: stat(ms.map((m) => m.cpuMs / m.wallMs)),
        recPerCpuSec: stat(ms.map((m) => m.records / (m.cpuMs / 1000))),
        rssMb: stat(ms.map((m) => m.maxRssMb)),
        gcShare: stat(ms.map((m) => m.gcMs / m.wallMs)),
        otherCores: stat(ms.map((m) => (m.otherCpuMs ?? NaN) / m.wallMs)),
      });
    }
    for (const [vigil, ceiling] of CEILING_FOR) {
      const v = of(vigil), c = of(ceiling);
      const n = Math.min(v.length, c.length);
      if (n === 0) continue;
      // pair run i with run i: the same bytes measured in the same round
      s.ratios.push({ kind, vigil, ceiling, ratio: stat(Array.from({ length: n }, (_, i) => c[i].wallMs / v[i].wallMs)) });
      for (let i = 0; i < n; i++) {
        if (v[i].bytesOut !== c[i].bytesOut) s.problems.push(`${kind}: ${vigil} read ${v[i].bytesOut} decompressed bytes, ${ceiling} ${c[i].bytesOut}`);
      }
    }
    const one = of('scan'), two = of('scan-2t');
    const n2 = Math.min(one.length, two.length);
    if (n2 > 0) {
      const speedup = stat(Array.from({ length: n2 }, (_, i) => one[i].wallMs / two[i].wallMs));
      s.aims.push({ kind, aim: 'scan on 2 threads ≥ 1.8× one thread', measured: `${speedup.median.toFixed(2)}×`, met: speedup.median >= 1.8 });
      const fp = (m: Measurement) => JSON.stringify(m.scan?.findings.map((f) => [f.type, f.created, f.occurrences]));
      if (two.some((m) => fp(m) !== fp(one[0]))) s.problems.push(`${kind}: the 2-thread scan's findings differ from the 1-thread scan's`);
    }
    addAims(s, kind);
    addFindings(s, kind, of('scan'), manifests[kind]);
  }
  return s;
}

function addAims(s: Summary, kind: BenchKind): void {
  if (kind === 'cloudtrail') {
    const r = s.ratios.find((x) => x.kind === kind && x.vigil === 'scan' && x.ceiling === 'ceiling');
    if (r) s.aims.push({ kind, aim: 'scan ≥ 60% of ceiling', measured: `${(r.ratio.median * 100).toFixed(0)}%`, met: r.ratio.median >= 0.6 });
  }
  if (kind === 'vpcflow') {
    const m = s.modes.find((x) => x.kind === kind && x.mode === 'scan');
    if (m) s.aims.push({ kind, aim: 'scan ≥ 500k lines per CPU-second (one core)', measured: `${(m.recPerCpuSec.median / 1000).toFixed(0)}k/CPU-s (${(m.recPerSec.median / 1000).toFixed(0)}k/s wall)`, met: m.recPerCpuSec.median >= 500_000 });
  }
}

function addFindings(s: Summary, kind: BenchKind, scans: Measurement[], manifest: Manifest | undefined): void {
  if (scans.length === 0 || !scans[0].scan) return;
  const first = scans[0].scan;
  const fingerprint = (m: Measurement) => JSON.stringify(m.scan?.findings.map((f) => [f.type, f.created, f.occurrences]));
  if (scans.some((m) => fingerprint(m) !== fingerprint(scans[0]))) s.problems.push(`${kind}: findings differ between runs`);
  if (first.bad > 0) s.problems.push(`${kind}: ${first.bad} bad records in generated data`);
  if (first.detectorErrors > 0) s.problems.push(`${kind}: ${first.detectorErrors} detector errors`);
  const expected = manifest?.expected ?? {};
  const raised = new Map(first.findings.map((f) => [f.type, f]));
  for (const type of new Set([...Object.keys(expected), ...raised.keys()])) {
    const f = raised.get(type);
    const injected = expected[type];
    const created = f?.created ?? 0;
    let status: FindingRow['status'];
    if (injected === undefined) status = 'background';
    else if (created === 0) status = 'not raised';
    else if (created < injected) status = 'missed';
    else if (created > injected) status = 'more than injected';
    else status = 'ok';
    if (status === 'not raised' || status === 'missed') s.problems.push(`${kind}: ${type} raised ${created} of ${injected} injected`);
    s.findings.push({ kind, type, created, occurrences: f?.occurrences ?? 0, injected, status });
  }
}
