/**
 * How long the console takes to render over a large store: seeds N synthetic findings (bench/api/seed.ts,
 * reused when the database already holds N), starts `vigil serve` on it, and drives Debian's
 * chromium (playwright-core; the server in its own process, as `vigil serve` runs) through the summary and the findings list, timing from navigation to the
 * page showing its data (cards, chart and tables; a full page of rows). Each view is opened several
 * times: the first is cold (SQLite pages not cached yet), the rest warm.
 *   node --import tsx bench/console/measure.ts [--n 1000000] [--db bench/.data/console-1m.db] [--runs 3]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { CONSOLE_DIR } from '../../src/api/routes/console.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: o } = parseArgs({ options: { n: { type: 'string', default: '1000000' }, db: { type: 'string' }, runs: { type: 'string', default: '3' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const N = Number(o.n);
const db = o.db ?? join(ROOT, `bench/.data/console-${N}.db`);
const RUNS = Number(o.runs);
const KEY = { accessKeyId: 'AKIAVIGILBENCH000001', secretAccessKey: 'bench/secret+key/0123456789abcdefghijk' };

if (!existsSync(join(CONSOLE_DIR, 'index.html'))) spawnSync('npx', ['vite', 'build', 'web'], { cwd: ROOT, stdio: 'inherit' });
const t = Date.now();
const held = existsSync(db) ? (new Database(db, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n : 0;
const seed = held === N ? { status: 0 } : spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/seed.ts'), db, String(N)], { cwd: ROOT, stdio: 'inherit' });
if (seed.status !== 0) throw new Error('seeding failed');
console.log(`database ready in ${((Date.now() - t) / 1000).toFixed(0)} s: ${db}`);

const dir = mkdtempSync(join(tmpdir(), 'vigil-console-bench-'));
const configFile = join(dir, 'vigil.yaml');
writeFileSync(configFile, stringify({ region: 'us-east-1', adminAccountId: '999999999999', logLevel: 'silent', accounts: [{ accountId: '999999999999', keys: [{ ...KEY, role: 'administrator' }] }] }));
// a separate process, as `vigil serve` runs: the browser's driver must not share its event loop
const port = await new Promise<number>((resolve) => { const srv = createServer().listen(0, '127.0.0.1', () => { const p = (srv.address() as AddressInfo).port; srv.close(() => resolve(p)); }); });
const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--config', configFile, '--db', db, '--port', String(port), '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, VIGIL_ADMIN_ACCOUNT_ID: undefined } });
const server = { url: `http://127.0.0.1:${port}`, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } };
for (let i = 0; ; i++) {
  if (await fetch(`${server.url}/vigil/ready`).then((r) => r.ok, () => false)) break;
  if (i > 600) throw new Error('vigil serve did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const browser = await chromium.launch({ executablePath: o.chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
await page.addInitScript(`sessionStorage.setItem('vigil.session', ${JSON.stringify(JSON.stringify({ ...KEY, region: 'us-east-1' }))})`);

/** Slowest API call of a view, from the browser's resource timing. */
const slowest = async (p: Page) => p.evaluate(() => performance.getEntriesByType('resource')
  .filter((e) => !/\/assets\//.test(e.name)).map((e) => ({ url: new URL(e.name).pathname, ms: Math.round(e.duration) })).sort((a, b) => b.ms - a.ms)[0]);

async function time(name: string, path: string, ready: (p: Page) => Promise<unknown>, settle?: (p: Page) => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  let slow: { url: string; ms: number } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = Date.now();
    await page.goto(`${server.url}/console${path}`);
    await ready(page).catch(async (e: Error) => {
      const shot = join(tmpdir(), 'vigil-console-bench-failure.png');
      await page.screenshot({ path: shot, fullPage: true });
      throw new Error(`${name}: ${e.message} (screenshot: ${shot})`);
    });
    times.push(Date.now() - start);
    await settle?.(page); // let calls still running end, so the next run starts on an idle server
    slow = await slowest(page);
    if (process.env.VIGIL_BENCH_DEBUG) console.log(await page.evaluate(`JSON.stringify(performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname.slice(0, 60), Math.round(e.startTime), Math.round(e.duration)]))`));
  }
  console.log(`${name.padEnd(58)} ${times.map((x) => `${x} ms`).join(', ').padEnd(28)} slowest call ${slow?.url} ${slow?.ms} ms`);
}

const rowsReady = (n: number) => async (p: Page) => {
  await p.locator('table.findings[aria-busy="false"]').waitFor({ timeout: 600_000 });
  await p.waitForFunction(`document.querySelectorAll('table.findings tbody tr').length >= ${n} || !!document.querySelector('[role=alert]')`, undefined, { timeout: 600_000 });
  if (await p.getByRole('alert').count()) throw new Error(await p.getByRole('alert').first().textContent() ?? 'error');
};
const view = (criterion: Record<string, unknown>, sort?: string) => `/findings?criteria=${encodeURIComponent(JSON.stringify({ criterion }))}${sort ? `&sort=${sort}` : ''}`;
const current = { 'service.archived': { eq: ['false'] } };

console.log(`console render times over ${N.toLocaleString('en-US')} stored findings (${RUNS} runs each; first is cold)`);
const summaryReady = async (p: Page) => {
  await p.locator('[data-testid="count-high"]').waitFor({ timeout: 600_000 });
  await p.locator('.chart canvas').first().waitFor();
  await p.waitForFunction(`document.querySelectorAll('.grid3 tbody tr').length >= 3`, undefined, { timeout: 600_000 });
};
const resourcesReady = (p: Page) => p.waitForFunction(`document.querySelectorAll('[data-testid=resources] tbody tr').length >= 3`, undefined, { timeout: 600_000 });
await time('Summary (cards, chart, top types and accounts)', '/', summaryReady, resourcesReady);
await time('Summary, most affected resources too', '/', async (p) => { await summaryReady(p); await resourcesReady(p); });
await time('Findings list, default (current, newest first, 25 rows)', '/findings', rowsReady(25));
await time('Findings list, severity ≥ 7 sorted by severity', view({ ...current, severity: { gte: 7 } }, 'severity:DESC'), rowsReady(25));
await time('Findings list, one type and one account', view({ ...current, type: { eq: ['Recon:EC2/PortProbeUnprotectedPort'] }, accountId: { eq: ['111100007919'] } }), rowsReady(1));
await time('Findings list, last seen in the last 10 days of data', view({ ...current, updatedAt: { gte: Date.UTC(2026, 2, 3) } }), rowsReady(25));
await time('Findings list, instance ID (a JSON attribute, no index)', view({ ...current, 'resource.instanceDetails.instanceId': { eq: ['i-0000000000000002a'] } }), rowsReady(1));
{
  await page.goto(`${server.url}/console/findings`);
  await rowsReady(25)(page);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = Date.now();
    const before = await page.locator('.pager span').textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction(`document.querySelector('.pager span')?.textContent !== ${JSON.stringify(before)}`);
    await rowsReady(25)(page);
    times.push(Date.now() - start);
  }
  console.log(`${'Findings list, next page (pages 2–4)'.padEnd(58)} ${times.map((x) => `${x} ms`).join(', ')}`);
}
await browser.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
