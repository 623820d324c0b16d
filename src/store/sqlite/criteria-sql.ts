/**
 * Splits GuardDuty FindingCriteria into what SQLite can answer from indexed columns and what is
 * left for the JavaScript predicate (array paths, `matches`). Values always go in as parameters;
 * criterion names are only ever matched against the fixed tables of ../criteria-fields.ts, never
 * spliced into SQL.
 */
import type { Condition, FindingCriteria } from '../../findings/criteria.js';
import { ATTRIBUTE_PATH, INSTANCE_ID, TERM_DRIVE_LIMIT, TERM_FIELDS, columnOf, columnValue, termEquals } from '../criteria-fields.js';

export { RESOURCE_SUMMARY_COLUMNS, SUMMARY_COLUMNS, TERM_DRIVE_LIMIT, TERM_FIELDS } from '../criteria-fields.js';

/** Sortable attributes with a column; others sort by json_extract of the dotted path. */
export function sortExpression(attribute: string): { sql: string; args: unknown[] } {
  const c = columnOf(attribute);
  if (c) return { sql: c.col, args: [] };
  if (!ATTRIBUTE_PATH.test(attribute)) return { sql: 'updated_at', args: [] };
  return { sql: 'json_extract(json, ?)', args: [`$.${attribute}`] };
}

export interface SqlCriteria {
  where: string[]; args: unknown[]; residual?: FindingCriteria;
  /** The columns the WHERE clauses name (to tell whether a summary table can answer them). */
  columns: Set<string>;
}

/**
 * How many findings hold one of `values` under a term field, counting no further than `limit`:
 * lets the translation choose between driving the query from the terms (few matches) and
 * testing each finding for membership while walking the sort order (many matches).
 */
export type TermCounter = (field: number, values: string[], limit: number) => number;

export function criteriaToSql(criteria: FindingCriteria | undefined, countTerms?: TermCounter): SqlCriteria {
  const where: string[] = [];
  const args: unknown[] = [];
  const residual: Record<string, Condition> = {};
  const columns = new Set<string>();
  for (const [field, cond] of Object.entries(criteria?.criterion ?? {})) {
    const c = columnOf(field);
    if (!c || cond.matches || cond.notMatches) {
      const eq = cond.eq ?? cond.equals;
      // "equals" alone on a term field is answered exactly by the terms (no JSON test left)
      const values = termEquals(field, cond);
      if (values) {
        // values as the JSON holds them, compared as text like the JSON predicate does. Few
        // matches: the terms drive the query (id index). Many (a value most findings share):
        // `+id` keeps SQLite walking the sort order and testing membership, so a page stops early
        const many = countTerms !== undefined && countTerms(TERM_FIELDS[field], values, TERM_DRIVE_LIMIT + 1) > TERM_DRIVE_LIMIT;
        where.push(`${many ? '+id' : 'id'} IN (SELECT id FROM finding_terms WHERE field = ? AND value IN (${values.map(() => '?').join(',')}))`);
        args.push(TERM_FIELDS[field], ...values);
        columns.add('finding_terms');
        continue;
      }
      residual[field] = cond;
      // a finding's resource_id is its instance id whenever it has one (migration 3's order), so
      // "instance id equals" narrows to indexed rows first; the exact test stays in the residual
      if (field === INSTANCE_ID && eq?.length && eq.every((v) => v !== '') && !cond.matches && !cond.notMatches) {
        where.push(`resource_id IN (${eq.map(() => '?').join(',')})`);
        args.push(...eq.map(String));
        columns.add('resource_id');
      }
      continue;
    }
    columns.add(c.col);
    const eq = cond.eq ?? cond.equals, neq = cond.neq ?? cond.notEquals;
    const range: [string, number | undefined][] = [['>', cond.gt ?? cond.greaterThan], ['>=', cond.gte ?? cond.greaterThanOrEqual],
      ['<', cond.lt ?? cond.lessThan], ['<=', cond.lte ?? cond.lessThanOrEqual]];
    // A value no row can hold ("abc" for a number, "yes" for service.archived) matches nothing,
    // as in the JavaScript predicate: it is dropped from eq (an eq left empty matches no row) and
    // from neq (excluding it excludes nothing). Bound as-is it would become NULL (NaN) or 0
    // ("yes" → false), and `NOT (… NULL …)` drops every row while `archived IN (0)` keeps them all.
    const value = (v: string | number): unknown => columnValue(c.kind, v);
    const possible = (vs: string[]) => vs.map(value).filter((v) => v !== undefined);
    if (eq?.length) {
      const vs = possible(eq);
      if (!vs.length) where.push('0');
      else if (c.kind === 'severity') {
        // "7" means 7.0–7.9, as GuardDuty's severity filters do
        where.push('(' + vs.map(() => '(severity >= ? AND severity < ?)').join(' OR ') + ')');
        for (const v of vs as number[]) args.push(v, v + 1);
      } else {
        where.push(`${c.col} IN (${vs.map(() => '?').join(',')})`);
        args.push(...vs);
      }
    }
    const nvs = neq?.length ? possible(neq) : [];
    if (nvs.length) {
      if (c.kind === 'severity') {
        where.push('NOT (' + nvs.map(() => '(severity >= ? AND severity < ?)').join(' OR ') + ')');
        for (const v of nvs as number[]) args.push(v, v + 1);
      } else {
        where.push(`${c.col} NOT IN (${nvs.map(() => '?').join(',')})`);
        args.push(...nvs);
      }
    }
    for (const [op, v] of range) {
      if (v === undefined) continue;
      where.push(`${c.col} ${op} ?`);
      args.push(value(v));
    }
  }
  return { where, args, columns, residual: Object.keys(residual).length ? { criterion: residual } : undefined };
}
