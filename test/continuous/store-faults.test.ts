/**
 * The store fails under a running ingest loop and comes back: a disk that fills up (a small
 * tmpfs this test mounts), a database another process holds a write lock on. Each time the loop
 * must back off, keep the batch (never quarantine for the environment), and once the cause is
 * gone commit it by itself — no restart — with the findings of one scan of the same files,
 * exactly once, and each object counted once in health.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Ingestor, sourceContext } from '../../src/app/ingest/index.js';
import { scan } from '../../src/app/scan.js';
import { FolderSource } from '../../src/sources/folder/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { cloudTrailFile, ctRecord } from '../../src/testing/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const stop = (name: string, t: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false, eventTime: t });

/** Six files, seven records; trail `t1` appears in two files (its finding's count is 2). */
function logFiles(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < 6; i++) {
    const recs = [stop(`t${i}`, `2026-03-02T09:0${i}:00Z`)];
    if (i === 5) recs.push(stop('t1', '2026-03-02T09:59:00Z'));
    out[`AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T090${i}Z_f${i}.json.gz`] = gzipSync(cloudTrailFile(recs));
  }
  return out;
}

function put(root: string, files: Record<string, Buffer>): void {
  for (const [name, body] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, body);
  }
}

/**
 * Lands the whole tree at once, as a careful writer does (built beside, then renamed in): the
 * watcher sees one new folder with every file in it, so the first commit holds all six objects.
 * Files written one by one into a watched folder may be offered over several polls.
 */
function land(root: string, files: Record<string, Buffer>): void {
  const staging = mkdtempSync(join(root, '..', 'staging-'));
  put(staging, files);
  renameSync(join(staging, 'AWSLogs'), join(root, 'AWSLogs'));
  rmSync(staging, { recursive: true });
}

async function findings(store: Store): Promise<string[]> {
  return (await store.queryFindings({ limit: 1000 })).map((f) => `${f.id} ${f.type} count=${f.service.count}`).sort();
}

async function reference(dir: string): Promise<string[]> {
  const logs = join(dir, 'ref-logs');
  put(logs, logFiles());
  const s = await openStore(join(dir, 'ref.db'));
  try {
    const r = await scan({ inputs: [logs], store: s });
    assert.equal(r.objects.processed, 6);
    return await findings(s);
  } finally { await s.close(); }
}

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes until the file system says ENOSPC; returns the filler's path. */
function fill(dir: string): string {
  const p = join(dir, 'filler');
  const fd = openSync(p, 'w');
  try {
    for (const size of [1 << 16, 4096, 512, 1]) {
      const buf = Buffer.alloc(size, 0x55);
      try { for (;;) writeSync(fd, buf); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e; }
    }
  } finally { closeSync(fd); }
  return p;
}

function ingestorFor(store: Store, logs: string): { ing: Ingestor; src: FolderSource } {
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 0, rescanMs: 100 }, sourceContext(store));
  return { ing: new Ingestor({ store, sources: [src], retry: { baseMs: 100, maxMs: 400 } }), src };
}

/** The recovered run: same findings as the scan, every object once, retried and never quarantined. */
async function assertRecovered(store: Store, ing: Ingestor, expected: string[], cause: RegExp): Promise<void> {
  assert.deepEqual(await findings(store), expected, 'the findings of one scan, exactly once');
  assert.equal((await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0), 6);
  const h = ing.view()[0];
  assert.equal(h.objects.read, 6, 'each object counted once, however often it was tried');
  assert.equal(h.records, 7);
  assert.equal(h.badRecords, 0);
  assert.ok(h.retry.retries >= 1, 'the failure was retried');
  assert.equal(h.retry.lastFailure?.transient, true);
  assert.match(h.retry.lastFailure!.message, cause);
  assert.equal(h.retry.quarantined, 0, 'the environment\'s failure never quarantines');
  assert.deepEqual(h.quarantine, []);
  assert.equal(h.retry.waiting, 0);
  assert.equal(h.retry.backoffUntil, undefined);
}

test('disk full: commits fail with SQLITE_FULL, the loop backs off, and once space is freed the batch commits by itself', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-diskfull-'));
  const expected = await reference(dir);
  const mnt = join(dir, 'small');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    t.skip(`cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim()}`);
    return;
  }
  let store: Store | undefined;
  let ing: Ingestor | undefined;
  try {
    const db = join(mnt, 'v.db');
    // migrated, closed (its WAL folded in and removed) and opened again: the next write needs new space
    await (await openStore(db)).close();
    store = await openStore(db);
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    ({ ing } = ingestorFor(store, logs));
    await ing.start();
    await until('the first poll', () => ing!.view()[0].lastPollAt !== undefined);
    const filler = fill(mnt);
    land(logs, logFiles());
    await until('commits fail for the full disk, more than once', () => ing!.view()[0].retry.retries >= 2);
    const during = ing.view()[0];
    assert.match(during.retry.lastFailure!.message, /SQLITE_FULL|disk is full/);
    assert.equal(during.retry.waiting, 6, 'the six objects are held');
    assert.ok(during.retry.backoffUntil, 'and the next try is shown');
    assert.equal(during.objects.read, 0, 'nothing counted before it commits');
    assert.deepEqual(await findings(store), [], 'nothing committed');
    rmSync(filler);
    await until('every object committed after the space came back', () => ing!.view()[0].objects.read === 6);
    await assertRecovered(store, ing, expected, /SQLITE_FULL|disk is full/);
  } finally {
    await ing?.stop();
    await store?.close();
    try { execFileSync('umount', [mnt]); } catch { execFileSync('umount', ['-l', mnt]); }
  }
});

test('a database locked by another process for longer than the busy timeout: SQLITE_BUSY, backoff, then the batch commits once the lock is released', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-locked-'));
  const expected = await reference(dir);
  const db = join(dir, 'v.db');
  const store = await openStore(db);
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const { ing } = ingestorFor(store, logs);
  await ing.start();
  // another connection takes the write lock and keeps it past the store's 5 s busy timeout
  const holdMs = 7000;
  const locker = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('released'); }, Number(process.argv[2]));
  `, db, String(holdMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  locker.stdout!.on('data', (c) => { said += String(c); });
  const exited = new Promise((r) => locker.once('exit', r));
  try {
    await until('the other process holds the lock', () => said.includes('locked'), 20_000);
    put(logs, logFiles());
    await until('a commit failed for the lock', () => ing.view()[0].retry.retries >= 1, 30_000);
    const during = ing.view()[0];
    assert.match(during.retry.lastFailure!.message, /SQLITE_BUSY|database is locked/);
    assert.equal(during.objects.read, 0);
    if (!said.includes('released')) assert.deepEqual(await findings(store), [], 'nothing committed while locked');
    await until('the lock is released', () => said.includes('released'), 30_000);
    await until('every object committed after the lock went', () => ing.view()[0].objects.read === 6);
    await assertRecovered(store, ing, expected, /SQLITE_BUSY|database is locked/);
  } finally {
    locker.kill();
    await exited;
    await ing.stop();
    await store.close();
  }
});
