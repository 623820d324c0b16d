import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { fireEyeParser } from './fire-eye.js';

const fixture = readFileSync(new URL('./fixtures/isight-indicators.csv', import.meta.url), 'utf8');

function collect(text: string) {
  const entries: string[] = [], errors: [number, string][] = [], skips: string[] = [];
  const t = (threat: string | undefined) => (threat ? ` [${threat}]` : '');
  const sink: IndicatorSink = {
    ipv4: (a, p, port, threat) => entries.push(intToIpv4(a) + (p < 32 ? `/${p}` : '') + (port >= 0 ? `:${port}` : '') + t(threat)),
    ipv6: (h, p, _port, threat) => entries.push(`v6 ${h}/${p}${t(threat)}`),
    domain: (n, threat) => entries.push(n + t(threat)),
    error: (l, m) => errors.push([l, m]),
    skip: (r) => skips.push(r),
  };
  fireEyeParser.parse(text, sink, { now: Date.now() });
  return { entries, errors, skips };
}

test('iSIGHT export: ip, domain and url columns by header; malwareFamily, else actor, as threat name', () => {
  const r = collect(fixture);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.entries, [
    '198.51.100.23 [LOADERX]', 'c2.loader.example [LOADERX]', 'dl.loader.example [LOADERX]',
    '203.0.113.9 [APT-EXAMPLE]', 'relay.espionage.example [APT-EXAMPLE]',
  ]);
  assert.deepEqual(r.skips, ['no IP, domain or URL in row']);
  const v = validateList(fixture, 'FIRE_EYE');
  assert.deepEqual([v.status, v.ipv4, v.domains, v.skipped], ['valid', 2, 3, { 'no IP, domain or URL in row': 1 }]);
});

test('header name variants, quoted cells, bad values with line numbers', () => {
  const r = collect('Actor,IP Address,Domain Name,URL\n"Group, A",198.51.100.40,,\n,not-an-ip,evil.example,\nB,,198.51.100.41,\n,,,/path/only\n');
  assert.deepEqual(r.entries, ['198.51.100.40 [Group, A]', 'evil.example']);
  assert.deepEqual(r.errors, [[3, 'IP Address: not an IP address, CIDR or domain: not-an-ip'], [4, 'Domain Name: not a domain name: 198.51.100.41']]);
  assert.deepEqual(r.skips, ['url path without host']);
});

test('no header naming an indicator column: one error, nothing loaded', () => {
  const v = validateList('198.51.100.1,LOADERX\n198.51.100.2,LOADERX\n', 'FIRE_EYE');
  assert.deepEqual([v.status, v.entries, v.errors], ['invalid', 0, [{ line: 1, message: 'no header row naming an ip, domain or url column' }]]);
});
