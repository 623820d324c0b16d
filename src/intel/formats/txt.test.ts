import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { txtParser } from './txt.js';

const TI = '/work/shared/data/ti';
const read = (p: string) => readFileSync(`${TI}/${p}`, 'utf8');

/** Parses TXT into readable entries (`1.2.3.0/24`, `1.2.3.4:80`, `v6 <hex>/<prefix>`, `evil.example`). */
function collect(text: string) {
  const entries: string[] = [], errors: [number, string][] = [], skips: string[] = [];
  const sink: IndicatorSink = {
    ipv4: (a, p, port) => entries.push(intToIpv4(a) + (p < 32 ? `/${p}` : '') + (port >= 0 ? `:${port}` : '')),
    ipv6: (h, p, port) => entries.push(`v6 ${h}/${p}${port >= 0 ? `:${port}` : ''}`),
    domain: (n) => entries.push(n),
    error: (l, m) => errors.push([l, m]),
    skip: (r) => skips.push(r),
  };
  txtParser.parse(text, sink, { now: Date.now() });
  return { entries, errors, skips };
}

test('ipsum: levels_5 has 1,413 IPs, levels_3 14,217, no errors', () => {
  const five = validateList(read('ipsum/levels_5.txt'), 'TXT');
  assert.equal(five.ipv4, 1413);
  assert.equal(five.entries, 1413);
  assert.equal(five.status, 'valid');
  const three = validateList(read('ipsum/levels_3.txt'), 'TXT');
  assert.equal(three.ipv4, 14217);
  assert.equal(three.errorCount, 0);
});

test('Tor exit list (CRLF): 2,320 lines, 1,256 unique IPs', () => {
  const { entries, errors } = collect(read('tor-exit-M0kh/Tor-IP-Addresses.txt'));
  assert.equal(errors.length, 0);
  assert.equal(entries.length, 2320);
  assert.equal(new Set(entries).size, 1256);
  assert.ok(entries.every((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e)), 'no CR left on any address');
});

test('Panther crypto-mining domains: 251 domains', () => {
  const r = validateList(read('panther-crypto-mining-domains/crypto_mining_domains.txt'), 'TXT');
  assert.deepEqual([r.domains, r.entries, r.errorCount], [251, 251, 0]);
});

test('maltrail trails: counts per file; the only errors are bad lines in the source', () => {
  const expect: Record<string, [ipv4: number, cidrs: number, ipv6: number, domains: number, ipPort: number, pathSkips: number]> = {
    'crypto_mining.txt': [19, 0, 0, 445, 721, 0],
    'dns_tunneling_service.txt': [0, 0, 0, 7, 0, 0],
    'elf_coinminer.txt': [86, 0, 0, 135, 671, 200],
    'elf_h2miner.txt': [84, 0, 0, 31, 35, 8],
    'elf_teamtnt.txt': [32, 0, 0, 74, 31, 85],
    'm8220_miner.txt': [2, 0, 0, 6, 9, 0],
    'mass_scanner.txt': [17234, 0, 1981, 0, 0, 2],
    'mass_scanner_cidr.txt': [13, 1093, 0, 0, 0, 0],
    'onion.txt': [0, 0, 0, 54, 1, 0],
    'sysrvhello_miner.txt': [5, 0, 0, 0, 1, 0],
    'watchdog_miner.txt': [17, 0, 0, 8, 3, 10],
  };
  for (const [file, counts] of Object.entries(expect)) {
    const r = validateList(read(`maltrail/${file}`), 'TXT');
    assert.deepEqual([r.ipv4, r.ipv4Cidrs, r.ipv6, r.domains, r.ipPort, r.skipped['url path without host'] ?? 0], counts, file);
    const errors = r.errors.map((e) => `${e.line} ${e.message}`);
    if (file === 'mass_scanner.txt') {
      // three addresses with a stray leading "C" in the source (`C91.196.152.28 # probe.onyphe.net`)
      assert.deepEqual(errors, [
        '17474 not an IP address, CIDR or domain: C91.196.152.28',
        '17484 not an IP address, CIDR or domain: C91.196.152.38',
        '18235 not an IP address, CIDR or domain: C91.230.168.27',
      ]);
    } else if (file === 'onion.txt') {
      // `.onion` is a whole top-level domain, which a list entry cannot stand for
      assert.deepEqual(errors, ['60 a bare top-level domain is not an indicator: .onion']);
    } else assert.deepEqual(errors, [], file);
  }
});

