import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_FORMAT_PARSERS, parserForFormat } from './formats/registry.js';
import { IntelIndexBuilder } from './matcher/index.js';
import { LIST_FORMATS } from './types.js';
import { validateList } from './validate.js';

test('every GuardDuty list format has its parser', () => {
  assert.deepEqual(Object.keys(LIST_FORMAT_PARSERS).sort(), [...LIST_FORMATS].sort());
  for (const f of LIST_FORMATS) assert.equal(parserForFormat(f).format, f);
});

test('counts by kind; status valid', () => {
  const v = validateList('198.51.100.1\n198.51.100.0/24\n198.51.100.2:443\n2001:db8::1\n[2001:db8::2]:80\nevil.example\n', 'TXT');
  assert.deepEqual(
    { ...v, errors: v.errors.length },
    { format: 'TXT', status: 'valid', ok: true, entries: 6, ipv4: 1, ipv4Cidrs: 1, ipv6: 1, domains: 1, ipPort: 2, skipped: {}, errors: 0, errorCount: 0 },
  );
});

test('some bad lines: partial, every error listed with its line, plus the total', () => {
  const lines = ['198.51.100.1'];
  for (let i = 0; i < 250; i++) lines.push(`bad value ${i}`);
  lines.push('/a/path', '198.51.100.2');
  const v = validateList(lines.join('\n'), 'TXT');
  assert.equal(v.status, 'partial');
  assert.equal(v.ok, true);
  assert.equal(v.ipv4, 2);
  assert.equal(v.errorCount, 250);
  assert.equal(v.errors.length, 250);
  assert.deepEqual(v.errors[0], { line: 2, message: 'more than one value on the line: bad value 0' });
  assert.equal(v.errors[249].line, 251);
  assert.deepEqual(v.skipped, { 'url path without host': 1 });
});

test('nothing loaded: invalid (only errors, an empty file, or everything skipped)', () => {
  const bad = validateList('nope nope\n300.1.1.1\n', 'TXT');
  assert.deepEqual([bad.status, bad.ok, bad.errorCount], ['invalid', false, 2]);
  const empty = validateList('', 'TXT');
  assert.deepEqual([empty.status, empty.ok, empty.errorCount], ['invalid', false, 0]);
  const hashes = validateList('Indicator type,Indicator,Description\nFileHash-MD5,5d41402abc4b2a76b9719d911017c592,x\n', 'OTX_CSV');
  assert.deepEqual([hashes.status, hashes.skipped], ['invalid', { 'unsupported indicator type: FileHash-MD5': 1 }]);
});

test('a malformed STIX document: one error at line 1, invalid', () => {
  const v = validateList('{"type": "bundle", "objects": [ {"type": "indicator", ', 'STIX');
  assert.equal(v.status, 'invalid');
  assert.equal(v.errors.length, 1);
  assert.equal(v.errors[0].line, 1);
  assert.match(v.errors[0].message, /^not valid JSON/);
});

test('STIX validity uses the given clock', () => {
  const doc = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [{ type: 'indicator', id: 'indicator--1', pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix', valid_from: '2020-01-01T00:00:00Z', valid_until: '2021-01-01T00:00:00Z' }] });
  assert.equal(validateList(doc, 'STIX', Date.parse('2020-06-01T00:00:00Z')).ipv4, 1);
  const later = validateList(doc, 'STIX', Date.parse('2022-01-01T00:00:00Z'));
  assert.deepEqual([later.ipv4, later.skipped, later.status], [0, { expired: 1 }, 'invalid']);
});

test('parsers feed the intel index: a parsed list is matchable with its threat names', () => {
  const b = new IntelIndexBuilder();
  const sink = b.sink({ id: 'l', name: 'ET', purpose: 'command-and-control' });
  parserForFormat('PROOF_POINT').parse('ip,category,score\n198.51.100.23,1,127\nc2.example,2,50\n', sink, { now: Date.now() });
  const idx = b.build();
  assert.deepEqual(idx.hits(idx.lookupIp('198.51.100.23')).map((h) => h.threat), ['CnC']);
  assert.deepEqual(idx.hits(idx.lookupDomain('www.c2.example')).map((h) => h.threat), ['Bot']);
});
