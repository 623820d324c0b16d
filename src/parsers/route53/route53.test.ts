import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText, dnsLine } from '../../testing/harness.js';
import type { DnsEvent } from '../../core/index.js';

test('Route 53 Resolver query log lines become DNS events (name lower-cased, trailing dot removed)', () => {
  const out = parseText('dns', dnsLine({ query_name: 'WWW.Example.COM.', query_type: 'AAAA' }) + '\n');
  const e = out.events[0] as DnsEvent;
  assert.deepEqual([e.queryName, e.queryType, e.rcode, e.srcAddr, e.srcPort, e.instanceId, e.vpcId, e.accountId, e.region, e.time],
    ['www.example.com', 'AAAA', 'NOERROR', '10.0.1.25', 45678, 'i-0a1b2c3d4e5f60718', 'vpc-0a1b2c3d4e5f60718', '111122223333', 'us-east-1', Date.UTC(2026, 2, 2, 10, 15)]);
  assert.equal(e.answers[0].Rdata, '93.184.216.34');
});

test('bad lines are counted by reason and the good ones around them kept', () => {
  const good = dnsLine();
  const text = [
    good,
    good.slice(0, 60), // cut short
    '{"query_name": "x.com", "query_timestamp": }', // invalid JSON
    JSON.stringify({ query_timestamp: '2026-03-02T10:15:00Z' }), // no query_name
    dnsLine({ query_timestamp: 'soon' }),
    '\u0000\u0001binary',
    `2026-03-02T10:15:00.000Z ${good}`, // CloudWatch export prefix
  ].join('\n');
  const out = parseText('dns', text, { chunkSize: 17 });
  assert.equal(out.events.length, 2);
  assert.deepEqual(out.bad.map((b) => b.reason), ['json-truncated', 'json-invalid', 'record-shape', 'bad-time', 'not-json']);
  assert.deepEqual(out.bad.map((b) => b.position), [2, 3, 4, 5, 6]);
});

test('account and VPC fall back to the vpcdnsquerylogs S3 key layout', () => {
  const line = dnsLine({ account_id: undefined, vpc_id: undefined });
  const e = parseText('dns', line, { path: 'AWSLogs/444455556666/vpcdnsquerylogs/vpc-0ff1ce/2026/03/02/q.log.gz' }).events[0] as DnsEvent;
  assert.equal(e.accountId, '444455556666');
  assert.equal(e.vpcId, 'vpc-0ff1ce');
});

test('ill-typed fields reject that line only; what AWS writes (srcport as a string, nulls) is accepted', () => {
  const bad: Record<string, unknown>[] = [
    { srcaddr: ['10.0.0.1'] }, { account_id: { id: 1 } }, { answers: 'none' }, { answers: [{ Rdata: 5 }] },
    { srcport: 'http' }, { srcport: 70000 }, { srcids: { instance: true } }, { query_type: 28 }, { query_name: 'a'.repeat(2000) + '.com' },
  ];
  const lines = [dnsLine({ srcport: '53124' }), ...bad.map((o) => dnsLine(o)), dnsLine({ srcids: null, answers: null, account_id: 111122223333 })];
  const out = parseText('dns', lines.join('\n'), { chunkSize: 101 });
  assert.equal(out.events.length, 2);
  const [a, b] = out.events as DnsEvent[];
  assert.equal(a.srcPort, 53124);
  assert.equal(b.accountId, '111122223333');
  assert.deepEqual(b.answers, []);
  assert.deepEqual(out.bad.map((x) => x.reason), [...Array(8).fill('field-type'), 'field-too-long']);
  assert.deepEqual(out.bad.map((x) => x.position), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(out.bad[0].excerpt, /srcaddr: expected a string, got an array/);
});

test('CR-only and CRLF line ends both split into lines', () => {
  for (const eol of ['\r', '\r\n']) {
    const out = parseText('dns', [dnsLine(), dnsLine(), dnsLine()].join(eol) + eol, { chunkSize: 50 });
    assert.equal(out.events.length, 3, JSON.stringify(eol));
    assert.deepEqual(out.bad, []);
  }
});
