import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, dnsLine, intelServices, type TestList } from '../../testing/harness.js';
import { dnsThreatIntel } from './dns-threat-intel.js';

const SHA = 'a'.repeat(64);
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const ME = '10.0.1.25';

function run(lines: string[], threat: TestList[], trusted: TestList[] = []) {
  return detect([{ kind: 'dns', text: lines.join('\n') + '\n' }], { detectors: [dnsThreatIntel], services: intelServices({ threat, trusted }) }).candidates;
}

/** A resolved A query for `name` from the instance. */
function query(name: string, answers: string[] = ['185.117.73.66'], over: Record<string, unknown> = {}): string {
  return dnsLine({ query_name: `${name}.`, answers: answers.map((a) => ({ Rdata: a, Type: 'A', Class: 'IN' })), ...over });
}

const CASES = [
  { purpose: 'command-and-control', type: 'Backdoor:EC2/C&CActivity.B!DNS', severity: 8, domain: 'evil.example', threat: 'Emotet' },
  { purpose: 'cryptomining', type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', severity: 8, domain: 'pool.xmr-mine.example', threat: 'Monero pool' },
  { purpose: 'blackhole', type: 'Trojan:EC2/BlackholeTraffic!DNS', severity: 5, domain: 'sinkholed.example', threat: undefined },
  { purpose: 'drop-point', type: 'Trojan:EC2/DropPoint!DNS', severity: 5, domain: 'upload.stash-drop.example', threat: 'RedLine exfiltration' },
  { purpose: 'drive-by', type: 'Trojan:EC2/DriveBySourceTraffic!DNS', severity: 8, domain: 'cdn.exploit-kit.example', threat: 'RIG EK' },
  { purpose: 'phishing', type: 'Trojan:EC2/PhishingDomainRequest!DNS', severity: 8, domain: 'login-micros0ft.example', threat: 'Credential phishing' },
  { purpose: 'custom', type: 'Impact:EC2/MaliciousDomainRequest.Custom', severity: 5, domain: 'bad.partner.example', threat: 'Incident 2026-014' },
  { purpose: 'malicious', type: 'Impact:EC2/MaliciousDomainRequest.Custom', severity: 5, domain: 'malware-host.example', threat: undefined },
];

for (const tc of CASES) {
  test(`a query for a domain on a ${tc.purpose} list: ${tc.type} (${tc.severity}), instance as ACTOR`, () => {
    const list = { name: `${tc.purpose} domains`, purpose: tc.purpose, entries: [tc.threat ? `${tc.domain},${tc.threat}` : tc.domain] };
    const found = run([query(tc.domain, ['45.61.136.12'])], [list]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, tc.type);
    assert.equal(c.severity, tc.severity);
    assert.equal(c.resourceRole, 'ACTOR');
    assert.deepEqual(c.resource, { resourceType: 'Instance', instanceDetails: { instanceId: INSTANCE, networkInterfaces: [{ vpcId: VPC, privateIpAddress: ME }] } });
    assert.deepEqual(c.action, { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: tc.domain, protocol: 'UDP', blocked: false, vpcOwnerAccountId: '111122223333' } });
    assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: list.name, threatNames: tc.threat ? [tc.threat] : [], threatFileSha256: SHA }]);
    assert.deepEqual(c.additionalInfo, { domain: tc.domain, listedDomain: tc.domain, threatListName: list.name });
    assert.equal(c.key, `${INSTANCE}|${tc.domain}`);
    assert.equal(c.time, Date.parse('2026-03-02T10:15:00Z'));
  });
}

