/**
 * The PostgreSQL store (`pg`, one connection pool): the same operations and answers as the
 * SQLite store, for several processes (API replicas, workers) over one database. Findings keep
 * their full GuardDuty JSON plus the columns queries filter and sort on, in monthly partitions
 * by created time (partitions.ts); bulk writes are one multi-row statement per table (`unnest`
 * of arrays), and a commit is one transaction. Selected by a `postgres://` or `postgresql://`
 * store URL (../index.ts: openStore).
 */
import { filterFromRow, filterValues } from '../filter-rows.js';
import pg from 'pg';
import type { Finding } from '../../core/index.js';
import { severityRange } from '../../core/index.js';
import type { IntelList } from '../../intel/list.js';
import { compileCriteria } from '../../findings/criteria.js';
import type { CommitBatch, FilterRecord, FindingPage, FindingPageQuery, FindingPartition, FindingPartitions, FindingQuery, StateRow, StatsGroup, StatsRow,
  Store, StoreCounts, UsageRow } from '../types.js';
import { redactLocation } from '../location.js';
import { TERM_DRIVE_LIMIT } from '../criteria-fields.js';
import { Params, criteriaToSql, sortKeys } from './criteria-sql.js';
import { MIGRATIONS } from './migrations.js';
import { createPartitions, dropPartition, expiredPartitions, monthOf, partitionMonths } from './partitions.js';
import { explainConnectError } from './errors.js';
import { countFindings, findingAccounts, findingStatistics, pruneCounts } from './statistics.js';
import { lastByKey, writeBatch } from './commit.js';

type Row = Record<string, unknown>;

const SORT_COLUMNS = { severity: 'severity', updatedAt: 'updated_at', createdAt: 'created_at', count: 'count', type: 'type' } as const;

/** bigint (count(*), sums, bigint columns) and numeric as JS numbers: every value Vigil keeps fits in 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/** Serialises migrations among processes starting over the same schema. */
const MIGRATION_LOCK = "hashtextextended(current_schema() || ':vigil-migrate', 0)";


