/**
 * `npm run bench -- --only duckdb`: the peer, side by side. For each log type and for 1 and 2
 * threads, in interleaved rounds, Vigil's whole scan (bench/measure.ts, modes 'scan' and
 * 'scan-2t') and DuckDB (bench/duckdb/child.ts, `threads` = 1 or 2) read the same generated gzip
 * files, each in its own process. Prints DuckDB ÷ Vigil wall and CPU ratios, paired round by
 * round, against the issue's target (Vigil's scan ≥ 1.5× faster than DuckDB at equal threads),
 * and checks that both sides found the same injected attacks (by distinct findings per type,
 * against the dataset's manifest). See bench/README.md, "DuckDB".
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchKind, Manifest } from '../generate/index.js';
import type { Measurement, Mode } from '../protocol.js';
import { measure, runResultChild } from '../spawn.js';
import { fixed, showStat, stat, type Stat } from '../stats.js';
import { table } from '../table.js';
import type { DuckMeasurement } from './child.js';
import { EXPRESSED, NOT_EXPRESSED } from './sql.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The issue's target: Vigil's whole scan at least this many times faster than DuckDB at equal threads. */
export const DUCKDB_TARGET = 1.5;
const THREADS = [1, 2] as const;
const MODE_FOR: Record<(typeof THREADS)[number], Mode> = { 1: 'scan', 2: 'scan-2t' };

export interface DuckdbRow {
  kind: BenchKind;
  threads: number;
  vigilWallMs: Stat;
  vigilCpuMs: Stat;
  vigilRssMb: Stat;
  duckWallMs: Stat;
  duckCpuMs: Stat;
  duckRssMb: Stat;
  /** DuckDB ÷ Vigil, paired run by run: above 1 = Vigil faster. */
  wallRatio: Stat;
  cpuRatio: Stat;
  met: boolean;
  /** Other processes' CPU during the pair, in cores (median). */
  otherCores: number;
}

export interface DuckdbCheck {
  kind: BenchKind;
  type: string;
  /** Distinct findings the generator injected (undefined: not injected, background). */
  injected?: number;
  vigil: { created: number; occurrences: number };
  /** undefined: the type is not expressed in SQL. */
  duckdb?: { created: number; occurrences: number };
  status: 'match' | 'MISMATCH' | 'both missed' | 'same (background)' | 'differs (background)' | 'not expressed in SQL';
}

export interface DuckdbBench {
  /** Why nothing was measured (an optional run without DuckDB installed). */
  skipped?: string;
  version: string;
  runs: number;
  rows: DuckdbRow[];
  checks: DuckdbCheck[];
  records: { kind: BenchKind; vigil: number; duckdb: number }[];
  problems: string[];
  samples: { vigil: Measurement[]; duckdb: DuckMeasurement[] };
}

export interface DuckdbOptions {
  pin?: string;
  nodeArgs: string[];
  /** Vigil scans already measured in this bench run (the main loop's 'scan'/'scan-2t', in round order): reused, not repeated. */
  existing?: Measurement[];
  /** Skip, with the reason, instead of failing when @duckdb/node-api cannot be loaded (the smoke run). */
  optional?: boolean;
}

function measureDuck(kind: BenchKind, dir: string, threads: number, o: DuckdbOptions): Promise<DuckMeasurement> {
  return runResultChild<DuckMeasurement>(`duckdb ${kind} ${threads} thread(s)`, ['--import', 'tsx', ...o.nodeArgs], join(HERE, 'child.ts'), [kind, dir, String(threads)], o.pin);
}

