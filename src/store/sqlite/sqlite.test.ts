import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './index.js';
import { TERM_FIELDS } from './criteria-sql.js';
import { storeConformance } from '../../testing/store-conformance.js';

storeConformance('sqlite', async () => new SqliteStore(':memory:'));

test('sqlite: a database from a newer Vigil is refused with a clear message', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-sqlite-')), 'v.db');
  const raw = new Database(path);
  raw.pragma('user_version = 999');
  raw.close();
  const s = new SqliteStore(path);
  await assert.rejects(s.migrate(), /newer Vigil/);
  await s.close();
});

test('sqlite: the term fields of migration 8 are the ones the criteria translation uses', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-sqlite-')), 'v.db');
  const s = new SqliteStore(path);
  await s.migrate();
  await s.close();
  const raw = new Database(path, { readonly: true });
  const rows = raw.prepare('SELECT criterion, field FROM finding_term_fields ORDER BY field').all() as { criterion: string; field: number }[];
  raw.close();
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r.criterion, r.field])), TERM_FIELDS);
});
