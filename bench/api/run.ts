/**
 * API benchmark (`npm run bench -- --only api`): seeds N findings (default 1M; --smoke 20k) into
 * a database, starts `vigil serve` on it in a child process, and measures requests/s and latency
 * for ListFindings (indexed criteria; a per-row criterion), GetFindings (50 ids) and
 * GetFindingsStatistics, against the unauthenticated /vigil/health baseline in the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, sign, type LoadResult } from './load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = { accessKeyId: 'AKIABENCHADMIN000001', secretAccessKey: 'bench-secret-key-0123456789abcdef' };

export interface ApiBench { findings: number; seedSeconds: number; rows: { name: string; result: LoadResult }[] }

export async function runApiBench(out: string, n: number, seconds: number): Promise<ApiBench> {
  mkdirSync(out, { recursive: true });
  const db = join(out, `api-${n}.db`);
  const t = Date.now();
  const seed = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/seed.ts'), db, String(n)], { cwd: ROOT, encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`seeding failed: ${seed.stderr.slice(-1000)}`);
  const seedSeconds = (Date.now() - t) / 1000;
  const config = join(out, 'api-bench.yaml');
  writeFileSync(config, `adminAccountId: "000000000000"\naccounts:\n  - accountId: "000000000000"\n    keys:\n      - { accessKeyId: ${KEY.accessKeyId}, secretAccessKey: ${KEY.secretAccessKey}, role: administrator }\n`);
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--config', config, '--db', db, '--port', String(port), '--log-level', 'silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    // the first start on an older database runs migrations over every finding: allow minutes
    let stderr = '';
    server.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${url}/vigil/ready`)).ok) break; } catch { /* not up yet */ }
      if (server.exitCode !== null || i > 3000) throw new Error(`vigil serve did not start (exit ${server.exitCode}): ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const list = JSON.parse(await (await fetch(url + '/detector', { headers: (await sign(url, KEY, 'GET', '/detector')).headers })).text()) as { detectorIds: string[] };
    const d = list.detectorIds[0];
    const ids = JSON.parse(await (await fetch(url + `/detector/${d}/findings`, { method: 'POST', headers: (await sign(url, KEY, 'POST', `/detector/${d}/findings`, { maxResults: 50 })).headers, body: JSON.stringify({ maxResults: 50 }) })).text()) as { findingIds: string[] };
    const cases: [string, Promise<Awaited<ReturnType<typeof sign>>>][] = [
      ['baseline: GET /vigil/health (no auth, no query)', Promise.resolve({ method: 'GET', path: '/vigil/health', headers: { host: `127.0.0.1:${port}` } })],
      ['ListFindings severity ≥ 7, active, newest first', sign(url, KEY, 'POST', `/detector/${d}/findings`, { findingCriteria: { criterion: { severity: { gte: 7 }, 'service.archived': { eq: ['false'] } } }, sortCriteria: { attributeName: 'updatedAt', orderBy: 'DESC' }, maxResults: 50 })],
      ['ListFindings type + account (indexed)', sign(url, KEY, 'POST', `/detector/${d}/findings`, { findingCriteria: { criterion: { type: { eq: ['Recon:EC2/Portscan'] }, accountId: { eq: ['111100000000'] } } }, maxResults: 50 })],
      ['ListFindings per-row criterion (resource tag)', sign(url, KEY, 'POST', `/detector/${d}/findings`, { findingCriteria: { criterion: { 'resource.instanceDetails.tags.key': { eq: ['GeneratedFindingInstaceTag1'] } } }, maxResults: 50 })],
      ['GetFindings, 50 ids', sign(url, KEY, 'POST', `/detector/${d}/findings/get`, { findingIds: ids.findingIds })],
      ['GetFindingsStatistics by finding type', sign(url, KEY, 'POST', `/detector/${d}/findings/statistics`, { groupBy: 'FINDING_TYPE', maxResults: 25 })],
    ];
    const rows = [];
    for (const [name, req] of cases) rows.push({ name, result: await load(url, await req, { concurrency: 8, seconds }) });
    return { findings: n, seedSeconds, rows };
  } finally {
    server.kill('SIGTERM');
  }
}

export function printApiBench(b: ApiBench): string {
  const w = Math.max(...b.rows.map((r) => r.name.length));
  const base = b.rows[0].result.perSec;
  return [`API (vigil serve over ${b.findings.toLocaleString('en-US')} stored findings; 8 concurrent keep-alive clients on the same machine; seeding ${b.seedSeconds.toFixed(0)} s)`,
    `  ${'request'.padEnd(w)}  ${'req/s'.padStart(8)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'÷ baseline'.padStart(10)}  errors`,
    ...b.rows.map((r) => `  ${r.name.padEnd(w)}  ${r.result.perSec.toFixed(0).padStart(8)}  ${r.result.p50.toFixed(1).padStart(7)}  ${r.result.p99.toFixed(1).padStart(7)}  ${(r.result.perSec / base).toFixed(3).padStart(10)}  ${r.result.errors}`)].join('\n');
}
