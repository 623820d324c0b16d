/**
 * The typed-array index against a reference that scans every indicator (seeded property tests,
 * bounded to a few seconds): random IPv4 addresses, CIDR blocks (nested and overlapping, across
 * lists, with and without threat names), ip:port entries and domains; queries at random and at
 * every block's edges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntelIndexBuilder, type IntelIndex } from './index.js';
import { Ipv4ExactTable, hashV4, unhashV4 } from './ipv4-exact.js';
import { DomainTable } from './domains.js';

const LISTS = [
  { id: 'a', name: 'A', purpose: 'custom' },
  { id: 'b', name: 'B', purpose: 'malicious' },
  { id: 'c', name: 'C', purpose: 'command-and-control' },
];
const THREATS = [undefined, 'x', 'y'];

type V4 = { list: number; addr: number; prefix: number; port: number; threat: number };

/** Addresses clustered in a few /16s (so blocks nest and overlap), plus a few anywhere. */
const addrArb = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(0x0a000000, 0xc6336400, 0xffff0000, 0x00000000), fc.integer({ min: 0, max: 0xffff })).map(([b, lo]) => (b + lo) >>> 0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);
const v4Arb: fc.Arbitrary<V4> = fc.record({
  list: fc.integer({ min: 0, max: 2 }),
  addr: addrArb,
  prefix: fc.oneof({ weight: 3, arbitrary: fc.constant(32) }, { weight: 3, arbitrary: fc.integer({ min: 8, max: 31 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 32 }) }),
  port: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.constantFrom(22, 443, 3333) }),
  threat: fc.integer({ min: 0, max: 2 }),
});

const mask = (a: number, p: number) => (p === 0 ? 0 : (a & (0xffffffff << (32 - p))) >>> 0);

function buildIndex(entries: V4[], domains: [number, string, number][] = []): IntelIndex {
  const b = new IntelIndexBuilder();
  const sinks = LISTS.map((l) => b.sink(l));
  for (const e of entries) sinks[e.list].ipv4(mask(e.addr, e.prefix), e.prefix, e.prefix === 32 ? e.port : -1, THREATS[e.threat]);
  for (const [list, name, threat] of domains) sinks[list].domain(name, THREATS[threat]);
  return b.build();
}

const key = (list: number, threat: number) => `${LISTS[list].name}${THREATS[threat] ? `/${THREATS[threat]}` : ''}`;
const hitNames = (idx: IntelIndex, id: number) => idx.hits(id).map((h) => `${h.list.name}${h.threat ? `/${h.threat}` : ''}`).sort();

/** The reference: every indicator that covers the address (and, for ip:port, the port). */
function reference(entries: V4[], q: number, port: number): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    const net = mask(e.addr, e.prefix);
    const port_ = e.prefix === 32 ? e.port : -1;
    if (mask(q, e.prefix) !== net) continue;
    if (port_ >= 0 && port_ !== port) continue;
    out.add(key(e.list, e.threat));
  }
  return [...out].sort();
}

/** Queries: the entries themselves, each block's first and last address and their neighbours, and random ones. */
function queriesFor(entries: V4[], extra: number[]): number[] {
  const qs: number[] = [...extra];
  for (const e of entries) {
    const net = mask(e.addr, e.prefix);
    const last = (net + 2 ** (32 - e.prefix) - 1) >>> 0;
    qs.push(e.addr >>> 0, net, last, (net - 1) >>> 0, (last + 1) >>> 0);
  }
  return qs;
}

test('IPv4 exact + CIDR + ip:port lookups equal a scan of every indicator (seeded)', () => {
  const deadline = Date.now() + 4000;
  fc.assert(
    fc.property(fc.array(v4Arb, { maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 50 }), fc.constantFrom(-1, 22, 443, 3333), (entries, random, port) => {
      if (Date.now() > deadline) return;
      const idx = buildIndex(entries);
      for (const q of queriesFor(entries, random)) {
        assert.deepEqual(hitNames(idx, idx.lookupV4(q, port)), reference(entries, q, port), `address ${q >>> 24}.${(q >>> 16) & 255}.${(q >>> 8) & 255}.${q & 255} port ${port}`);
      }
    }),
    { seed: 1517, numRuns: 400 },
  );
});

