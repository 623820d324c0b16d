import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PostgresStore } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { openStore, StoreMissingError, StoreUnavailableError } from '../index.js';
import { hasFindingPartitions } from '../types.js';
import { sampleFinding, storeConformance } from '../../testing/store-conformance.js';
import { createTestDatabase, TEST_PG, type TestDatabase } from '../../testing/postgres.js';
import { Exporter } from '../../export/index.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db?.drop(); });

storeConformance('postgres', async () => new PostgresStore(await db.schema()));

/** A store over a new schema, and a raw client on the same schema to look at what it wrote. */
async function open(): Promise<{ s: PostgresStore; raw: pg.Client; url: string; done(): Promise<void> }> {
  const url = await db.schema();
  const s = new PostgresStore(url);
  await s.migrate();
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  return { s, raw, url, async done() { await s.close(); await raw.end(); } };
}

const partitions = async (raw: pg.Client) => (await raw.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'findings'::regclass ORDER BY 1`)).rows.map((r) => r.name);
const at = (id: string, createdAt: string, updatedAt = createdAt) => ({ ...sampleFinding(id.repeat(32), { updatedAt }), createdAt });

test('postgres: a database from a newer Vigil is refused with a clear message', async () => {
  const { s, raw, done } = await open();
  await raw.query('INSERT INTO schema_migrations (version) VALUES (999)');
  await assert.rejects(s.migrate(), /newer Vigil \(schema 999/);
  await done();
});

test('postgres: processes migrating one empty schema at once apply each migration once', async () => {
  const url = await db.schema();
  const stores = Array.from({ length: 4 }, () => new PostgresStore(url));
  await Promise.all(stores.map((s) => s.migrate()));
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  assert.deepEqual((await raw.query('SELECT version FROM schema_migrations ORDER BY 1')).rows, MIGRATIONS.map((_, i) => ({ version: i + 1 })));
  await raw.end();
  await Promise.all(stores.map((s) => s.close()));
});

test('postgres: openStore picks PostgreSQL for a URL; a store that must exist, an unreachable server and a missing database say what is wrong', async () => {
  const url = await db.schema();
  await assert.rejects(openStore(url, { existing: true }), (e: unknown) => e instanceof StoreMissingError && /no Vigil schema/.test((e as Error).message));
  const s = await openStore(url);
  assert.ok(s instanceof PostgresStore);
  await s.close();
  await (await openStore(url, { existing: true })).close();
  const down = new URL(TEST_PG);
  down.port = '1';
  down.password = 'hunter2';
  await assert.rejects(openStore(down.toString()), (e: unknown) => e instanceof StoreUnavailableError
    && /cannot reach PostgreSQL at .*:1\/.*connection refused/.test((e as Error).message) && !(e as Error).message.includes('hunter2'));
  const missing = new URL(TEST_PG);
  missing.pathname = '/vigil_no_such_database';
  await assert.rejects(openStore(missing.toString()), /database "vigil_no_such_database" does not exist.*create it/);
});

test('postgres: findings land in the partition of their created month, made on demand; a created time that is no date goes to the default partition', async () => {
  const { s, raw, done } = await open();
  assert.deepEqual(await partitions(raw), ['findings_default']);
  const odd = at('c', 'yesterday');
  await s.commit({ findings: [at('a', '2026-01-31T23:59:59.999Z'), at('b', '2026-02-01T00:00:00.000Z'), odd] });
  assert.deepEqual(await partitions(raw), ['findings_2026_01', 'findings_2026_02', 'findings_default']);
  const where = async (table: string) => (await raw.query(`SELECT id FROM ${table}`)).rows.map((r) => r.id[0]);
  assert.deepEqual([await where('findings_2026_01'), await where('findings_2026_02'), await where('findings_default')], [['a'], ['b'], ['c']]);
  assert.deepEqual(await s.getFindings([odd.id]), [odd]);
  assert.equal((await s.countFindings()).total, 3);
  await done();
});

test('postgres: a finding id is one row even when a commit brings it under another created time', async () => {
  const { s, raw, done } = await open();
  await s.commit({ findings: [at('a', '2026-01-05T00:00:00.000Z')] });
  const moved = at('a', '2026-03-05T00:00:00.000Z');
  await s.commit({ findings: [moved] });
  await s.commit({ findings: [moved] });
  assert.deepEqual((await raw.query('SELECT created_at FROM findings')).rows, [{ created_at: moved.createdAt }]);
  assert.deepEqual(await s.getFindings([moved.id]), [moved]);
  await done();
});

test('postgres: a batch larger than one statement commits whole', async () => {
  const { s, done } = await open();
  const fs = Array.from({ length: 4_500 }, (_, i) => sampleFinding(i.toString(16).padStart(32, '0'), { severity: 1 + (i % 8) }));
  fs.push({ ...fs[10], service: { ...fs[10].service, count: 42 } }); // the same id twice: the last wins
  await s.commit({ findings: fs });
  assert.equal((await s.countFindings()).total, 4_500);
  assert.equal((await s.getFindings([fs[10].id]))[0].service.count, 42);
  await done();
});

test('postgres: text a hostile log puts into a finding (NUL, a lone surrogate) is stored, found, and its JSON comes back exactly', async () => {
  const { s, done } = await open();
  const f = sampleFinding('d'.repeat(32), { type: 'Recon:EC2/Portscan\ud800' });
  f.resource = { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIA\u0000X', userName: 'eve\u0000\udc00' } };
  f.title = 'nul \u0000 here';
  await s.commit({ findings: [f], objects: [{ fingerprint: 'fp', uri: 's3://b/k\u0000', kind: 'cloudtrail', size: 1, records: 1, bad: 0, processedAt: f.createdAt }] });
  assert.deepEqual(await s.getFindings([f.id]), [f]);
  const found = async (criterion: Record<string, { eq: string[] }>) => (await s.pageFindings({ criteria: { criterion }, limit: 5 })).findings.map((x) => x.id);
  assert.deepEqual(await found({ title: { eq: ['nul \u0000 here'] } }), [f.id]);
  assert.deepEqual(await found({ 'resource.accessKeyDetails.userName': { eq: ['eve\u0000\udc00'] } }), [f.id], 'terms');
  assert.deepEqual(await found({ type: { eq: ['Recon:EC2/Portscan\ud800'] } }), [f.id], 'columns');
  assert.deepEqual(await found({ type: { eq: ['Recon:EC2/Portscan'] } }), []);
  await done();
});

test('postgres: retention drops whole expired months (after the export), keeps a month holding a recent update, and deletes the rest by row', async () => {
  const { s, raw, done } = await open();
  assert.ok(hasFindingPartitions(s));
  await s.commit({ findings: [
    at('a', '2026-01-05T10:00:00.000Z', '2026-01-10T10:00:00.000Z'), at('b', '2026-01-20T10:00:00.000Z', '2026-05-01T10:00:00.000Z'),
    at('c', '2026-02-03T10:00:00.000Z', '2026-02-04T10:00:00.000Z'), at('d', '2026-02-10T10:00:00.000Z', '2026-03-01T10:00:00.000Z'),
    at('e', '2026-03-01T10:00:00.000Z', '2026-03-16T10:00:00.000Z'), at('9', '2026-06-01T10:00:00.000Z'),
  ] });
  const cutoff = '2026-03-17T10:00:00.000Z';
  assert.deepEqual((await s.expiredFindingPartitions(cutoff)).map((p) => [p.name, p.findings, p.createdFrom, p.createdTo]),
    [['findings_2026_02', 2, '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']]);
  const folder = `file:///tmp/vigil-pg-retention-${process.pid}-${Date.now()}`;
  await s.putDoc('destination', 'dest1', '111122223333', { destinationId: 'dest1', detectorId: 'd', destinationType: 'S3', destinationProperties: { destinationArn: folder }, status: 'PUBLISHING' });
  // the destination has every new finding but no update yet: retention writes the expiring ones first
  await s.putDoc('export-cursor', 'dest1', '', { updated: 0, created: Date.parse('2026-06-20T00:00:00.000Z'), fullAt: Date.parse('2026-06-15T10:00:00.000Z') });
  const r = await new Exporter({ store: s, retentionDays: 90, now: () => Date.parse('2026-06-15T10:00:00.000Z') }).run({ forceRetention: true });
  assert.deepEqual(r.retained, { deleted: 4, exported: 4 });
  const written = readdirSync(fileURLToPath(folder), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .flatMap((e) => gunzipSync(readFileSync(join(e.parentPath, e.name))).toString().trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id[0]));
  rmSync(fileURLToPath(folder), { recursive: true, force: true });
  assert.deepEqual(written.sort(), ['a', 'c', 'd', 'e']);
  assert.deepEqual(await partitions(raw), ['findings_2026_01', 'findings_2026_03', 'findings_2026_06', 'findings_default'], 'February went whole');
  assert.deepEqual((await s.queryFindings({ limit: 10 })).map((f) => f.id[0]).sort(), ['9', 'b']);
  await done();
});

