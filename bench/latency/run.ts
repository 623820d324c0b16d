/**
 * Latency benchmark (`npm run bench -- --only latency`): `vigil serve --watch DIR` in a child
 * process with a webhook notifier pointing at a loopback HTTP listener in this process. Files,
 * each one CloudTrail record raising a new finding, land in the folder one at a time (written
 * under a hidden name, then renamed into place: the arrival time is the rename). Per file:
 *   arrival → finding stored    (the finding's updatedAt, set when the checkpoint is built)
 *   arrival → notification sent (the webhook request received here)
 * reported as p50/p99/max. Nothing is asserted: figures only (docs/continuous.md).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LatencyBench { files: number; intervalMs: number; settleMs: number; rows: { name: string; p50: number; p99: number; max: number; n: number }[] }

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

function record(i: number): string {
  const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return JSON.stringify({ Records: [{
    eventVersion: '1.09', eventTime: t, eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15.0', requestParameters: { name: `trail-${i}` }, responseElements: null,
    userIdentity: { type: 'IAMUser', principalId: 'AIDALATENCY', arn: 'arn:aws:iam::111122223333:user/bench', accountId: '111122223333', accessKeyId: 'AKIALATENCY000000001', userName: 'bench' },
    eventID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, eventType: 'AwsApiCall', readOnly: false, recipientAccountId: '111122223333', managementEvent: true, eventCategory: 'Management',
  }] });
}

export async function runLatencyBench(out: string, files: number, intervalMs = 250): Promise<LatencyBench> {
  const dir = join(out, 'latency');
  rmSync(dir, { recursive: true, force: true });
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const sent = new Map<string, number>();
  const hook = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const e = JSON.parse(b) as { detail: { updatedAt: string } };
        const trail = /trail-\d+/.exec(b)?.[0];
        if (trail) { sent.set(trail, at); sent.set(`${trail}:stored`, Date.parse(e.detail.updatedAt)); }
      } catch { /* not an event */ }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;
  const config = join(dir, 'serve.yaml');
  const settleMs = 300;
  writeFileSync(config, `sources:\n  - { type: folder, path: ${JSON.stringify(logs)}, settleMs: ${settleMs} }\nnotifiers:\n  - { type: webhook, url: "http://127.0.0.1:${hookPort}/" }\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--config', config, '--db', join(dir, 'v.db'), '--port', '0', '--log-level', 'silent'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VIGIL_ADMIN_ACCESS_KEY_ID: 'AKIALATENCYBENCH0001', VIGIL_ADMIN_SECRET_ACCESS_KEY: 'latency-bench-secret-000000' } });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const arrived = new Map<string, number>();
  try {
    // ready when the first (warm-up) file's event arrives
    const warm = join(logs, 'warmup.json');
    writeFileSync(warm, record(999_999));
    const end = Date.now() + 60_000;
    while (!sent.has('trail-999999')) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`vigil serve did not start: ${err.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < files; i++) {
      const tmp = join(logs, `.incoming-${i}`);
      writeFileSync(tmp, record(i));
      const name = join(logs, `111122223333_CloudTrail_us-east-1_${i}.json`);
      renameSync(tmp, name);
      arrived.set(`trail-${i}`, Date.now());
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    const until = Date.now() + 30_000;
    while ([...arrived.keys()].some((k) => !sent.has(k)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  } finally {
    child.kill('SIGTERM');
    hook.close();
  }
  const stored: number[] = [], notified: number[] = [], storeToNotify: number[] = [];
  for (const [k, t0] of arrived) {
    const n = sent.get(k);
    const s = sent.get(`${k}:stored`);
    if (n === undefined || s === undefined) continue;
    stored.push(s - t0);
    notified.push(n - t0);
    storeToNotify.push(n - s);
  }
  const row = (name: string, xs: number[]) => ({ name, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs), n: xs.length });
  return { files, intervalMs, settleMs, rows: [row('file arrival → finding stored', stored), row('file arrival → notification received', notified), row('finding stored → notification received', storeToNotify)] };
}

export function printLatencyBench(b: LatencyBench): string {
  const lines = [`Latency on a watched folder: ${b.files} files, one every ${b.intervalMs} ms, settle time ${b.settleMs} ms (ms; the finding's updatedAt has 1 ms resolution)`, '',
    '| Path | p50 | p99 | max | files |', '|---|---:|---:|---:|---:|'];
  for (const r of b.rows) lines.push(`| ${r.name} | ${Math.round(r.p50)} | ${Math.round(r.p99)} | ${Math.round(r.max)} | ${r.n} |`);
  if (b.rows[1].n < b.files) lines.push('', `${b.files - b.rows[1].n} file(s) produced no notification within 30 s`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('latency/run.ts')) {
  const n = Number(process.argv[2] ?? 100);
  runLatencyBench('bench/.data', n).then((b) => console.log(printLatencyBench(b)), (e) => { console.error(e); process.exitCode = 1; });
}
