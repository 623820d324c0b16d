import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { intToIpv4 } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { validateList } from '../validate.js';
import { stixParser } from './stix.js';
import { stixComparisons } from './stix2.js';

const TI = '/work/shared/data/ti';
const read = (p: string) => readFileSync(`${TI}/${p}`, 'utf8');
const NOW = Date.parse('2024-06-01T00:00:00Z');

/** Parses STIX into `value [threat]` entries. */
function collect(text: string, now = NOW) {
  const entries: string[] = [], errors: [number, string][] = [], skips: string[] = [];
  const t = (threat: string | undefined) => (threat ? ` [${threat}]` : '');
  const sink: IndicatorSink = {
    ipv4: (a, p, port, threat) => entries.push(intToIpv4(a) + (p < 32 ? `/${p}` : '') + (port >= 0 ? `:${port}` : '') + t(threat)),
    ipv6: (h, p, _port, threat) => entries.push(`v6 ${h}/${p}${t(threat)}`),
    domain: (n, threat) => entries.push(n + t(threat)),
    error: (l, m) => errors.push([l, m]),
    skip: (r) => skips.push(r),
  };
  stixParser.parse(text, sink, { now });
  return { entries, errors, skips, values: [...new Set(entries.map((e) => e.replace(/ \[.*\]$/, '')))].sort() };
}

const bundle = (...objects: object[]) => JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }, null, 2);
const indicator = (pattern: string, extra: object = {}) => ({ type: 'indicator', spec_version: '2.1', id: `indicator--${Math.random().toString(16).slice(2)}`, pattern, pattern_type: 'stix', valid_from: '2020-01-01T00:00:00Z', ...extra });

test('OASIS indicator-for-c2-ip-address.json: its IP, named by the indicator', () => {
  const r = collect(read('stix2-oasis-examples/indicator-for-c2-ip-address.json'));
  assert.deepEqual(r.entries, ['10.0.0.0 [IP Address for known C2 channel]']);
  assert.deepEqual(r.errors, []);
});

test('OASIS apt1.json: four /15 CIDRs and three domains; hashes and certificates skipped', () => {
  const r = collect(read('stix2-oasis-examples/apt1.json'));
  assert.deepEqual(r.values, ['112.64.0.0/15', '139.226.0.0/15', '223.166.0.0/15', '58.246.0.0/15', 'arrowservice.net', 'hugesoft.org', 'msnhome.org']);
  assert.ok(r.entries.includes('hugesoft.org [FQDN hugesoft.org]'));
  assert.ok(r.entries.includes('223.166.0.0/15 [HTRAN Hop Point Accessor]'));
  assert.deepEqual(r.skips, Array(5).fill('no IP or domain in pattern'));
  assert.deepEqual(r.errors, []);
});

test('OASIS poisonivy.json: OR patterns give every IP and domain; one malformed value reported at its line', () => {
  const r = collect(read('stix2-oasis-examples/poisonivy.json'));
  const domains = r.values.filter((v) => /[a-z]/.test(v));
  const ips = r.values.filter((v) => !/[a-z]/.test(v));
  assert.equal(domains.length, 24);
  assert.equal(ips.length, 18);
  for (const d of ['www.webserver.dynssl.com', 'microsofta.byinter.net', 'microsoftc.byinter.net', '3q.wubangtu.info', 'send.have8000.com']) assert.ok(domains.includes(d), d);
  for (const ip of ['219.76.208.163', '113.10.246.30', '98.126.148.114', '60.1.1.114']) assert.ok(ips.includes(ip), ip);
  // the same IP under several indicators keeps each indicator's name
  assert.ok(r.entries.includes('113.10.246.30 [www.webserver.dynssl.com]') && r.entries.includes('113.10.246.30 [www.webserver.fartit.com]'));
  // `[domain-name:value = 'domain autuo.xicp.net' OR …]`: the source's value has a stray word
  assert.deepEqual(r.errors, [[601, "domain-name:value: not an IP address, CIDR or domain: domain autuo.xicp.net"]]);
  assert.ok(r.entries.includes('60.10.1.115 [autuo.xicp.net]'), 'the rest of that pattern is still used');
  assert.deepEqual(r.skips, ['no IP or domain in pattern', 'no IP or domain in pattern']);
  assert.equal(validateList(read('stix2-oasis-examples/poisonivy.json'), 'STIX', NOW).status, 'partial');
});

