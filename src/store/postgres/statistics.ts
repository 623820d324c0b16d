/**
 * Counting findings on PostgreSQL: GetFindingsStatistics, the overview counts and the accounts
 * that have findings. Whatever the per-group counts of migration 2 (finding_counts by day,
 * finding_totals, finding_resources; kept by statement triggers) can answer is read from them, a
 * few thousand rows however many findings there are; the rest aggregates the matching findings, and
 * criteria left to the JavaScript predicate are counted while scanning. The answers are SQLite's
 * (the conformance suite runs both).
 */
import type { Finding } from '../../core/index.js';
import { countsFromRows } from '../count-rows.js';
import { resourceIdOf } from '../../findings/resource-id.js';
import { RESOURCE_SUMMARY_COLUMNS, SUMMARY_COLUMNS } from '../criteria-fields.js';
import type { StatsGroup, StatsRow, StoreCounts } from '../types.js';
import type { Params } from './criteria-sql.js';

type Row = Record<string, unknown>;
export type Query = (sql: string, args?: unknown[]) => Promise<Row[]>;
/** Rows of a query one at a time (a cursor); `each` returns false to stop. */
export type Scan = (sql: string, args: unknown[], each: (r: Row) => boolean) => Promise<void>;

/** Findings in scope: WHERE clauses over the findings' columns, the columns they name, the JavaScript rest. */
export interface Scope { where: string[]; columns: Set<string>; residual?: (f: Finding) => boolean }

const whereOf = (parts: string[]) => (parts.length ? `WHERE ${parts.join(' AND ')}` : '');

const KEY_OF: Record<StatsGroup, string> = {
  ACCOUNT: 'account_id', DATE: 'substr(updated_at, 1, 10)', FINDING_TYPE: 'type', RESOURCE: 'resource_id', SEVERITY: 'severity',
};

export async function findingStatistics(query: Query, scan: Scan, s: Scope, p: Params,
  q: { groupBy: StatsGroup; order: 'ASC' | 'DESC'; limit: number }): Promise<StatsRow[]> {
  const order = q.order === 'ASC' ? 'ASC' : 'DESC';
  const only = (allowed: ReadonlySet<string>) => !s.residual && [...s.columns].every((c) => allowed.has(c));
  if (q.groupBy !== 'RESOURCE' && only(SUMMARY_COLUMNS)) {
    const [key, table] = q.groupBy === 'DATE' ? ['day', 'finding_counts'] : [KEY_OF[q.groupBy], 'finding_totals'];
    const rows = await query(`SELECT ${key} AS k, sum(n) AS n, max(last) AS last, max(severity) AS sev
        FROM ${table} ${whereOf([...s.where, 'n > 0'])} GROUP BY 1 ORDER BY n ${order}, k LIMIT ${p.add(q.limit)}`, p.values);
    return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, severity: r.sev as number }));
  }
  if (q.groupBy === 'RESOURCE' && only(RESOURCE_SUMMARY_COLUMNS)) {
    const rows = await query(`SELECT resource_id AS k, sum(n) AS n, max(last) AS last, min(account_id) AS acct, min(resource_type) AS rtype
        FROM finding_resources ${whereOf([...s.where, 'n > 0'])} GROUP BY 1 ORDER BY n ${order}, k LIMIT ${p.add(q.limit)}`, p.values);
    return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, accountId: r.acct as string, resourceType: r.rtype as string }));
  }
  if (!s.residual) {
    const extra = q.groupBy === 'RESOURCE' ? ', min(account_id) AS acct, min(resource_type) AS rtype' : '';
    const rows = await query(`SELECT ${KEY_OF[q.groupBy]} AS k, count(*) AS n, max(updated_at) AS last, max(severity) AS sev${extra}
        FROM findings ${whereOf(s.where)} GROUP BY 1 ORDER BY n ${order}, k LIMIT ${p.add(q.limit)}`, p.values);
    return rows.map((r) => ({ key: String(r.k), total: r.n as number, lastGeneratedAt: r.last as string, severity: r.sev as number,
      ...(q.groupBy === 'RESOURCE' ? { accountId: r.acct as string, resourceType: r.rtype as string } : {}) }));
  }
  const groups = new Map<string, StatsRow>();
  const residual = s.residual;
  await scan(`SELECT json FROM findings ${whereOf(s.where)}`, p.values, (row) => {
    const f = JSON.parse(row.json as string) as Finding;
    if (!residual(f)) return true;
    const key = { ACCOUNT: f.accountId, DATE: f.updatedAt.slice(0, 10), FINDING_TYPE: f.type, RESOURCE: resourceIdOf(f), SEVERITY: String(f.severity) }[q.groupBy];
    const g = groups.get(key) ?? { key, total: 0, lastGeneratedAt: f.updatedAt, accountId: f.accountId, resourceType: f.resource.resourceType, severity: f.severity };
    g.total++;
    if (f.updatedAt > g.lastGeneratedAt) g.lastGeneratedAt = f.updatedAt;
    if (f.severity > (g.severity ?? 0)) g.severity = f.severity;
    groups.set(key, g);
    return true;
  });
  return [...groups.values()].sort((a, b) => (order === 'ASC' ? a.total - b.total : b.total - a.total) || a.key.localeCompare(b.key)).slice(0, q.limit);
}

/** Totals by severity level and type; `where` names only summary columns (type, account, severity, archived). */
export async function countFindings(query: Query, where: string[], args: unknown[]): Promise<StoreCounts> {
  return countsFromRows(await query(`SELECT type, severity, archived, sum(n) AS n FROM finding_totals ${whereOf([...where, 'n > 0'])}
      GROUP BY type, severity, archived`, args));
}

/** The accounts with at least one finding (in a region), sorted. */
export async function findingAccounts(query: Query, region?: string): Promise<string[]> {
  const rows = region ? await query('SELECT DISTINCT account_id FROM finding_totals WHERE n > 0 AND region = $1', [region])
    : await query('SELECT DISTINCT account_id FROM finding_totals WHERE n > 0');
  return rows.map((r) => r.account_id as string).sort();
}

/** Deletes the groups whose count fell to 0 (readers skip them; kept meanwhile so commits never scan for them). */
export async function pruneCounts(query: Query): Promise<void> {
  for (const t of ['finding_counts', 'finding_totals', 'finding_resources']) await query(`DELETE FROM ${t} WHERE n <= 0`);
}
