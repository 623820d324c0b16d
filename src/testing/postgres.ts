/**
 * PostgreSQL for tests: a database of its own per test file (`vigil_test_<random>`, dropped at
 * the end) on the machine's server (VIGIL_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres,
 * which CI starts), and an empty schema per store inside it, so each case starts from nothing.
 * An unreachable server is an error that says so: these tests never skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG = process.env.VIGIL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The database's URL (public schema). */
  url: string;
  name: string;
  /** A URL whose connections use a new, empty schema of this database. */
  schema(): Promise<string>;
  /** Drops the database (its connections first). */
  drop(): Promise<void>;
}

const withUrl = (base: string, database: string, params: Record<string, string> = {}) => {
  const u = new URL(base);
  u.pathname = `/${database}`;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG, connectionTimeoutMillis: 5_000 });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_PG} (${(e as Error).message}): these tests need it. Start it `
      + '(`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, as .ci/run does) or point VIGIL_TEST_PG at one.', { cause: e });
  }
  try { return await fn(c); } finally { await c.end(); }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vigil_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withUrl(TEST_PG, name);
  return {
    url, name,
    async schema() {
      const schema = `s_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try { await c.query(`CREATE SCHEMA ${schema}`); } finally { await c.end(); }
      return withUrl(TEST_PG, name, { options: `-c search_path=${schema}` });
    },
    async drop() {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
