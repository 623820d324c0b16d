/**
 * Secrets and files: the generated administrator secret is sealed in the database (never in its
 * bytes, WAL included) under a key file kept beside it (0600); an older version's plaintext
 * credential is sealed on start and keeps working; the database, -wal, -shm and key file are
 * 0600 and the folders Vigil makes 0700 (an existing 0644 database is narrowed); a database
 * without its key file refuses to start rather than lose its keys. `vigil keys` against the
 * database of a running server: a created key authenticates within a couple of seconds, a
 * revoked one is refused, a rotated one is replaced — no restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { startServer } from '../../src/app/serve.js';
import { loadServeConfig } from '../../src/api/config.js';
import { openStore } from '../../src/store/index.js';
import { MEMBER1_ACCOUNT, startHarness, type Harness } from './harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
let h: Harness;
const dirs: string[] = [];

before(async () => { h = await startHarness(); });
after(async () => {
  await h?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
  dirs.push(d);
  return d;
}

const mode = (p: string) => statSync(p).mode & 0o777;

/** Every file of the database (the WAL and SHM too, while they exist) holds none of `secrets`. */
function assertNotInFiles(db: string, secrets: string[]): void {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const s of secrets) assert.equal(bytes.indexOf(Buffer.from(s)), -1, `${f} holds a secret in plaintext`);
  }
}

async function listDetectors(url: string, key: { accessKeyId: string; secretAccessKey: string }): Promise<number> {
  const c = new GuardDutyClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: key });
  try {
    await c.send(new ListDetectorsCommand({}));
    return 200;
  } catch (e) {
    return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  } finally { c.destroy(); }
}

