/**
 * GuardDuty FindingCriteria, compiled to a predicate over the finding JSON:
 * `{ criterion: { "<dotted.field>": { eq|equals: [...], neq|notEquals: [...], gt|greaterThan: n,
 *   gte|greaterThanOrEqual, lt|lessThan, lte|lessThanOrEqual, matches/notMatches: [...] } } }`.
 * Different fields AND; values of one field OR. Values compare as strings (GuardDuty sends
 * numbers and booleans as strings); time fields compare as epoch milliseconds. Arrays on the
 * path (network interfaces, tags…) match when any element matches.
 */
import type { Finding } from '../core/index.js';

export interface Condition {
  eq?: string[]; equals?: string[];
  neq?: string[]; notEquals?: string[];
  gt?: number; greaterThan?: number;
  gte?: number; greaterThanOrEqual?: number;
  lt?: number; lessThan?: number;
  lte?: number; lessThanOrEqual?: number;
  matches?: string[]; notMatches?: string[];
}

export interface FindingCriteria { criterion: Record<string, Condition> }

const TIME_FIELDS = new Set(['createdAt', 'updatedAt', 'service.eventFirstSeen', 'service.eventLastSeen']);

/**
 * Collects the leaf values at a dotted path, flattening arrays along the way. Only the finding's
 * own data counts: `type.length`, `resource.constructor.name` and the like find nothing (they
 * would otherwise read string lengths and Object.prototype, and match every finding).
 */
export function valuesAt(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [obj];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) continue;
      const child = (v as Record<string, unknown>)[part];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    cur = next;
  }
  return cur;
}

function toNumber(field: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return TIME_FIELDS.has(field) || isNaN(Number(v)) ? Date.parse(v) : Number(v);
  return NaN;
}

/** GuardDuty's `matches` takes `*` and `?` wildcards. */
function wildcard(p: string): RegExp {
  return new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

export function compileCriteria(criteria: FindingCriteria | undefined): (f: Finding) => boolean {
  const entries = Object.entries(criteria?.criterion ?? {});
  const tests = entries.map(([field, c]) => {
    const eq = c.eq ?? c.equals;
    const neq = c.neq ?? c.notEquals;
    const gt = c.gt ?? c.greaterThan, gte = c.gte ?? c.greaterThanOrEqual;
    const lt = c.lt ?? c.lessThan, lte = c.lte ?? c.lessThanOrEqual;
    const m = c.matches?.map(wildcard), nm = c.notMatches?.map(wildcard);
    // severity filters name levels by their integer part ("7" matches 7.0–7.9), as GuardDuty does
    const sev = field === 'severity';
    const asText = (v: unknown) => (sev && typeof v === 'number' ? String(Math.floor(v)) : String(v));
    return (f: Finding): boolean => {
      let vals = valuesAt(f, field);
      if (field === 'service.archived' && vals.length === 0) vals = [false];
      const texts = vals.map(asText);
      if (eq && !texts.some((t) => eq.includes(t))) return false;
      if (neq && texts.some((t) => neq.includes(t))) return false;
      if (m && !texts.some((t) => m.some((r) => r.test(t)))) return false;
      if (nm && texts.some((t) => nm.some((r) => r.test(t)))) return false;
      if (gt !== undefined || gte !== undefined || lt !== undefined || lte !== undefined) {
        const nums = vals.map((v) => toNumber(field, v)).filter((n) => !Number.isNaN(n));
        const ok = nums.some((n) => (gt === undefined || n > gt) && (gte === undefined || n >= gte)
          && (lt === undefined || n < lt) && (lte === undefined || n <= lte));
        if (!ok) return false;
      }
      return true;
    };
  });
  return (f) => tests.every((t) => t(f));
}
