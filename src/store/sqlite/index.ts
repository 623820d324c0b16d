/**
 * The embedded store: one SQLite file (better-sqlite3, WAL). Findings keep their full
 * GuardDuty JSON plus the columns queries filter and sort on.
 */
import { filterFromRow, filterValues } from '../filter-rows.js';
import { countsFromRows } from '../count-rows.js';
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Finding } from '../../core/index.js';
import { severityRange } from '../../core/index.js';
import type { CommitBatch, FilterRecord, FindingPage, FindingPageQuery, FindingQuery, StateRow, StatsGroup, StatsRow, Store, StoreCounts, UsageRow } from '../types.js';
import { FencedError } from '../types.js';
import { compileCriteria } from '../../findings/criteria.js';
import { resourceIdOf } from '../../findings/resource-id.js';
import { RESOURCE_SUMMARY_COLUMNS, SUMMARY_COLUMNS, criteriaToSql, sortExpression } from './criteria-sql.js';
import { MIGRATIONS } from './migrations.js';
import type { IntelList } from '../../intel/list.js';

type Row = Record<string, unknown>;

const SORT_COLUMNS = { severity: 'severity', updatedAt: 'updated_at', createdAt: 'created_at', count: 'count', type: 'type' } as const;

/**
 * The database holds findings and (encrypted) keys: the file is created 0600 in a folder Vigil
 * creates 0700, and an existing file (or its -wal/-shm from an older run) is narrowed to 0600.
 * SQLite gives the -wal and -shm it creates the mode of the database file.
 */
