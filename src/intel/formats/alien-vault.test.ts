import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { alienVaultParser } from './alien-vault.js';

const fixture = readFileSync(new URL('./fixtures/alienvault-reputation.data', import.meta.url), 'utf8');

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
  alienVaultParser.parse(text, sink, { now: Date.now() });
  return { entries, errors };
}

test('AlienVault reputation: address per line, the activity as threat name', () => {
  const r = collect(fixture);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.entries, [
    '198.51.100.23 [Malicious Host]',
    '198.51.100.24 [Scanning Host]',
    '203.0.113.9 [Spamming]',
    '203.0.113.10 [Malicious Host;Scanning Host]',
    'v6 20010db8000000000000000000000007/128 [C&C]',
    '192.0.2.44',
  ]);
  const v = validateList(fixture, 'ALIEN_VAULT');
  assert.deepEqual([v.status, v.ipv4, v.ipv6], ['valid', 5, 1]);
});

test('bad lines: wrong address, a domain, non-numeric reliability/risk; comments, blanks and CRLF skipped', () => {
  const text = '# comment\r\n\r\n192.0.2.1#4#2#Malicious Host#DE##0,0#11\r\n192.0.2.300#4#2#x\r\nevil.example#4#2#x\r\n192.0.2.2#high#2#x\r\n192.0.2.3#4#?#x\r\n192.0.2.4\r\n';
  const r = collect(text);
  assert.deepEqual(r.entries, ['192.0.2.1 [Malicious Host]', '192.0.2.4']);
  assert.deepEqual(r.errors, [
    [4, 'not an IPv4 address: 192.0.2.300'],
    [5, 'not an IP address: evil.example'],
    [6, 'reliability is not a number: high'],
    [7, 'risk is not a number: ?'],
  ]);
  assert.equal(validateList(text, 'ALIEN_VAULT').status, 'partial');
});