export async function runDuckdbBench(datasets: { kind: BenchKind; dir: string; manifest: Manifest }[], runs: number, o: DuckdbOptions): Promise<DuckdbBench> {
  try {
    await import('@duckdb/node-api'); // a devDependency: npm ci installs it, with its platform binary
  } catch (e) {
    const why = `@duckdb/node-api cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); npm ci installs it`;
    if (!o.optional) throw new Error(why);
    return { skipped: why, version: '?', runs, rows: [], checks: [], records: [], problems: [], samples: { vigil: [], duckdb: [] } };
  }
  const vigil: Measurement[] = [];
  const duck: DuckMeasurement[] = [];
  const pairs: { kind: BenchKind; threads: number; v: Measurement; d: DuckMeasurement; otherMs: number }[] = [];
  for (let run = 0; run < runs; run++) {
    for (const d of datasets) {
      // rotate which thread count and which side go first, so neither always runs on a cold or warm machine
      const threads = run % 2 ? [...THREADS].reverse() : [...THREADS];
      for (const t of threads) {
        const mode = MODE_FOR[t];
        const reuse = o.existing?.filter((m) => m.kind === d.kind && m.mode === mode)[run];
        const label = `duckdb run ${run + 1}/${runs} ${d.kind} ${t} thread${t > 1 ? 's' : ''}`;
        const done = (m: { wallMs: number; cpuMs: number }, note = '') => process.stderr.write(`${(m.wallMs / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU${note}\n`);
        const vigilOnce = async () => {
          process.stderr.write(`${label}: vigil … `);
          const m = reuse ?? await measure(mode, d.kind, d.dir, o);
          done(m, reuse ? ' (from the main run)' : '');
          return m;
        };
        const duckOnce = async () => {
          process.stderr.write(`${label}: duckdb … `);
          const m = await measureDuck(d.kind, d.dir, t, o);
          done(m);
          return m;
        };
        let v: Measurement, dm: DuckMeasurement;
        if ((run + t) % 2) { dm = await duckOnce(); v = await vigilOnce(); }
        else { v = await vigilOnce(); dm = await duckOnce(); }
        vigil.push(v);
        duck.push(dm);
        pairs.push({ kind: d.kind, threads: t, v, d: dm, otherMs: ((v.otherCpuMs ?? NaN) + (dm.otherCpuMs ?? NaN)) / (v.wallMs + dm.wallMs) });
      }
    }
  }
  const rows: DuckdbRow[] = [];
  for (const d of datasets) {
    for (const t of THREADS) {
      const ps = pairs.filter((p) => p.kind === d.kind && p.threads === t);
      const wallRatio = stat(ps.map((p) => p.d.wallMs / p.v.wallMs));
      rows.push({
        kind: d.kind, threads: t,
        vigilWallMs: stat(ps.map((p) => p.v.wallMs)), vigilCpuMs: stat(ps.map((p) => p.v.cpuMs)), vigilRssMb: stat(ps.map((p) => p.v.maxRssMb)),
        duckWallMs: stat(ps.map((p) => p.d.wallMs)), duckCpuMs: stat(ps.map((p) => p.d.cpuMs)), duckRssMb: stat(ps.map((p) => p.d.maxRssMb)),
        wallRatio, cpuRatio: stat(ps.map((p) => p.d.cpuMs / p.v.cpuMs)), met: wallRatio.median >= DUCKDB_TARGET,
        otherCores: stat(ps.map((p) => p.otherMs)).median,
      });
    }
  }
  const { checks, records, problems } = compare(datasets, vigil, duck);
  return { version: duck[0]?.version ?? '?', runs, rows, checks, records, problems, samples: { vigil, duckdb: duck } };
}

/** Both sides' findings on the same files, type by type, against the manifest's injected attacks. */
function compare(datasets: { kind: BenchKind; manifest: Manifest }[], vigil: Measurement[], duck: DuckMeasurement[]): Pick<DuckdbBench, 'checks' | 'records' | 'problems'> {
  const checks: DuckdbCheck[] = [];
  const records: DuckdbBench['records'] = [];
  const problems: string[] = [];
  const vigilFp = (m: Measurement) => JSON.stringify(m.scan?.findings.map((f) => [f.type, f.created, f.occurrences]));
  const duckFp = (m: DuckMeasurement) => JSON.stringify(m.findings);
  for (const { kind, manifest } of datasets) {
    const vs = vigil.filter((m) => m.kind === kind), ds = duck.filter((m) => m.kind === kind);
    if (!vs.length || !ds.length) continue;
    if (vs.some((m) => vigilFp(m) !== vigilFp(vs[0]))) problems.push(`${kind}: Vigil's findings differ between runs or thread counts`);
    if (ds.some((m) => duckFp(m) !== duckFp(ds[0]))) problems.push(`${kind}: DuckDB's findings differ between runs or thread counts`);
    records.push({ kind, vigil: vs[0].records, duckdb: ds[0].records });
    if (vs[0].records !== ds[0].records) problems.push(`${kind}: Vigil read ${vs[0].records} records, DuckDB ${ds[0].records}`);
    const v = new Map((vs[0].scan?.findings ?? []).map((f) => [f.type, f]));
    const dk = new Map(ds[0].findings.map((f) => [f.type, f]));
    const expressed = new Set(EXPRESSED[kind]);
    const types = [...new Set([...Object.keys(manifest.expected), ...v.keys(), ...dk.keys()])].sort();
    for (const type of types) {
      const injected = manifest.expected[type];
      const vf = { created: v.get(type)?.created ?? 0, occurrences: v.get(type)?.occurrences ?? 0 };
      const df = expressed.has(type) ? { created: dk.get(type)?.created ?? 0, occurrences: dk.get(type)?.occurrences ?? 0 } : undefined;
      let status: DuckdbCheck['status'];
      if (!df) status = 'not expressed in SQL';
      else if (injected === undefined) status = df.created === vf.created ? 'same (background)' : 'differs (background)';
      else if (df.created !== vf.created) status = 'MISMATCH';
      else if (vf.created < injected) status = 'both missed';
      else status = 'match';
      if (status === 'MISMATCH') problems.push(`${kind}: ${type}: Vigil raised ${vf.created} distinct findings, DuckDB ${df!.created} (injected ${injected})`);
      if (status === 'both missed') problems.push(`${kind}: ${type}: both raised ${vf.created} of ${injected} injected`);
      if (injected !== undefined && !df) problems.push(`${kind}: injected ${type} is not expressed in the DuckDB SQL`);
      checks.push({ kind, type, injected, vigil: vf, duckdb: df, status });
    }
  }
  return { checks, records, problems };
}