function preparePrivateFile(location: string): void {
  mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  if (!existsSync(location)) closeSync(openSync(location, 'a', 0o600));
  for (const f of [location, `${location}-wal`, `${location}-shm`]) {
    try { chmodSync(f, 0o600); } catch (e) {
      // absent, or another user's file (read it as it is)
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    }
  }
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(readonly location: string) {
    if (location !== ':memory:') preparePrivateFile(location);
    this.db = new Database(location);
    // deleted rows (a revoked key, a migrated plaintext secret) are zeroed on disk, not left in free pages
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`${this.location} was written by a newer Vigil (schema ${current}, this one knows ${MIGRATIONS.length}); upgrade Vigil`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  async getFindings(ids: string[]): Promise<Finding[]> {
    if (ids.length === 0) return [];
    const rows = this.db.prepare(`SELECT json FROM findings WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
    return rows.map((r) => JSON.parse(r.json as string) as Finding);
  }

  private where(q: Omit<FindingQuery, 'limit' | 'offset' | 'sort'>): { sql: string; args: unknown[] } {
    const parts: string[] = [];
    const args: unknown[] = [];
    if (q.types?.length) { parts.push(`type IN (${q.types.map(() => '?').join(',')})`); args.push(...q.types); }
    if (q.accountIds?.length) { parts.push(`account_id IN (${q.accountIds.map(() => '?').join(',')})`); args.push(...q.accountIds); }
    if (q.severities?.length) {
      parts.push('(' + q.severities.map(() => '(severity >= ? AND severity < ?)').join(' OR ') + ')');
      for (const s of q.severities) args.push(...severityRange(s));
    }
    if (q.archived !== undefined) { parts.push('archived = ?'); args.push(q.archived ? 1 : 0); }
    return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
  }

  async queryFindings(q: FindingQuery): Promise<Finding[]> {
    const { sql, args } = this.where(q);
    const sort = q.sort ?? { field: 'severity', order: 'DESC' };
    const col = SORT_COLUMNS[sort.field];
    const order = sort.order === 'ASC' ? 'ASC' : 'DESC';
    const rows = this.db.prepare(`SELECT json FROM findings ${sql} ORDER BY ${col} ${order}, updated_at DESC, id LIMIT ? OFFSET ?`)
      .all(...args, q.limit ?? 50, q.offset ?? 0) as Row[];
    return rows.map((r) => JSON.parse(r.json as string) as Finding);
  }

  async countFindings(q: Omit<FindingQuery, 'limit' | 'offset' | 'sort'> = {}): Promise<StoreCounts> {
    const { sql, args } = this.where(q);
    return countsFromRows(this.db.prepare(`SELECT type, severity, archived, COUNT(*) AS n FROM findings ${sql} GROUP BY type, severity, archived`).all(...args) as Row[]);
  }

  async deleteFindings(ids: string[]): Promise<number> {
    const del = this.db.prepare('DELETE FROM findings WHERE id = ?');
    let n = 0;
    this.db.transaction(() => { for (const id of ids) n += del.run(id).changes; })();
    return n;
  }

  async setArchived(ids: string[], archived: boolean): Promise<number> {
    let changed = 0;
    const get = this.db.prepare('SELECT json FROM findings WHERE id = ?');
    const put = this.db.prepare('UPDATE findings SET archived = ?, json = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        const row = get.get(id) as Row | undefined;
        if (!row) continue;
        const f = JSON.parse(row.json as string) as Finding;
        if (f.service.archived === archived) continue;
        f.service.archived = archived;
        put.run(archived ? 1 : 0, JSON.stringify(f), id);
        changed++;
      }
    })();
    return changed;
  }

  async processedObjects(fingerprints: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const stmt = this.db.prepare('SELECT 1 FROM processed_objects WHERE fingerprint = ?');
    for (const fp of fingerprints) if (stmt.get(fp)) out.add(fp);
    return out;
  }

  async loadState(prefix?: string): Promise<StateRow[]> {
    const rows = (prefix === undefined
      ? this.db.prepare('SELECT namespace, data FROM detector_state').all()
      : this.db.prepare('SELECT namespace, data FROM detector_state WHERE substr(namespace, 1, ?) = ?').all(prefix.length, prefix)) as Row[];
    return rows.map((r) => ({ namespace: r.namespace as string, data: JSON.parse(r.data as string) }));
  }

  async commit(batch: CommitBatch): Promise<void> {
    const upsert = this.db.prepare(`INSERT INTO findings (id, account_id, region, detector_id, type, severity, archived, count,
        created_at, updated_at, event_first_seen, event_last_seen, resource_type, resource_id, json)
      VALUES (@id, @account_id, @region, @detector_id, @type, @severity, @archived, @count, @created_at, @updated_at,
        @event_first_seen, @event_last_seen, @resource_type, @resource_id, @json)
      ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, archived = excluded.archived, count = excluded.count,
        updated_at = excluded.updated_at, event_first_seen = excluded.event_first_seen,
        event_last_seen = excluded.event_last_seen, resource_type = excluded.resource_type, resource_id = excluded.resource_id,
        json = excluded.json`);
    const usage = this.db.prepare(`INSERT INTO usage (account_id, data_source, day, events, bytes) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (account_id, data_source, day) DO UPDATE SET events = events + excluded.events, bytes = bytes + excluded.bytes`);
    const obj = this.db.prepare(`INSERT OR REPLACE INTO processed_objects (fingerprint, uri, kind, size, records, bad, processed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const st = this.db.prepare('INSERT OR REPLACE INTO detector_state (namespace, data, updated_at) VALUES (?, ?, ?)');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (batch.fence) this.checkFence(batch.fence);
      for (const f of batch.findings ?? []) {
        upsert.run({
          id: f.id, account_id: f.accountId, region: f.region, detector_id: f.service.detectorId, type: f.type,
          severity: f.severity, archived: f.service.archived ? 1 : 0, count: f.service.count, created_at: f.createdAt,
          updated_at: f.updatedAt, event_first_seen: f.service.eventFirstSeen, event_last_seen: f.service.eventLastSeen,
          resource_type: f.resource.resourceType, resource_id: resourceIdOf(f), json: JSON.stringify(f),
        });
      }
      for (const u of batch.usage ?? []) usage.run(u.accountId, u.dataSource, u.day, u.events, u.bytes);
      for (const o of batch.objects ?? []) obj.run(o.fingerprint, o.uri, o.kind, o.size, o.records, o.bad, o.processedAt);
      for (const s of batch.state ?? []) st.run(s.namespace, JSON.stringify(s.data), now);
    })();
  }

  /** Inside a commit's transaction: refuse an older epoch, record a newer one (CommitBatch.fence). */
  private checkFence(f: { key: string; epoch: number }): void {
    const row = this.db.prepare("SELECT json FROM documents WHERE kind = 'fence' AND id = ?").get(f.key) as Row | undefined;
    const current = row ? (JSON.parse(row.json as string) as { epoch: number }).epoch : -1;
    if (current > f.epoch) throw new FencedError(f.key, f.epoch, current);
    if (current < f.epoch) this.db.prepare("INSERT OR REPLACE INTO documents (kind, id, account_id, json) VALUES ('fence', ?, '', ?)").run(f.key, JSON.stringify({ epoch: f.epoch }));
  }

  async listFilters(detectorId?: string): Promise<FilterRecord[]> {
    const rows = (detectorId
      ? this.db.prepare('SELECT * FROM filters WHERE detector_id = ? ORDER BY rank, name').all(detectorId)
      : this.db.prepare('SELECT * FROM filters ORDER BY detector_id, rank, name').all()) as Row[];
    return rows.map(filterFromRow);
  }

  async putFilter(f: FilterRecord): Promise<void> {
    this.db.prepare(`INSERT OR REPLACE INTO filters (detector_id, name, description, action, rank, criteria, tags)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(...filterValues(f));
  }

  async deleteFilter(detectorId: string, name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM filters WHERE detector_id = ? AND name = ?').run(detectorId, name).changes > 0;
  }

  private scope(q: { accountIds?: string[]; region?: string; criteria?: FindingPageQuery['criteria'] }) {
    const c = criteriaToSql(q.criteria, (field, values, limit) => (this.db.prepare(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM finding_terms WHERE field = ? AND value IN (${values.map(() => '?').join(',')}) LIMIT ?)`)
      .get(field, ...values, limit) as Row).n as number);
    const where = [...c.where];
    const args = [...c.args];
    if (q.accountIds) { where.push(q.accountIds.length ? `account_id IN (${q.accountIds.map(() => '?').join(',')})` : '0'); args.push(...q.accountIds); }
    if (q.region) { where.push('region = ?'); args.push(q.region); }
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args, residual: c.residual ? compileCriteria(c.residual) : undefined, columns: c.columns };
  }

  async pageFindings(q: FindingPageQuery): Promise<FindingPage> {
    const { sql, args, residual } = this.scope(q);
    const sort = sortExpression(q.sort?.attribute ?? 'updatedAt');
    const order = q.sort?.order === 'ASC' ? 'ASC' : 'DESC';
    const start = q.cursor ?? 0;
    // order only (sort key, rowid) pairs, then read the JSON of the rows the page needs:
    // sorting whole rows would drag every finding's JSON through the sorter
    const ordered = `SELECT rowid AS r FROM findings ${sql} ORDER BY ${sort.sql} ${order}, rowid ${order}`;
    const json = this.db.prepare('SELECT json FROM findings WHERE rowid = ?');
    if (!residual) {
      const rows = this.db.prepare(`${ordered} LIMIT ? OFFSET ?`).all(...args, ...sort.args, q.limit + 1, start) as Row[];
      const findings = rows.slice(0, q.limit).map((r) => JSON.parse((json.get(r.r) as Row).json as string) as Finding);
      return { findings, cursor: rows.length > q.limit ? start + q.limit : undefined };
    }
    const findings: Finding[] = [];
    let pos = start;
    for (const row of this.db.prepare(`${ordered} LIMIT -1 OFFSET ?`).iterate(...args, ...sort.args, start) as IterableIterator<Row>) {
      if (findings.length === q.limit) return { findings, cursor: pos };
      pos++;
      const f = JSON.parse((json.get(row.r) as Row).json as string) as Finding;
      if (residual(f)) findings.push(f);
    }
    return { findings };
  }

  async findingStatistics(q: Omit<FindingPageQuery, 'sort' | 'cursor' | 'limit'> & { groupBy: StatsGroup; order: 'ASC' | 'DESC'; limit: number }): Promise<StatsRow[]> {
    const { sql, args, residual, columns } = this.scope(q);
    const keyOf: Record<StatsGroup, string> = {
      ACCOUNT: 'account_id', DATE: 'substr(updated_at, 1, 10)', FINDING_TYPE: 'type', RESOURCE: 'resource_id', SEVERITY: 'severity',
    };
    const order = q.order === 'ASC' ? 'ASC' : 'DESC';
    if (!residual && q.groupBy !== 'RESOURCE' && [...columns].every((c) => SUMMARY_COLUMNS.has(c))) {
      // the per-group counts kept by triggers answer this without visiting findings
      const [key, table] = q.groupBy === 'DATE' ? ['day', 'finding_counts'] : [keyOf[q.groupBy], 'finding_totals'];
      const rows = this.db.prepare(`SELECT ${key} AS k, SUM(n) AS n, MAX(last) AS last, MAX(severity) AS sev
          FROM ${table} ${sql} GROUP BY k ORDER BY n ${order}, k LIMIT ?`).all(...args, q.limit) as Row[];
      return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, severity: r.sev as number }));
    }
    if (!residual && q.groupBy === 'RESOURCE' && [...columns].every((c) => RESOURCE_SUMMARY_COLUMNS.has(c))) {
      const rows = this.db.prepare(`SELECT resource_id AS k, SUM(n) AS n, MAX(last) AS last, MIN(account_id) AS acct, MIN(resource_type) AS rtype
          FROM finding_resources ${sql} GROUP BY k ORDER BY n ${order}, k LIMIT ?`).all(...args, q.limit) as Row[];
      return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, accountId: r.acct as string, resourceType: r.rtype as string }));
    }
    if (!residual) {
      // only the columns a group needs, so covering indexes answer without touching the rows
      const extra = q.groupBy === 'RESOURCE' ? ', MIN(account_id) AS acct, MIN(resource_type) AS rtype' : '';
      const rows = this.db.prepare(`SELECT ${keyOf[q.groupBy]} AS k, COUNT(*) AS n, MAX(updated_at) AS last, MAX(severity) AS sev${extra}
          FROM findings ${sql} GROUP BY k ORDER BY n ${order}, k LIMIT ?`).all(...args, q.limit) as Row[];
      return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, severity: r.sev as number,
        ...(r.acct ? { accountId: r.acct as string, resourceType: r.rtype as string } : {}) }));
    }
    const groups = new Map<string, StatsRow>();
    for (const row of this.db.prepare(`SELECT json FROM findings ${sql}`).iterate(...args) as IterableIterator<Row>) {
      const f = JSON.parse(row.json as string) as Finding;
      if (!residual(f)) continue;
      const key = { ACCOUNT: f.accountId, DATE: f.updatedAt.slice(0, 10), FINDING_TYPE: f.type, RESOURCE: resourceIdOf(f), SEVERITY: String(f.severity) }[q.groupBy];
      const g = groups.get(key) ?? { key, total: 0, lastGeneratedAt: f.updatedAt, accountId: f.accountId, resourceType: f.resource.resourceType, severity: f.severity };
      g.total++;
      if (f.updatedAt > g.lastGeneratedAt) g.lastGeneratedAt = f.updatedAt;
      if (f.severity > (g.severity ?? 0)) g.severity = f.severity;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => (order === 'ASC' ? a.total - b.total : b.total - a.total) || a.key.localeCompare(b.key)).slice(0, q.limit);
  }

  async setFeedback(ids: string[], feedback: 'USEFUL' | 'NOT_USEFUL' | undefined): Promise<number> {
    let changed = 0;
    const get = this.db.prepare('SELECT json FROM findings WHERE id = ?');
    const put = this.db.prepare('UPDATE findings SET json = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        const row = get.get(id) as Row | undefined;
        if (!row) continue;
        const f = JSON.parse(row.json as string) as Finding;
        if (feedback) f.service.userFeedback = feedback; else delete f.service.userFeedback;
        put.run(JSON.stringify(f), id);
        changed++;
      }
    })();
    return changed;
  }

  async findingAccounts(region?: string): Promise<string[]> {
    const rows = (region ? this.db.prepare('SELECT DISTINCT account_id FROM findings WHERE region = ?').all(region)
      : this.db.prepare('SELECT DISTINCT account_id FROM findings').all()) as Row[];
    return rows.map((r) => r.account_id as string).sort();
  }

  async getDoc<T>(kind: string, id: string): Promise<T | undefined> {
    const row = this.db.prepare('SELECT json FROM documents WHERE kind = ? AND id = ?').get(kind, id) as Row | undefined;
    return row ? (JSON.parse(row.json as string) as T) : undefined;
  }

  async putDoc(kind: string, id: string, accountId: string, data: unknown): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO documents (kind, id, account_id, json) VALUES (?, ?, ?, ?)').run(kind, id, accountId, JSON.stringify(data));
  }

  async listDocs<T>(kind: string, accountId?: string): Promise<T[]> {
    const rows = (accountId === undefined ? this.db.prepare('SELECT json FROM documents WHERE kind = ? ORDER BY id').all(kind)
      : this.db.prepare('SELECT json FROM documents WHERE kind = ? AND account_id = ? ORDER BY id').all(kind, accountId)) as Row[];
    return rows.map((r) => JSON.parse(r.json as string) as T);
  }

  async deleteDoc(kind: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }

  async usage(accountIds?: string[], fromDay?: string, toDay?: string): Promise<UsageRow[]> {
    const where: string[] = [], args: unknown[] = [];
    if (accountIds) { where.push(accountIds.length ? `account_id IN (${accountIds.map(() => '?').join(',')})` : '0'); args.push(...accountIds); }
    if (fromDay) { where.push('day >= ?'); args.push(fromDay); }
    if (toDay) { where.push('day <= ?'); args.push(toDay); }
    return (this.db.prepare(`SELECT * FROM usage ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY day, account_id, data_source`).all(...args) as Row[])
      .map((r) => ({ accountId: r.account_id as string, dataSource: r.data_source as UsageRow['dataSource'], day: r.day as string, events: r.events as number, bytes: r.bytes as number }));
  }

  async optimize(): Promise<void> {
    // without statistics the planner sorts whole result sets instead of walking the ordered index
    const has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").get()
      && this.db.prepare("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'findings'").get();
    if (has) this.db.pragma('optimize');
    else this.db.exec('ANALYZE');
  }

  async ingestionSummary(): Promise<{ kind: string; objects: number; records: number; bad: number; lastProcessedAt: string }[]> {
    return (this.db.prepare(`SELECT kind, COUNT(*) AS objects, SUM(records) AS records, SUM(bad) AS bad, MAX(processed_at) AS last
      FROM processed_objects GROUP BY kind ORDER BY kind`).all() as Row[])
      .map((r) => ({ kind: r.kind as string, objects: r.objects as number, records: r.records as number, bad: r.bad as number, lastProcessedAt: r.last as string }));
  }

  async listIntelLists(): Promise<IntelList[]> {
    return (this.db.prepare('SELECT json FROM intel_lists ORDER BY name').all() as Row[]).map((r) => JSON.parse(r.json as string) as IntelList);
  }

  async putIntelList(list: IntelList): Promise<void> {
    this.db.prepare('INSERT INTO intel_lists (id, name, json) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json')
      .run(list.id, list.name, JSON.stringify(list));
  }

  async deleteIntelList(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM intel_lists WHERE id = ?').run(id).changes > 0;
  }

  async close(): Promise<void> { this.db.close(); }
}
