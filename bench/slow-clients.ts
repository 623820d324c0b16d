/**
 * Slow clients against `vigil serve` (issue 13, hostile clients): a server in its own process (so
 * its RSS is its own) with the default settings, one well-behaved client making signed
 * ListDetectors calls back to back on a keep-alive connection, and, once it is warm, N hostile
 * connections at once from ten loopback addresses (127.0.0.2–11): a third connect and send
 * nothing, a third send their headers a line at a time, a third send complete headers for a
 * 1 MiB body and then the body a byte at a time. Every hostile client stops by itself when the
 * server cuts it off or at its deadline. Reports the server's RSS before and at its peak during
 * the attack, the good client's latency during it, and when and how the hostile ones were cut off.
 *
 *   node --import tsx bench/slow-clients.ts [--clients 500] [--json]
 *
 * Targets: the attack adds < 50 MB RSS and the good client's p99 stays < 100 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = { accessKeyId: 'AKIABENCHSLOWCLIENT1', secretAccessKey: 'bench/slow+clients/0123456789abcdefghij' };
const ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);
/** The server's request timeout (its default) plus slack: no hostile client lives longer. */
const CLIENT_DEADLINE_MS = 45_000;

type Kind = 'idle' | 'slow-headers' | 'slow-body';

interface Hostile { kind: Kind; openedAt: number; closedAt?: number; answer?: string; refused: boolean }

export interface SlowClientsResult {
  clients: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssDeltaMb: number;
  rssAfterMb: number;
  good: { requests: number; errors: number; p50Ms: number; p99Ms: number; maxMs: number };
  hostile: Record<Kind, { n: number; refused: number; cutOffMedianS: number; cutOffMaxS: number; answers: Record<string, number> }>;
  stillOpenAtDeadline: number;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

async function startServerProcess(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--db', join(dir, 'vigil.db'), '--port', '0', '--log-level', 'silent'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, HOME: dir, VIGIL_ADMIN_ACCESS_KEY_ID: KEY.accessKeyId, VIGIL_ADMIN_SECRET_ACCESS_KEY: KEY.secretAccessKey },
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`vigil serve did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /GuardDuty API at http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`vigil serve exited ${code}: ${err}`)); });
  });
}

/** The well-behaved client: signed ListDetectors, one after the other, on one keep-alive connection. */
function goodClient(port: number): { stop(): Promise<void>; take(): { ms: number[]; errors: number } } {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let ms: number[] = [];
  let errors = 0;
  let running = true;
  const one = async () => {
    const s = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/detector', query: {}, headers: { host: `127.0.0.1:${port}` } });
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/detector', method: 'GET', agent, headers: s.headers as Record<string, string> }, (res) => {
        res.resume();
        res.on('end', () => { if (res.statusCode === 200) ms.push(performance.now() - t0); else errors++; resolve(); });
      });
      req.on('error', () => { errors++; resolve(); });
      req.end();
    });
  };
  const loop = (async () => { while (running) { await one(); await new Promise((r) => setTimeout(r, 5)); } })();
  return {
    async stop() { running = false; await loop; agent.destroy(); },
    take() { const out = { ms, errors }; ms = []; errors = 0; return out; },
  };
}

function hostile(port: number, kind: Kind, localAddress: string): { state: Hostile; done: Promise<void> } {
  const state: Hostile = { kind, openedAt: Date.now(), refused: false };
  const done = new Promise<void>((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port, localAddress });
    let timer: NodeJS.Timeout | undefined;
    let got = '';
    const deadline = setTimeout(() => socket.destroy(), CLIENT_DEADLINE_MS);
    socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    socket.on('error', () => { /* a reset is one way of being cut off */ });
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(deadline);
      state.closedAt = Date.now();
      state.answer = /^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 'closed';
      // destroyed before anything was sent or answered, at once: refused at accept
      state.refused = state.answer === 'closed' && state.closedAt - state.openedAt < 1000;
      resolve();
    });
    socket.on('connect', () => {
      if (kind === 'slow-headers') {
        const lines = ['POST /detector HTTP/1.1', `Host: 127.0.0.1:${port}`, ...Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: ${i}`)];
        let i = 0;
        timer = setInterval(() => { if (i < lines.length) socket.write(`${lines[i++]}\r\n`); }, 500);
      } else if (kind === 'slow-body') {
        socket.write(`POST /detector HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{`);
        timer = setInterval(() => socket.write(' '), 100);
      }
    });
  });
  return { state, done };
}