test('OASIS infrastructure.json (no bundle type): a bare ipv4-addr and domain-name observable', () => {
  const r = collect(read('stix2-oasis-examples/infrastructure.json'));
  assert.deepEqual(r.values, ['198.51.100.3', 'example.com']);
  assert.deepEqual(r.errors, []);
});

test('OASIS indicator-for-malicious-URL.json is an empty file: one error, nothing loaded', () => {
  const v = validateList(read('stix2-oasis-examples/indicator-for-malicious-URL.json'), 'STIX', NOW);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(v.errors, [{ line: 1, message: 'empty document' }]);
});

test('MISP exports: STIX 1.1, 1.2, 2.0 and 2.1 of the same events give the same IPs and domains', () => {
  const expected: Record<string, string[]> = {
    test_event1: ['circl.lu'],
    test_event2: ['149.13.33.14', 'circl.lu'],
    test_attributes_collection: ['149.13.33.14', 'circl.lu'],
    test_events_collection: ['149.13.33.14', 'circl.lu'],
  };
  for (const [name, values] of Object.entries(expected)) {
    for (const v of ['stix11.xml', 'stix12.xml', 'stix20.json', 'stix21.json']) {
      const r = collect(read(`misp-stix-tests/${name}_${v}`));
      assert.deepEqual(r.values, values, `${name}_${v}`);
      assert.deepEqual(r.errors, [], `${name}_${v}`);
    }
  }
  // STIX 1.x carries indicator titles; MISP's 2.x indicators have no name and only machine-tag labels
  assert.ok(collect(read('misp-stix-tests/test_event1_stix12.xml')).entries.includes('circl.lu [Network activity: circl.lu (MISP Attribute)]'));
  assert.deepEqual(collect(read('misp-stix-tests/test_event1_stix21.json')).entries, ['circl.lu']);
  // objects_collection exists only in 2.x: a domain-ip object, plus e-mail and file objects that are skipped
  for (const v of ['stix20.json', 'stix21.json']) {
    const r = collect(read(`misp-stix-tests/test_objects_collection_${v}`));
    assert.deepEqual(r.values, ['149.13.33.14', 'circl.lu']);
    assert.ok(r.skips.includes('unsupported observable: email-addr'));
  }
});

test('STIX 2: valid_until in the past → expired, valid_from in the future → not-yet-valid, revoked → skipped', () => {
  const doc = bundle(
    indicator("[ipv4-addr:value = '198.51.100.1']", { name: 'live' }),
    indicator("[ipv4-addr:value = '198.51.100.2']", { name: 'old', valid_until: '2024-05-31T23:59:59Z' }),
    indicator("[ipv4-addr:value = '198.51.100.3']", { name: 'soon', valid_from: '2024-06-02T00:00:00Z' }),
    indicator("[ipv4-addr:value = '198.51.100.4']", { name: 'gone', revoked: true }),
    indicator("[ipv4-addr:value = '198.51.100.5']", { name: 'until later', valid_until: '2024-06-01T00:00:01Z' }),
    // an observable copy of the expired indicator's value does not bring it back
    { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '198.51.100.2' },
  );
  const r = collect(doc);
  assert.deepEqual(r.entries, ['198.51.100.1 [live]', '198.51.100.5 [until later]']);
  assert.deepEqual(r.skips.sort(), ['expired', 'not-yet-valid', 'revoked']);
  // the same list a day earlier: the expired one is live, the future one still not
  assert.deepEqual(collect(doc, Date.parse('2024-05-01T00:00:00Z')).values, ['198.51.100.1', '198.51.100.2', '198.51.100.5']);
  const v = validateList(doc, 'STIX', NOW);
  assert.deepEqual(v.skipped, { expired: 1, 'not-yet-valid': 1, revoked: 1 });
  assert.equal(v.status, 'valid');
});