const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const times = fixed(2);

export function printDuckdbBench(b: DuckdbBench): string {
  if (b.skipped) return `DuckDB side by side: skipped: ${b.skipped}`;
  const out = [`DuckDB ${b.version} side by side (same gzip files; each measurement its own process; median of ${b.runs} run${b.runs === 1 ? '' : 's'}, min–max in brackets)`];
  out.push(table(
    ['log type', 'threads', 'Vigil wall s', 'Vigil CPU s', 'DuckDB wall s', 'DuckDB CPU s', 'DuckDB÷Vigil wall', 'DuckDB÷Vigil CPU', 'peak RSS MB V/D', 'other cores', `target (Vigil ≥ ${DUCKDB_TARGET}× faster)`, 'attacks'],
    b.rows.map((r) => {
      const attacks = b.checks.filter((c) => c.kind === r.kind && c.injected !== undefined);
      const ok = attacks.length > 0 && attacks.every((c) => c.status === 'match');
      return [r.kind, String(r.threads), showStat(r.vigilWallMs, sec), showStat(r.vigilCpuMs, sec), showStat(r.duckWallMs, sec), showStat(r.duckCpuMs, sec),
        `${showStat(r.wallRatio, times)}×`, `${showStat(r.cpuRatio, times)}×`, `${r.vigilRssMb.median.toFixed(0)} / ${r.duckRssMb.median.toFixed(0)}`,
        Number.isFinite(r.otherCores) ? r.otherCores.toFixed(2) : '–', r.met ? 'met' : 'NOT met', ok ? 'same' : 'DIFFER'];
    }),
    [false, true, true, true, true, true, true, true, true, true, false, false],
  ));
  out.push('  DuckDB÷Vigil above 1 = Vigil faster; the target is on wall time. CPU counts every thread of the process (DuckDB\'s, libuv\'s, Vigil\'s workers).');
  out.push('', 'Findings on the same files: distinct findings (occurrences) per type; DuckDB\'s flow and DNS occurrences are windows over the threshold');
  out.push(table(['log type', 'finding type', 'injected', 'Vigil', 'DuckDB', 'status'], b.checks.map((c) => [
    c.kind, c.type, c.injected === undefined ? '–' : String(c.injected), `${c.vigil.created} (${c.vigil.occurrences})`,
    c.duckdb ? `${c.duckdb.created} (${c.duckdb.occurrences})` : '–', c.status,
  ]), [false, false, true, true, true, false]));
  out.push(`  Records read: ${b.records.map((r) => `${r.kind} Vigil ${r.vigil.toLocaleString('en-US')} / DuckDB ${r.duckdb.toLocaleString('en-US')}`).join('; ')}`);
  out.push('  Not expressed in SQL (Vigil runs them, DuckDB does not; see bench/README.md "DuckDB" for where the SQL approximates):');
  const kinds = new Set(b.rows.map((r) => r.kind));
  for (const [kind, types] of Object.entries(NOT_EXPRESSED)) {
    if (!kinds.has(kind as BenchKind)) continue;
    for (const [type, why] of Object.entries(types)) out.push(`    ${kind}: ${type}: ${why}`);
  }
  if (b.problems.length) out.push('', 'DUCKDB PROBLEMS', ...b.problems.map((p) => `  - ${p}`));
  return out.join('\n');
}
