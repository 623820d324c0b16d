/**
 * Request validation with GuardDuty's BadRequestException messages: the body must be a JSON
 * object holding only the operation's members; each reader checks one member's type and range.
 */
import { badRequest } from './errors.js';

export type Body = Record<string, unknown>;

/** Rejects members the operation does not have (a typo, or a hostile client). */
export function onlyKeys(body: Body, allowed: readonly string[]): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw badRequest(`The request is rejected because the field ${JSON.stringify(k)} is not supported by this operation.`);
}

export function str(body: Body, key: string, o: { required?: boolean; min?: number; max?: number; pattern?: RegExp; values?: readonly string[] } = {}): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (o.required) throw badRequest(`The request is rejected because the ${key} parameter is missing.`);
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`The request is rejected because the ${key} parameter must be a string.`);
  if (o.min !== undefined && v.length < o.min) throw badRequest(`The request is rejected because the ${key} parameter is shorter than ${o.min} characters.`);
  if (o.max !== undefined && v.length > o.max) throw badRequest(`The request is rejected because the ${key} parameter is longer than ${o.max} characters.`);
  if (o.pattern && !o.pattern.test(v)) throw badRequest(`The request is rejected because the ${key} parameter has an invalid value.`);
  if (o.values && !o.values.includes(v)) throw badRequest(`The request is rejected because the ${key} parameter must be one of ${o.values.join(', ')}.`);
  return v;
}

export function int(body: Body, key: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (o.required) throw badRequest(`The request is rejected because the ${key} parameter is missing.`);
    return undefined;
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw badRequest(`The request is rejected because the ${key} parameter must be an integer.`);
  if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
    throw badRequest(`The request is rejected because the ${key} parameter must be between ${o.min ?? '-∞'} and ${o.max ?? '∞'}.`);
  }
  return n;
}

export function bool(body: Body, key: string, o: { required?: boolean } = {}): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (o.required) throw badRequest(`The request is rejected because the ${key} parameter is missing.`);
    return undefined;
  }
  if (typeof v !== 'boolean') throw badRequest(`The request is rejected because the ${key} parameter must be true or false.`);
  return v;
}

export function strings(body: Body, key: string, o: { required?: boolean; min?: number; max?: number; itemPattern?: RegExp } = {}): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (o.required) throw badRequest(`The request is rejected because the ${key} parameter is missing.`);
    return undefined;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badRequest(`The request is rejected because the ${key} parameter must be a list of strings.`);
  if ((o.min !== undefined && v.length < o.min) || (o.max !== undefined && v.length > o.max)) {
    throw badRequest(`The request is rejected because the ${key} parameter must hold ${o.min ?? 0} to ${o.max} items.`);
  }
  if (o.itemPattern && !v.every((x) => o.itemPattern!.test(x))) throw badRequest(`The request is rejected because the ${key} parameter has an invalid value.`);
  return v as string[];
}

export function obj(body: Body, key: string, o: { required?: boolean } = {}): Body | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (o.required) throw badRequest(`The request is rejected because the ${key} parameter is missing.`);
    return undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`The request is rejected because the ${key} parameter must be an object.`);
  return v as Body;
}

export const ACCOUNT_ID = /^\d{12}$/;

/** Tags: ≤ 200, keys 1–128 without the `aws:` prefix, values ≤ 256. */
export function tags(body: Body, key = 'tags'): Record<string, string> | undefined {
  const t = obj(body, key);
  if (!t) return undefined;
  const entries = Object.entries(t);
  if (entries.length > 200) throw badRequest('The request is rejected because a resource can have at most 200 tags.');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith('aws:')) throw badRequest(`The request is rejected because the tag key ${JSON.stringify(k)} is not valid.`);
    if (typeof v !== 'string' || v.length > 256) throw badRequest(`The request is rejected because the value of tag ${JSON.stringify(k)} is not valid.`);
  }
  return t as Record<string, string>;
}

/** maxResults 1–50 (default 50) and the opaque nextToken of this API: base64 of a position. */
export function page(source: Body, maxMax = 50): { limit: number; cursor: number } {
  const limit = int(source, 'maxResults', { min: 1, max: maxMax }) ?? maxMax;
  const token = str(source, 'nextToken', { max: 2048 });
  let cursor = 0;
  if (token) {
    const n = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw badRequest('The request is rejected because the nextToken is not valid.');
    cursor = n;
  }
  return { limit, cursor };
}

export function nextToken(cursor: number | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(String(cursor)).toString('base64url');
}

/** A page of an in-memory list. */
export function slice<T>(items: T[], source: Body, maxMax = 50): { items: T[]; nextToken?: string } {
  const { limit, cursor } = page(source, maxMax);
  const items2 = items.slice(cursor, cursor + limit);
  return { items: items2, nextToken: cursor + limit < items.length ? nextToken(cursor + limit) : undefined };
}
