/**
 * The `vigil` commands over a PostgreSQL store (`--store postgres://…`, VIGIL_STORE), as a user
 * runs them: scan, findings, status, keys and quarantine on a database of their own; the errors
 * for a database without Vigil's schema, an unreachable server, a missing secrets key and
 * --store/--db naming different stores; and how `vigil serve`'s configuration reads `store`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_PG, type TestDatabase } from '../src/testing/postgres.js';
import { ConfigError, loadServeConfig } from '../src/api/config.js';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'vigil-store-cli-'));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db?.drop(); rmSync(work, { recursive: true, force: true }); });

/** Runs the CLI (in a folder of its own: a PostgreSQL store leaves no file behind) without the developer's VIGIL_* settings. */
function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_')));
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], { cwd: work, env: { ...clean, NO_COLOR: '1', ...env } });
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

test('scan, findings, status, keys and quarantine work on a PostgreSQL store given by --store or VIGIL_STORE', async () => {
  const samples = join(root, 'samples');
  const scan = await vigil(['scan', samples, '--store', db.url, '--json', '--offline', '--no-progress']);
  assert.equal(scan.code, 3, scan.err); // the samples hold one cut-off file on purpose
  const report = JSON.parse(scan.out) as { db: string; findings: { created: number } };
  assert.ok(report.findings.created >= 10);
  assert.equal(report.db, db.url);
  const listed = await vigil(['findings', 'list', '--json', '--limit', '100'], { VIGIL_STORE: db.url });
  assert.equal(listed.code, 0, listed.err);
  const findings = JSON.parse(listed.out) as { id: string; type: string }[];
  assert.equal(findings.length, report.findings.created);
  const got = await vigil(['findings', 'get', findings[0].id, '--json', '--store', db.url]);
  assert.equal((JSON.parse(got.out) as { type: string }[])[0].type, findings[0].type);
  const again = await vigil(['scan', samples, '--store', db.url, '--json', '--offline', '--no-progress']);
  assert.equal((JSON.parse(again.out) as { findings: { created: number } }).findings.created, 0, 'a second scan skips what the first read');
  const status = await vigil(['status', '--store', db.url, '--json']);
  assert.equal(status.code, 0, status.err);
  const kinds = (JSON.parse(status.out) as { logTypes: { kind: string; objects: number }[] }).logTypes.map((l) => l.kind);
  assert.ok(kinds.includes('cloudtrail') && kinds.includes('vpcflow'), kinds.join());
  assert.equal((await vigil(['quarantine', 'list', '--store', db.url])).code, 0);

  const noKey = await vigil(['keys', 'list', '--store', db.url]);
  assert.equal(noKey.code, 2);
  assert.match(noKey.err, /is PostgreSQL, with no database file to keep the secrets key beside: set VIGIL_SECRETS_KEY/);
  const key = { VIGIL_SECRETS_KEY: randomBytes(32).toString('hex') };
  const made = await vigil(['keys', 'create', '--account', '111122223333', '--role', 'read-only', '--store', db.url, '--json'], key);
  assert.equal(made.code, 0, made.err);
  const id = (JSON.parse(made.out) as { accessKeyId: string }).accessKeyId;
  const keys = await vigil(['keys', 'list', '--store', db.url, '--json'], key);
  assert.deepEqual((JSON.parse(keys.out) as { keys: { accessKeyId: string }[] }).keys.map((k) => k.accessKeyId), [id]);
});

test('a database without Vigil\'s schema, an unreachable server and --store/--db naming different stores are reported, nothing created', async () => {
  const empty = await db.schema();
  for (const cmd of [['status'], ['quarantine', 'list'], ['keys', 'list']]) {
    const r = await vigil([...cmd, '--store', empty], { VIGIL_SECRETS_KEY: randomBytes(32).toString('hex') });
    assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.err}`);
    assert.match(r.err, /no Vigil store in .* \(the database has no Vigil schema\): pass --db <file> or --store <url>/);
  }
  const raw = new pg.Client({ connectionString: empty });
  await raw.connect();
  assert.equal((await raw.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()")).rows[0].n, 0, 'no table was made');
  await raw.end();
  const down = new URL(TEST_PG);
  down.port = '1';
  down.password = 'secret-word';
  const r = await vigil(['findings', 'list', '--store', down.toString()]);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/.*connection refused/);
  assert.doesNotMatch(r.err, /secret-word/);
  const both = await vigil(['findings', 'list', '--store', db.url], { VIGIL_DB: join(work, 'other.db') });
  assert.equal(both.code, 2);
  assert.match(both.err, /--store \(VIGIL_STORE\) and --db \(VIGIL_DB\) name different stores/);
});

test('vigil serve reads the store from --store, VIGIL_STORE or the file\'s `store` (the older `db` too); two names at one level must agree', () => {
  const file = join(work, 'serve.yaml');
  writeFileSync(file, 'store: postgres://vigil@db.example/vigil\n');
  assert.equal(loadServeConfig({ config: file }, {}).db, 'postgres://vigil@db.example/vigil');
  assert.equal(loadServeConfig({ config: file }, { VIGIL_STORE: 'postgres://env/x' }).db, 'postgres://env/x');
  assert.equal(loadServeConfig({ config: file, db: 'flag.db' }, { VIGIL_STORE: 'postgres://env/x' }).db, 'flag.db');
  assert.equal(loadServeConfig({}, { VIGIL_DB: 'env.db' }).db, 'env.db');
  assert.equal(loadServeConfig({}, {}).db, 'vigil.db');
  writeFileSync(file, 'store: postgres://a/x\ndb: other.db\n');
  assert.throws(() => loadServeConfig({ config: file }, {}), (e: unknown) => e instanceof ConfigError && /store and its older name db name different stores/.test((e as Error).message));
  assert.throws(() => loadServeConfig({ store: 'postgres://a/x', db: 'b.db' }, {}), ConfigError);
  assert.equal(loadServeConfig({ store: 'same.db', db: 'same.db' }, {}).db, 'same.db');
});