test('maltrail: URLs become their host, paths without a host are skipped', () => {
  const { entries, skips } = collect(read('maltrail/elf_h2miner.txt'));
  assert.ok(entries.includes('45.10.88.102'), 'http://45.10.88.102 → the IP');
  const coin = collect(read('maltrail/elf_coinminer.txt'));
  assert.ok(coin.entries.includes('minpop.com'), 'minpop.com/sk12pack/idents.php → the domain');
  assert.ok(skips.length > 0 && skips.every((s) => s === 'url path without host'));
});

test('layout: comments, blank lines, whitespace, CRLF, CIDR, ip:port, IPv6, domains, URLs', () => {
  const text = [
    '\uFEFF# header comment',
    '// another comment',
    '',
    '   198.51.100.7   ',
    '198.51.100.8 # trailing comment',
    '198.51.100.9\t// trailing comment',
    '198.51.100.10#glued comment',
    '198.51.100.77/24',
    '198.51.100.11:3333 # pool',
    '2001:DB8::1',
    '2001:db8:abcd::/48',
    '[2001:db8::2]:443',
    'Evil.Example.',
    '*.wild.example',
    'plain.example # comment',
    'http://user@host.example:8080/path?q=1#frag',
    'https://[2001:db8::3]/x',
    'http://203.0.113.5:81/a',
    'sub.example/path/x.php',
    '/just/a/path',
    '\r',
  ].join('\r\n');
  const { entries, errors, skips } = collect(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(skips, ['url path without host']);
  assert.deepEqual(entries, [
    '198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10', '198.51.100.0/24', '198.51.100.11:3333',
    'v6 20010db8000000000000000000000001/128', 'v6 20010db8abcd00000000000000000000/48', 'v6 20010db8000000000000000000000002/128:443',
    'evil.example', 'wild.example', 'plain.example', 'host.example',
    'v6 20010db8000000000000000000000003/128', '203.0.113.5', 'sub.example',
  ]);
});

test('bad lines are errors with their line numbers, and parsing goes on', () => {
  const text = ['198.51.100.1', '256.1.1.1', '198.51.100.0/33', '198.51.100.2:70000', 'not a domain', '-bad-.example', '198.51.100.3', 'http:///nohost', 'two values.example', '198.51.100.4'].join('\n');
  const { entries, errors } = collect(text);
  assert.deepEqual(entries, ['198.51.100.1', '198.51.100.3', '198.51.100.4']);
  assert.deepEqual(errors.map(([l]) => l), [2, 3, 4, 5, 6, 9]);
  assert.match(errors[1][1], /prefix \/33/);
  assert.match(errors[2][1], /port 70000/);
  assert.match(errors[3][1], /^more than one value on the line/);
  assert.match(errors[4][1], /^not an IP address, CIDR or domain: -bad-/);
  const r = validateList(text, 'TXT');
  assert.equal(r.status, 'partial');
  assert.equal(r.errorCount, 6);
  assert.deepEqual(r.skipped, { 'url path without host': 1 });
});

test('fast paths agree with the general parser on tricky lines', () => {
  // lines that look like the fast-path forms but must fall through to parseIndicator
  const { entries, errors } = collect(['1.2.3.4/8', '01.2.3.4', '1.2.3.4:0', '1.2.3', 'a_b.example', 'ab-.example', 'a.b_c', 'x--y.example', '_dmarc.example', '9.example'].join('\n'));
  assert.deepEqual(entries, ['1.0.0.0/8', '1.2.3.4', '1.2.3.4:0', 'a_b.example', 'x--y.example', '_dmarc.example', '9.example']);
  assert.deepEqual(errors.map(([l]) => l), [4, 6, 7]);
});

test('an empty or comment-only list loads nothing', () => {
  assert.deepEqual(collect('').entries, []);
  assert.deepEqual(collect('# only\n\n   \n').entries, []);
  assert.equal(validateList('# only\n', 'TXT').status, 'invalid');
});
