import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudTrailFile, ctRecord, detect, dnsLine, flowFile, intelServices, tcpConnection, type TestList } from '../testing/harness.js';
import { defineDetector, defineEnricher, type EngineServices } from '../engine/index.js';
import type { LogKind, VigilEvent } from '../core/index.js';
import { ENRICHERS } from './registry.js';

interface Seen { kind: LogKind; subject: string; intel: string[]; trusted: boolean; indicator?: string; answer?: string[] }

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const C2 = '185.117.73.66';

/** What the intel enricher published, as list names ("list: threat"), copied out (events are reused). */
function published(e: VigilEvent, services: EngineServices): Seen {
  const names = (id: number) => services.intel.threat.hits(id).map((h) => (h.threat ? `${h.list.name}: ${h.threat}` : h.list.name));
  const base = { kind: e.kind, intel: names(e.enrich.intel), trusted: e.enrich.trusted };
  switch (e.kind) {
    case 'vpcflow': return { ...base, subject: `${e.srcAddr}:${e.srcPort}>${e.dstAddr}:${e.dstPort}` };
    case 'cloudtrail': return { ...base, subject: e.sourceIp };
    case 'dns': return { ...base, subject: e.queryName, indicator: e.enrich.intelIndicator, answer: names(e.enrich.answerIntel) };
  }
}

/**
 * Runs log text through the real parser and enrichers. `offered`: what a detector saw (trusted
 * events never reach one); `all`: what an enricher placed after the registered ones saw.
 */
function enrich(inputs: { kind: LogKind; text: string }[], lists: { threat?: TestList[]; trusted?: TestList[] }) {
  const services = intelServices(lists);
  const offered: Seen[] = [];
  const all: Seen[] = [];
  const capture = defineDetector({
    id: 'capture', description: 'test', kinds: ['vpcflow', 'cloudtrail', 'dns'], findingTypes: [],
    onEvent(e) { offered.push(published(e, services)); },
  });
  const tap = defineEnricher({ id: 'tap', kinds: ['vpcflow', 'cloudtrail', 'dns'], enrich(e) { all.push(published(e, services)); } });
  const { engine } = detect(inputs, { detectors: [capture], enrichers: [...ENRICHERS, tap], services });
  return { offered, all, skipped: engine.trustedSkipped };
}

const flows = (lines: string[]) => [{ kind: 'vpcflow' as const, text: flowFile(lines) }];
const calls = (records: object[]) => [{ kind: 'cloudtrail' as const, text: cloudTrailFile(records) }];
const queries = (lines: string[]) => [{ kind: 'dns' as const, text: lines.join('\n') + '\n' }];
const query = (name: string, answers: { Rdata: string; Type: string }[] = [{ Rdata: '93.184.215.14', Type: 'A' }]) =>
  dnsLine({ query_name: `${name}.`, answers: answers.map((a) => ({ ...a, Class: 'IN' })) });

test('flows: a listed public remote is matched on both records of the connection, with every list that names it', () => {
  const lines = tcpConnection({ client: ME, server: C2, clientPort: 41230, serverPort: 443, start: T0 });
  const { offered } = enrich(flows(lines), { threat: [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: [`${C2},Emotet`] },
    { name: 'Partner', purpose: 'custom', entries: ['185.117.0.0/16'] },
  ] });
  assert.deepEqual(offered.map((s) => [s.subject, s.intel, s.trusted]), [
    [`${ME}:41230>${C2}:443`, ['Abuse C2: Emotet', 'Partner'], false],
    [`${C2}:443>${ME}:41230`, ['Abuse C2: Emotet', 'Partner'], false],
  ]);
});

test('flows: private and documentation-range remotes are never looked up, whatever CIDRs the lists carry', () => {
  const lines = [
    ...tcpConnection({ client: ME, server: '10.0.3.7', clientPort: 45678, serverPort: 5432, start: T0 }),
    ...tcpConnection({ client: ME, server: '198.51.100.10', clientPort: 45679, serverPort: 443, start: T0 + 1 }),
  ];
  const everything = { name: 'Everything', purpose: 'custom', entries: ['10.0.0.0/8', '198.51.100.0/24'] };
  const { offered, skipped } = enrich(flows(lines), { threat: [everything], trusted: [{ ...everything, name: 'Allow', purpose: 'trusted' }] });
  assert.equal(offered.length, 4);
  assert.ok(offered.every((s) => s.intel.length === 0 && !s.trusted), JSON.stringify(offered));
  assert.equal(skipped.vpcflow, 0); // a trusted private CIDR does not hide internal traffic either
});

