import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntelIndexBuilder } from './index.js';
import { parseIndicator, emitIndicator } from '../ip-text.js';
import { ipv4ToInt, intToIpv4 } from '../../core/index.js';

const LIST_A = { id: 'a', name: 'ListA', purpose: 'custom' };
const LIST_B = { id: 'b', name: 'ListB', purpose: 'cryptomining' };

function build(lists: [typeof LIST_A, [string, string?][]][]) {
  const b = new IntelIndexBuilder();
  for (const [list, entries] of lists) {
    const sink = b.sink(list);
    entries.forEach(([text, threat], i) => emitIndicator(parseIndicator(text), sink, threat, i + 1));
  }
  return b.build();
}
const names = (idx: ReturnType<typeof build>, id: number) => idx.hits(id).map((h) => `${h.list.name}${h.threat ? `/${h.threat}` : ''}`).sort();

test('exact IPv4, CIDRs (nested, overlapping, across lists), ip:port, all in one lookup', () => {
  const idx = build([
    [LIST_A, [['198.51.100.7'], ['10.0.0.0/8', 'corp'], ['10.1.0.0/16'], ['0.0.0.0'], ['240.0.0.0/4']]],
    [LIST_B, [['198.51.100.7', 'pool'], ['10.1.2.0/24', 'miner'], ['203.0.113.9:3333', 'stratum']]],
  ]);
  const q = (ip: string, port = -1) => names(idx, idx.lookupIp(ip, port));
  assert.deepEqual(q('198.51.100.7'), ['ListA', 'ListB/pool']);
  assert.deepEqual(q('198.51.100.8'), []);
  assert.deepEqual(q('10.200.0.1'), ['ListA/corp']);
  assert.deepEqual(q('10.1.9.9'), ['ListA', 'ListA/corp']);
  assert.deepEqual(q('10.1.2.3'), ['ListA', 'ListA/corp', 'ListB/miner']);
  assert.deepEqual(q('10.1.3.0'), ['ListA', 'ListA/corp']);
  assert.deepEqual(q('11.0.0.0'), []);
  assert.deepEqual(q('9.255.255.255'), []);
  assert.deepEqual(q('0.0.0.0'), ['ListA']);
  assert.deepEqual(q('255.255.255.255'), ['ListA']);
  assert.deepEqual(q('203.0.113.9', 3333), ['ListB/stratum']);
  assert.deepEqual(q('203.0.113.9', 443), [], 'ip:port indicators match that port only');
  assert.deepEqual(q('not-an-ip'), []);
});

test('IPv6 addresses and prefixes; domains match themselves and subdomains', () => {
  const idx = build([[LIST_A, [['2001:db8::1'], ['2001:db8:abcd::/48', 'net'], ['evil.example'], ['*.bad.test'], ['https://phish.example.org/login']]]]);
  assert.deepEqual(names(idx, idx.lookupIp('2001:DB8:0:0::1')), ['ListA']);
  assert.deepEqual(names(idx, idx.lookupIp('2001:db8:abcd:12::5')), ['ListA/net']);
  assert.deepEqual(names(idx, idx.lookupIp('2001:db8:abce::5')), []);
  assert.deepEqual(names(idx, idx.lookupDomain('evil.example')), ['ListA']);
  assert.deepEqual(names(idx, idx.lookupDomain('a.b.evil.example')), ['ListA']);
  assert.deepEqual(names(idx, idx.lookupDomain('notevil.example')), []);
  assert.deepEqual(names(idx, idx.lookupDomain('x.bad.test')), ['ListA']);
  assert.deepEqual(names(idx, idx.lookupDomain('phish.example.org')), ['ListA']);
});

test('random lists agree with a naive scan', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const entries: [string, string?][] = [];
  const blocks: [number, number][] = [];
  const singles = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    const addr = Math.floor(rnd() * 2 ** 32);
    if (rnd() < 0.3) {
      const prefix = 8 + Math.floor(rnd() * 24);
      const net = prefix === 0 ? 0 : (addr & (0xffffffff << (32 - prefix))) >>> 0;
      blocks.push([net, net + 2 ** (32 - prefix) - 1]);
      entries.push([`${intToIpv4(net)}/${prefix}`]);
    } else { singles.add(addr); entries.push([intToIpv4(addr)]); }
  }
  const idx = build([[LIST_A, entries]]);
  for (let i = 0; i < 20000; i++) {
    const probe = i % 2 ? Math.floor(rnd() * 2 ** 32) : [...singles][i % singles.size];
    const want = singles.has(probe) || blocks.some(([lo, hi]) => probe >= lo && probe <= hi);
    assert.equal(idx.lookupV4(probe) !== 0, want, intToIpv4(probe));
  }
});

test('indicator text: CIDRs are masked, bad input is reported, not thrown', () => {
  assert.deepEqual(parseIndicator('192.0.2.77/24'), { kind: 'ipv4', addr: ipv4ToInt('192.0.2.0'), prefix: 24, port: -1 });
  assert.equal(parseIndicator('300.1.1.1').kind, 'invalid');
  assert.equal(parseIndicator('1.2.3.4/33').kind, 'invalid');
  assert.equal(parseIndicator('hello world').kind, 'invalid');
  assert.deepEqual(parseIndicator('[2001:db8::1]:443'), { kind: 'ipv6', hex: '20010db8000000000000000000000001', prefix: 128, port: 443 });
  assert.deepEqual(parseIndicator('Mining.Pool.Example.'), { kind: 'domain', name: 'mining.pool.example' });
});

test('IPv6 [addr]:port entries match that port only', () => {
  const idx = build([[LIST_A, [['[2a0b:f4c2:2::1]:8443']]]]);
  assert.deepEqual(names(idx, idx.lookupIp('2a0b:f4c2:2::1', 8443)), ['ListA']);
  assert.deepEqual(names(idx, idx.lookupIp('2a0b:f4c2:2::1', 443)), []);
  assert.deepEqual(names(idx, idx.lookupIp('2a0b:f4c2:2::1')), []);
});