function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: tmpdir(), ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Polls `check` until it holds, for at most `ms`; the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return Date.now() - t0;
    if (Date.now() - t0 > ms) assert.fail(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the generated administrator secret is sealed in the database; files are 0600, folders Vigil makes 0700', async () => {
  const dir = tempDir();
  const db = join(dir, 'state', 'nested', 'vigil.db');
  const s = await startServer(loadServeConfig({ db, port: '0' }, {}));
  try {
    const admin = s.createdAdminKey!;
    assert.ok(admin, 'a key was made');
    assert.equal(await listDetectors(s.url, admin), 200, 'and it works');
    const key = await s.store.getDoc<Record<string, unknown>>('access-key', admin.accessKeyId);
    assert.equal(key?.role, 'administrator');
    assert.equal(JSON.stringify(key).includes(admin.secretAccessKey), false, 'the record holds no plaintext');
    assert.deepEqual(await s.store.listDocs('credential'), [], 'no plaintext credential document');
    assertNotInFiles(db, [admin.secretAccessKey]);
    assert.ok(existsSync(`${db}-wal`) && existsSync(`${db}-shm`), 'WAL mode');
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.key`]) assert.equal(mode(f), 0o600, f);
    for (const d of [join(dir, 'state'), join(dir, 'state', 'nested')]) assert.equal(mode(d), 0o700, d);
    assert.equal(s.secretsKeyFrom, `${db}.key`);
  } finally { await s.stop(); }
  // a restart reuses the sealed key
  const again = await startServer(loadServeConfig({ db, port: '0' }, {}));
  try { assert.equal(again.createdAdminKey, undefined); } finally { await again.stop(); }
});

test('an older version\'s plaintext credential is sealed on start and keeps working; a 0644 database is narrowed', async () => {
  const dir = tempDir();
  const db = join(dir, 'old.db');
  const legacy = { accessKeyId: 'AKIALEGACYADMIN00001', secretAccessKey: 'legacy/plaintext+secret/0123456789abcd' };
  const old = await openStore(db);
  await old.putDoc('credential', 'admin:000000000000', '000000000000', legacy);
  await old.close();
  chmodSync(db, 0o644);
  assert.notEqual(readFileSync(db).indexOf(legacy.secretAccessKey), -1, 'the old layout: plaintext in the file');
  const s = await startServer(loadServeConfig({ db, port: '0' }, {}));
  try {
    assert.equal(s.createdAdminKey, undefined, 'the migrated key is the administrator key');
    assert.equal(await listDetectors(s.url, legacy), 200);
    assert.deepEqual(await s.store.listDocs('credential'), []);
    assert.equal(mode(db), 0o600);
  } finally { await s.stop(); }
  assertNotInFiles(db, [legacy.secretAccessKey]);
});

test('a database without its key file, or with another key, does not start', async () => {
  const dir = tempDir();
  const db = join(dir, 'v.db');
  const s = await startServer(loadServeConfig({ db, port: '0' }, {}));
  await s.stop();
  await assert.rejects(startServer(loadServeConfig({ db, port: '0' }, { VIGIL_SECRETS_KEY: 'ab'.repeat(32) })), /does not open with this secrets key/);
  // the key given by the environment works as the key file does
  const key = readFileSync(`${db}.key`, 'utf8').trim();
  const withEnv = await startServer(loadServeConfig({ db, port: '0' }, { VIGIL_SECRETS_KEY: key }));
  await withEnv.stop();
});

test('vigil keys against a running server\'s database: created keys work, revoked and rotated ones stop, without a restart', async () => {
  const db = join(h.dir, 'vigil.db');
  const made = await vigil(['keys', 'create', '--account', MEMBER1_ACCOUNT, '--role', 'member', '--db', db, '--json']);
  assert.equal(made.code, 0, made.stderr);
  const pair = JSON.parse(made.stdout) as { accessKeyId: string; secretAccessKey: string; accountId: string; role: string; status: string };
  assert.deepEqual([pair.accountId, pair.role, pair.status], [MEMBER1_ACCOUNT, 'member', 'active']);
  const tookCreate = await within(2500, async () => (await listDetectors(h.url, pair)) === 200);

  const listed = await vigil(['keys', 'list', '--db', db, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const keys = (JSON.parse(listed.stdout) as { keys: Record<string, unknown>[] }).keys;
  assert.ok(keys.some((k) => k.accessKeyId === pair.accessKeyId && k.status === 'active'));
  assert.ok(!listed.stdout.includes(pair.secretAccessKey) && !listed.stdout.includes('secret'), 'list never shows secrets');

  const rotated = await vigil(['keys', 'rotate', pair.accessKeyId, '--db', db, '--json']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const next = JSON.parse(rotated.stdout) as { accessKeyId: string; secretAccessKey: string; role: string; replaced: { status: string } };
  assert.deepEqual([next.role, next.replaced.status], ['member', 'revoked']);
  await within(2500, async () => (await listDetectors(h.url, next)) === 200);
  const tookRevoke = await within(2500, async () => (await listDetectors(h.url, pair)) === 403);

  const revoked = await vigil(['keys', 'revoke', next.accessKeyId, '--db', db]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, /Revoked/);
  await within(2500, async () => (await listDetectors(h.url, next)) === 403);
  assert.ok(tookCreate < 2500 && tookRevoke < 2500, `create took ${tookCreate} ms, revoke ${tookRevoke} ms`);
  assertNotInFiles(db, [pair.secretAccessKey, next.secretAccessKey]);
});

test('vigil keys: --help on every command, mistakes are exit 2', async () => {
  for (const sub of [[], ['list'], ['create'], ['revoke'], ['rotate']]) {
    const r = await vigil(['keys', ...sub, '--help']);
    assert.equal(r.code, 0, `${sub.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: vigil keys/);
  }
  const db = join(h.dir, 'vigil.db');
  const wrongRole = await vigil(['keys', 'create', '--account', MEMBER1_ACCOUNT, '--role', 'administrator', '--db', db]);
  assert.equal(wrongRole.code, 2);
  assert.match(wrongRole.stderr, /administrator role belongs to the administrator account/);
  const unknown = await vigil(['keys', 'revoke', 'AKIANOSUCHKEY0000001', '--db', db]);
  assert.equal(unknown.code, 2);
  const noDb = await vigil(['keys', 'list', '--db', join(h.dir, 'nope.db')]);
  assert.equal(noDb.code, 2);
  assert.equal(existsSync(join(h.dir, 'nope.db')), false, 'no database made by a typo');
});
