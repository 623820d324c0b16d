/**
 * The indexed terms of a finding, computed when it is written: `<field code>:<value>` for every
 * scalar at exactly a term criterion's path (criteria-fields.ts: TERM_FIELDS, arrays where
 * TERM_ARRAYS says, nothing deeper), kept in the `terms` text[] column under a GIN index.
 * "equals" on such a criterion is then `terms && ARRAY[…]`, the same answer SQLite's
 * trigger-kept finding_terms gives (and the JSON predicate gives).
 */
import type { Finding } from '../../core/index.js';
import { TERM_ARRAYS, TERM_FIELDS } from '../criteria-fields.js';

const PATHS = Object.entries(TERM_FIELDS).map(([criterion, code]) => {
  const parts = criterion.split('.');
  return { code, steps: parts.map((key, i) => ({ key, array: TERM_ARRAYS.has(parts.slice(0, i + 1).join('.')) })) };
});

/** The term a criterion value is looked up by. */
export const term = (code: number, value: string): string => `${code}:${value}`;

export function termsOf(f: Finding): string[] {
  const out = new Set<string>();
  for (const { code, steps } of PATHS) {
    let cur: unknown[] = [f];
    steps.forEach(({ key, array }, i) => {
      const last = i === steps.length - 1;
      const next: unknown[] = [];
      for (const v of cur) {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, key)) continue;
        const child = (v as Record<string, unknown>)[key];
        if (array) { if (Array.isArray(child)) next.push(...child); } else next.push(child);
      }
      cur = last ? next.filter((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) : next;
    });
    for (const v of cur) out.add(term(code, String(v)));
  }
  return [...out];
}
