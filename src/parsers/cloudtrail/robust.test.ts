/**
 * Damaged and hostile CloudTrail input: a bad record costs only itself, ill-typed values never
 * become events, and no document can crash the parser or make it hold more than the limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText, ctRecord, cloudTrailFile } from '../../testing/harness.js';
import type { CloudTrailEvent } from '../../core/index.js';
import { DEFAULT_LIMITS } from '../limits.js';

const ids = (evs: unknown[]) => (evs as CloudTrailEvent[]).map((e) => e.raw.eventID);
const reasons = (out: { bad: { reason: string }[] }) => out.bad.map((b) => b.reason);
const records = (n: number) => Array.from({ length: n }, (_, i) => ctRecord({ eventID: `e${i + 1}` }));
/** The file with record `i`'s text replaced by `damage(recordText)`; AWS writes the whole file on one line. */
function damaged(n: number, i: number, damage: (rec: string) => string): string {
  const texts = records(n).map((r) => JSON.stringify(r));
  texts[i] = damage(texts[i]);
  return `{"Records":[${texts.join(',')}]}`;
}
const CHUNKS = [1 << 30, 7, 64, 333, 4096];

test('ill-typed fields reject that record only, with field-type and the field named', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ recipientAccountId: ['111122223333'] }, /recipientAccountId: expected an account id string, got an array/],
    [{ userIdentity: { type: 'IAMUser', arn: true } }, /userIdentity\.arn: expected a string, got a boolean/],
    [{ userIdentity: 'alice' }, /userIdentity: expected an object, got a string/],
    [{ eventName: 42 }, /eventName: expected a string, got a number/],
    [{ sourceIPAddress: { ip: '1.2.3.4' } }, /sourceIPAddress: expected a string/],
    [{ awsRegion: ['us-east-1'] }, /awsRegion: expected a string/],
    [{ readOnly: 'sometimes' }, /readOnly: expected a boolean/],
    [{ resources: [{ ARN: 7 }] }, /resources\[0\]\.ARN: expected a string/],
    [{ resources: 'arn:aws:s3:::b' }, /resources: expected an array/],
    [{ userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: [] } } } }, /sessionIssuer\.arn: expected a string/],
    [{ requestParameters: 'bucketName=x' }, /requestParameters: expected an object/],
  ];
  for (const [over, why] of cases) {
    const text = cloudTrailFile([ctRecord({ eventID: 'before' }), ctRecord({ eventID: 'bad', ...over }), ctRecord({ eventID: 'after' })]);
    for (const chunkSize of [1 << 30, 50]) {
      const out = parseText('cloudtrail', text, { chunkSize });
      assert.deepEqual(ids(out.events), ['before', 'after'], JSON.stringify(over));
      assert.deepEqual(reasons(out), ['field-type'], JSON.stringify(over));
      assert.match(out.bad[0].excerpt, why);
      assert.equal(out.bad[0].position, 2);
    }
  }
});

test('what AWS and re-shippers really write is accepted: nulls, numbers as account ids, "true" strings, empty objects', () => {
  const out = parseText('cloudtrail', cloudTrailFile([
    ctRecord({ eventID: 'a', recipientAccountId: 111122223333, requestParameters: null, responseElements: null, errorCode: null, additionalEventData: {} }),
    ctRecord({ eventID: 'b', readOnly: 'false', managementEvent: 'true', userIdentity: { type: 'AssumedRole', accountId: 12345678901, sessionContext: { attributes: { mfaAuthenticated: false } } } }),
    ctRecord({ eventID: 'c', userIdentity: {}, tlsDetails: null, resources: [] }),
  ]));
  assert.deepEqual(out.bad, []);
  assert.deepEqual(ids(out.events), ['a', 'b', 'c']);
  const [a, b] = out.events as CloudTrailEvent[];
  assert.equal(a.accountId, '111122223333');
  assert.equal(a.errorCode, '');
  assert.equal(b.raw.readOnly, false);
  assert.equal(b.identity.accountId, '012345678901', 'a number loses its leading zero: put it back');
  assert.equal(b.identity.sessionContext?.attributes?.mfaAuthenticated, 'false');
});