test('flows: an ip:port indicator matches only connections to that remote port', () => {
  const lines = [
    ...tcpConnection({ client: ME, server: C2, clientPort: 41230, serverPort: 8443, start: T0 }),
    ...tcpConnection({ client: ME, server: C2, clientPort: 41231, serverPort: 443, start: T0 + 1 }),
  ];
  const { offered } = enrich(flows(lines), { threat: [{ name: 'C2 ports', purpose: 'command-and-control', entries: [`${C2}:8443`] }] });
  assert.deepEqual(offered.map((s) => s.intel), [['C2 ports'], ['C2 ports'], [], []]);
});

test('flows: a remote on a trusted list is trusted, carries no threat match and reaches no detector', () => {
  const lines = [
    ...tcpConnection({ client: ME, server: C2, clientPort: 41230, serverPort: 443, start: T0 }),
    ...tcpConnection({ client: ME, server: '45.9.148.108', clientPort: 41231, serverPort: 3333, start: T0 + 1 }),
  ];
  const { offered, all, skipped } = enrich(flows(lines), {
    threat: [{ name: 'Abuse C2', purpose: 'command-and-control', entries: [C2] }, { name: 'Pools', purpose: 'cryptomining', entries: ['45.9.148.108'] }],
    trusted: [{ name: 'Partners', purpose: 'trusted', entries: ['185.117.73.0/24'] }],
  });
  assert.deepEqual(all.map((s) => [s.intel, s.trusted]), [[[], true], [[], true], [['Pools'], false], [['Pools'], false]]);
  assert.deepEqual(offered.map((s) => s.intel), [['Pools'], ['Pools']]);
  assert.equal(skipped.vpcflow, 2);
});

test('CloudTrail: public callers are looked up (IPv4 and IPv6); private, documentation-range and service callers are not', () => {
  const { offered } = enrich(calls([
    ctRecord({ sourceIPAddress: '185.220.101.47' }),
    ctRecord({ sourceIPAddress: '2a0b:f4c2:2::47' }),
    ctRecord({ sourceIPAddress: '10.0.1.25' }),
    ctRecord({ sourceIPAddress: '198.51.100.23' }),
    ctRecord({ sourceIPAddress: 'ec2.amazonaws.com' }),
    ctRecord({ sourceIPAddress: '185.220.101.48' }),
  ]), { threat: [{ name: 'Tor exits', purpose: 'tor-exit', entries: ['185.220.101.47,Tor exit node', '2a0b:f4c2::/32', '10.0.0.0/8', '198.51.100.0/24'] }] });
  assert.deepEqual(offered.map((s) => [s.subject, s.intel]), [
    ['185.220.101.47', ['Tor exits: Tor exit node']],
    ['2a0b:f4c2:2::47', ['Tor exits']],
    ['10.0.1.25', []],
    ['198.51.100.23', []],
    ['ec2.amazonaws.com', []],
    ['185.220.101.48', []],
  ]);
});

test('CloudTrail: a trusted caller wins over a threat list and reaches no detector', () => {
  const { offered, all, skipped } = enrich(calls([ctRecord({ sourceIPAddress: '185.220.101.47' }), ctRecord({ sourceIPAddress: '45.142.212.61' })]), {
    threat: [{ name: 'Tor exits', purpose: 'tor-exit', entries: ['185.220.101.47', '45.142.212.61'] }],
    trusted: [{ name: 'Office', purpose: 'trusted', entries: ['185.220.101.47'] }],
  });
  assert.deepEqual(all.map((s) => [s.subject, s.intel, s.trusted]), [['185.220.101.47', [], true], ['45.142.212.61', ['Tor exits'], false]]);
  assert.deepEqual(offered.map((s) => s.subject), ['45.142.212.61']);
  assert.equal(skipped.cloudtrail, 1);
});

