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
export function checkFields(o: Json, spec: Record<string, T>, prefix: string, names: { has(k: string): boolean }): Rejection | undefined {
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
export function checkTree(rec: Json, limits: ParseLimits): Rejection | undefined {
  const maxDepth = limits.maxDepth, maxStr = limits.maxStringLength;
  let problem: Rejection | undefined;
  // `field` is the top-level field being walked (no path strings are built on the way: this runs on every record)
  const walk = (v: unknown, depth: number, field: string): boolean => {
    if (typeof v === 'string') {
      if (v.length > maxStr) { problem = tooLong(field, v.length, maxStr); return false; }
      return true;
    }
    if (typeof v !== 'object' || v === null) return true;
    if (depth >= maxDepth) { problem = { reason: 'too-deep', detail: `${field}: nested deeper than ${maxDepth} levels` }; return false; }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!walk(v[i], depth + 1, field)) return false;
      return true;
    }
    for (const k in v) if (!walk((v as Json)[k], depth + 1, field)) return false;
    return true;
  };
  for (const k in rec) if (!walk(rec[k], 1, k)) return problem;
  return undefined;
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
