/**
 * Monthly partitions of the findings table (migration 1): `findings_YYYY_MM` holds
 * 'YYYY-MM' ≤ created_at < the next month, made on demand before a commit writes into a month;
 * `findings_default` takes what no partition covers. Retention drops a month whole once every
 * finding in it was last updated before the cut-off (created_at never changes for a finding, and
 * updated_at ≥ created_at, so a month's newest update says when all of it has expired).
 */
import type pg from 'pg';
import type { FindingPartition } from '../types.js';

/** Serialises partition DDL (creating, dropping) among all processes on the database. */
const PARTITION_LOCK = "hashtextextended(current_schema() || ':vigil-findings-partitions', 0)";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])/;

/** The month ('YYYY-MM') a created time falls in, or undefined (the default partition). */
export function monthOf(createdAt: string): string | undefined {
  const m = MONTH.exec(createdAt);
  return m ? `${m[1]}-${m[2]}` : undefined;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}

/** Names and bounds come only from a month validated by MONTH, so they are safe to splice into DDL. */
const tableOf = (month: string) => `findings_${month.replace('-', '_')}`;
const monthOfTable = (name: string) => /^findings_(\d{4})_(\d{2})$/.exec(name)?.slice(1, 3).join('-');

/**
 * Makes the partitions of these months that do not exist yet. Rows of such a month already in
 * the default partition (written by a process that believed the month's partition still there
 * after a drop) move into the new partition in the same transaction.
 */
export async function createPartitions(c: pg.PoolClient, months: string[]): Promise<void> {
  for (const month of months) {
    if (!MONTH.test(month)) throw new Error(`not a month: ${month}`);
    const table = tableOf(month), to = nextMonth(month);
    await c.query('BEGIN');
    try {
      await c.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
      const { rows } = await c.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
      if (rows[0].t === null) {
        // through the parent (only the default partition holds such rows now), so the finding counts
        // of migration 2 see the rows leave and come back
        await c.query(`CREATE TEMP TABLE vigil_moving ON COMMIT DROP AS
          WITH moved AS (DELETE FROM findings WHERE created_at >= $1 AND created_at < $2 RETURNING *) SELECT * FROM moved`, [month, to]);
        await c.query(`CREATE TABLE ${table} PARTITION OF findings FOR VALUES FROM ('${month}') TO ('${to}')`);
        await c.query('INSERT INTO findings SELECT * FROM vigil_moving');
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
  }
}

/** The months that have a partition. */
export async function partitionMonths(c: pg.PoolClient | pg.Pool): Promise<string[]> {
  const { rows } = await c.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'findings'::regclass ORDER BY c.relname`);
  return rows.map((r) => monthOfTable(r.name)).filter((m): m is string => m !== undefined);
}

const describe = (month: string, findings: number): FindingPartition =>
  ({ name: tableOf(month), createdFrom: `${month}-01T00:00:00.000Z`, createdTo: `${nextMonth(month)}-01T00:00:00.000Z`, findings });

/** Months whose findings were all last updated before `before` (empty months wholly before it too). */
export async function expiredPartitions(c: pg.PoolClient | pg.Pool, before: string): Promise<FindingPartition[]> {
  const out: FindingPartition[] = [];
  for (const month of await partitionMonths(c)) {
    if (month >= before.slice(0, 7)) break; // this month and later can still receive findings
    const { rows } = await c.query<{ n: number; last: string | null }>(`SELECT count(*) AS n, max(updated_at) AS last FROM ${tableOf(month)}`);
    if (rows[0].last === null || rows[0].last < before) out.push(describe(month, rows[0].n));
  }
  return out;
}

/** Drops a month if it is still expired (under a lock that holds writers back); the findings removed, or 0. */
export async function dropPartition(c: pg.PoolClient, p: FindingPartition, before: string): Promise<number> {
  const month = monthOfTable(p.name);
  if (!month) throw new Error(`not a findings partition: ${p.name}`);
  await c.query('BEGIN');
  try {
    await c.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
    const { rows: exists } = await c.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [p.name]);
    if (exists[0].t === null) { await c.query('ROLLBACK'); return 0; }
    // the parent first (as every writer takes it), so no writer holds the month meanwhile
    await c.query('LOCK TABLE findings IN ACCESS EXCLUSIVE MODE');
    const { rows } = await c.query<{ n: number; last: string | null }>(`SELECT count(*) AS n, max(updated_at) AS last FROM ${p.name}`);
    if (rows[0].last !== null && rows[0].last >= before) { await c.query('ROLLBACK'); return 0; }
    // a dropped table fires no trigger: its findings leave the counts of migration 2 here
    await c.query(`SELECT vigil_count_findings(array_agg(region), array_agg(account_id), array_agg(type), array_agg(severity), array_agg(archived),
      array_agg(updated_at), array_agg(resource_id), array_agg(resource_type), array_agg(-1::bigint)) FROM ${p.name} HAVING count(*) > 0`);
    await c.query(`DROP TABLE ${p.name}`);
    await c.query('COMMIT');
    return rows[0].n;
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  }
}
