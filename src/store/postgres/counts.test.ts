/**
 * PostgreSQL's per-group finding counts (migration 2) stay exact through every way findings change —
 * upserts, archiving, deletes, a new created time, rows moved between partitions, months dropped
 * whole — and are built from what a schema-1 database already holds; and the two plans of a term
 * "equals" (driven from the terms index when rare, walking the sort order when common) give the
 * same pages as the JavaScript truth.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresStore } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { TERM_DRIVE_LIMIT } from '../criteria-fields.js';
import type { Finding } from '../../core/index.js';
import { sampleFinding } from '../../testing/store-conformance.js';
import { createTestDatabase, type TestDatabase } from '../../testing/postgres.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db?.drop(); });

const TYPES = ['Recon:EC2/Portscan', 'UnauthorizedAccess:EC2/SSHBruteForce', 'Discovery:S3/MaliciousIPCaller'];
const ACCOUNTS = ['111122223333', '444455556666'];

function finding(i: number, createdAt: string, updatedAt = createdAt): Finding {
  const f = sampleFinding(i.toString(16).padStart(32, '0'), { type: TYPES[i % 3], accountId: ACCOUNTS[i % 2], severity: 2 + (i % 7), updatedAt, archived: i % 5 === 0 });
  f.createdAt = createdAt;
  f.resource = { resourceType: 'Instance', instanceDetails: { instanceId: `i-${i % 4}` } };
  return f;
}

/** Every count table's groups (n > 0) against the same grouping of the findings themselves. */
async function assertCountsExact(raw: pg.Client, label: string): Promise<void> {
  const day = 'substr(updated_at, 1, 10)';
  const tables: [string, string[], string[]][] = [
    ['finding_counts', ['region', 'account_id', 'type', 'severity', 'archived', 'day'], ['region', 'account_id', 'type', 'severity', 'archived', day]],
    ['finding_totals', ['region', 'account_id', 'type', 'severity', 'archived'], ['region', 'account_id', 'type', 'severity', 'archived']],
    ['finding_resources', ['region', 'account_id', 'archived', 'resource_id', 'resource_type'], ['region', 'account_id', 'archived', 'resource_id', 'resource_type']],
  ];
  for (const [table, keys, exprs] of tables) {
    const kept = (await raw.query(`SELECT ${keys.join(', ')}, n::int AS n FROM ${table} WHERE n > 0 ORDER BY ${keys.join(', ')}`)).rows;
    const truth = (await raw.query(`SELECT ${exprs.map((e, i) => `${e} AS ${keys[i]}`).join(', ')}, count(*)::int AS n FROM findings
      GROUP BY ${exprs.join(', ')} ORDER BY ${exprs.join(', ')}`)).rows;
    assert.deepEqual(kept, truth, `${label}: ${table}`);
    const behind = (await raw.query(`SELECT count(*)::int AS n FROM ${table} t
      JOIN (SELECT ${exprs.map((e, i) => `${e} AS ${keys[i]}`).join(', ')}, max(updated_at) AS m FROM findings GROUP BY ${exprs.join(', ')}) f
      ON ${keys.map((k) => `t.${k} = f.${k}`).join(' AND ')} WHERE t.last < f.m`)).rows[0].n;
    assert.equal(behind, 0, `${label}: ${table}.last is never older than a group's newest update`);
    assert.equal((await raw.query(`SELECT count(*)::int AS n FROM ${table} WHERE n < 0`)).rows[0].n, 0, `${label}: no count below zero in ${table}`);
  }
}

async function open(url: string) {
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  return raw;
}