test('STIX 2 patterns: every equality on IP/domain/URL paths, CIDRs, ISSUBSET, escapes; others ignored', () => {
  const r = collect(bundle(
    indicator("([ipv4-addr:value = '198.51.100.1' OR ipv6-addr:value = '2001:db8::1'] AND [domain-name:value = 'Evil.Example']) FOLLOWEDBY [url:value = 'https://cdn.evil.example:8443/a?b=1'] WITHIN 600 SECONDS", { name: 'combo' }),
    indicator("[network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 443] OR [network-traffic:dst_ref.value = 'c2.evil.example']", { indicator_types: ['malicious-activity'] }),
    indicator("[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [ipv4-addr:value = '10.0.0.0/8']", { labels: ['misp:type="ip-dst"', 'botnet'] }),
    indicator("[ipv4-addr:value != '192.0.2.1' AND domain-name:value LIKE '%.evil.example'] OR [file:name = 'ipv4-addr:value = \\'192.0.2.2\\'']"),
    indicator("[url:value = 'http://192.0.2.50/drop.php']"),
  ));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.entries.sort(), [
    '10.0.0.0/8 [botnet]', '192.0.2.50', '198.51.100.0/24 [botnet]', '198.51.100.1 [combo]', '203.0.113.9 [malicious-activity]',
    'c2.evil.example [malicious-activity]', 'cdn.evil.example [combo]', 'evil.example [combo]', 'v6 20010db8000000000000000000000001/128 [combo]',
  ]);
  assert.deepEqual(r.skips, ['no IP or domain in pattern']);
});

test('stixComparisons reads string literals with escapes', () => {
  assert.deepEqual(stixComparisons("[file:name = 'it\\'s' OR domain-name:value='a.example']"), [
    { path: 'file:name', op: '=', value: "it's" },
    { path: 'domain-name:value', op: '=', value: 'a.example' },
  ]);
  assert.deepEqual(stixComparisons("[domain-name:resolves_to_refs[0].value = '192.0.2.1']"), [{ path: 'domain-name:resolves_to_refs[*].value', op: '=', value: '192.0.2.1' }]);
});

test('STIX 2: other pattern languages skipped; bad timestamps and values are errors at the object line', () => {
  const doc = bundle(
    indicator('alert tcp any any -> any any (msg:"x";)', { pattern_type: 'snort' }),
    indicator("[ipv4-addr:value = '198.51.100.1']", { valid_until: 'soon' }),
    indicator("[ipv4-addr:value = 'evil.example']"),
    indicator("[ipv4-addr:value = '198.51.100.9']"),
  );
  const r = collect(doc);
  assert.deepEqual(r.entries, ['198.51.100.9']);
  assert.deepEqual(r.skips, ['pattern type: snort']);
  const lines = doc.split('\n');
  const idLine = (k: number) => lines.findIndex((l, i) => l.includes('"id": "indicator--') && lines.slice(0, i + 1).filter((x) => x.includes('"id": "indicator--')).length === k) + 1;
  assert.deepEqual(r.errors, [
    [idLine(2), 'valid_until is not a timestamp: soon'],
    [idLine(3), 'ipv4-addr:value: not an IP address or CIDR: evil.example'],
  ]);
});

test('malformed documents: one error at line 1, nothing loaded', () => {
  for (const text of ['{"type": "bundle", "objects": [', '<stix:STIX_Package xmlns:stix="x"><stix:Indicators></stix:STIX_Package>', 'just text', '{"hello": 1}', '<root/>']) {
    const v = validateList(text, 'STIX', NOW);
    assert.equal(v.status, 'invalid', text);
    assert.equal(v.errorCount, 1, text);
    assert.equal(v.errors[0].line, 1, text);
    assert.equal(v.entries, 0, text);
  }
});

const stix1 = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2"
  xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"
  xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1" xmlns:URIObj="http://cybox.mitre.org/objects#URIObject-2"
  xmlns:HostnameObj="http://cybox.mitre.org/objects#HostnameObject-1" xmlns:FileObj="http://cybox.mitre.org/objects#FileObject-2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.2">
