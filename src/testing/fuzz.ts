/**
 * Generators for the property-based fuzz suite (test/fuzz/): real-shaped log records of each
 * type, whole files of them with each record's byte span known, and the damage done to them —
 * byte-level (flips, deletions, insertions of structural bytes, cuts) confined to one record, and
 * type-level (a field's value replaced by a value of another type, a long string, a deep
 * nesting). Tests then check that undamaged records come through unchanged and every record is
 * accounted for.
 */
import fc from 'fast-check';
import type { LogKind } from '../core/index.js';
import { ctRecord, dnsLine, flowLine } from './harness.js';

export const FLOW_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A file of one log type: its text, and for each record its id and [start, end) byte span. */
export interface FuzzFile { kind: LogKind; text: string; ids: string[]; spans: [number, number][] }

const EVENT_NAMES = ['ListUsers', 'GetUser', 'DescribeInstances', 'ListBuckets', 'GetObject', 'AssumeRole', 'ListRoles', 'GetCallerIdentity'];
const octet = fc.integer({ min: 1, max: 254 });
const ip = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));

/** One CloudTrail record of a realistic shape (identity type, session context, nested parameters). */
export function cloudTrailRecordArb(id: string, account = '999988887777'): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    name: fc.constantFrom(...EVENT_NAMES),
    kind: fc.constantFrom('IAMUser', 'AssumedRole', 'AWSService'),
    ip,
    minute: fc.integer({ min: 0, max: 59 }),
    params: fc.option(fc.dictionary(fc.constantFrom('bucketName', 'roleArn', 'maxItems', 'filter', 'tags'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.array(fc.record({ Key: fc.string({ maxLength: 8 }), Value: fc.string({ maxLength: 8 }) }), { maxLength: 3 }))), { nil: null }),
  }).map(({ name, kind, ip: src, minute, params }) => ctRecord({
    eventID: id,
    eventName: name,
    eventTime: `2026-03-02T10:${String(minute).padStart(2, '0')}:00Z`,
    sourceIPAddress: kind === 'AWSService' ? 'ec2.amazonaws.com' : src,
    recipientAccountId: account,
    requestParameters: params,
    userIdentity: kind === 'AssumedRole'
      ? { type: 'AssumedRole', principalId: 'AROAFUZZ:s', arn: `arn:aws:sts::${account}:assumed-role/app/s`, accountId: account, accessKeyId: 'ASIAFUZZ',
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/app`, accountId: account, userName: 'app' }, attributes: { creationDate: '2026-03-02T09:00:00Z', mfaAuthenticated: 'false' } } }
      : kind === 'AWSService' ? { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }
        : { type: 'IAMUser', principalId: 'AIDAFUZZ', arn: `arn:aws:iam::${account}:user/fuzz`, accountId: account, accessKeyId: 'AKIAFUZZ', userName: 'fuzz' },
  }));
}

/** One VPC flow line (v2) whose dstport carries its index, so a line is recognised by it. */
export function flowLineArb(i: number, eni = 'eni-0f0f0f0f0f0f0f0f0'): fc.Arbitrary<string> {
  return fc.record({ src: ip, dst: ip, sport: fc.integer({ min: 1024, max: 65535 }), t: fc.integer({ min: 0, max: 3000 }), action: fc.constantFrom('ACCEPT' as const, 'REJECT' as const) })
    .map((f) => flowLine({ src: f.src, dst: f.dst, sport: f.sport, dport: 10000 + i, start: 1772445600 + f.t, action: f.action, eni, account: '999988887777' }));
}

/** One Route 53 Resolver query log line whose name carries its index. */
export function dnsLineArb(i: number): fc.Arbitrary<string> {
  return fc.record({ label: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), type: fc.constantFrom('A', 'AAAA', 'TXT', 'MX'), minute: fc.integer({ min: 0, max: 59 }) })
    .map((d) => dnsLine({ query_name: `r${i}.${d.label}.example.org.`, query_type: d.type, query_timestamp: `2026-03-02T10:${String(d.minute).padStart(2, '0')}:00Z`, account_id: '999988887777', srcids: { instance: 'i-0f0f0f0f0f0f0f0f0' } }));
}

/** A file of n records of `kind` (CloudTrail: one-line `{"Records":[…]}` as S3 delivers it, or JSON lines). */
export function fileArb(kind: LogKind, n: number): fc.Arbitrary<FuzzFile> {
  if (kind === 'cloudtrail') {
    return fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => cloudTrailRecordArb(`e${i}`))), fc.boolean()).map(([recs, lines]) => {
      const texts = recs.map((r) => JSON.stringify(r));
      return assemble(kind, texts, recs.map((r) => String(r.eventID)), lines ? '' : '{"Records":[', lines ? '\n' : ',', lines ? '\n' : ']}');
    });
  }
  const lineArb = kind === 'vpcflow' ? flowLineArb : dnsLineArb;
  return fc.tuple(...Array.from({ length: n }, (_, i) => lineArb(i)))
    .map((lines) => assemble(kind, lines, lines.map((_, i) => String(i)), kind === 'vpcflow' ? FLOW_HEADER + '\n' : '', '\n', '\n'));
}

function assemble(kind: LogKind, texts: string[], ids: string[], open: string, sep: string, close: string): FuzzFile {
  const spans: [number, number][] = [];
  let text = open;
  texts.forEach((t, i) => {
    if (i) text += sep;
    spans.push([text.length, text.length + t.length]);
    text += t;
  });
  return { kind, text: text + close, ids, spans };
}

/** Bytes that mean something to a JSON or line scanner, and a few that mean nothing. */
const STRUCTURAL = ['{', '}', '[', ']', '"', '\\', ',', ':', '\n', '\r', '\u0000', ' ', '-', '\u00ff', 'x', '1'];

export type ByteEdit =
  | { op: 'set'; at: number; ch: string }
  | { op: 'insert'; at: number; s: string }
  | { op: 'delete'; at: number; n: number }
  | { op: 'cut'; at: number };

/** 1–3 byte-level edits at offsets in [0, 1) of a span (scaled by applyEdits). */
export const byteEditsArb: fc.Arbitrary<{ edits: ByteEdit[]; frac: number[] }> = fc.array(fc.tuple(
  fc.double({ min: 0, max: 0.999, noNaN: true }),
  fc.oneof(
    fc.constantFrom(...STRUCTURAL).map((ch) => ({ op: 'set' as const, at: 0, ch })),
    fc.array(fc.constantFrom(...STRUCTURAL), { minLength: 1, maxLength: 4 }).map((a) => ({ op: 'insert' as const, at: 0, s: a.join('') })),
    fc.integer({ min: 1, max: 40 }).map((n) => ({ op: 'delete' as const, at: 0, n })),
    fc.constant({ op: 'cut' as const, at: 0 }),
  ),
), { minLength: 1, maxLength: 3 }).map((xs) => ({ edits: xs.map(([, e]) => e), frac: xs.map(([f]) => f) }));

/**
 * Applies the edits inside [start, end) of `text` (deletions and cuts never reach past `end`):
 * the damage stays within one record, so every other record's bytes are untouched.
 */
export function applyEdits(text: string, [start, end]: [number, number], e: { edits: ByteEdit[]; frac: number[] }): string {
  let rec = text.slice(start, end);
  e.edits.forEach((edit, k) => {
    const at = Math.min(rec.length - 1, Math.floor(e.frac[k] * rec.length));
    if (rec.length === 0) return;
    switch (edit.op) {
      case 'set': rec = rec.slice(0, at) + edit.ch + rec.slice(at + 1); break;
      case 'insert': rec = rec.slice(0, at) + edit.s + rec.slice(at); break;
      case 'delete': rec = rec.slice(0, at) + rec.slice(at + edit.n); break;
      case 'cut': rec = rec.slice(0, at); break;
    }
  });
  return text.slice(0, start) + rec + text.slice(end);
}

/** A value of the wrong kind for a field: another JSON type, a long string, a deep nesting, null. */
export const wrongValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 50 }).map((n) => 'z'.repeat(n * 10_000)),
  fc.integer({ min: 70, max: 3000 }).map((n) => { let v: unknown = 1; for (let i = 0; i < n; i++) v = [v]; return v; }),
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', [], {}, ['a'], { a: 1 }),
);

/** Field paths worth damaging per log type (the ones parsers and detectors read). */
export const TYPED_FIELDS: Record<LogKind, string[][]> = {
  cloudtrail: [['eventName'], ['eventSource'], ['eventTime'], ['awsRegion'], ['recipientAccountId'], ['sourceIPAddress'], ['userAgent'], ['errorCode'],
    ['readOnly'], ['userIdentity'], ['userIdentity', 'arn'], ['userIdentity', 'type'], ['userIdentity', 'accountId'], ['userIdentity', 'accessKeyId'],
    ['userIdentity', 'sessionContext'], ['requestParameters'], ['resources'], ['eventID'], ['tlsDetails']],
  vpcflow: [],
  dns: [['query_name'], ['query_timestamp'], ['query_type'], ['rcode'], ['answers'], ['srcaddr'], ['srcport'], ['account_id'], ['region'], ['vpc_id'], ['srcids'], ['srcids', 'instance'], ['transport']],
};

/** Sets `path` of a JSON text to `value` (creating objects on the way); JSON.stringify is bounded by the caller's nesting. */
export function setPath(json: string, path: string[], value: unknown): string {
  const o = JSON.parse(json) as Record<string, unknown>;
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
  return JSON.stringify(o);
}

/** The same file with record i's text replaced. */
export function replaceRecord(f: FuzzFile, i: number, text: string): string {
  const [s, e] = f.spans[i];
  return f.text.slice(0, s) + text + f.text.slice(e);
}

/**
 * fc.assert that puts the failing property's own error (fast-check keeps it as `cause`) in the
 * message, so the test runner's report says what broke and where, not only the counterexample.
 */
export async function check<T>(property: fc.IAsyncProperty<T> | fc.IProperty<T>, params: fc.Parameters<T>): Promise<void> {
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, params);
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    const why = cause instanceof Error ? `${cause.stack ?? cause.message}`.split('\n').slice(0, 8).join('\n') : String(cause ?? '');
    throw new Error(`${(e as Error).message.slice(0, 4000)}\ncaused by: ${why}`);
  }
}