test('postgres counts: exact through upserts, archive, delete, a new created time, partition moves and a dropped month', async () => {
  const url = await db.schema();
  const s = new PostgresStore(url);
  await s.migrate();
  const other = new PostgresStore(url);
  const raw = await open(url);
  const jan = Array.from({ length: 60 }, (_, i) => finding(i, '2026-01-05T10:00:00.000Z'));
  const mar = Array.from({ length: 60 }, (_, i) => finding(100 + i, '2026-03-05T10:00:00.000Z', `2026-03-${String(5 + (i % 20)).padStart(2, '0')}T10:00:00.000Z`));
  await s.commit({ findings: [...jan, ...mar] });
  await assertCountsExact(raw, 'inserted');
  // seen again: severity, update day and archived change for some
  await s.commit({ findings: mar.slice(0, 30).map((f, i) => ({ ...f, severity: 8.5, updatedAt: '2026-04-02T10:00:00.000Z', service: { ...f.service, archived: i % 2 === 0, count: 2 } })) });
  await assertCountsExact(raw, 'upserted');
  assert.equal(await s.setArchived(mar.slice(30, 40).map((f) => f.id), true), mar.slice(30, 40).filter((f) => !f.service.archived).length);
  await s.setFeedback([mar[41].id], 'USEFUL');
  await assertCountsExact(raw, 'archived');
  assert.equal(await s.deleteFindings(mar.slice(50).map((f) => f.id)), 10);
  await assertCountsExact(raw, 'deleted');
  await s.commit({ findings: [{ ...jan[1], createdAt: '2026-03-09T10:00:00.000Z', updatedAt: '2026-03-09T10:00:00.000Z' }] });
  await assertCountsExact(raw, 'new created time');
  // January dropped whole while `other` still believes it exists: its next January finding goes to
  // the default partition, and moves into January when the month is made again
  const [part] = await s.expiredFindingPartitions('2026-02-15T00:00:00.000Z');
  assert.equal(part.name, 'findings_2026_01');
  assert.equal(await s.dropFindingPartition(part, '2026-02-15T00:00:00.000Z'), 59);
  await assertCountsExact(raw, 'month dropped');
  await other.commit({ findings: [finding(7, '2026-01-09T10:00:00.000Z')] });
  await s.commit({ findings: [finding(8, '2026-01-10T10:00:00.000Z')] });
  assert.equal((await raw.query('SELECT count(*)::int AS n FROM findings_2026_01')).rows[0].n, 2);
  await assertCountsExact(raw, 'moved out of the default partition');
  // statistics and overview counts read the summaries and agree with the findings
  const byType = await s.findingStatistics({ region: 'us-east-1', groupBy: 'FINDING_TYPE', order: 'DESC', limit: 10 });
  const truth = (await raw.query("SELECT type, count(*)::int AS n FROM findings WHERE region = 'us-east-1' GROUP BY type")).rows;
  assert.deepEqual(Object.fromEntries(byType.map((r) => [r.key, r.total])), Object.fromEntries(truth.map((r) => [r.type, r.n])));
  assert.equal((await s.countFindings()).total, Number((await raw.query('SELECT count(*) AS n FROM findings')).rows[0].n));
  await s.optimize();
  assert.equal(Number((await raw.query('SELECT count(*) AS n FROM finding_counts WHERE n <= 0')).rows[0].n), 0, 'optimize prunes empty groups');
  await assertCountsExact(raw, 'pruned');
  await raw.end();
  await other.close();
  await s.close();
});

test('postgres counts: an upgrade from schema 1 counts the findings already there', async () => {
  const url = await db.schema();
  const raw = await open(url);
  await raw.query(MIGRATIONS[0]);
  await raw.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  await raw.query('INSERT INTO schema_migrations (version) VALUES (1)');
  const old = new PostgresStore(url);
  await old.commit({ findings: Array.from({ length: 40 }, (_, i) => finding(i, '2026-02-05T10:00:00.000Z', `2026-02-${String(5 + (i % 9)).padStart(2, '0')}T10:00:00.000Z`)) });
  await old.close();
  const s = new PostgresStore(url);
  await s.migrate();
  await assertCountsExact(raw, 'after the upgrade');
  await raw.end();
  await s.close();
});

test('postgres: a term "equals" pages the same whether the term is rare (driven from the terms) or common (walking the sort order)', async () => {
  const url = await db.schema();
  const s = new PostgresStore(url);
  await s.migrate();
  const n = TERM_DRIVE_LIMIT + 300;
  const all = Array.from({ length: n }, (_, i) => {
    const f = finding(i, '2026-03-05T10:00:00.000Z', `2026-03-${String(5 + (i % 20)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z`);
    // every finding shares one access key; one in 1,000 has the rare one
    f.resource = { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: i % 1000 === 7 ? 'AKIARARE' : 'AKIACOMMON', userName: `u${i % 3}` } };
    return f;
  });
  await s.commit({ findings: all });
  await s.optimize();
  const byUpdate = (a: Finding, b: Finding) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id);
  for (const [key, sort] of [['AKIARARE', 'updatedAt'], ['AKIACOMMON', 'updatedAt'], ['AKIARARE', 'severity'], ['AKIACOMMON', 'severity']] as const) {
    const expected = all.filter((f) => f.resource.accessKeyDetails?.accessKeyId === key);
    const seen: string[] = [];
    let cursor: number | undefined = 0;
    for (let page = 0; cursor !== undefined && page < 3; page++) {
      const r = await s.pageFindings({ criteria: { criterion: { 'resource.accessKeyDetails.accessKeyId': { eq: [key] } } }, sort: { attribute: sort, order: 'DESC' }, limit: 4, cursor });
      seen.push(...r.findings.map((f) => f.id));
      cursor = r.cursor;
    }
    assert.equal(new Set(seen).size, seen.length, `${key} by ${sort}: pages never overlap`);
    const sorted = [...expected].sort(sort === 'severity' ? (a, b) => b.severity - a.severity || byUpdate(a, b) : byUpdate);
    if (sort === 'updatedAt') assert.deepEqual(seen.slice(0, 4), sorted.slice(0, 4).map((f) => f.id), `${key}: the newest first`);
    else assert.deepEqual(seen.map((id) => all.find((f) => f.id === id)!.severity), sorted.slice(0, seen.length).map((f) => f.severity), `${key}: the most severe first`);
    assert.ok(seen.every((id) => expected.some((f) => f.id === id)), `${key}: only findings holding the key`);
  }
  await s.close();
});
