/**
 * `npm run bench -- --only startup`: how long the `vigil` command takes to answer before it does
 * any work. Times `vigil --help`, `vigil --version`, `vigil scan --help`, `vigil types` and a scan of
 * the bundled samples (`samples/`, into a fresh SQLite file each run) as users run them — `node
 * bin/vigil.js`, the compiled dist/ — against a bare `node -e 0` in the same rounds (interleaved,
 * order rotated each round), plus `--help` from source through tsx (what the tests and
 * `npm run vigil` run). Each run is its own process; peak RSS comes from the child's own
 * resourceUsage() at exit, written to fd 3 by a one-line preload (the same for every case, the
 * baseline included). Aims (issue 15): help and --version < 0.3 s wall; the sample scan < 1 s
 * beyond the scan itself (wall − the report's durationMs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stat, type Stat } from './stats.js';
import { table } from './table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'vigil.js');
const DIST_MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const RSS_PROBE = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });")}`;

export const STARTUP_TARGET_MS = 300;
export const SCAN_OVERHEAD_TARGET_MS = 1000;

interface Case { name: string; argv: (round: number) => string[]; targetMs?: number; scan?: boolean }

export interface StartupRow {
  name: string;
  wallMs: Stat;
  /** Per round: this case's wall − `node -e 0`'s. */
  overNodeMs: Stat;
  maxRssMb: Stat;
  targetMs?: number;
  met?: boolean;
}

export interface StartupBench {
  runs: number;
  /** Why dist/ may not be what src/ says (figures are of the last build), if it may not. */
  stale?: string;
  rows: StartupRow[];
  scan?: { wallMs: Stat; scanMs: Stat; overheadMs: Stat; targetMs: number; met: boolean; findings: number };
  problems: string[];
}

interface Run { wallMs: number; maxRssKb: number; code: number | null; out: string; err: string }

function runOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', RSS_PROBE, ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let out = '', err = '', rss = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => { rss += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, maxRssKb: Number(rss) || NaN, code, out, err }));
  });
}

/** The newest source file of the CLI's module graph newer than dist/cli/main.js, if any. */
function staleness(): string | undefined {
  if (!existsSync(DIST_MAIN)) return 'dist/ is not built (npm run build)';
  const built = statSync(DIST_MAIN).mtimeMs;
  let newest = { path: '', mtimeMs: 0 };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'testing') walk(p); } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const m = statSync(p).mtimeMs;
        if (m > newest.mtimeMs) newest = { path: p, mtimeMs: m };
      }
    }
  };
  walk(join(ROOT, 'src'));
  return newest.mtimeMs > built ? `${newest.path.slice(ROOT.length + 1)} is newer than dist/ (npm run build): the figures are of the last build` : undefined;
}