test('DNS: the query name and its parent domains are looked up, on label boundaries; the matched domain is published', () => {
  const { offered } = enrich(queries([query('evil.example'), query('a.b.evil.example'), query('notevil.example'), query('evil.example.net')]), {
    threat: [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example,Emotet'] }],
  });
  assert.deepEqual(offered.map((s) => [s.subject, s.intel, s.indicator, s.answer]), [
    ['evil.example', ['Abuse C2: Emotet'], 'evil.example', []],
    ['a.b.evil.example', ['Abuse C2: Emotet'], 'evil.example', []],
    ['notevil.example', [], '', []],
    ['evil.example.net', [], '', []],
  ]);
});

test('DNS: public A/AAAA answers are looked up; CNAME targets and private answers are not', () => {
  const { offered } = enrich(queries([
    query('update-check.example', [{ Rdata: 'cdn.update-check.example.', Type: 'CNAME' }, { Rdata: '195.22.26.248', Type: 'A' }]),
    query('v6.update-check.example', [{ Rdata: '2a0b:f4c2:2::1', Type: 'AAAA' }]),
    query('db.internal.example', [{ Rdata: '10.0.3.7', Type: 'A' }]),
    query('mail.example', [{ Rdata: '195.22.26.248', Type: 'TXT' }]),
  ]), { threat: [
    { name: 'Sinkholes', purpose: 'blackhole', entries: ['195.22.26.248,Conficker sinkhole', '2a0b:f4c2::/32', '10.0.0.0/8'] },
    { name: 'Domains', purpose: 'custom', entries: ['cdn.update-check.example'] },
  ] });
  assert.deepEqual(offered.map((s) => [s.subject, s.intel, s.answer]), [
    ['update-check.example', [], ['Sinkholes: Conficker sinkhole']],
    ['v6.update-check.example', [], ['Sinkholes']],
    ['db.internal.example', [], []],
    ['mail.example', [], []],
  ]);
});

test('DNS: a trusted domain (or its subdomain) is trusted; trusted IPs do not apply to DNS', () => {
  const { offered, all, skipped } = enrich(queries([
    query('evil.example'),
    query('api.evil.example'),
    query('c2.other.example', [{ Rdata: C2, Type: 'A' }]),
  ]), {
    threat: [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example', 'other.example', C2] }],
    trusted: [{ name: 'Allow', purpose: 'trusted', entries: ['evil.example', C2] }],
  });
  assert.deepEqual(all.map((s) => [s.subject, s.trusted]), [['evil.example', true], ['api.evil.example', true], ['c2.other.example', false]]);
  assert.deepEqual(offered.map((s) => [s.subject, s.intel, s.indicator, s.answer]), [['c2.other.example', ['Abuse C2'], 'other.example', ['Abuse C2']]]);
  assert.equal(skipped.dns, 2);
});

test('with no lists every event is published clean', () => {
  const { offered } = enrich([
    ...flows(tcpConnection({ client: ME, server: C2, clientPort: 41230, serverPort: 443, start: T0 })),
    ...calls([ctRecord({ sourceIPAddress: C2 })]),
    ...queries([query('evil.example', [{ Rdata: C2, Type: 'A' }])]),
  ], {});
  assert.deepEqual(offered.map((s) => [s.kind, s.intel, s.trusted, s.indicator, s.answer]), [
    ['vpcflow', [], false, undefined, undefined],
    ['vpcflow', [], false, undefined, undefined],
    ['cloudtrail', [], false, undefined, undefined],
    ['dns', [], false, '', []],
  ]);
});

// With every registered detector: a trusted address silences all of them, not only the intel ones.

const ATTACKER = '45.135.232.19';

/** 20 short SSH logins from the attacker within 5 minutes: enough for SSHBruteForce. */
const sshBruteForce = () => Array.from({ length: 20 }, (_, i) => tcpConnection({
  client: ATTACKER, server: ME, clientPort: 40312 + i * 7, serverPort: 22, start: T0 + i * 15, end: T0 + i * 15 + 9, packets: [22, 19], bytes: [3120, 3954],
})).flat();

test('all detectors: an SSH brute force from a trusted address raises nothing (it does when untrusted)', () => {
  const threat = [{ name: 'My blocklist', purpose: 'custom', entries: [ATTACKER] }];
  const types = (trusted: TestList[]) => detect(flows(sshBruteForce()), { services: intelServices({ threat, trusted }) }).candidates.map((c) => c.type);
  assert.ok(types([]).includes('UnauthorizedAccess:EC2/SSHBruteForce'));
  assert.ok(types([]).includes('UnauthorizedAccess:EC2/MaliciousIPCaller.Custom'));
  assert.deepEqual(types([{ name: 'Pentest vendor', purpose: 'trusted', entries: ['45.135.232.0/24'] }]), []);
});

test('all detectors: root credentials used from a trusted address raise nothing (they do when untrusted)', () => {
  const root = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'ASIAROOTSESSION00001' };
  const records = [ctRecord({ userIdentity: root, eventSource: 's3.amazonaws.com', eventName: 'PutBucketVersioning', sourceIPAddress: '91.92.251.103', readOnly: false })];
  const threat = [{ name: 'My blocklist', purpose: 'custom', entries: ['91.92.251.103'] }];
  const types = (trusted: TestList[]) => detect(calls(records), { services: intelServices({ threat, trusted }) }).candidates.map((c) => c.type).sort();
  assert.deepEqual(types([]), ['Policy:IAMUser/RootCredentialUsage', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom']);
  assert.deepEqual(types([{ name: 'Office', purpose: 'trusted', entries: ['91.92.251.103'] }]), []);
});

test('all detectors: a query for a trusted domain raises nothing, even when a threat list names it', () => {
  const threat = [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['evil.example'] }];
  const types = (trusted: TestList[]) => detect(queries([query('beacon.evil.example')]), { services: intelServices({ threat, trusted }) }).candidates.map((c) => c.type);
  assert.deepEqual(types([]), ['Backdoor:EC2/C&CActivity.B!DNS']);
  assert.deepEqual(types([{ name: 'Allow', purpose: 'trusted', entries: ['evil.example'] }]), []);
});
