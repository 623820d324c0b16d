/**
 * Property-based fuzzing of the three parsers (fast-check, fixed seeds, bounded runs).
 *
 * Byte damage confined to one record: the parser never throws, every other record comes
 * through, and every non-empty line of a line format is accounted for (an event, a bad record
 * with a reason, or a skip). Type damage (a field given a value of another type, a long
 * string, a deep nesting): records in = accepted + rejected with a reason, the undamaged ones
 * unchanged, and nothing accepted carries an ill-typed field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CloudTrailEvent, DnsEvent, FlowEvent, LogKind, VigilEvent } from '../../src/core/index.js';
import { BAD_REASONS } from '../../src/core/index.js';
import { parseText, type ParsedText } from '../../src/testing/harness.js';
import { applyEdits, byteEditsArb, check, fileArb, replaceRecord, setPath, TYPED_FIELDS, wrongValueArb, type FuzzFile } from '../../src/testing/fuzz.js';

const RUNS = Number(process.env.VIGIL_FUZZ_RUNS ?? 150);
/** VIGIL_FUZZ_SEED explores other cases locally; CI runs the fixed seeds. */
const seed = (dflt: number) => Number(process.env.VIGIL_FUZZ_SEED ?? dflt);
const chunkArb = fc.oneof(fc.constant(1 << 30), fc.integer({ min: 1, max: 4096 }));

/** Totals of the fuzz runs, printed at the end (the closing note of the robustness issue quotes them). */
const tally: Record<string, number> = {};
const count = (k: string) => { tally[k] = (tally[k] ?? 0) + 1; };
test.after(() => { console.log(`fuzz cases: ${JSON.stringify(tally)}`); });

function idOf(kind: LogKind, e: VigilEvent): string {
  if (kind === 'cloudtrail') return String((e as CloudTrailEvent).raw.eventID);
  if (kind === 'vpcflow') return String((e as FlowEvent).dstPort - 10000);
  return /^r(\d+)\./.exec((e as DnsEvent).queryName)?.[1] ?? '?';
}

function parse(kind: LogKind, text: string | Buffer, chunkSize: number): ParsedText {
  let out: ParsedText | undefined;
  assert.doesNotThrow(() => { out = parseText(kind, text, { chunkSize }); });
  for (const b of out!.bad) assert.ok(b.reason in BAD_REASONS, `unknown reason ${b.reason}`);
  return out!;
}

/** Non-empty lines after the header (the DNS parser, like JSON, treats a line of blanks as empty): what a line parser must account for. */
function lineCount(kind: LogKind, text: string): number {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0 && !(kind === 'dns' && /^[ \t]+$/.test(l)));
  return kind === 'vpcflow' ? lines.length - 1 : lines.length;
}

/** Every accepted event has the types the event contract promises. */
function wellTyped(e: VigilEvent): void {
  const str = (v: unknown, what: string) => assert.equal(typeof v, 'string', what);
  assert.ok(Number.isFinite(e.time) && e.time >= Date.UTC(2000, 0, 1) && e.time < Date.UTC(2100, 0, 1), 'time in range');
  str(e.accountId, 'accountId'); str(e.region, 'region');
  if (e.kind === 'cloudtrail') {
    str(e.eventName, 'eventName'); str(e.eventSource, 'eventSource'); str(e.sourceIp, 'sourceIp'); str(e.userAgent, 'userAgent');
    assert.ok(typeof e.identity === 'object' && e.identity !== null && !Array.isArray(e.identity), 'identity object');
    for (const k of ['type', 'arn', 'accountId', 'accessKeyId', 'userName', 'principalId'] as const) {
      const v = e.identity[k];
      assert.ok(v === undefined || v === null || typeof v === 'string', `identity.${k}`);
    }
  } else if (e.kind === 'dns') {
    str(e.queryName, 'queryName'); str(e.queryType, 'queryType'); str(e.srcAddr, 'srcAddr'); str(e.instanceId, 'instanceId');
    assert.ok(Array.isArray(e.answers));
    assert.ok(Number.isInteger(e.srcPort) && e.srcPort >= -1 && e.srcPort <= 65535, 'srcPort');
  } else {
    assert.ok(e.srcPort >= -1 && e.srcPort <= 65535 && e.dstPort >= -1 && e.dstPort <= 65535 && e.protocol >= -1 && e.protocol <= 255);
  }
}

