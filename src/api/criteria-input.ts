/**
 * Validates FindingCriteria as the API receives it (wire names: `criterion`, `eq`/`equals`,
 * `neq`/`notEquals`, `gt`/`greaterThan`, `gte`/`greaterThanOrEqual`, `lt`/`lessThan`,
 * `lte`/`lessThanOrEqual`, `matches`/`notMatches`) and GuardDuty's limits: 1–50 attributes,
 * ≤ 50 values per list, ≤ 5 `matches` patterns of ≤ 512 characters. Attribute names must be
 * dotted identifiers, so nothing hostile reaches the store.
 */
import type { Condition, FindingCriteria } from '../findings/criteria.js';
import { badRequest } from './errors.js';

const LISTS = ['eq', 'equals', 'neq', 'notEquals'] as const;
const NUMBERS = ['gt', 'gte', 'lt', 'lte', 'greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual'] as const;
const PATTERNS = ['matches', 'notMatches'] as const;
const FIELD = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export function parseCriteria(v: unknown, opts: { required?: boolean } = {}): FindingCriteria | undefined {
  if (v === undefined || v === null) {
    if (opts.required) throw badRequest('The request is rejected because the findingCriteria parameter is missing.');
    return undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('The request is rejected because findingCriteria must be an object.');
  const extra = Object.keys(v).filter((k) => k !== 'criterion');
  if (extra.length) throw badRequest(`The request is rejected because findingCriteria has an unknown member ${JSON.stringify(extra[0])}.`);
  const criterion = (v as { criterion?: unknown }).criterion ?? {};
  if (typeof criterion !== 'object' || criterion === null || Array.isArray(criterion)) throw badRequest('The request is rejected because findingCriteria.criterion must be an object.');
  const fields = Object.entries(criterion as Record<string, unknown>);
  if (fields.length > 50) throw badRequest('The request is rejected because findingCriteria has more than 50 attributes.');
  const out: Record<string, Condition> = {};
  for (const [field, cond] of fields) {
    if (!FIELD.test(field) || field.length > 256) throw badRequest(`The request is rejected because ${JSON.stringify(field.slice(0, 80))} is not a valid finding attribute.`);
    if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) throw badRequest(`The request is rejected because the condition for ${field} must be an object.`);
    const c: Condition = {};
    for (const [op, value] of Object.entries(cond as Record<string, unknown>)) {
      if ((LISTS as readonly string[]).includes(op) || (PATTERNS as readonly string[]).includes(op)) {
        const max = (PATTERNS as readonly string[]).includes(op) ? 5 : 50;
        if (!Array.isArray(value) || value.length === 0 || value.length > max || !value.every((x) => typeof x === 'string' && x.length <= 512)) {
          throw badRequest(`The request is rejected because ${field}.${op} must be a list of 1 to ${max} strings.`);
        }
        (c as Record<string, unknown>)[op] = value;
      } else if ((NUMBERS as readonly string[]).includes(op)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`The request is rejected because ${field}.${op} must be a number.`);
        (c as Record<string, unknown>)[op] = value;
      } else {
        throw badRequest(`The request is rejected because ${JSON.stringify(op.slice(0, 40))} is not a valid condition operator.`);
      }
    }
    if (Object.keys(c).length === 0) throw badRequest(`The request is rejected because the condition for ${field} is empty.`);
    out[field] = c;
  }
  return { criterion: out };
}

export function parseSort(v: unknown): { attribute: string; order: 'ASC' | 'DESC' } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('The request is rejected because sortCriteria must be an object.');
  const { attributeName, orderBy } = v as { attributeName?: unknown; orderBy?: unknown };
  if (attributeName !== undefined && (typeof attributeName !== 'string' || !FIELD.test(attributeName))) throw badRequest('The request is rejected because sortCriteria.attributeName is not valid.');
  if (orderBy !== undefined && orderBy !== 'ASC' && orderBy !== 'DESC') throw badRequest('The request is rejected because sortCriteria.orderBy must be ASC or DESC.');
  return { attribute: (attributeName as string | undefined) ?? 'updatedAt', order: (orderBy as 'ASC' | 'DESC' | undefined) ?? 'DESC' };
}
