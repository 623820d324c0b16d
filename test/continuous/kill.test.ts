/**
 * Exactly-once checkpoints: `vigil serve --watch` over a CI-sized folder is killed with SIGKILL
 * at random points (seeded), restarted each time, and finally left to finish. Its findings (ids
 * and counts) and processed objects must equal those of one uninterrupted `vigil scan` of the
 * same files: nothing skipped, nothing counted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { scan } from '../../src/app/scan.js';
import { makeLogFolder } from '../../src/testing/log-folder.js';

const ROOT = join(import.meta.dirname, '..', '..');

function processedCount(db: string): number {
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try { return (d.prepare('SELECT count(*) AS n FROM processed_objects').get() as { n: number }).n; } finally { d.close(); }
  } catch { return 0; }
}

function serve(folder: string, db: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--watch', folder, '--db', db, '--port', '0', '--log-level', 'silent'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VIGIL_ADMIN_ACCESS_KEY_ID: 'AKIAKILLTEST00000001', VIGIL_ADMIN_SECRET_ACCESS_KEY: 'kill-test-secret-0000000000' },
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

async function waitFor(what: string, cond: () => boolean, child: ChildProcess, limitMs = 180_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`vigil serve exited (${child.exitCode}) before: ${what}`);
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Small seeded PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function findingsOf(db: string) {
  const s = await openStore(db);
  try {
    const all = await s.queryFindings({ limit: 1_000_000 });
    return all.map((f) => `${f.id} ${f.type} count=${f.service.count}`).sort();
  } finally { await s.close(); }
}

test('kill -9 at random points and restart: same findings and counts as one uninterrupted scan', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
  const folder = join(dir, 'logs');
  const files = makeLogFolder(folder);
  const total = files.length;
  assert.ok(total >= 100, `a folder of many objects (${total})`);

  const reference = join(dir, 'scan.db');
  const s = await openStore(reference);
  const r = await scan({ inputs: [folder], store: s });
  await s.close();
  assert.equal(r.objects.processed, total);
  const expected = await findingsOf(reference);
  assert.ok(expected.length >= 5, `the data raises findings (${expected.length})`);

  const seed = Number(process.env.VIGIL_KILL_SEED ?? 20261201);
  const rand = rng(seed);
  const db = join(dir, 'serve.db');
  const kills: { round: number; at: string; extraMs: number; committed: number }[] = [];
  const killCount = Number(process.env.VIGIL_KILL_COUNT ?? 5);
  for (let k = 0; k < killCount; k++) {
    const before = processedCount(db);
    if (before >= total) break;
    const child = serve(folder, db);
    const extraMs = Math.floor(rand() * (k === 0 ? 1500 : 300));
    // the first kill lands anywhere in start-up (loading, the first batch); later ones after this
    // run's first checkpoint, somewhere in the next batch (read, parse, detect, commit)
    if (k > 0) await waitFor('progress', () => processedCount(db) > before, child);
    await new Promise((res) => setTimeout(res, extraMs));
    child.kill('SIGKILL');
    await exited(child);
    kills.push({ round: k, at: k === 0 ? 'start-up' : `${extraMs} ms after a checkpoint`, extraMs, committed: processedCount(db) });
  }
  const last = serve(folder, db);
  await waitFor('every object committed', () => processedCount(db) >= total, last);
  last.kill('SIGTERM');
  await exited(last);
  process.stderr.write(`kill test (seed ${seed}, ${total} objects): ${JSON.stringify(kills)}\n`);
  if (process.env.VIGIL_KILL_DUMP) { const { writeFileSync } = await import('node:fs'); writeFileSync('/tmp/kill-expected.txt', expected.join('\n')); writeFileSync('/tmp/kill-got.txt', (await findingsOf(db)).join('\n')); }
  assert.ok(kills.length >= Math.min(3, killCount), 'killed at least three times');
  if (killCount) assert.ok(kills.filter((k) => k.committed < total).length >= Math.min(3, killCount), 'killed with work left to do, three times or more');

  assert.equal(processedCount(db), total, 'every object recorded exactly once');
  const got = await findingsOf(db);
  assert.deepEqual(got, expected);
});