for (const kind of ['cloudtrail', 'vpcflow', 'dns'] as const) {
  test(`${kind}: byte damage in one record costs only that record`, async () => {
    await check(fc.property(fileArb(kind, 6), fc.integer({ min: 0, max: 5 }), byteEditsArb, chunkArb, (f: FuzzFile, i, edits, chunkSize) => {
      count(`${kind}:bytes`);
      const text = applyEdits(f.text, f.spans[i], edits);
      const out = parse(kind, text, chunkSize);
      const got = out.events.map((e) => idOf(kind, e));
      for (let j = 0; j < f.ids.length; j++) if (j !== i) assert.ok(got.includes(f.ids[j]), `record ${j} lost (damage in ${i}): ${JSON.stringify(out.bad)}`);
      assert.ok(out.events.length <= f.ids.length + (kind === 'cloudtrail' ? 0 : 1));
      if (kind !== 'cloudtrail') {
        const skipped = Object.values(out.skipped).reduce((a, b) => a + b, 0);
        assert.equal(out.events.length + out.bad.length + skipped, lineCount(kind, text), 'every line accounted for');
      } else if (out.events.length < f.ids.length && text.length > f.text.length - (f.spans[i][1] - f.spans[i][0])) {
        assert.ok(out.bad.length >= 1, 'a lost record (that still has bytes) is counted');
      }
    }), { seed: seed(0x5eed + kind.length), numRuns: RUNS });
  });
}

for (const kind of ['cloudtrail', 'dns'] as const) {
  test(`${kind}: a field of the wrong type rejects its record only; records in = accepted + rejected`, async () => {
    await check(fc.property(fileArb(kind, 5), fc.integer({ min: 0, max: 4 }), fc.constantFrom(...TYPED_FIELDS[kind]), wrongValueArb, chunkArb, (f, i, path, value, chunkSize) => {
      count(`${kind}:types`);
      const [s, e] = f.spans[i];
      const text = replaceRecord(f, i, setPath(f.text.slice(s, e), path, value));
      const out = parse(kind, text, chunkSize);
      assert.equal(out.events.length + out.bad.length, f.ids.length, `accepted + rejected: ${JSON.stringify(out.bad)}`);
      const got = out.events.map((ev) => idOf(kind, ev));
      for (let j = 0; j < f.ids.length; j++) if (j !== i) assert.ok(got.includes(f.ids[j]), `record ${j} lost`);
      for (const ev of out.events) wellTyped(ev);
    }), { seed: seed(0x7e5 + kind.length), numRuns: RUNS });
  });
}

test('vpcflow: a field given a value of the wrong kind rejects its line only', async () => {
  const token = fc.oneof(fc.constantFrom('-', '', 'NaN', '1e9', '99999999999999999999', '-5', 'ACCEPTED', '::1', '10.0.0.256', 'x'.repeat(600)), fc.string({ maxLength: 12 }).filter((t) => !/[\s]/.test(t)));
  await check(fc.property(fileArb('vpcflow', 5), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 13 }), token, chunkArb, (f, i, field, value, chunkSize) => {
    count('vpcflow:types');
    const [s, e] = f.spans[i];
    const parts = f.text.slice(s, e).split(' ');
    parts[field] = value;
    const out = parse('vpcflow', replaceRecord(f, i, parts.join(' ')), chunkSize);
    const skipped = Object.values(out.skipped).reduce((a, b) => a + b, 0);
    assert.equal(out.events.length + out.bad.length + skipped, f.ids.length);
    const got = out.events.map((ev) => idOf('vpcflow', ev));
    for (let j = 0; j < f.ids.length; j++) if (j !== i) assert.ok(got.includes(f.ids[j]), `line ${j} lost`);
    for (const ev of out.events) wellTyped(ev);
  }), { seed: seed(0xf10), numRuns: RUNS });
});

test('random bytes of any length: no parser throws, hangs or emits an ill-typed event', async () => {
  await check(fc.property(fc.constantFrom<LogKind>('cloudtrail', 'vpcflow', 'dns'), fc.uint8Array({ maxLength: 3000 }), chunkArb, (kind, bytes, chunkSize) => {
    count('random-bytes');
    const out = parse(kind, Buffer.from(bytes), chunkSize);
    for (const ev of out.events) wellTyped(ev);
  }), { seed: seed(0xb17e), numRuns: RUNS * 2 });
});
