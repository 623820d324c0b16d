/**
 * Soak (`npm run bench -- --only soak [--minutes N]`): `vigil serve --watch DIR` in a child
 * process, on a temporary database and folder, fed by the live writer (bench/soak/writer.ts) at
 * `speed` × the bench's nominal rate of every log type, with a steady trickle of signed API
 * requests (ListFindings and GetFindingsStatistics, one every 100 ms). Every few seconds it
 * samples the server: RSS and peak RSS (/proc/<pid>/status), CPU (/proc/<pid>/stat), V8 heap,
 * external memory and event-loop lag (prom-client's defaults at /vigil/metrics), objects,
 * records and event lag (/vigil/ingestion/sources), and from the database (read-only) when each
 * file was read, the detector state's size and the findings. It prints one row per minute and a
 * verdict: the slope of RSS and heap over the second half (the first half warms the state).
 * Bounded: it stops by itself; the child is killed on every exit path and stops on its own if
 * this process dies (bench/soak/guard.ts). Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { BenchKind } from '../generate/index.js';
import { sign } from '../api/load.js';
import { table } from '../table.js';
import { LiveWriter, NOMINAL_RATE, type LiveFile } from './writer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const KEY = { accessKeyId: 'AKIASOAKBENCHADMIN01', secretAccessKey: 'soak-bench-secret-0123456789abcdefghij' };
const MB = 1024 * 1024;
/** Runs shorter than this report the slope but give no verdict: too little warm time to tell. */
export const MIN_VERDICT_MINUTES = 10;

export interface SoakOptions {
  minutes: number;
  /** Multiple of the nominal rate (default 2). */
  speed: number;
  seed: number;
  sampleSeconds: number;
  /** The writer drops one file per log type this often. */
  tickSeconds: number;
  /** One table row per this many seconds. */
  rowSeconds: number;
  /** One injected attack per log type this often. */
  attackEverySeconds: number;
  /** Memory counts as flat when both slopes over the second half are at most this (MB/hour). */
  toleranceMbPerHour: number;
  /** After the load stops, how long to wait for the last files to be read. */
  drainSeconds: number;
  /** Heap snapshots of the server at the end of the warm-up and at the end (for leak hunting). */
  heapSnapshots: boolean;
  /** Keep the temporary folder (database, logs, snapshots) instead of deleting it. */
  keep: boolean;
  /** Delete each file once the server has read it (the folder then holds only what is unread). */
  prune: boolean;
  log?: (line: string) => void;
}

export const SOAK_DEFAULTS: Omit<SoakOptions, 'minutes' | 'seed'> = {
  speed: 2, sampleSeconds: 5, tickSeconds: 5, rowSeconds: 60, attackEverySeconds: 60, toleranceMbPerHour: 10, drainSeconds: 60, heapSnapshots: false, keep: false, prune: false,
};
export const SOAK_SMOKE: Partial<SoakOptions> = { minutes: 0.2, sampleSeconds: 1, tickSeconds: 1, rowSeconds: 4, drainSeconds: 15 };

export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  rssMb: number; hwmMb: number; cpuS: number;
  heapUsedMb?: number; heapTotalMb?: number; externalMb?: number; eventLoopP99Ms?: number; handles?: number;
  objects?: number; records?: number; badRecords?: number; eventLagS?: number;
}

export interface SoakRow {
  /** End of the row (seconds since the load started). */
  t: number;
  rssMb: number; rssMaxMb: number; heapUsedMinMb?: number; heapUsedMaxMb?: number; externalMb?: number; cpuPct: number; eventLoopP99Ms?: number;
  filesWritten: number; filesRead: number; recordsWritten: number; recordsRead?: number;
  /** File renamed into the folder → read (processed_at in the store), for files read in this row. */
  delayP50S?: number; delayMaxS?: number;
  /** Files written more than 5 s before the row's end and not read yet. */
  pending: number;
  eventLagS?: number;
  api: { n: number; errors: number; p50: number; p99: number; max: number };
  stateKb?: number; findings?: number; dbMb: number;
}