test('the CIDR table with many blocks (directory buckets cut by several segments) equals a scan (seeded)', () => {
  const deadline = Date.now() + 3000;
  // dense: blocks of /20–/31 packed into one /16, so buckets hold many segments and the galloping search runs
  const dense = fc.record({ list: fc.integer({ min: 0, max: 2 }), addr: fc.integer({ min: 0, max: 0xffff }).map((lo) => (0xc6330000 + lo) >>> 0), prefix: fc.integer({ min: 16, max: 31 }), port: fc.constant(-1), threat: fc.integer({ min: 0, max: 2 }) });
  fc.assert(
    fc.property(fc.array(dense, { minLength: 100, maxLength: 3000 }), (entries) => {
      if (Date.now() > deadline) return;
      const idx = buildIndex(entries);
      const qs = queriesFor(entries, []);
      for (let i = 0; i < qs.length; i += 3) assert.deepEqual(hitNames(idx, idx.lookupV4(qs[i])), reference(entries, qs[i], -1));
    }),
    { seed: 2024, numRuns: 60 },
  );
});

test('domains: the longest listed suffix on label boundaries, as a split-and-join walk finds it (seeded)', () => {
  const deadline = Date.now() + 2000;
  const label = fc.constantFrom('a', 'b', 'evil', 'xn--p1ai', 'c0', 'ab-c', 'example', '_dmarc');
  const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), name, fc.integer({ min: 0, max: 2 })), { maxLength: 80 }), fc.array(name, { maxLength: 40 }), (listed, queries) => {
      if (Date.now() > deadline) return;
      const idx = buildIndex([], listed);
      for (const q of [...queries, ...listed.map(([, n]) => `www.${n}`), ...listed.map(([, n]) => n)]) {
        const labels = q.split('.');
        let want: string[] = [], wantAt = '';
        for (let i = 0; i < labels.length; i++) {
          const suffix = labels.slice(i).join('.');
          const hits = listed.filter(([, n]) => n === suffix);
          if (hits.length) { want = [...new Set(hits.map(([l, , t]) => key(l, t)))].sort(); wantAt = suffix; break; }
        }
        const [id, at] = idx.matchDomain(q);
        assert.deepEqual(hitNames(idx, id), want, q);
        assert.equal(at, wantAt, q);
        assert.equal(idx.lookupDomain(q), id);
      }
    }),
    { seed: 99, numRuns: 300 },
  );
});

test('the exact table: the hash is a bijection, and growing keeps every address (including the aside one)', () => {
  for (const a of [0, 1, 0xffffffff, 0x80000000, 0xc0000201, unhashV4(0xffffffff)]) assert.equal(unhashV4(hashV4(a)), a);
  const union = (a: number, b: number) => a | b;
  const t = new Ipv4ExactTable();
  const want = new Map<number, number>();
  let x = 12345;
  for (let i = 0; i < 50_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // sequential runs (an expanded /24) and random addresses
    const a = i % 3 === 0 ? (0xc6336400 + (i % 2000)) >>> 0 : x;
    const bit = 1 << (i % 5);
    t.add(a, bit, union);
    want.set(a, (want.get(a) ?? 0) | bit);
  }
  t.add(unhashV4(0xffffffff), 8, union);
  want.set(unhashV4(0xffffffff), (want.get(unhashV4(0xffffffff)) ?? 0) | 8);
  t.add(0, 2, union);
  want.set(0, (want.get(0) ?? 0) | 2);
  assert.equal(t.size, want.size);
  for (const [a, v] of want) assert.equal(t.get(a), v);
  assert.deepEqual(new Map(t.entries()), want);
  for (let i = 0; i < 20_000; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; assert.equal(t.get(x), want.get(x) ?? 0); }
});

test('the domain table keeps names with wide characters in a side map, longest suffix still first', () => {
  const t = new DomainTable();
  const union = (a: number, b: number) => a | b;
  t.add('example.com', 1, union);
  t.add('\u4e2d.example.com', 2, union);
  t.add('b.\u4e2d.example.com', 4, union);
  assert.deepEqual(t.get('a.b.\u4e2d.example.com'), [4, 'b.\u4e2d.example.com']);
  assert.deepEqual(t.get('x.\u4e2d.example.com'), [2, '\u4e2d.example.com']);
  assert.deepEqual(t.get('x.example.com'), [1, 'example.com']);
  assert.deepEqual(t.get('example.org'), [0, '']);
  assert.equal(t.size, 3);
});
