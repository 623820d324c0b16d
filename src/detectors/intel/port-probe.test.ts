import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLineV5, intelServices, tcpConnection, FLOW_V5_HEADER, type TestList } from '../../testing/harness.js';
import { portProbe } from './port-probe.js';

/** `portProbeDetails` is typed `unknown[]`: the shape the detector writes. */
interface ProbeDetail { localPortDetails: { port: number; portName: string }; localIpDetails: object; remoteIpDetails: object }

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const SHA = 'a'.repeat(64);
const SCANNER = '71.6.199.23';
const SCANNERS: TestList = { name: 'Internet scanners', purpose: 'scanner', entries: [`${SCANNER},Shodan`, '162.142.125.0/24,Censys'] };

function run(lines: string[], threat: TestList[] = [SCANNERS], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [portProbe], services: intelServices({ threat }) }).candidates;
}

/** A SYN probe the open port answered: the scanner's SYN + RST, the instance's SYN-ACK. */
function probe(port: number, o: { from?: string; sport?: number; start?: number; action?: 'ACCEPT' | 'REJECT'; to?: string } = {}): string[] {
  return tcpConnection({ client: o.from ?? SCANNER, server: o.to ?? ME, clientPort: o.sport ?? 54321, serverPort: port, start: o.start ?? T0, end: (o.start ?? T0) + 2, packets: [2, 1], bytes: [84, 44], action: o.action });
}

test('a scanner probing open MySQL: PortProbeUnprotectedPort (Low), instance as TARGET, with the probe details', () => {
  const found = run(probe(3306));
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'Recon:EC2/PortProbeUnprotectedPort');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.deepEqual(c.resource, { resourceType: 'Instance', instanceDetails: { networkInterfaces: [{ networkInterfaceId: ENI, privateIpAddress: ME }] } });
  assert.deepEqual(c.action, {
    actionType: 'PORT_PROBE',
    portProbeAction: {
      blocked: false,
      portProbeDetails: [{ localPortDetails: { port: 3306, portName: 'MYSQL' }, localIpDetails: { ipAddressV4: ME }, remoteIpDetails: { ipAddressV4: SCANNER } }],
    },
  });
  assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: 'Internet scanners', threatNames: ['Shodan'], threatFileSha256: SHA }]);
  assert.deepEqual(c.additionalInfo, { port: 3306, prober: SCANNER });
  assert.equal(c.key, `${ENI}|3306`);
  assert.equal(c.time, T0 * 1000);
});

test('Elasticsearch ports 9200 and 9300 probed: PortProbeUnprotectedPort (High)', () => {
  const found = run([...probe(9200), ...probe(9300, { sport: 54322, start: T0 + 1 })]);
  assert.deepEqual(found.map((c) => [c.type, c.severity, (c.action.portProbeAction?.portProbeDetails[0] as ProbeDetail).localPortDetails]), [
    ['Recon:EC2/PortProbeUnprotectedPort', 8, { port: 9200, portName: 'ELASTICSEARCH' }],
    ['Recon:EC2/PortProbeUnprotectedPort', 8, { port: 9300, portName: 'ELASTICSEARCH' }],
  ]);
});

test('an EMR port (YARN 8088) probed: PortProbeEMRUnprotectedPort (High)', () => {
  const found = run(probe(8088, { from: '162.142.125.217' }));
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'Recon:EC2/PortProbeEMRUnprotectedPort');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'TARGET');
  assert.deepEqual(c.action.portProbeAction?.portProbeDetails, [
    { localPortDetails: { port: 8088, portName: 'YARN' }, localIpDetails: { ipAddressV4: ME }, remoteIpDetails: { ipAddressV4: '162.142.125.217' } },
  ]);
  assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: 'Internet scanners', threatNames: ['Censys'], threatFileSha256: SHA }]);
});

test('v5 records (SYN flags) name the instance; a probe of an EMR port in the ephemeral range is found', () => {
  const lines = [
    flowLineV5({ src: SCANNER, dst: ME, sport: 41877, dport: 50070, packets: 2, bytes: 84, start: T0, direction: 'ingress', tcpFlags: 6 }),
    flowLineV5({ src: ME, dst: SCANNER, sport: 50070, dport: 41877, packets: 1, bytes: 44, start: T0, direction: 'egress', tcpFlags: 18 }),
  ];
  const found = run(lines, [SCANNERS], FLOW_V5_HEADER);
  assert.deepEqual(found.map((c) => [c.type, c.resource.instanceDetails?.instanceId, c.key]), [
    ['Recon:EC2/PortProbeEMRUnprotectedPort', 'i-0a1b2c3d4e5f60718', 'i-0a1b2c3d4e5f60718|50070'],
  ]);
});

test('addresses on a malicious (bad-reputation) list count as probers too', () => {
  const found = run(probe(6379, { from: '80.94.95.226' }), [{ name: 'Bad reputation', purpose: 'malicious', entries: ['80.94.95.226,Botnet'] }]);
  assert.deepEqual(found.map((c) => [c.type, c.severity, c.threatIntelligenceDetails?.[0].threatListName]), [['Recon:EC2/PortProbeUnprotectedPort', 2, 'Bad reputation']]);
});

test('never for 80 and 443: web servers are meant to be reachable', () => {
  assert.deepEqual(run([...probe(80), ...probe(443, { sport: 54322 }), ...probe(80, { from: '162.142.125.9', sport: 60011 })]), []);
});

test('silent when the security group REJECTed the probe (the port is protected)', () => {
  assert.deepEqual(run([...probe(22, { action: 'REJECT' }), ...probe(9200, { sport: 54322, action: 'REJECT' })]), []);
});

test('one probe is one occurrence; each port is its own finding, repeat probes of a port share its key', () => {
  const found = run([
    ...probe(22),
    ...probe(22, { from: '162.142.125.9', sport: 60011, start: T0 + 300 }),
    ...probe(5432, { sport: 54330, start: T0 + 310 }),
  ]);
  assert.deepEqual(found.map((c) => [c.key, c.additionalInfo?.prober]), [
    [`${ENI}|22`, SCANNER],
    [`${ENI}|22`, '162.142.125.9'],
    [`${ENI}|5432`, SCANNER],
  ]);
});

test('silent when the instance connects out to a scanner-list address, and for probes from C&C, Tor or custom lists', () => {
  const lists: TestList[] = [
    SCANNERS,
    { name: 'Abuse C2', purpose: 'command-and-control', entries: ['185.117.73.66'] },
    { name: 'Tor nodes', purpose: 'tor-exit', entries: ['185.220.101.47'] },
    { name: 'My blocklist', purpose: 'custom', entries: ['194.26.29.113'] },
  ];
  const lines = [
    ...tcpConnection({ client: ME, server: SCANNER, clientPort: 41230, serverPort: 22, start: T0 }),
    ...probe(3306, { from: '185.117.73.66', start: T0 + 1 }),
    ...probe(3306, { from: '185.220.101.47', start: T0 + 2 }),
    ...probe(3306, { from: '194.26.29.113', start: T0 + 3 }),
  ];
  assert.deepEqual(run(lines, lists), []);
});

test('silent for private probers even when a scanner list carries their CIDR', () => {
  const lists: TestList[] = [{ name: 'Overbroad scanners', purpose: 'scanner', entries: ['10.0.0.0/8'] }];
  assert.deepEqual(run([...probe(3306, { from: '10.0.2.40' }), ...probe(9200, { from: '10.0.2.40', sport: 54322 })], lists), []);
});

test('silent for a prober next to a listed address', () => {
  assert.deepEqual(run(probe(3306, { from: '71.6.199.24' })), []);
});
