import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cidrRange, decodeTable, encodeTable, steps } from './table.js';
import { encodeAwsRanges, fromCidrList, fromIpRanges } from './aws-ranges.js';
import { MmdbReader } from './mmdb.js';
import { countryName, geo, loadGeo } from './index.js';
import { ipv4ToInt, ipv6ToHex } from '../core/index.js';

test('range tables: narrower ranges win over wider ones, gaps have no value, encode/decode round-trips', () => {
  const r = (c: string, v: number) => { const x = cidrRange(c)!; return [x.first, x.last, v] as [number, number, number]; };
  const t = decodeTable<string>(encodeTable({ kind: 't', source: 's', version: '1', licence: 'CC0-1.0', values: ['wide', 'narrow', 'v6'] },
    [r('10.0.0.0/8', 0), r('10.1.0.0/16', 1)], [r('2600:1f00::/24', 2)]));
  assert.equal(t.lookup('10.2.3.4'), 'wide');
  assert.equal(t.lookup('10.1.200.1'), 'narrow');
  assert.equal(t.lookup('11.0.0.1'), undefined);
  assert.equal(t.lookup('9.255.255.255'), undefined);
  assert.equal(t.lookup('2600:1f18:abcd::1'), 'v6');
  assert.equal(t.lookup('2a00::1'), undefined);
  assert.deepEqual(steps([[0, 9, 0], [10, 19, 0], [30, 39, 1]]), { starts: [0, 20, 30, 40], vals: [0, -1, 1, -1] });
});

test('AWS ranges from ip-ranges.json keep region and the most specific service; a plain CIDR list is AMAZON', () => {
  const doc = {
    syncToken: '1767225600', createDate: '2026-01-01-00-00-00',
    prefixes: [
      { ip_prefix: '3.5.0.0/16', region: 'us-east-1', service: 'AMAZON' },
      { ip_prefix: '3.5.0.0/16', region: 'us-east-1', service: 'S3' },
      { ip_prefix: '18.224.0.0/12', region: 'us-east-2', service: 'AMAZON' },
      { ip_prefix: '18.236.0.0/15', region: 'us-west-2', service: 'EC2' },
    ],
    ipv6_prefixes: [{ ipv6_prefix: '2600:1f18::/33', region: 'us-east-1', service: 'EC2' }],
  };
  const t = decodeTable<[string, string]>(encodeAwsRanges(fromIpRanges(doc), 'AWS', '1', 'AWS'));
  assert.deepEqual(t.lookup('3.5.1.1'), ['us-east-1', 'S3']);
  assert.deepEqual(t.lookup('18.236.253.47'), ['us-west-2', 'EC2']);
  assert.deepEqual(t.lookup('18.230.0.1'), ['us-east-2', 'AMAZON']);
  assert.deepEqual(t.lookup('2600:1f18:1::1'), ['us-east-1', 'EC2']);
  assert.equal(t.lookup('8.8.8.8'), undefined);
  const plain = decodeTable<[string, string]>(encodeAwsRanges(fromCidrList(['52.94.0.0/22']), 'MISP', '1', 'CC0-1.0'));
  assert.deepEqual(plain.lookup('52.94.1.1'), ['', 'AMAZON']);
});

test('the shipped data: ASN, organisation and country of public addresses, AWS ranges, nothing for private ones', () => {
  const g = geo();
  assert.deepEqual(g.lookup('8.8.8.8'), { asn: 15169, asnOrg: 'Google LLC', country: 'US', aws: false, awsRegion: '', awsService: '' });
  const amazon = g.lookup('54.239.28.85');
  assert.equal(amazon.aws, true);
  assert.equal(amazon.asn, 16509);
  assert.equal(g.lookup('86.245.153.234').country, 'FR');
  assert.equal(g.lookup('2a03:2880:f10c:83:face:b00c:0:25de').asnOrg, 'Facebook, Inc.');
  assert.equal(g.lookup('2600:1f18::1').aws, true);
  assert.equal(g.lookup('10.0.0.1').asn, 0);
  assert.equal(g.lookup('not an address').country, '');
  assert.match(g.sources.asn, /CC-BY-4\.0/);
  assert.match(g.sources.country, /CC0-1\.0/);
  assert.equal(countryName('FR'), 'France');
  assert.equal(countryName(''), '');
});

