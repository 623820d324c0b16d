import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { etCategoryName, proofPointParser } from './proof-point.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function collect(text: string) {
  const entries: string[] = [], errors: [number, string][] = [];
  const t = (threat: string | undefined) => (threat ? ` [${threat}]` : '');
  const sink: IndicatorSink = {
    ipv4: (a, p, _port, threat) => entries.push(intToIpv4(a) + (p < 32 ? `/${p}` : '') + t(threat)),
    ipv6: (h, p, _port, threat) => entries.push(`v6 ${h}/${p}${t(threat)}`),
    domain: (n, threat) => entries.push(n + t(threat)),
    error: (l, m) => errors.push([l, m]),
    skip: () => {},
  };
  proofPointParser.parse(text, sink, { now: Date.now() });
  return { entries, errors };
}

test('ET IP reputation with a spaced header: category numbers become ET names', () => {
  const r = collect(fixture('et-iprep.csv'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.entries, ['198.51.100.23 [CnC]', '198.51.100.24 [Bot]', '203.0.113.9 [Scanner]', '203.0.113.10 [Drop]', '192.0.2.44 [category 99]']);
});

test('ET domain reputation without a header; a category given by name is kept', () => {
  const r = collect(fixture('et-domainrep.csv'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.entries, ['c2.loader.example [CnC]', 'drop.loader.example [Drop]', 'coinpool.example [Bitcoin_Related]', 'relay.example [Proxy]']);
  const v = validateList(fixture('et-domainrep.csv'), 'PROOF_POINT');
  assert.deepEqual([v.status, v.domains], ['valid', 4]);
});

test('detailed layout: columns by name, extra columns ignored; bad rows reported by line', () => {
  const r = collect('domain,category,score,first_seen,last_seen,ports\nc2.example,1,127,2024-01-01,2024-02-01,443\nbad_host,1,10,,,\nok.example,2,lots,,,\n198.51.100.5,,50,,,\n');
  assert.deepEqual(r.entries, ['c2.example [CnC]', '198.51.100.5']);
  assert.deepEqual(r.errors, [[3, 'not an IP address, CIDR or domain: bad_host'], [4, 'score is not a number: lots']]);
});

test('etCategoryName', () => {
  assert.deepEqual(['1', '2', '4', '5', '10', '21', '41', '8', ' 007 ', 'Phishing', ''].map(etCategoryName),
    ['CnC', 'Bot', 'Drop', 'SpywareCnC', 'TorNode', 'Scanner', 'DDoSAttacker', 'category 8', 'DriveBySrc', 'Phishing', undefined]);
});
