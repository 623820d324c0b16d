import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './index.js';
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
