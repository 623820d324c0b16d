/**
 * Splits GuardDuty FindingCriteria into what PostgreSQL answers from columns and the terms index
 * and what is left for the JavaScript predicate (array paths, `matches`, other operators on
 * attributes inside the JSON) — the same split as SQLite's criteria-sql.ts, in PostgreSQL's
 * dialect. Values always go in as numbered parameters (Params); criterion names are only matched
 * against the fixed tables of ../criteria-fields.ts, never spliced into SQL.
 */
import type { Condition, FindingCriteria } from '../../findings/criteria.js';
import { ATTRIBUTE_PATH, INSTANCE_ID, TERM_FIELDS, columnOf, columnValue, termEquals, type Column } from '../criteria-fields.js';
import { term } from './terms.js';
import { pgText } from './text.js';

/** The parameters of one statement: `add` returns the placeholder (`$n`) of a value. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** How a column's parameters are typed (a bare `$n` would take the column's type: "5.5" would not cast to bigint). */
const CAST: Record<Column['kind'], string> = { text: 'text', time: 'text', number: 'float8', severity: 'float8', bool: 'smallint' };

/** The column as compared: count (bigint) compares as a float, so 5.5 is a value it does not hold rather than an error. */
const expr = (c: Column) => (c.kind === 'number' ? `${c.col}::float8` : c.col);

/** A criterion value as its column holds it (text as pgText makes column text), or undefined when no row can hold it. */
function bind(c: Column, v: string | number): string | number | undefined {
  const x = columnValue(c.kind, v);
  return typeof x === 'string' ? pgText(x) : x;
}

export interface SqlCriteria {
  where: string[];
  residual?: FindingCriteria;
  /** The columns the WHERE clauses name (to tell whether the per-group counts can answer them). */
  columns: Set<string>;
  /** The terms of each "equals" on a term field, as bound (to count how many findings hold them). */
  terms: string[][];
}

export function criteriaToSql(criteria: FindingCriteria | undefined, p: Params): SqlCriteria {
  const where: string[] = [];
  const residual: Record<string, Condition> = {};
  const columns = new Set<string>();
  const terms: string[][] = [];
  for (const [field, cond] of Object.entries(criteria?.criterion ?? {})) {
    const c = columnOf(field);
    if (!c || cond.matches || cond.notMatches) {
      const values = termEquals(field, cond);
      if (values) {
        // "equals" alone on a term field: the GIN index on terms answers it exactly
        const wanted = values.map((v) => term(TERM_FIELDS[field], pgText(v)));
        where.push(`terms && ${p.add(wanted)}::text[]`);
        terms.push(wanted);
        columns.add('terms');
        continue;
      }
      residual[field] = cond;
      // a finding's resource_id is its instance id whenever it has one, so "instance id equals"
      // narrows to indexed rows first; the exact test stays in the residual
      const eq = cond.eq ?? cond.equals;
      if (field === INSTANCE_ID && eq?.length && eq.every((v) => v !== '') && !cond.matches && !cond.notMatches) {
        where.push(`resource_id = ANY(${p.add(eq.map((v) => pgText(String(v))))}::text[])`);
        columns.add('resource_id');
      }
      continue;
    }
    columns.add(c.col);
    const eq = cond.eq ?? cond.equals, neq = cond.neq ?? cond.notEquals;
    const range: [string, number | undefined][] = [['>', cond.gt ?? cond.greaterThan], ['>=', cond.gte ?? cond.greaterThanOrEqual],
      ['<', cond.lt ?? cond.lessThan], ['<=', cond.lte ?? cond.lessThanOrEqual]];
    // a value no row can hold matches nothing: dropped from eq (an eq left empty matches no row)
    // and from neq (excluding it excludes nothing), as the JavaScript predicate does
    const possible = (vs: string[]) => vs.map((v) => bind(c, v)).filter((v) => v !== undefined);
    const band = (v: number) => `(severity >= ${p.add(v)}::float8 AND severity < ${p.add(v + 1)}::float8)`;
    if (eq?.length) {
      const vs = possible(eq);
      if (!vs.length) where.push('false');
      // "7" means 7.0–7.9, as GuardDuty's severity filters do
      else if (c.kind === 'severity') where.push(`(${(vs as number[]).map(band).join(' OR ')})`);
      else where.push(`${expr(c)} IN (${vs.map((v) => `${p.add(v)}::${CAST[c.kind]}`).join(', ')})`);
    }
    const nvs = neq?.length ? possible(neq) : [];
    if (nvs.length) {
      if (c.kind === 'severity') where.push(`NOT (${(nvs as number[]).map(band).join(' OR ')})`);
      else where.push(`${expr(c)} NOT IN (${nvs.map((v) => `${p.add(v)}::${CAST[c.kind]}`).join(', ')})`);
    }
    for (const [op, v] of range) {
      if (v === undefined) continue;
      const bound = bind(c, v);
      where.push(bound === undefined ? 'false' : `${expr(c)} ${op} ${p.add(bound)}::${CAST[c.kind]}`);
    }
  }
  return { where, columns, terms, residual: Object.keys(residual).length ? { criterion: residual } : undefined };
}

/**
 * ORDER BY keys for a sort attribute (each followed by the direction). A column sorts as itself;
 * another attribute by its JSON value, ordered as SQLite's json_extract orders: missing first,
 * then numbers (booleans as 1/0), then text (objects and arrays as their JSON).
 */
export function sortKeys(attribute: string, p: Params): string[] {
  const c = columnOf(attribute);
  if (c) return [c.col];
  if (!ATTRIBUTE_PATH.test(attribute)) return ['updated_at'];
  const x = `(json::json #> ${p.add(attribute.split('.'))}::text[])`;
  return [
    `CASE json_typeof(${x}) WHEN 'number' THEN 1 WHEN 'boolean' THEN 1 WHEN 'null' THEN 0 WHEN 'string' THEN 2 WHEN 'object' THEN 2 WHEN 'array' THEN 2 ELSE 0 END`,
    `CASE json_typeof(${x}) WHEN 'number' THEN (${x} #>> '{}')::float8 WHEN 'boolean' THEN (CASE WHEN ${x}::text = 'true' THEN 1 ELSE 0 END) END`,
    `CASE WHEN json_typeof(${x}) IN ('string', 'object', 'array') THEN (${x} #>> '{}') COLLATE "C" END`,
  ];
}