export async function runStartupBench(runs: number): Promise<StartupBench> {
  const problems: string[] = [];
  const stale = staleness();
  if (!existsSync(DIST_MAIN)) return { runs, stale, rows: [], problems: [] }; // nothing to time: printed as skipped
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-startup-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of ['VIGIL_DB', 'VIGIL_STORE', 'VIGIL_INSTANCE_INVENTORY', 'VIGIL_INTEL_CACHE']) delete env[k];
  const cases: Case[] = [
    { name: 'node -e 0 (baseline)', argv: () => ['-e', '0'] },
    { name: 'vigil --help', argv: () => [BIN, '--help'], targetMs: STARTUP_TARGET_MS },
    { name: 'vigil --version', argv: () => [BIN, '--version'], targetMs: STARTUP_TARGET_MS },
    { name: 'vigil scan --help', argv: () => [BIN, 'scan', '--help'], targetMs: STARTUP_TARGET_MS },
    { name: 'vigil types', argv: () => [BIN, 'types'] },
    { name: 'vigil scan samples/', argv: (i) => [BIN, 'scan', 'samples', '--db', join(dir, `run-${i}.db`), '--json', '--no-progress'], scan: true },
    { name: 'from source: --help (tsx)', argv: () => ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--help'] },
  ];
  const samples = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
  const scans: { wallMs: number; scanMs: number; findings: number }[] = [];
  try {
    for (let round = 0; round < runs; round++) {
      const order = cases.map((_, i) => cases[(i + round) % cases.length]);
      for (const c of order) {
        const r = await runOnce(c.argv(round), env);
        samples.get(c.name)!.push(r);
        if (c.scan) {
          // 3: the samples hold a cut-off file on purpose (README)
          if (r.code !== 3) { problems.push(`startup: ${c.name} exited ${r.code}: ${r.err.trim().slice(-300)}`); continue; }
          const report = JSON.parse(r.out) as { durationMs: number; findings: { byType: unknown[] } };
          scans.push({ wallMs: r.wallMs, scanMs: report.durationMs, findings: report.findings.byType.length });
        } else if (r.code !== 0) problems.push(`startup: ${c.name} exited ${r.code}: ${r.err.trim().slice(-300)}`);
      }
      process.stderr.write(`startup: round ${round + 1}/${runs} … ${cases.map((c) => `${c.name.split(' (')[0]} ${samples.get(c.name)!.at(-1)!.wallMs.toFixed(0)} ms`).join(', ')}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const node = samples.get(cases[0].name)!;
  const rows: StartupRow[] = cases.map((c) => {
    const s = samples.get(c.name)!;
    const wallMs = stat(s.map((r) => r.wallMs));
    return {
      name: c.name, wallMs, overNodeMs: stat(s.map((r, i) => r.wallMs - node[i].wallMs)), maxRssMb: stat(s.map((r) => r.maxRssKb / 1024)),
      targetMs: c.targetMs, met: c.targetMs === undefined ? undefined : wallMs.median < c.targetMs,
    };
  });
  const scan = scans.length ? (() => {
    const overheadMs = stat(scans.map((s) => s.wallMs - s.scanMs));
    return { wallMs: stat(scans.map((s) => s.wallMs)), scanMs: stat(scans.map((s) => s.scanMs)), overheadMs, targetMs: SCAN_OVERHEAD_TARGET_MS, met: overheadMs.median < SCAN_OVERHEAD_TARGET_MS, findings: scans[0].findings };
  })() : undefined;
  return { runs, stale, rows, scan, problems };
}

const ms = (s: Stat) => (s.n === 0 ? '–' : s.n === 1 || s.min === s.max ? `${s.median.toFixed(0)}` : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`);

export function printStartupBench(b: StartupBench): string {
  const head = `Start-up (node bin/vigil.js = the compiled dist/; median of ${b.runs} run${b.runs === 1 ? '' : 's'} (min–max), each its own process, interleaved with node -e 0)`;
  if (!b.rows.length) return `${head}\n  skipped: ${b.stale}`;
  const verdict = (met?: boolean, target?: number) => (met === undefined ? '' : `< ${target} ms: ${met ? 'met' : 'NOT met'}`);
  const lines = [head, table(['command', 'wall ms', 'over node -e 0 ms', 'peak RSS MB', 'target'],
    b.rows.map((r) => [r.name, ms(r.wallMs), r.name.startsWith('node ') ? '–' : ms(r.overNodeMs), r.maxRssMb.median.toFixed(0), verdict(r.met, r.targetMs)]), [false, true, true, true, false])];
  if (b.scan) {
    const s = b.scan;
    lines.push(`Sample scan: ${ms(s.wallMs)} ms wall, of which the scan itself (report durationMs) ${ms(s.scanMs)} ms; overhead ${ms(s.overheadMs)} ms `
      + `(target < ${s.targetMs} ms: ${s.met ? 'met' : 'NOT met'}); ${s.findings} finding types`);
  }
  if (b.stale) lines.push(`warning: ${b.stale}`);
  for (const p of b.problems) lines.push(`PROBLEM ${p}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 5);
  runStartupBench(Number.isInteger(n) && n > 0 ? n : 5).then((b) => console.log(printStartupBench(b)));
}
