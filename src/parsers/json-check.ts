/**
 * Type checks for parsed JSON records, shared by the JSON log parsers: a field spec (which fields
 * must have which type, with the normalisations AWS's real output needs) and a bounded walk of
 * the whole value (depth and string limits). See cloudtrail/validate.ts for the contract.
 */
import type { BadReason } from '../core/index.js';
import type { ParseLimits } from './limits.js';

export type Json = Record<string, unknown>;

export type Rejection = { reason: BadReason; detail: string };

/** Field types: string, account id (string, or a number made a 12-digit string), boolean (or "true"/"false"), object, array, string (or a boolean made a string), port (0–65535 as a number or digit string). */
export const enum T { Str, Acct, Bool, Obj, Arr, StrOrBool, Port }

/** Fields that name things (they become finding fields and state keys): a few KB at most. */
export const NAME_MAX = 2048;

/** A field spec without a prototype, so a record key such as `constructor` or `__proto__` names no type. */
export function fieldSpec(fields: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, fields);
}

/** Every field of the spec is a name field (held to NAME_MAX). */
export const ALL_NAMES = { has: () => true };

/**
 * Checks the fields of `o` that `spec` names (iterating the record's own keys: a record holds
 * fewer keys than the spec, and this runs on every record) and normalises them in place.
 */
export function checkFields(o: Json, spec: Record<string, T>, prefix: string, names: { has(k: string): boolean } = ALL_NAMES): Rejection | undefined {
  for (const k in o) {
    const t = spec[k];
    if (t === undefined) continue;
    const v = o[k];
    if (v === undefined || v === null) continue; // AWS writes null for absent values; every reader treats it as absent
    switch (t) {
      case T.Str:
        if (typeof v !== 'string') return wrongType(prefix + k, 'a string', v);
        if (v.length > NAME_MAX && names.has(k)) return tooLong(prefix + k, v.length, NAME_MAX);
        break;
      case T.Acct:
        if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) o[k] = String(v).padStart(12, '0');
        else if (typeof v !== 'string') return wrongType(prefix + k, 'an account id string', v);
        else if (v.length > 64) return tooLong(prefix + k, v.length, 64);
        break;
      case T.Bool:
        if (v === 'true' || v === 'false') o[k] = v === 'true';
        else if (typeof v !== 'boolean') return wrongType(prefix + k, 'a boolean', v);
        break;
      case T.StrOrBool:
        if (typeof v === 'boolean') o[k] = String(v);
        else if (typeof v !== 'string') return wrongType(prefix + k, 'a string', v);
        break;
      case T.Obj:
        if (!isObject(v)) return wrongType(prefix + k, 'an object', v);
        break;
      case T.Arr:
        if (!Array.isArray(v)) return wrongType(prefix + k, 'an array', v);
        break;
      case T.Port: {
        const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) return wrongType(prefix + k, 'a port number', v);
        o[k] = n;
        break;
      }
    }
  }
  return undefined;
}

/**
 * Every value of the record: nesting under the depth limit, strings under the string limit.
 * Recursion is bounded by the depth limit, so a hostile document cannot exhaust the stack.
 */
/** Every element of an array field (`resources`, `answers`) is an object whose fields meet `spec`. */
export function checkObjects(list: unknown[] | null | undefined, spec: Record<string, T>, field: string): Rejection | undefined {
  if (!list) return undefined;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (!isObject(x)) return { reason: 'field-type', detail: `${field}[${i}]: expected an object, got ${typeName(x)}` };
    const r = checkFields(x, spec, `${field}[${i}].`);
    if (r) return r;
  }
  return undefined;
}

export function checkTree(rec: Json, limits: ParseLimits): Rejection | undefined {
  for (const k in rec) {
    const bad = walk(rec[k], 1, limits.maxDepth, limits.maxStringLength);
    if (bad === 1) return tooLong(k, longest(rec[k], limits.maxStringLength), limits.maxStringLength);
    if (bad === 2) return { reason: 'too-deep', detail: `${k}: nested deeper than ${limits.maxDepth} levels` };
  }
  return undefined;
}

/**
 * 0 when `v` is within the limits, 1 for a string over `maxStr`, 2 for nesting over `maxDepth`.
 * A plain function over plain arguments (no closure, no path strings): it runs on every value
 * of every record. Recursion is bounded by `maxDepth`.
 */
function walk(v: unknown, depth: number, maxDepth: number, maxStr: number): 0 | 1 | 2 {
  if (typeof v === 'string') return v.length > maxStr ? 1 : 0;
  if (typeof v !== 'object' || v === null) return 0;
  if (depth >= maxDepth) return 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { const r = walk(v[i], depth + 1, maxDepth, maxStr); if (r) return r; }
    return 0;
  }
  for (const k in v) { const r = walk((v as Json)[k], depth + 1, maxDepth, maxStr); if (r) return r; }
  return 0;
}

/** The length of the first string over `max` inside `v` (for the rejection's sample). */
function longest(v: unknown, max: number, depth = 0): number {
  if (typeof v === 'string') return v.length > max ? v.length : 0;
  if (typeof v !== 'object' || v === null || depth > 64) return 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) { const n = longest(x, max, depth + 1); if (n) return n; }
  return 0;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function wrongType(field: string, expected: string, v: unknown): Rejection {
  return { reason: 'field-type', detail: `${field}: expected ${expected}, got ${typeName(v)}` };
}

function tooLong(field: string, n: number, max: number): Rejection {
  return { reason: 'field-too-long', detail: `${field}: ${n} characters (limit ${max})` };
}