${body}
</stix:STIX_Package>`;

test('STIX 1.x: indicators with inline and idref observables, URI hosts, lists, conditions, validity windows', () => {
  const doc = stix1(`  <stix:Observables cybox_major_version="2" cybox_minor_version="1">
    <cybox:Observable id="ex:Observable-1">
      <cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
        <AddressObj:Address_Value condition="Equals" apply_condition="ANY">198.51.100.1##comma##198.51.100.2</AddressObj:Address_Value>
      </cybox:Properties></cybox:Object>
    </cybox:Observable>
    <cybox:Observable id="ex:Observable-2">
      <cybox:Object><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType" type="FQDN">
        <DomainNameObj:Value>bare.example</DomainNameObj:Value>
      </cybox:Properties></cybox:Object>
    </cybox:Observable>
  </stix:Observables>
  <stix:Indicators>
    <stix:Indicator id="ex:Indicator-1" xsi:type="indicator:IndicatorType">
      <indicator:Title>Loader C2</indicator:Title>
      <indicator:Observable idref="ex:Observable-1"/>
    </stix:Indicator>
    <stix:Indicator id="ex:Indicator-2" xsi:type="indicator:IndicatorType">
      <indicator:Title>Phishing kit</indicator:Title>
      <indicator:Observable id="ex:Observable-3">
        <cybox:Observable_Composition operator="OR">
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="URIObj:URIObjectType" type="URL">
            <URIObj:Value condition="Equals">http://login.phish.example/a?b=1&amp;c=2</URIObj:Value>
          </cybox:Properties></cybox:Object></cybox:Observable>
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="HostnameObj:HostnameObjectType">
            <HostnameObj:Hostname_Value>mx.phish.example</HostnameObj:Hostname_Value>
          </cybox:Properties></cybox:Object></cybox:Observable>
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv6-addr">
            <AddressObj:Address_Value>2001:db8::5</AddressObj:Address_Value>
          </cybox:Properties></cybox:Object></cybox:Observable>
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
            <DomainNameObj:Value condition="Contains">phish</DomainNameObj:Value>
          </cybox:Properties></cybox:Object></cybox:Observable>
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="e-mail">
            <AddressObj:Address_Value>a@phish.example</AddressObj:Address_Value>
          </cybox:Properties></cybox:Object></cybox:Observable>
          <cybox:Observable><cybox:Object><cybox:Properties xsi:type="FileObj:FileObjectType">
            <FileObj:File_Name>kit.zip</FileObj:File_Name>
          </cybox:Properties></cybox:Object></cybox:Observable>
        </cybox:Observable_Composition>
      </indicator:Observable>
    </stix:Indicator>
    <stix:Indicator id="ex:Indicator-3" xsi:type="indicator:IndicatorType">
      <indicator:Title>Old campaign</indicator:Title>
      <indicator:Valid_Time_Position>
        <indicator:Start_Time>2019-01-01T00:00:00Z</indicator:Start_Time>
        <indicator:End_Time>2020-01-01T00:00:00Z</indicator:End_Time>
      </indicator:Valid_Time_Position>
      <indicator:Observable>
        <cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-net">
          <AddressObj:Address_Value>203.0.113.0/24</AddressObj:Address_Value>
        </cybox:Properties></cybox:Object>
      </indicator:Observable>
    </stix:Indicator>
    <stix:Indicator id="ex:Indicator-4" xsi:type="indicator:IndicatorType">
      <indicator:Title>Typo</indicator:Title>
      <indicator:Observable>
        <cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
          <AddressObj:Address_Value>198.51.100.999</AddressObj:Address_Value>
        </cybox:Properties></cybox:Object>
      </indicator:Observable>
    </stix:Indicator>
  </stix:Indicators>`);
  const r = collect(doc);
  assert.deepEqual(r.entries.sort(), [
    '198.51.100.1 [Loader C2]', '198.51.100.2 [Loader C2]', 'bare.example',
    'login.phish.example [Phishing kit]', 'mx.phish.example [Phishing kit]', 'v6 20010db8000000000000000000000005/128 [Phishing kit]',
  ]);
  assert.deepEqual(r.skips.sort(), ['expired', 'unsupported address category: e-mail', 'unsupported condition: Contains', 'unsupported object: FileObjectType']);
  // findIndex is 0-based: the 1-based line of the Properties element, one line above the value
  const badLine = doc.split('\n').findIndex((l) => l.includes('198.51.100.999'));
  assert.deepEqual(r.errors, [[badLine, 'Address_Value: not an IPv4 address: 198.51.100.999']]);
});