export async function runSlowClients(clients = 500): Promise<SlowClientsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-slow-'));
  const { child, port } = await startServerProcess(dir);
  try {
    const good = goodClient(port);
    await new Promise((r) => setTimeout(r, 3000)); // warm: JIT, the first queries, the detector made
    good.take();
    const before: number[] = [];
    for (let i = 0; i < 10; i++) { before.push(rssMb(child.pid!)); await new Promise((r) => setTimeout(r, 100)); }
    const rssBeforeMb = before.sort((a, b) => a - b)[before.length >> 1];

    const kinds: Kind[] = ['idle', 'slow-headers', 'slow-body'];
    const all = Array.from({ length: clients }, (_, i) => hostile(port, kinds[i % 3], ADDRESSES[i % ADDRESSES.length]));
    let rssPeakMb = rssBeforeMb;
    const sampler = setInterval(() => { rssPeakMb = Math.max(rssPeakMb, rssMb(child.pid!)); }, 100);
    const deadline = new Promise((r) => setTimeout(r, CLIENT_DEADLINE_MS + 1000));
    await Promise.race([Promise.all(all.map((h) => h.done)), deadline]);
    clearInterval(sampler);
    const during = good.take();
    await good.stop();
    const rssAfterMb = rssMb(child.pid!);

    const ms = during.ms.sort((a, b) => a - b);
    const hostileOut = Object.fromEntries(kinds.map((k) => {
      const of = all.map((h) => h.state).filter((s) => s.kind === k);
      const cut = of.filter((s) => !s.refused && s.closedAt).map((s) => (s.closedAt! - s.openedAt) / 1000).sort((a, b) => a - b);
      const answers: Record<string, number> = {};
      for (const s of of) answers[s.answer ?? 'open'] = (answers[s.answer ?? 'open'] ?? 0) + 1;
      return [k, { n: of.length, refused: of.filter((s) => s.refused).length, cutOffMedianS: quantile(cut, 0.5), cutOffMaxS: cut[cut.length - 1] ?? NaN, answers }];
    })) as SlowClientsResult['hostile'];
    return {
      clients, rssBeforeMb, rssPeakMb, rssDeltaMb: rssPeakMb - rssBeforeMb, rssAfterMb,
      good: { requests: ms.length, errors: during.errors, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99), maxMs: ms[ms.length - 1] ?? NaN },
      hostile: hostileOut,
      stillOpenAtDeadline: all.filter((h) => h.state.closedAt === undefined).length,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSlowClients(r: SlowClientsResult): string {
  const lines = [
    `Slow clients: ${r.clients} hostile connections at once from ${ADDRESSES.length} loopback addresses, default settings`,
    `  server RSS: ${r.rssBeforeMb.toFixed(1)} MB before, ${r.rssPeakMb.toFixed(1)} MB at peak (+${r.rssDeltaMb.toFixed(1)} MB; target < 50), ${r.rssAfterMb.toFixed(1)} MB after`,
    `  good client during the attack: ${r.good.requests} requests, ${r.good.errors} errors, p50 ${r.good.p50Ms.toFixed(1)} ms, p99 ${r.good.p99Ms.toFixed(1)} ms (target < 100), max ${r.good.maxMs.toFixed(1)} ms`,
  ];
  for (const [k, v] of Object.entries(r.hostile)) {
    lines.push(`  ${k.padEnd(12)} ${v.n} clients: ${v.refused} refused at accept, cut off after ${v.cutOffMedianS.toFixed(1)} s median (max ${v.cutOffMaxS.toFixed(1)} s); answers ${JSON.stringify(v.answers)}`);
  }
  lines.push(`  still open at the deadline: ${r.stillOpenAtDeadline}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--clients');
  const n = i >= 0 ? Number(args[i + 1]) : 500;
  if (!Number.isInteger(n) || n < 1) throw new Error('--clients needs a positive integer');
  const r = await runSlowClients(n);
  console.log(args.includes('--json') ? JSON.stringify(r, null, 2) : printSlowClients(r));
  process.exitCode = r.rssDeltaMb < 50 && r.good.p99Ms < 100 && r.stillOpenAtDeadline === 0 ? 0 : 1;
}