export interface SoakBench {
  options: Omit<SoakOptions, 'log'>;
  nominalRate: Record<BenchKind, number>;
  rate: Record<BenchKind, number>;
  node: string;
  startedAt: string;
  loadSeconds: number;
  startupMs: number;
  stopMs?: number;
  written: LiveWriter['totals'];
  filesRead: number;
  samples: SoakSample[];
  rows: SoakRow[];
  api: { n: number; errors: number; p50: number; p99: number; max: number };
  delay: { n: number; p50: number; p99: number; max: number };
  verdict: {
    fromSeconds: number; toSeconds: number;
    rssSlopeMbPerHour: number; heapSlopeMbPerHour: number;
    rssMb: { warm: number; end: number; peak: number }; heapUsedMb: { warm: number; end: number };
    toleranceMbPerHour: number;
    /** undefined: shorter than MIN_VERDICT_MINUTES, no verdict. */
    flat?: boolean;
    summary: string;
  };
  /** Detector state namespaces by persisted size at the end of warm-up and at the end (bytes), largest growth first. */
  stateGrowth: { namespace: string; warmBytes: number; endBytes: number }[];
  findingsByType: Record<string, number>;
  injected: Record<string, number>;
  serverLog: { warnings: number; errors: number; last: string[] };
  heapSnapshots: string[];
  dir?: string;
  problems: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A timeout that does not keep the process alive (for races). */
const timeout = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0, den = 0;
  for (const p of points) { num += (p.x - mx) * (p.y - my); den += (p.x - mx) ** 2; }
  return den > 0 ? num / den : NaN;
}

function procStats(pid: number): { rssMb: number; hwmMb: number; cpuS: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based), in clock ticks (100 Hz on Linux)
    const cpuS = (Number(fields[11]) + Number(fields[12])) / 100;
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuS };
  } catch { return undefined; }
}

/** Prometheus text → name{labels} → value (first occurrence of each name without labels, or the sum over labels). */
function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    const key = line.slice(0, sp);
    const value = Number(line.slice(sp + 1));
    const name = key.includes('{') ? key.slice(0, key.indexOf('{')) : key;
    m.set(key, value);
    if (key !== name) m.set(`${name}{*}`, (m.get(`${name}{*}`) ?? 0) + value);
  }
  return m;
}

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: object, timeoutMs = 30_000): Promise<{ status: number; ms: number; text: string }> {
    const req = await sign(this.url, KEY, method, path, body);
    const u = new URL(this.url);
    return new Promise((resolve) => {
      const t0 = performance.now();
      const r = http.request({ host: u.hostname, port: u.port, method, path, headers: req.headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString() }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - t0, text: '' }));
      });
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, text: e.message }));
      if (req.body) r.write(req.body);
      r.end();
    });
  }

  close(): void { this.agent.destroy(); }
}

/** The store, read-only, beside the running server: when each file was read, state size, findings. */
class StoreProbe {
  private db?: Database.Database;
  private lastProcessedAt = '';
  constructor(private readonly path: string) {}

  private open(): Database.Database | undefined {
    if (!this.db && existsSync(this.path)) {
      try { this.db = new Database(this.path, { readonly: true, fileMustExist: true }); this.db.pragma('busy_timeout = 2000'); } catch { /* not yet */ }
    }
    return this.db;
  }

  /** Objects read since the previous call: uri → read time (ms). */
  newlyRead(): { uri: string; at: number }[] {
    try {
      const rows = this.open()?.prepare('SELECT uri, processed_at AS at FROM processed_objects WHERE processed_at > ? ORDER BY processed_at').all(this.lastProcessedAt) as { uri: string; at: string }[] | undefined;
      if (!rows?.length) return [];
      this.lastProcessedAt = rows[rows.length - 1].at;
      return rows.map((r) => ({ uri: r.uri, at: Date.parse(r.at) }));
    } catch { return []; }
  }

  state(): Map<string, number> | undefined {
    try {
      const rows = this.open()?.prepare('SELECT namespace, length(data) AS bytes FROM detector_state').all() as { namespace: string; bytes: number }[] | undefined;
      return rows ? new Map(rows.map((r) => [r.namespace, r.bytes])) : undefined;
    } catch { return undefined; }
  }