test('a subdomain of a listed domain matches and names the listed parent', () => {
  const found = run([query('x7f3.beacon.evil.example')], [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example,Emotet'] }]);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'Backdoor:EC2/C&CActivity.B!DNS');
  assert.equal(c.action.dnsRequestAction?.domain, 'x7f3.beacon.evil.example');
  assert.deepEqual(c.additionalInfo, { domain: 'x7f3.beacon.evil.example', listedDomain: 'evil.example', threatListName: 'Abuse C2' });
  assert.equal(c.key, `${INSTANCE}|evil.example`);
  assert.match(c.description, /\(a subdomain of evil\.example\)/);
});

test('subdomains of one listed domain share one aggregation key', () => {
  const found = run([query('a.evil.example'), query('b.evil.example'), query('evil.example')], [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example'] }]);
  assert.deepEqual(found.map((c) => c.key), Array(3).fill(`${INSTANCE}|evil.example`));
});

test('suffix matching respects label boundaries: notevil.example and evil.example.net do not match evil.example', () => {
  const lists = [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example'] }];
  assert.deepEqual(run([query('notevil.example'), query('www.notevil.example'), query('evil.example.net'), query('example')], lists), []);
});

test('query names are matched case-insensitively, without the trailing dot', () => {
  const found = run([dnsLine({ query_name: 'WWW.Evil.EXAMPLE.' })], [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example'] }]);
  assert.deepEqual(found.map((c) => [c.action.dnsRequestAction?.domain, c.additionalInfo?.listedDomain]), [['www.evil.example', 'evil.example']]);
});

test('an answer on a blackhole list raises BlackholeTraffic!DNS for an unlisted name', () => {
  const found = run([query('update-check.example', ['195.22.26.248'])], [{ name: 'Sinkholes', purpose: 'blackhole', entries: ['195.22.26.248,Conficker sinkhole'] }]);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'Trojan:EC2/BlackholeTraffic!DNS');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.action.dnsRequestAction?.domain, 'update-check.example');
  assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: 'Sinkholes', threatNames: ['Conficker sinkhole'], threatFileSha256: SHA }]);
  assert.deepEqual(c.additionalInfo, { domain: 'update-check.example', listedDomain: 'update-check.example', threatListName: 'Sinkholes' });
});

test('a listed C&C domain answered by a sinkhole: C&C!DNS and BlackholeTraffic!DNS', () => {
  const found = run([query('evil.example', ['195.22.26.248'])], [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example,Emotet'] },
    { name: 'Sinkholes', purpose: 'blackhole', entries: ['195.22.26.0/24'] },
  ]);
  assert.deepEqual(found.map((c) => [c.type, c.threatIntelligenceDetails?.map((d) => d.threatListName)]), [
    ['Backdoor:EC2/C&CActivity.B!DNS', ['Abuse C2']],
    ['Trojan:EC2/BlackholeTraffic!DNS', ['Sinkholes']],
  ]);
});

test('silent when an answer is on a list of another purpose (the connection, not the lookup, is what counts)', () => {
  const lists = [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: ['185.117.73.66'] },
    { name: 'My blocklist', purpose: 'custom', entries: ['185.117.73.66'] },
  ];
  assert.deepEqual(run([query('cdn.example-shop.com', ['185.117.73.66'])], lists), []);
});

test('silent when a private answer falls in a private CIDR a blackhole list carries (lists apply to public addresses only)', () => {
  const lists = [{ name: 'Overbroad sinkholes', purpose: 'blackhole', entries: ['10.0.0.0/8', '172.16.0.0/12'] }];
  assert.deepEqual(run([query('db.internal.example', ['10.0.3.7']), query('cache.internal.example', ['172.31.20.14'])], lists), []);
});

test('a domain on two lists of one purpose: one finding naming both lists', () => {
  const found = run([query('evil.example')], [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example,Emotet'] },
    { name: 'Partner C2', purpose: 'command-and-control', entries: ['evil.example,Heodo'] },
  ]);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].threatIntelligenceDetails, [
    { threatListName: 'Abuse C2', threatNames: ['Emotet'], threatFileSha256: SHA },
    { threatListName: 'Partner C2', threatNames: ['Heodo'], threatFileSha256: SHA },
  ]);
});

test('silent for a domain on a trusted list, even when a threat list names it too', () => {
  const threat = [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example'] }];
  assert.deepEqual(run([query('evil.example'), query('api.evil.example')], threat, [{ name: 'Allow', purpose: 'trusted', entries: ['evil.example'] }]), []);
});

test('silent for lists of purposes with no DNS type (scanners, Tor)', () => {
  const lists = [
    { name: 'Internet scanners', purpose: 'scanner', entries: ['scan.example'] },
    { name: 'Tor nodes', purpose: 'tor-exit', entries: ['tor-node.example'] },
  ];
  assert.deepEqual(run([query('scan.example'), query('tor-node.example')], lists), []);
});
