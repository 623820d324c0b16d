import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { otxCsvParser } from './otx-csv.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function collect(text: string) {
  const entries: string[] = [], errors: [number, string][] = [], skips: string[] = [];
  const t = (threat: string | undefined) => (threat ? ` [${threat}]` : '');
  const sink: IndicatorSink = {
    ipv4: (a, p, _port, threat) => entries.push(intToIpv4(a) + (p < 32 ? `/${p}` : '') + t(threat)),
    ipv6: (h, p, _port, threat) => entries.push(`v6 ${h}/${p}${t(threat)}`),
    domain: (n, threat) => entries.push(n + t(threat)),
    error: (l, m) => errors.push([l, m]),
    skip: (r) => skips.push(r),
  };
  otxCsvParser.parse(text, sink, { now: Date.now() });
  return { entries, errors, skips };
}

test('OTX pulse export: IPs, CIDR, IPv6, domains, hostnames and URL hosts with their descriptions', () => {
  const r = collect(fixture('otx-pulse.csv'));
  assert.deepEqual(r.entries, [
    '198.51.100.23 [Scanner, seen probing SSH and RDP]',
    '198.51.100.24',
    'v6 20010db8001000000000000000000005/128 [Loader C2 over IPv6]',
    '203.0.113.0/25 [Bulletproof hosting range]',
    'c2.loader.example [Loader C2]',
    'update.cdn-loader.example [Payload host "stage 2"]',
    'dl.loader.example [Second-stage download]',
    '198.51.100.77',
    'multi.line.example [Staging host, rotated weekly]',
  ]);
  assert.deepEqual(r.skips, ['url path without host', 'unsupported indicator type: FileHash-SHA256', 'unsupported indicator type: FileHash-MD5', 'unsupported indicator type: email']);
  // the multi-line record takes lines 14–15, so the bad rows are 16 and 17
  assert.deepEqual(r.errors, [[16, 'not an IPv4 address: 198.51.100.300'], [17, 'missing indicator']]);
  const v = validateList(fixture('otx-pulse.csv'), 'OTX_CSV');
  assert.deepEqual([v.status, v.ipv4, v.ipv4Cidrs, v.ipv6, v.domains, v.errorCount], ['partial', 3, 1, 1, 4, 2]);
});

test('CRLF export and a headerless file (columns in the export order)', () => {
  assert.deepEqual(collect(fixture('otx-pulse-crlf.csv')).entries, ['192.0.2.10 [CRLF export]', 'crlf.example']);
  assert.deepEqual(collect('IPv4,192.0.2.11,no header\ndomain,nohdr.example,\n').entries, ['192.0.2.11 [no header]', 'nohdr.example']);
});

test('header columns found by name in any order; a value of the wrong kind is an error', () => {
  const r = collect('Description,Indicator,Indicator Type\n"C2, primary",192.0.2.12,ipv4\nx,evil.example,IPv4\ny,192.0.2.13,domain\n');
  assert.deepEqual(r.entries, ['192.0.2.12 [C2, primary]']);
  assert.deepEqual(r.errors, [[3, 'not an IP address or CIDR: evil.example'], [4, 'not a domain name: 192.0.2.13']]);
});