test('postgres: a partition updated after it was found expired is kept', async () => {
  const { s, done } = await open();
  const old = at('a', '2026-01-05T10:00:00.000Z');
  await s.commit({ findings: [old] });
  const [part] = await s.expiredFindingPartitions('2026-04-01T00:00:00.000Z');
  await s.commit({ findings: [{ ...old, updatedAt: '2026-05-01T00:00:00.000Z' }] });
  assert.equal(await s.dropFindingPartition(part, '2026-04-01T00:00:00.000Z'), 0);
  assert.equal((await s.countFindings()).total, 1);
  await done();
});

test('postgres: findings another process wrote into a dropped month (in the default partition) move into the month when it is made again', async () => {
  const { s, raw, url, done } = await open();
  const other = new PostgresStore(url);
  await s.commit({ findings: [at('a', '2026-01-05T10:00:00.000Z')] });
  await other.commit({ findings: [at('b', '2026-01-06T10:00:00.000Z')] }); // `other` now believes January exists
  const [part] = await s.expiredFindingPartitions('2026-04-01T00:00:00.000Z');
  assert.equal(await s.dropFindingPartition(part, '2026-04-01T00:00:00.000Z'), 2);
  await other.commit({ findings: [at('c', '2026-01-07T10:00:00.000Z')] });
  assert.deepEqual((await raw.query('SELECT id FROM findings_default')).rows.map((r) => r.id[0]), ['c']);
  await s.commit({ findings: [at('d', '2026-01-08T10:00:00.000Z')] });
  assert.deepEqual((await raw.query('SELECT id FROM findings_2026_01 ORDER BY id')).rows.map((r) => r.id[0]), ['c', 'd']);
  assert.equal((await raw.query('SELECT count(*)::int AS n FROM findings_default')).rows[0].n, 0);
  assert.equal((await s.countFindings()).total, 2);
  await other.close();
  await done();
});