test('a corrupt record in the middle of a one-line file costs only itself, at any chunking', () => {
  const damages: [string, (r: string) => string][] = [
    ['unterminated string', (r) => r.replace('"e3"', '"e3')],
    ['extra closing braces', (r) => r.replace('"e3"', '"e3"}}]')],
    ['missing closing brace', (r) => r.slice(0, -1)],
    ['cut in half', (r) => r.slice(0, r.length >> 1)],
    ['binary junk', (r) => '\u0000\u0001\u00ff' + r.slice(20)],
    ['bad literal', (r) => r.replace('true', 'tru')],
    ['stray quote in a key', (r) => r.replace('"eventSource"', '"event"Source"')],
  ];
  for (const [name, damage] of damages) {
    for (const chunkSize of CHUNKS) {
      const out = parseText('cloudtrail', damaged(6, 2, damage), { chunkSize });
      assert.deepEqual(ids(out.events).filter((id) => id !== 'e3'), ['e1', 'e2', 'e4', 'e5', 'e6'], `${name}, chunk ${chunkSize}`);
      assert.ok(out.bad.length >= 1, `${name}: the damage is counted`);
      assert.ok(out.bad.every((b) => b.reason !== 'json-truncated'), `${name}, chunk ${chunkSize}: ${JSON.stringify(out.bad)}`);
    }
  }
});

test('pretty-printed arrays resynchronise too', () => {
  const texts = records(4).map((r) => JSON.stringify(r, null, 2));
  texts[1] = texts[1].replace('"e2"', '"e2');
  const out = parseText('cloudtrail', `[\n${texts.join(',\n')}\n]\n`, { chunkSize: 100 });
  assert.deepEqual(ids(out.events), ['e1', 'e3', 'e4']);
});

test('over-long strings, over-deep nesting and over-large records are rejected alone', () => {
  const limits = { ...DEFAULT_LIMITS, maxRecordBytes: 64 << 10, maxStringLength: 4096, maxDepth: 16 };
  let deep: unknown = 'x';
  for (let i = 0; i < 40; i++) deep = [deep];
  const recs = [
    ctRecord({ eventID: 'ok1' }),
    ctRecord({ eventID: 'long', userAgent: 'a'.repeat(5000) }),
    ctRecord({ eventID: 'deep', requestParameters: { policy: deep } }),
    ctRecord({ eventID: 'huge', responseElements: { items: Array.from({ length: 9000 }, (_, i) => `item-${i}`) } }),
    ctRecord({ eventID: 'name', eventName: 'L'.repeat(3000) }),
    ctRecord({ eventID: 'ok2' }),
  ];
  for (const chunkSize of [1 << 30, 1000]) {
    const out = parseText('cloudtrail', cloudTrailFile(recs), { chunkSize, limits });
    assert.deepEqual(ids(out.events), ['ok1', 'ok2'], `chunk ${chunkSize}`);
    assert.deepEqual(reasons(out).sort(), ['field-too-long', 'field-too-long', 'record-too-large', 'too-deep'], `chunk ${chunkSize}`);
  }
});

test('a million-deep array neither overflows the stack nor becomes an event', () => {
  const n = 1_000_000;
  for (const text of ['['.repeat(n) + ']'.repeat(n), `{"Records":[{"eventVersion":"1.09","x":${'['.repeat(n)}${']'.repeat(n)}}]}`, '['.repeat(n)]) {
    for (const chunkSize of [1 << 30, 1 << 16]) {
      const out = parseText('cloudtrail', text, { chunkSize });
      assert.equal(out.events.length, 0);
      assert.ok(out.bad.length >= 1 && out.bad.length <= 2, JSON.stringify(reasons(out)));
      assert.ok(out.bad.some((b) => ['too-deep', 'record-shape', 'not-json', 'json-truncated'].includes(b.reason)), JSON.stringify(reasons(out)));
    }
  }
});

test('event times outside 2000–2099 are bad-time, not a date computation that throws later', () => {
  const out = parseText('cloudtrail', cloudTrailFile([
    ctRecord({ eventID: 'a', eventTime: '275760-09-13T00:00:00Z' }),
    ctRecord({ eventID: 'b', eventTime: '1970-01-01T00:00:00Z' }),
    ctRecord({ eventID: 'c', eventTime: 1700000000 }),
    ctRecord({ eventID: 'd' }),
  ]));
  assert.deepEqual(ids(out.events), ['d']);
  assert.deepEqual(reasons(out), ['bad-time', 'bad-time', 'field-type']);
});

test('envelopes unwrap one level only: Records inside Records is a record-shape, not a recursion', () => {
  const n = 50_000;
  const doc = '{"Records":['.repeat(n) + JSON.stringify(ctRecord({ eventID: 'inner' })) + ']}'.repeat(n);
  const out = parseText('cloudtrail', `{"Records":[${JSON.stringify(ctRecord({ eventID: 'top' }))},${doc}]}`);
  assert.deepEqual(ids(out.events), ['top']);
  assert.equal(out.bad.length, 1);
});
