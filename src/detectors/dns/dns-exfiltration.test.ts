import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { detect, dnsLine } from '../../testing/harness.js';
import { dnsDataExfiltration } from './dns-exfiltration.js';

/** A finding's JSON bags, read loosely in assertions. */
interface Loose { [k: string]: Loose }

function run(lines: string[]) {
  return detect([{ kind: 'dns', text: lines.join('\n') + '\n' }], { detectors: [dnsDataExfiltration] }).candidates;
}

const at = (s: number) => new Date(Date.parse('2026-03-02T10:15:00Z') + s * 1000).toISOString().replace('.000', '');
const q = (name: string, s: number, over: Record<string, unknown> = {}) => dnsLine({ query_name: `${name}.`, query_timestamp: at(s), query_type: 'A', rcode: 'NOERROR', answers: [], ...over });

/** Base32 chunks of a made-up file, as a tunnelling client sends them: <seq>.<chunk>.<chunk>.t.exfil-example.net */
function chunks(n: number): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let x = 12345;
  const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff; return alphabet[(x >>> 16) % 32]; };
  return Array.from({ length: n }, (_, i) => `${i}.${Array.from({ length: 52 }, rnd).join('')}.${Array.from({ length: 20 }, rnd).join('')}.t.exfil-example.net`);
}

test('encoded subdomains under one domain raise Trojan:EC2/DNSDataExfiltration (High) once per window', () => {
  const out = run(chunks(30).map((n, i) => q(n, i)));
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Trojan:EC2/DNSDataExfiltration');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
  assert.equal(c.key, 'i-0a1b2c3d4e5f60718|exfil-example.net');
  assert.equal(c.action.actionType, 'DNS_REQUEST');
  const info = c.additionalInfo as unknown as Loose;
  assert.equal(info.registeredDomain, 'exfil-example.net');
  assert.equal(info.encodedQueries, 10);
  assert.equal(info.distinctSubdomains, 10);
  assert.ok(Number(info.encodedCharacters) >= 500);
  assert.equal(info.sampleQueries.length, 5);
});

test('TXT queries need fewer chunks', () => {
  const out = run(chunks(6).map((n, i) => q(n, i * 2, { query_type: 'TXT' })));
  assert.equal(out.length, 1);
  assert.equal((out[0].additionalInfo as unknown as Loose).txtOrNullQueries, 5);
});

test('silent for chunks spread over more than the window, and for few chunks', () => {
  assert.deepEqual(run(chunks(30).map((n, i) => q(n, i * 120))), []);
  assert.deepEqual(run(chunks(8).map((n, i) => q(n, i))), []);
});

test('silent for high-cardinality benign names: CDNs, AWS endpoints, DNSBL and hash lookups, internal names', () => {
  const hex = (i: number) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
  const names: string[] = [];
  for (let i = 0; i < 40; i++) {
    names.push(
      `d${hex(i)}${hex(i + 7)}.cloudfront.net`,
      `${hex(i)}${hex(i + 1)}${hex(i + 2)}.execute-api.us-east-1.amazonaws.com`,
      `a${hex(i)}${hex(i + 3)}-ats.iot.us-east-1.amazonaws.com`,
      `vpce-0${hex(i)}${hex(i + 5)}-${hex(i + 9)}.s3.us-east-1.vpce.amazonaws.com`,
      `e${i}.dscb.akamaiedge.net`,
      `${hex(i)}${hex(i + 1)}${hex(i + 2)}${hex(i + 3)}.hash.cymru.com`,
      `${i}.113.0.203.zen.spamhaus.org`,
      `${hex(i)}${hex(i + 1)}${hex(i + 2)}.sophosxl.net`,
      `${hex(i)}${hex(i + 11)}.default.svc.cluster.local`,
      `storage${hex(i)}.blob.core.windows.net`,
      `${hex(i)}-${hex(i + 4)}.lambda-url.us-east-1.on.aws`,
    );
  }
  assert.deepEqual(run(names.map((n, i) => q(n, i % 300))), []);
});

test('silent for long, readable subdomains (words and counters, low entropy per character)', () => {
  const names = Array.from({ length: 30 }, (_, i) => `customer-portal-frontend-service-${i}.production.eu-west.mycompany-internal.com`);
  assert.deepEqual(run(names.map((n, i) => q(n, i))), []);
});

const DATA = new URL('../../../../shared/data/dns/dnsexfiltrator-tomaspena53/', import.meta.url);

test('every DNSExfiltrator capture in the public test set is detected, as A and as TXT queries', { skip: !existsSync(DATA) }, () => {
  const files = readdirSync(DATA).filter((f) => f.startsWith('U-FLNAME-'));
  assert.equal(files.length, 24);
  for (const type of ['A', 'TXT']) {
    for (const f of files) {
      const names = readFileSync(new URL(f, DATA), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).map((l) => l.split(',')[1].replace(/"/g, ''));
      const out = run(names.map((n, i) => q(n, Math.floor(i / 4), { query_type: type })));
      assert.equal(out.length, 1, `${f} as ${type}`);
      assert.equal((out[0].additionalInfo as unknown as Loose).registeredDomain, 'captechutest.org');
    }
  }
});