export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export class PostgresStore implements Store, FindingPartitions {
  readonly location: string;
  private readonly pool: pg.Pool;
  /** Months known to have a partition (refreshed on a miss; a stale entry only sends rows to the default partition). */
  private readonly months = new Set<string>();

  constructor(url: string, o: PostgresStoreOptions = {}) {
    this.location = redactLocation(url);
    this.pool = new pg.Pool({ connectionString: url, max: o.poolSize ?? 10, types: TYPES, application_name: 'vigil', connectionTimeoutMillis: 10_000 });
    // an idle connection the server closed (a restart) must not crash the process: the next
    // query gets a fresh connection, or an error its caller handles
    this.pool.on('error', () => undefined);
  }

  private async client(): Promise<pg.PoolClient> {
    try { return await this.pool.connect(); } catch (e) { throw explainConnectError(e, this.location); }
  }

  private async query<T extends Row = Row>(sql: string, args: unknown[] = []): Promise<T[]> {
    try { return (await this.pool.query<T>(sql, args)).rows; } catch (e) { throw explainConnectError(e, this.location); }
  }

  /** Runs `fn` in one transaction on one connection; rolled back whole when it throws. */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.client();
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async migrate(): Promise<void> {
    const c = await this.client();
    try {
      await c.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      try {
        await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
        const current = rows[0].v ?? 0;
        if (current > MIGRATIONS.length) {
          throw new Error(`${this.location} was written by a newer Vigil (schema ${current}, this one knows ${MIGRATIONS.length}); upgrade Vigil`);
        }
        for (let v = current; v < MIGRATIONS.length; v++) {
          await c.query('BEGIN');
          try {
            await c.query(MIGRATIONS[v]);
            await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
            await c.query('COMMIT');
          } catch (e) {
            await c.query('ROLLBACK');
            throw e;
          }
        }
      } finally {
        // a connection that broke has released the lock with itself; its error is the one to report
        await c.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
      }
    } finally {
      c.release();
    }
  }

  /** Whether the database holds Vigil's schema (for commands that must not start an empty one). */
  async hasSchema(): Promise<boolean> {
    return (await this.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t"))[0].t !== null;
  }

  async getFindings(ids: string[]): Promise<Finding[]> {
    if (ids.length === 0) return [];
    return (await this.query('SELECT json FROM findings WHERE id = ANY($1::text[])', [ids])).map((r) => JSON.parse(r.json as string) as Finding);
  }

  private where(q: Omit<FindingQuery, 'limit' | 'offset' | 'sort'>, p: Params): string[] {
    const parts: string[] = [];
    if (q.types?.length) parts.push(`type = ANY(${p.add(q.types)}::text[])`);
    if (q.accountIds?.length) parts.push(`account_id = ANY(${p.add(q.accountIds)}::text[])`);
    if (q.severities?.length) {
      parts.push('(' + q.severities.map((s) => { const [lo, hi] = severityRange(s); return `(severity >= ${p.add(lo)}::float8 AND severity < ${p.add(hi)}::float8)`; }).join(' OR ') + ')');
    }
    if (q.archived !== undefined) parts.push(`archived = ${q.archived ? 1 : 0}`);
    return parts;
  }

  async queryFindings(q: FindingQuery): Promise<Finding[]> {
    const p = new Params();
    const parts = this.where(q, p);
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const sort = q.sort ?? { field: 'severity', order: 'DESC' };
    const order = sort.order === 'ASC' ? 'ASC' : 'DESC';
    const rows = await this.query(`SELECT json FROM findings ${where} ORDER BY ${SORT_COLUMNS[sort.field]} ${order}, updated_at DESC, id
      LIMIT ${p.add(q.limit ?? 50)} OFFSET ${p.add(q.offset ?? 0)}`, p.values);
    return rows.map((r) => JSON.parse(r.json as string) as Finding);
  }

  async countFindings(q: Omit<FindingQuery, 'limit' | 'offset' | 'sort'> = {}): Promise<StoreCounts> {
    const p = new Params();
    return countFindings((sql, args) => this.query(sql, args), this.where(q, p), p.values);
  }

  async deleteFindings(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    try { return (await this.pool.query('DELETE FROM findings WHERE id = ANY($1::text[])', [ids])).rowCount ?? 0; } catch (e) { throw explainConnectError(e, this.location); }
  }

  /** Reads findings FOR UPDATE, lets `change` edit each (false: unchanged), writes back the changed ones; their count. */
  private async rewrite(ids: string[], change: (f: Finding) => boolean): Promise<number> {
    if (ids.length === 0) return 0;
    return this.transaction(async (c) => {
      const { rows } = await c.query<{ id: string; created_at: string; json: string }>(
        'SELECT id, created_at, json FROM findings WHERE id = ANY($1::text[]) FOR UPDATE', [[...new Set(ids)]]);
      const changed = rows.map((r) => ({ r, f: JSON.parse(r.json) as Finding })).filter(({ f }) => change(f));
      if (changed.length) {
        await c.query(`UPDATE findings f SET archived = u.archived, json = u.json
          FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[]) AS u(id, created_at, archived, json)
          WHERE f.id = u.id AND f.created_at = u.created_at`,
        [changed.map((x) => x.r.id), changed.map((x) => x.r.created_at), changed.map((x) => (x.f.service.archived ? 1 : 0)), changed.map((x) => JSON.stringify(x.f))]);
      }
      return changed.length;
    });
  }

  async setArchived(ids: string[], archived: boolean): Promise<number> {
    return this.rewrite(ids, (f) => {
      if (f.service.archived === archived) return false;
      f.service.archived = archived;
      return true;
    });
  }

  async setFeedback(ids: string[], feedback: 'USEFUL' | 'NOT_USEFUL' | undefined): Promise<number> {
    return this.rewrite(ids, (f) => {
      if (feedback) f.service.userFeedback = feedback; else delete f.service.userFeedback;
      return true;
    });
  }

  async processedObjects(fingerprints: string[]): Promise<Set<string>> {
    if (fingerprints.length === 0) return new Set();
    const rows = await this.query('SELECT fingerprint FROM processed_objects WHERE fingerprint = ANY($1::text[])', [fingerprints]);
    return new Set(rows.map((r) => r.fingerprint as string));
  }

  async loadState(prefix?: string): Promise<StateRow[]> {
    const rows = prefix === undefined
      ? await this.query('SELECT namespace, data FROM detector_state')
      : await this.query('SELECT namespace, data FROM detector_state WHERE starts_with(namespace, $1)', [prefix]);
    return rows.map((r) => ({ namespace: r.namespace as string, data: JSON.parse(r.data as string) }));
  }

  /** Makes the partitions of the months these findings fall in (before the commit's transaction: DDL waits for no row lock there). */
  private async ensurePartitions(findings: Finding[]): Promise<void> {
    let missing = [...new Set(findings.map((f) => monthOf(f.createdAt)).filter((m): m is string => m !== undefined))].filter((m) => !this.months.has(m));
    if (missing.length === 0) return;
    const c = await this.client();
    try {
      for (const m of await partitionMonths(c)) this.months.add(m);
      missing = missing.filter((m) => !this.months.has(m));
      await createPartitions(c, missing);
      for (const m of missing) this.months.add(m);
    } finally {
      c.release();
    }
  }

  async commit(batch: CommitBatch): Promise<void> {
    const findings = lastByKey(batch.findings ?? [], (f) => f.id);
    await this.ensurePartitions(findings);
    await this.transaction((c) => writeBatch(c, batch, findings));
  }

  async listFilters(detectorId?: string): Promise<FilterRecord[]> {
    const rows = detectorId
      ? await this.query('SELECT * FROM filters WHERE detector_id = $1 ORDER BY rank, name', [detectorId])
      : await this.query('SELECT * FROM filters ORDER BY detector_id, rank, name');
    return rows.map(filterFromRow);
  }

  async putFilter(f: FilterRecord): Promise<void> {
    await this.query(`INSERT INTO filters (detector_id, name, description, action, rank, criteria, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (detector_id, name) DO UPDATE SET description = EXCLUDED.description, action = EXCLUDED.action, rank = EXCLUDED.rank,
        criteria = EXCLUDED.criteria, tags = EXCLUDED.tags`,
    filterValues(f));
  }

  async deleteFilter(detectorId: string, name: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM filters WHERE detector_id = $1 AND name = $2', [detectorId, name])).rowCount! > 0;
  }

  /** The findings a page or statistics query covers: WHERE clauses, the columns they name, the JavaScript rest. */
  private async scope(q: { accountIds?: string[]; region?: string; criteria?: FindingPageQuery['criteria'] }, p: Params) {
    const c = criteriaToSql(q.criteria, p);
    const where = [...c.where];
    const columns = new Set(c.columns);
    if (q.accountIds) { where.push(q.accountIds.length ? `account_id = ANY(${p.add(q.accountIds)}::text[])` : 'false'); columns.add('account_id'); }
    if (q.region) { where.push(`region = ${p.add(q.region)}::text`); columns.add('region'); }
    return { where, columns, sql: where.length ? `WHERE ${where.join(' AND ')}` : '', residual: c.residual ? compileCriteria(c.residual) : undefined,
      rare: await this.rareTerms(c.terms) };
  }

  /**
   * Whether one of these term conditions is held by few findings (at most TERM_DRIVE_LIMIT). The
   * planner cannot tell a rare term from a common one (the terms' statistics keep only frequent
   * elements), and for a rare one its favourite plan — walk the sort order, test each row — reads
   * nearly every finding (2.8 s at 1M findings): such a query is then driven from the terms index.
   */
  private async rareTerms(terms: string[][]): Promise<boolean> {
    for (const t of terms) {
      const [{ n }] = await this.query('SELECT count(*) AS n FROM (SELECT 1 FROM findings WHERE terms && $1::text[] LIMIT $2) s', [t, TERM_DRIVE_LIMIT + 1]);
      if ((n as number) <= TERM_DRIVE_LIMIT) return true;
    }
    return false;
  }

  /**
   * Rows of `sql` in batches through a server-side cursor in one read-only snapshot: criteria
   * left to the JavaScript predicate scan without holding every row, and without OFFSET re-reads.
   * `each` returns false to stop.
   */
  private async scan(sql: string, args: unknown[], each: (r: Row) => boolean): Promise<void> {
    await this.transaction(async (c) => {
      await c.query(`DECLARE vigil_scan NO SCROLL CURSOR FOR ${sql}`, args);
      for (let size = 200; ; size = Math.min(size * 2, 5_000)) {
        const { rows } = await c.query(`FETCH ${size} FROM vigil_scan`);
        for (const r of rows) if (!each(r)) return;
        if (rows.length < size) return;
      }
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async pageFindings(q: FindingPageQuery): Promise<FindingPage> {
    const p = new Params();
    const { sql, residual, rare } = await this.scope(q, p);
    const order = q.sort?.order === 'ASC' ? 'ASC' : 'DESC';
    const keys = sortKeys(q.sort?.attribute ?? 'updatedAt', p);
    // seq (insertion order, as SQLite's rowid) breaks ties, so pages never overlap or skip
    const by = (ks: string[]) => [...ks, 'seq'].map((k) => `${k} ${order}`).join(', ');
    // a rare term: its findings first (the terms index, in a CTE the planner cannot fold back into
    // a walk of the sort order), then sorted; each page row's JSON is fetched by key after the limit
    const ordered = rare
      ? `WITH m AS MATERIALIZED (SELECT id, created_at, seq${keys.map((k, i) => `, ${k} AS k${i}`).join('')} FROM findings ${sql})
         SELECT (SELECT json FROM findings f WHERE f.id = m.id AND f.created_at = m.created_at) AS json FROM m ORDER BY ${by(keys.map((_, i) => `k${i}`))}`
      : `SELECT json FROM findings ${sql} ORDER BY ${by(keys)}`;
    const start = q.cursor ?? 0;
    if (!residual) {
      const rows = await this.query(`${ordered} LIMIT ${p.add(q.limit + 1)} OFFSET ${p.add(start)}`, p.values);
      const findings = rows.slice(0, q.limit).map((r) => JSON.parse(r.json as string) as Finding);
      return { findings, cursor: rows.length > q.limit ? start + q.limit : undefined };
    }
    // the cursor counts rows in SQL order (matching or not), so the next page starts after the last row read
    const findings: Finding[] = [];
    let pos = start, more = false;
    await this.scan(`${ordered} OFFSET ${p.add(start)}`, p.values, (row) => {
      if (findings.length === q.limit) { more = true; return false; }
      pos++;
      const f = JSON.parse(row.json as string) as Finding;
      if (residual(f)) findings.push(f);
      return true;
    });
    return more ? { findings, cursor: pos } : { findings };
  }

  async findingStatistics(q: Omit<FindingPageQuery, 'sort' | 'cursor' | 'limit'> & { groupBy: StatsGroup; order: 'ASC' | 'DESC'; limit: number }): Promise<StatsRow[]> {
    const p = new Params();
    const scope = await this.scope(q, p);
    return findingStatistics((sql, args) => this.query(sql, args), (sql, args, each) => this.scan(sql, args, each), scope, p, q);
  }

  async findingAccounts(region?: string): Promise<string[]> {
    return findingAccounts((sql, args) => this.query(sql, args), region);
  }

  async getDoc<T>(kind: string, id: string): Promise<T | undefined> {
    const rows = await this.query('SELECT json FROM documents WHERE kind = $1 AND id = $2', [kind, id]);
    return rows.length ? (JSON.parse(rows[0].json as string) as T) : undefined;
  }

  async putDoc(kind: string, id: string, accountId: string, data: unknown): Promise<void> {
    await this.query(`INSERT INTO documents (kind, id, account_id, json) VALUES ($1, $2, $3, $4)
      ON CONFLICT (kind, id) DO UPDATE SET account_id = EXCLUDED.account_id, json = EXCLUDED.json`, [kind, id, accountId, JSON.stringify(data)]);
  }

  async listDocs<T>(kind: string, accountId?: string): Promise<T[]> {
    const rows = accountId === undefined ? await this.query('SELECT json FROM documents WHERE kind = $1 ORDER BY id', [kind])
      : await this.query('SELECT json FROM documents WHERE kind = $1 AND account_id = $2 ORDER BY id', [kind, accountId]);
    return rows.map((r) => JSON.parse(r.json as string) as T);
  }

  async deleteDoc(kind: string, id: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM documents WHERE kind = $1 AND id = $2', [kind, id])).rowCount! > 0;
  }

  async usage(accountIds?: string[], fromDay?: string, toDay?: string): Promise<UsageRow[]> {
    const p = new Params();
    const where: string[] = [];
    if (accountIds) where.push(accountIds.length ? `account_id = ANY(${p.add(accountIds)}::text[])` : 'false');
    if (fromDay) where.push(`day >= ${p.add(fromDay)}::text`);
    if (toDay) where.push(`day <= ${p.add(toDay)}::text`);
    return (await this.query(`SELECT * FROM usage ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY day, account_id, data_source`, p.values))
      .map((r) => ({ accountId: r.account_id as string, dataSource: r.data_source as UsageRow['dataSource'], day: r.day as string, events: r.events as number, bytes: r.bytes as number }));
  }

  async ingestionSummary(): Promise<{ kind: string; objects: number; records: number; bad: number; lastProcessedAt: string }[]> {
    return (await this.query(`SELECT kind, count(*) AS objects, sum(records) AS records, sum(bad) AS bad, max(processed_at) AS last
      FROM processed_objects GROUP BY kind ORDER BY kind`))
      .map((r) => ({ kind: r.kind as string, objects: r.objects as number, records: r.records as number, bad: r.bad as number, lastProcessedAt: r.last as string }));
  }

  /**
   * ANALYZE the tables never analysed (reltuples < 0, as a new partition's) and those where rows
   * changed by a tenth since (per the statistics counters, which lag writes by about a second).
   * A partition stands for its partitioned table, whose ANALYZE samples every month: autovacuum
   * analyses partitions but never the partitioned table, whose statistics plan queries across
   * months. Cheap when nothing changed.
   */
  async optimize(): Promise<void> {
    const stale = await this.query<{ name: string; parent: string | null }>(`SELECT c.relname AS name, p.relname AS parent FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
      LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
      WHERE c.relkind = 'r' AND (c.reltuples < 0 OR s.n_mod_since_analyze > 0.1 * c.reltuples + 1000)`);
    for (const t of new Set(stale.map((r) => r.parent ?? r.name))) await this.query(`ANALYZE ${pg.escapeIdentifier(t)}`);
    await pruneCounts((sql, args) => this.query(sql, args));
  }

  async listIntelLists(): Promise<IntelList[]> {
    return (await this.query('SELECT json FROM intel_lists ORDER BY name')).map((r) => JSON.parse(r.json as string) as IntelList);
  }

  async putIntelList(list: IntelList): Promise<void> {
    await this.query('INSERT INTO intel_lists (id, name, json) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, json = EXCLUDED.json',
      [list.id, list.name, JSON.stringify(list)]);
  }

  async deleteIntelList(id: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM intel_lists WHERE id = $1', [id])).rowCount! > 0;
  }

  async expiredFindingPartitions(before: string): Promise<FindingPartition[]> {
    return expiredPartitions(this.pool, before);
  }

  async dropFindingPartition(part: FindingPartition, before: string): Promise<number> {
    const c = await this.client();
    try {
      const n = await dropPartition(c, part, before);
      this.months.clear(); // re-read on the next write: the month may be gone
      return n;
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> { await this.pool.end(); }
}