  findings(): Record<string, number> | undefined {
    try {
      const rows = this.open()?.prepare('SELECT type, count(*) AS n FROM findings GROUP BY type ORDER BY type').all() as { type: string; n: number }[] | undefined;
      return rows ? Object.fromEntries(rows.map((r) => [r.type, r.n])) : undefined;
    } catch { return undefined; }
  }

  close(): void { try { this.db?.close(); } catch { /* closed */ } this.db = undefined; }
}

function dbMb(path: string): number {
  let n = 0;
  for (const f of [path, `${path}-wal`]) { try { n += statSync(f).size; } catch { /* none */ } }
  return n / MB;
}

/** Starts `vigil serve --watch` from source (node + tsx, as the other workloads) and waits for its URL and /vigil/ready. */
async function startServer(dir: string, logs: string, db: string, o: SoakOptions, deadline: number): Promise<{ child: ChildProcess; url: string; log: SoakBench['serverLog']; stderr: () => string }> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_')));
  Object.assign(env, { VIGIL_ADMIN_ACCESS_KEY_ID: KEY.accessKeyId, VIGIL_ADMIN_SECRET_ACCESS_KEY: KEY.secretAccessKey, VIGIL_SOAK_DEADLINE: String(deadline) });
  const nodeArgs = ['--import', 'tsx', '--import', pathToFileURL(join(HERE, 'guard.ts')).href];
  if (o.heapSnapshots) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'src/cli/main.ts'), 'serve', '--watch', logs, '--db', db, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  const log: SoakBench['serverLog'] = { warnings: 0, errors: 0, last: [] };
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const level = Number(/"level":(\d+)/.exec(l)?.[1] ?? 0);
      if (level >= 50) log.errors++; else if (level >= 40) log.warnings++; else continue;
      log.last.push(l.slice(0, 500));
      if (log.last.length > 10) log.last.shift();
    }
  });
  const end = Date.now() + 120_000;
  let url: string | undefined;
  while (!url) {
    url = /GuardDuty API at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() > end) { child.kill('SIGKILL'); throw new Error(`vigil serve did not start (exit ${child.exitCode}): ${stderr.slice(-2000)}`); }
    await sleep(50);
  }
  while (true) {
    const ok = await fetch(`${url}/vigil/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > end) { child.kill('SIGKILL'); throw new Error(`vigil serve never became ready (exit ${child.exitCode}): ${stderr.slice(-2000)}`); }
    await sleep(100);
  }
  return { child, url, log, stderr: () => stderr };
}

async function stopChild(child: ChildProcess): Promise<number | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return undefined;
  const t0 = Date.now();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const clean = await Promise.race([exited.then(() => true), timeout(15_000).then(() => false)]);
  if (!clean) { child.kill('SIGKILL'); await Promise.race([exited, timeout(5_000)]); return undefined; }
  return Date.now() - t0;
}

export async function runSoakBench(opts: Partial<SoakOptions> & { minutes: number; seed: number }): Promise<SoakBench> {
  const o: SoakOptions = { ...SOAK_DEFAULTS, ...opts };
  const say = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const loadMs = Math.round(o.minutes * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const dbPath = join(dir, 'soak.db');
  const rate = Object.fromEntries(Object.entries(NOMINAL_RATE).map(([k, v]) => [k, v * o.speed])) as Record<BenchKind, number>;
  // the child stops by itself after this even if nobody tells it to
  const deadline = Date.now() + loadMs + (o.drainSeconds + 300) * 1000;

  const t0Start = Date.now();
  const server = await startServer(dir, logs, dbPath, o, deadline).catch((e: unknown) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  const startupMs = Date.now() - t0Start;
  const child = server.child;
  const killOnExit = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const onSignal = (sig: NodeJS.Signals) => { killOnExit(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const api = new Client(server.url);
  const sampler = new Client(server.url);
  const probe = new StoreProbe(dbPath);
  const problems: string[] = [];
  const samples: SoakSample[] = [];
  const calls: { t: number; ms: number; ok: boolean }[] = [];
  const files: LiveFile[] = [];
  const byPath = new Map<string, LiveFile>();
  const readAt = new Map<string, number>();
  const rows: SoakRow[] = [];
  const snapshots: string[] = [];
  let warmState: Map<string, number> | undefined;
  let lastState: Map<string, number> | undefined;
  let serverDied: string | undefined;
  let loading = true;
  let running = true;
  child.once('exit', (code, signal) => { serverDied = `vigil serve exited during the soak (code ${code}, signal ${signal}): ${server.stderr().slice(-1500)}`; });

  try {
    const list = JSON.parse((await sampler.request('GET', '/detector')).text) as { detectorIds: string[] };
    const detector = list.detectorIds[0];
    const start = Date.now();
    const writer = new LiveWriter(logs, o.seed, rate, o.attackEverySeconds * 1000, start);
    const t = () => (Date.now() - start) / 1000;
    say(`soak: vigil serve --watch at ${o.speed} × nominal (${Object.entries(rate).map(([k, v]) => `${k} ${v.toFixed(1)}/s`).join(', ')}) for ${o.minutes} min; server pid ${child.pid}, ${server.url}, started in ${(startupMs / 1000).toFixed(1)} s; folder ${dir}`);

    const writerLoop = (async () => {
      for (let k = 1; loading; k++) {
        const due = start + k * o.tickSeconds * 1000;
        if (due > start + loadMs) break;
        await sleep(Math.max(0, due - Date.now()));
        for (const f of writer.tick(Date.now())) { files.push(f); byPath.set(f.path, f); }
      }
    })();

    const apiLoop = (async () => {
      const bodies: [string, object][] = [
        [`/detector/${detector}/findings`, { findingCriteria: { criterion: { severity: { gte: 4 }, 'service.archived': { eq: ['false'] } } }, sortCriteria: { attributeName: 'updatedAt', orderBy: 'DESC' }, maxResults: 50 }],
        [`/detector/${detector}/findings/statistics`, { groupBy: 'FINDING_TYPE', maxResults: 25 }],
      ];
      for (let k = 0; running; k++) {
        const begin = Date.now();
        const [path, body] = bodies[k % bodies.length];
        const r = await api.request('POST', path, body, 10_000);
        calls.push({ t: t(), ms: r.ms, ok: r.status === 200 });
        if (r.status !== 200 && problems.length < 20) problems.push(`API ${path.split('/').pop()} → ${r.status}: ${r.text.slice(0, 200)}`);
        await sleep(Math.max(0, begin + 100 - Date.now()));
      }
    })();

    const sampleOnce = async (): Promise<void> => {
      const p = procStats(child.pid!);
      if (!p) return;
      const s: SoakSample = { t: t(), ...p };
      const m = await sampler.request('GET', '/vigil/metrics', undefined, 10_000);
      if (m.status === 200) {
        const v = parseMetrics(m.text);
        const mb = (k: string) => (v.has(k) ? v.get(k)! / MB : undefined);
        s.heapUsedMb = mb('vigil_nodejs_heap_size_used_bytes');
        s.heapTotalMb = mb('vigil_nodejs_heap_size_total_bytes');
        s.externalMb = mb('vigil_nodejs_external_memory_bytes');
        const lag = v.get('vigil_nodejs_eventloop_lag_p99_seconds');
        s.eventLoopP99Ms = lag === undefined ? undefined : lag * 1000;
        s.handles = v.get('vigil_nodejs_active_handles_total');
      }
      const h = await sampler.request('GET', '/vigil/ingestion/sources', undefined, 10_000);
      if (h.status === 200) {
        const src = (JSON.parse(h.text) as { sources: { objects: { read: number; alreadyProcessed: number; failed: number }; records: number; badRecords: number; lagSeconds?: number }[] }).sources[0];
        if (src) { s.objects = src.objects.read + src.objects.alreadyProcessed + src.objects.failed; s.records = src.records; s.badRecords = src.badRecords; s.eventLagS = src.lagSeconds; }
      }
      samples.push(s);
    };

    const collectRead = () => {
      for (const r of probe.newlyRead()) {
        if (readAt.has(r.uri)) continue;
        readAt.set(r.uri, r.at);
        if (o.prune && byPath.has(r.uri)) rmSync(r.uri, { force: true });
      }
    };

    const makeRow = (from: number, to: number): SoakRow => {
      collectRead();
      const ss = samples.filter((s) => s.t > from && s.t <= to);
      const last = ss[ss.length - 1] ?? samples[samples.length - 1];
      const prev = samples.filter((s) => s.t <= from).pop() ?? samples[0];
      const heaps = ss.map((s) => s.heapUsedMb).filter((x): x is number => x !== undefined);
      const endMs = start + to * 1000;
      const delays: number[] = [];
      for (const [uri, at] of readAt) {
        const f = byPath.get(uri);
        if (f && at > start + from * 1000 && at <= endMs) delays.push((at - f.writtenAt) / 1000);
      }
      const written = files.filter((f) => f.writtenAt <= endMs);
      const cs = calls.filter((c) => c.t > from && c.t <= to);
      const lat = cs.map((c) => c.ms);
      const state = probe.state();
      if (state) lastState = state;
      const findings = probe.findings();
      return {
        t: to, rssMb: last?.rssMb ?? NaN, rssMaxMb: Math.max(...ss.map((s) => s.rssMb)), heapUsedMinMb: heaps.length ? Math.min(...heaps) : undefined, heapUsedMaxMb: heaps.length ? Math.max(...heaps) : undefined,
        externalMb: last?.externalMb, cpuPct: last && prev && last.t > prev.t ? (100 * (last.cpuS - prev.cpuS)) / (last.t - prev.t) : NaN,
        eventLoopP99Ms: ss.length ? Math.max(...ss.map((s) => s.eventLoopP99Ms ?? 0)) : undefined,
        filesWritten: written.length, filesRead: files.filter((f) => (readAt.get(f.path) ?? Infinity) <= endMs).length,
        recordsWritten: written.reduce((a, f) => a + f.records, 0), recordsRead: last?.records,
        delayP50S: delays.length ? quantile(delays, 0.5) : undefined, delayMaxS: delays.length ? Math.max(...delays) : undefined,
        pending: written.filter((f) => f.writtenAt <= endMs - 5000 && !readAt.has(f.path)).length,
        eventLagS: last?.eventLagS,
        api: { n: lat.length, errors: cs.filter((c) => !c.ok).length, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: lat.length ? Math.max(...lat) : NaN },
        stateKb: state ? [...state.values()].reduce((a, b) => a + b, 0) / 1024 : undefined,
        findings: findings ? Object.values(findings).reduce((a, b) => a + b, 0) : undefined,
        dbMb: dbMb(dbPath),
      };
    };

    const heapSnapshot = async (label: string) => {
      if (!o.heapSnapshots) return;
      const before = new Set(readdirSync(dir));
      child.kill('SIGUSR2');
      const until = Date.now() + 120_000;
      // written when the file stops growing
      let name: string | undefined, size = -1;
      while (Date.now() < until) {
        await sleep(1000);
        name ??= readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
        if (!name) continue;
        const now = statSync(join(dir, name)).size;
        if (now === size && now > 0) break;
        size = now;
      }
      if (name) { snapshots.push(join(dir, name)); say(`  heap snapshot (${label}): ${join(dir, name)} (${(size / MB).toFixed(0)} MB)`); }
    };

    // sample until the load ends, then until the last file is read (or the drain time is up)
    say(rowHeader());
    let nextRow = o.rowSeconds;
    const warmAt = o.minutes * 30;
    let warmTaken = false;
    while (true) {
      if (serverDied) throw new Error(serverDied);
      const now = t();
      if (loading && now * 1000 >= loadMs) { loading = false; await writerLoop; }
      if (!loading) {
        collectRead();
        const unread = files.filter((f) => !readAt.has(f.path)).length;
        if (unread === 0 || now * 1000 >= loadMs + o.drainSeconds * 1000) break;
      }
      await sampleOnce();
      if (!warmTaken && t() >= warmAt) { warmTaken = true; warmState = probe.state(); await heapSnapshot('end of warm-up'); }
      while (t() >= nextRow && nextRow * 1000 <= loadMs) {
        const row = makeRow(nextRow - o.rowSeconds, nextRow);
        rows.push(row);
        say(formatRow(row));
        nextRow += o.rowSeconds;
      }
      const nextSample = start + Math.ceil((t() + 0.001) / o.sampleSeconds) * o.sampleSeconds * 1000;
      await sleep(Math.max(0, nextSample - Date.now()));
    }
    await sampleOnce();
    // the drain: one last row from the end of the load to now
    const endT = t();
    const loadEnd = Math.min(endT, loadMs / 1000);
    const lastRowEnd = rows.length ? rows[rows.length - 1].t : 0;
    if (endT > lastRowEnd + 0.5) { const row = makeRow(lastRowEnd, endT); rows.push(row); say(`${formatRow(row)}  (drain)`); }
    await heapSnapshot('end');
    running = false;
    await apiLoop;
    collectRead();
    const findingsByType = probe.findings() ?? {};
    const endState = probe.state() ?? lastState ?? new Map<string, number>();
    probe.close();

    // the verdict: slopes over the second half of the load
    const from = loadEnd / 2;
    const half = samples.filter((s) => s.t >= from && s.t <= loadEnd);
    const hours = (s: SoakSample) => s.t / 3600;
    const rssSlope = slope(half.map((s) => ({ x: hours(s), y: s.rssMb })));
    // heap used is a saw-tooth between collections: its lower envelope (the minimum of each 30 s) is what is live
    const windowS = Math.min(30, Math.max(2 * o.sampleSeconds, loadEnd / 60));
    const windows = new Map<number, SoakSample>();
    for (const s of half) {
      if (s.heapUsedMb === undefined) continue;
      const w = Math.floor(s.t / windowS);
      const cur = windows.get(w);
      if (!cur || s.heapUsedMb < cur.heapUsedMb!) windows.set(w, s);
    }
    const heapSlope = slope([...windows.values()].map((s) => ({ x: hours(s), y: s.heapUsedMb! })));
    const first = half[0], lastS = half[half.length - 1];
    const heapMins = [...windows.values()];
    const rssWarm = first?.rssMb ?? NaN, rssEnd = lastS?.rssMb ?? NaN;
    // a heap snapshot doubles the heap for a moment and leaves RSS high: no verdict on such a run
    const judged = o.minutes >= MIN_VERDICT_MINUTES && !o.heapSnapshots;
    const flat = judged ? rssSlope <= o.toleranceMbPerHour && heapSlope <= o.toleranceMbPerHour : undefined;
    const fmtSlope = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} MB/h`;
    const apiAll = calls.filter((c) => c.t <= loadEnd).map((c) => c.ms);
    const delaysAll = [...readAt].map(([uri, at]) => { const f = byPath.get(uri); return f ? (at - f.writtenAt) / 1000 : NaN; }).filter(Number.isFinite);
    const filesRead = files.filter((f) => readAt.has(f.path)).length;
    const summary = `soak ${o.minutes} min at ${o.speed}× nominal: ${files.length} files / ${files.reduce((a, f) => a + f.records, 0).toLocaleString('en-US')} records written, ${filesRead} read; `
      + `RSS ${rssWarm.toFixed(0)} → ${rssEnd.toFixed(0)} MB over the second half (${fmtSlope(rssSlope)}), heap ${fmtSlope(heapSlope)}; `
      + `file → read p50 ${quantile(delaysAll, 0.5).toFixed(2)} s, max ${Math.max(...delaysAll).toFixed(2)} s; API p99 ${quantile(apiAll, 0.99).toFixed(1)} ms; `
      + (flat === undefined ? (o.heapSnapshots ? 'no verdict (heap snapshots distort the curve)' : `too short for a verdict (< ${MIN_VERDICT_MINUTES} min)`) : flat ? `memory FLAT (≤ ${o.toleranceMbPerHour} MB/h)` : `memory GROWS (> ${o.toleranceMbPerHour} MB/h)`);

    if (filesRead < files.length) problems.push(`${files.length - filesRead} of ${files.length} files were not read ${o.drainSeconds} s after the load stopped`);
    const bad = samples[samples.length - 1]?.badRecords ?? 0;
    if (bad > 0) problems.push(`${bad} bad records reported on generated data`);
    if (flat === false) problems.push(`memory is not flat once warm: RSS ${fmtSlope(rssSlope)}, heap ${fmtSlope(heapSlope)} over the second half (tolerance ${o.toleranceMbPerHour} MB/h)`);
    if (server.log.errors > 0) problems.push(`the server logged ${server.log.errors} error(s); last: ${server.log.last[server.log.last.length - 1] ?? ''}`);
    const injected = writer.expected.counts();
    if (judged) for (const type of Object.keys(injected)) if (!findingsByType[type]) problems.push(`injected ${type} raised no finding`);

    const stopMs = await stopChild(child);
    if (stopMs === undefined && !serverDied) problems.push('vigil serve did not stop within 15 s of SIGTERM (killed)');
    const stateGrowth = [...new Set([...(warmState?.keys() ?? []), ...endState.keys()])]
      .map((namespace) => ({ namespace, warmBytes: warmState?.get(namespace) ?? 0, endBytes: endState.get(namespace) ?? 0 }))
      .sort((a, b) => (b.endBytes - b.warmBytes) - (a.endBytes - a.warmBytes));

    return {
      options: { ...o, log: undefined } as Omit<SoakOptions, 'log'>, nominalRate: NOMINAL_RATE, rate, node: process.version, startedAt: new Date(start).toISOString(),
      loadSeconds: loadEnd, startupMs, stopMs, written: writer.totals, filesRead, samples, rows,
      api: { n: apiAll.length, errors: calls.filter((c) => !c.ok).length, p50: quantile(apiAll, 0.5), p99: quantile(apiAll, 0.99), max: Math.max(...apiAll) },
      delay: { n: delaysAll.length, p50: quantile(delaysAll, 0.5), p99: quantile(delaysAll, 0.99), max: Math.max(...delaysAll) },
      verdict: { fromSeconds: from, toSeconds: loadEnd, rssSlopeMbPerHour: rssSlope, heapSlopeMbPerHour: heapSlope, rssMb: { warm: rssWarm, end: rssEnd, peak: Math.max(...samples.map((s) => s.hwmMb)) },
        heapUsedMb: { warm: heapMins[0]?.heapUsedMb ?? NaN, end: heapMins[heapMins.length - 1]?.heapUsedMb ?? NaN }, toleranceMbPerHour: o.toleranceMbPerHour, flat, summary },
      stateGrowth, findingsByType, injected, serverLog: server.log, heapSnapshots: snapshots, dir: o.keep || o.heapSnapshots ? dir : undefined, problems,
    };
  } finally {
    loading = false;
    running = false;
    await stopChild(child).catch(() => undefined);
    killOnExit();
    process.removeListener('exit', killOnExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    api.close();
    sampler.close();
    probe.close();
    if (!o.keep && !o.heapSnapshots) rmSync(dir, { recursive: true, force: true });
  }
}

const f0 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(0));
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
const HEAD = ['t', 'RSS MB', 'heap MB (min–max)', 'ext MB', 'CPU', 'loop p99 ms', 'files written/read', 'records read', 'file→read p50/max s', 'pending', 'event lag s', 'API n', 'API p50/p99 ms', 'state KB', 'findings', 'db MB'];

