/**
 * Private nats-server processes for tests and benches: JetStream on a free loopback port with
 * their own store folder, killed and removed at the end. `startNatsCluster(3)` starts three
 * servers routed to each other (a replicated JetStream cluster) for failover tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = process.env.VIGIL_NATS_SERVER ?? 'nats-server';

export interface NatsProcess { url: string; port: number; child: ChildProcess; dir: string; stop(): Promise<void>; kill(): Promise<void> }

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
  });
}

async function reachable(port: number, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); res(true); }); c.once('error', () => res(false)); });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nats-server on port ${port} did not start (is ${NATS_SERVER} installed? apt-get install nats-server)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(args: string[], dir: string, port: number): NatsProcess {
  const child = spawn(NATS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => { err = (err + String(c)).slice(-4000); });
  child.on('error', () => undefined);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const p: NatsProcess = {
    url: `nats://127.0.0.1:${port}`, port, child, dir,
    async stop() { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited; } rmSync(dir, { recursive: true, force: true }); },
    async kill() { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; } },
  };
  Object.defineProperty(p, 'stderr', { get: () => err });
  return p;
}

/** One JetStream server. */
export async function startNats(): Promise<NatsProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-'));
  const port = await freePort();
  const p = run(['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js')], dir, port);
  await reachable(port, 10_000);
  return p;
}

/** `n` JetStream servers in one cluster on loopback; the url lists them all. */
export async function startNatsCluster(n = 3): Promise<{ nodes: NatsProcess[]; url: string; stop(): Promise<void> }> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const routes = await Promise.all(Array.from({ length: n }, () => freePort()));
  const nodes: NatsProcess[] = [];
  for (let i = 0; i < n; i++) {
    const dir = mkdtempSync(join(tmpdir(), `vigil-nats-${i}-`));
    const conf = join(dir, 'server.conf');
    writeFileSync(conf, [
      `server_name: n${i}`, 'listen: 127.0.0.1:' + ports[i],
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      `cluster { name: vigil-test, listen: 127.0.0.1:${routes[i]}, routes: [${routes.filter((_, j) => j !== i).map((r) => `nats-route://127.0.0.1:${r}`).join(', ')}] }`,
    ].join('\n'));
    nodes.push(run(['-c', conf], dir, ports[i]));
  }
  await Promise.all(ports.map((p) => reachable(p, 15_000)));
  return { nodes, url: ports.map((p) => `nats://127.0.0.1:${p}`).join(','), async stop() { await Promise.all(nodes.map((x) => x.stop())); } };
}