/** A minimal MaxMind DB writer (IPv6 tree, 24-bit records), enough to test the reader. */
function writeMmdb(entries: { bits: number[]; data: Record<string, unknown> }[], type: string): Buffer {
  const enc = (v: unknown): Buffer => {
    const ctrl = (t: number, size: number) => {
      const [s, ext] = size < 29 ? [size, []] : [29, [size - 29]]; // sizes up to 284 here
      return Buffer.from(t <= 7 ? [(t << 5) | s, ...ext] : [s, t - 7, ...ext]);
    };
    if (typeof v === 'string') return Buffer.concat([ctrl(2, Buffer.byteLength(v)), Buffer.from(v)]);
    if (typeof v === 'number') { const b = Buffer.alloc(4); b.writeUInt32BE(v); return Buffer.concat([ctrl(6, 4), b]); }
    const o = v as Record<string, unknown>;
    return Buffer.concat([ctrl(7, Object.keys(o).length), ...Object.entries(o).flatMap(([k, x]) => [enc(k), enc(x)])]);
  };
  const data: Buffer[] = [];
  let dataLen = 0;
  const nodes: (number | { d: number } | null)[][] = [[null, null]];
  for (const e of entries) {
    const blob = enc(e.data);
    const off = dataLen; data.push(blob); dataLen += blob.length;
    let n = 0;
    e.bits.forEach((bit, i) => {
      if (i === e.bits.length - 1) { nodes[n][bit] = { d: off }; return; }
      let next = nodes[n][bit];
      if (typeof next !== 'number') { next = nodes.push([null, null]) - 1; nodes[n][bit] = next; }
      n = next;
    });
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((rec, i) => rec.forEach((r, bit) => {
    const v = r === null ? count : typeof r === 'number' ? r : count + 16 + r.d;
    tree.writeUIntBE(v, i * 6 + bit * 3, 3);
  }));
  const meta = enc({ node_count: count, record_size: 24, ip_version: 6, database_type: type, binary_format_major_version: 2 });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), meta]);
}

const v4bits = (cidr: string) => { const [a, l] = cidr.split('/'); const n = ipv4ToInt(a); return [...Array(96).fill(0), ...Array.from({ length: Number(l) }, (_, i) => (n >>> (31 - i)) & 1)]; };
const v6bits = (cidr: string) => { const [a, l] = cidr.split('/'); const hex = ipv6ToHex(a)!; return Array.from({ length: Number(l) }, (_, i) => (parseInt(hex[i >> 2], 16) >> (3 - (i & 3))) & 1); };

test('a MaxMind DB given by the user replaces the shipped ASN and country tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mmdb-'));
  const asnDb = join(dir, 'asn.mmdb'), countryDb = join(dir, 'country.mmdb');
  writeFileSync(asnDb, writeMmdb([
    { bits: v4bits('198.51.100.0/24'), data: { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' } },
    { bits: v6bits('2001:db8::/32'), data: { autonomous_system_number: 64501, autonomous_system_organization: 'Example v6' } },
  ], 'GeoLite2-ASN'));
  writeFileSync(countryDb, writeMmdb([{ bits: v4bits('198.51.100.0/25'), data: { country: { iso_code: 'NZ' } } }], 'GeoLite2-Country'));
  const r = new MmdbReader(Buffer.from(writeMmdb([{ bits: v4bits('192.0.2.0/24'), data: { country_code: 'JP' } }], 'ip-location-db')));
  assert.equal(r.country('192.0.2.7'), 'JP');
  assert.equal(r.country('192.0.3.7'), undefined);
  const g = loadGeo({ VIGIL_GEOIP_ASN_MMDB: asnDb, VIGIL_GEOIP_COUNTRY_MMDB: countryDb });
  assert.deepEqual([g.lookup('198.51.100.10').asn, g.lookup('198.51.100.10').asnOrg, g.lookup('198.51.100.10').country], [64500, 'Example Transit', 'NZ']);
  assert.equal(g.lookup('198.51.100.200').country, '');
  assert.equal(g.lookup('2001:db8:1::5').asnOrg, 'Example v6');
  assert.match(g.sources.asn, /GeoLite2-ASN/);
});

test('VIGIL_AWS_IP_RANGES points at an ip-ranges.json that replaces the shipped AWS ranges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-awsranges-'));
  const file = join(dir, 'ip-ranges.json');
  writeFileSync(file, JSON.stringify({ syncToken: '1', createDate: 'x', prefixes: [{ ip_prefix: '81.2.69.0/24', region: 'eu-west-2', service: 'EC2' }], ipv6_prefixes: [] }));
  const g = loadGeo({ VIGIL_AWS_IP_RANGES: file });
  assert.deepEqual([g.lookup('81.2.69.160').aws, g.lookup('81.2.69.160').awsRegion, g.lookup('81.2.69.160').awsService], [true, 'eu-west-2', 'EC2']);
  assert.equal(g.lookup('54.239.28.85').aws, false);
});