function cells(r: SoakRow): string[] {
  const mm = `${Math.floor(r.t / 60)}:${String(Math.round(r.t % 60)).padStart(2, '0')}`;
  return [mm, f0(r.rssMb), `${f0(r.heapUsedMinMb)}–${f0(r.heapUsedMaxMb)}`, f0(r.externalMb), `${f0(r.cpuPct)}%`, f0(r.eventLoopP99Ms), `${r.filesWritten}/${r.filesRead}`, r.recordsRead?.toLocaleString('en-US') ?? '–',
    `${f2(r.delayP50S)}/${f2(r.delayMaxS)}`, String(r.pending), f0(r.eventLagS), `${r.api.n}${r.api.errors ? ` (${r.api.errors} err)` : ''}`, `${f1(r.api.p50)}/${f1(r.api.p99)}`, f0(r.stateKb), f0(r.findings), f1(r.dbMb)];
}

function rowHeader(): string { return `  ${HEAD.join(' | ')}`; }
function formatRow(r: SoakRow): string { return `  ${cells(r).join(' | ')}`; }

export function printSoakBench(b: SoakBench): string {
  const r = b.rate;
  const lines = [
    `Soak: vigil serve --watch for ${b.options.minutes} min at ${b.options.speed} × the bench's nominal rate${b.options.prune ? ', files deleted once read' : ''} (CloudTrail ${r.cloudtrail.toFixed(1)}, VPC flow ${r.vpcflow.toFixed(1)}, Route 53 ${r.dns.toFixed(1)} records/s; `
      + `one file per type every ${b.options.tickSeconds} s), API trickle of one signed request every 100 ms; server started in ${(b.startupMs / 1000).toFixed(1)} s, stopped in ${b.stopMs === undefined ? '–' : `${b.stopMs} ms`}`,
    '',
    table(HEAD, b.rows.map(cells), HEAD.map((_, i) => i > 0)),
    '',
    `Written: ${Object.entries(b.written).map(([k, w]) => `${k} ${w.files} files, ${w.records.toLocaleString('en-US')} records, ${(w.gzBytes / MB).toFixed(1)} MB gz`).join('; ')}. Read: ${b.filesRead}.`,
    `File renamed into the folder → read: p50 ${f2(b.delay.p50)} s, p99 ${f2(b.delay.p99)} s, max ${f2(b.delay.max)} s (n ${b.delay.n}). API: ${b.api.n} requests, ${b.api.errors} errors, p50 ${f1(b.api.p50)} ms, p99 ${f1(b.api.p99)} ms, max ${f1(b.api.max)} ms.`,
    `Second half (${f0(b.verdict.fromSeconds)}–${f0(b.verdict.toSeconds)} s): RSS slope ${f1(b.verdict.rssSlopeMbPerHour)} MB/h (${f0(b.verdict.rssMb.warm)} → ${f0(b.verdict.rssMb.end)} MB, peak ${f0(b.verdict.rssMb.peak)} MB), `
      + `heap slope ${f1(b.verdict.heapSlopeMbPerHour)} MB/h (lower envelope ${f0(b.verdict.heapUsedMb.warm)} → ${f0(b.verdict.heapUsedMb.end)} MB); tolerance ${b.verdict.toleranceMbPerHour} MB/h.`,
  ];
  const grown = b.stateGrowth.filter((s) => s.endBytes !== s.warmBytes).slice(0, 5);
  if (grown.length) lines.push(`Detector state growth over the second half (persisted bytes): ${grown.map((s) => `${s.namespace} ${(s.warmBytes / 1024).toFixed(0)} → ${(s.endBytes / 1024).toFixed(0)} KB`).join(', ')}.`);
  lines.push(`Findings: ${Object.entries(b.findingsByType).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`);
  if (b.serverLog.warnings || b.serverLog.errors) lines.push(`Server log: ${b.serverLog.warnings} warnings, ${b.serverLog.errors} errors.`);
  if (b.heapSnapshots.length) lines.push(`Heap snapshots: ${b.heapSnapshots.join(', ')}`);
  if (b.problems.length) lines.push('', 'PROBLEMS', ...b.problems.map((p) => `  - ${p}`));
  lines.push('', b.verdict.summary);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('soak/run.ts')) {
  const minutes = Number(process.argv[2] ?? 2);
  runSoakBench({ minutes, seed: 1 }).then((b) => { console.log(printSoakBench(b)); process.exitCode = b.problems.length ? 1 : 0; }, (e) => { console.error(e); process.exitCode = 2; });
}