test('postgres: commits of two owners under one fence key never both win', async () => {
  const { s, url, done } = await open();
  const other = new PostgresStore(url);
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? s : other).commit({
    state: [{ namespace: 'p/1/x', data: { v: 1, entries: [['epoch', i, 0]] } }], fence: { key: 'partition/1', epoch: i } })));
  // whatever the interleaving, the state left is the one of the highest epoch that committed, and that is the last epoch (19): nothing older overwrote it
  assert.equal(results[19].status, 'fulfilled');
  assert.deepEqual((await s.loadState('p/1/')).map((r) => r.data.entries[0][1]), [19]);
  assert.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.name === 'FencedError'));
  await other.close();
  await done();
});

test('postgres: optimize analyses the partitioned findings table and its months, new ones included', async (t) => {
  const { s, raw, done } = await open();
  t.after(done);
  await s.commit({ findings: Array.from({ length: 50 }, (_, i) => ({ ...at('a', '2026-01-05T10:00:00.000Z'), id: i.toString(16).padStart(32, '0') })) });
  const parentStats = async () => (await raw.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'findings'")).rows[0].n;
  const rows = async () => (await raw.query<{ n: number }>("SELECT reltuples AS n FROM pg_class WHERE oid = 'findings_2026_01'::regclass")).rows[0].n;
  assert.deepEqual([await parentStats(), await rows()], [0, -1], 'never analysed');
  await s.optimize();
  assert.ok(await parentStats() > 0, 'the partitioned table has statistics');
  assert.equal(await rows(), 50);
});
