import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, intelServices, tcpConnection, FLOW_V5_HEADER, type TestList } from '../../testing/harness.js';
import { flowThreatIntel } from './flow-threat-intel.js';

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const SHA = 'a'.repeat(64);

function run(lines: string[], threat: TestList[], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [flowThreatIntel], services: intelServices({ threat }) }).candidates;
}

/** The instance opening one connection to peer:port (the request and the reply, as the ENI logs them). */
function out(peer: string, port: number, o: { clientPort?: number; start?: number } = {}): string[] {
  return tcpConnection({ client: ME, server: peer, clientPort: o.clientPort ?? 41230, serverPort: port, start: o.start ?? T0, packets: [14, 11], bytes: [1870, 6420] });
}

const CASES = [
  { purpose: 'command-and-control', type: 'Backdoor:EC2/C&CActivity.B', severity: 8, peer: '185.117.73.66', port: 443, threat: 'Emotet' },
  { purpose: 'cryptomining', type: 'CryptoCurrency:EC2/BitcoinTool.B', severity: 8, peer: '45.9.148.108', port: 3333, threat: 'Monero pool' },
  { purpose: 'blackhole', type: 'Trojan:EC2/BlackholeTraffic', severity: 5, peer: '91.215.85.17', port: 80, threat: 'Sinkhole' },
  { purpose: 'drop-point', type: 'Trojan:EC2/DropPoint', severity: 5, peer: '5.188.86.172', port: 443, threat: 'RedLine exfiltration' },
  { purpose: 'tor-exit', type: 'UnauthorizedAccess:EC2/TorClient', severity: 8, peer: '171.25.193.77', port: 9001, threat: undefined },
  { purpose: 'tor-relay', type: 'UnauthorizedAccess:EC2/TorClient', severity: 8, peer: '185.220.101.47', port: 443, threat: undefined },
  { purpose: 'custom', type: 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', severity: 5, peer: '194.26.29.113', port: 8080, threat: 'Incident 2026-014' },
  { purpose: 'malicious', type: 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', severity: 5, peer: '80.94.95.226', port: 443, threat: undefined },
];

for (const tc of CASES) {
  test(`outbound to a ${tc.purpose} list address: ${tc.type} (${tc.severity}), instance as ACTOR`, () => {
    const list = { name: `${tc.purpose} feed`, purpose: tc.purpose, entries: [tc.threat ? `${tc.peer},${tc.threat}` : tc.peer] };
    const found = run(out(tc.peer, tc.port), [list]);
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.type, tc.type);
    assert.equal(c.severity, tc.severity);
    assert.equal(c.resourceRole, 'ACTOR');
    assert.deepEqual(c.resource, { resourceType: 'Instance', instanceDetails: { networkInterfaces: [{ networkInterfaceId: ENI, privateIpAddress: ME }] } });
    assert.equal(c.action.actionType, 'NETWORK_CONNECTION');
    const n = c.action.networkConnectionAction!;
    assert.equal(n.connectionDirection, 'OUTBOUND');
    assert.equal(n.blocked, false);
    assert.equal(n.protocol, 'TCP');
    assert.equal(n.localPortDetails?.port, 41230);
    assert.equal(n.remotePortDetails?.port, tc.port);
    assert.deepEqual(n.localIpDetails, { ipAddressV4: ME });
    assert.deepEqual(n.remoteIpDetails, { ipAddressV4: tc.peer });
    assert.equal(n.localNetworkInterface, ENI);
    assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: list.name, threatNames: tc.threat ? [tc.threat] : [], threatFileSha256: SHA }]);
    assert.equal(c.time, T0 * 1000);
    assert.equal(c.key, `${ENI}|${list.name}`);
  });
}

test('v5 records name the instance, VPC and subnet; the finding aggregates on the instance', () => {
  const c2 = '185.117.73.66';
  const lines = [
    flowLineV5({ src: ME, dst: c2, sport: 48812, dport: 443, packets: 9, bytes: 1204, start: T0, direction: 'egress', tcpFlags: 3 }),
    flowLineV5({ src: c2, dst: ME, sport: 443, dport: 48812, packets: 7, bytes: 4311, start: T0, direction: 'ingress', tcpFlags: 19 }),
  ];
  const [c, ...rest] = run(lines, [{ name: 'Abuse C2', purpose: 'command-and-control', entries: [`${c2},Emotet`] }], FLOW_V5_HEADER);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Backdoor:EC2/C&CActivity.B');
  assert.deepEqual(c.resource.instanceDetails, {
    instanceId: 'i-0a1b2c3d4e5f60718',
    networkInterfaces: [{ networkInterfaceId: ENI, vpcId: 'vpc-0a1b2c3d4e5f60718', subnetId: 'subnet-0f1e2d3c4b5a69788', privateIpAddress: ME }],
  });
  assert.equal(c.key, 'i-0a1b2c3d4e5f60718|Abuse C2');
  assert.equal(c.action.networkConnectionAction?.connectionDirection, 'OUTBOUND');
});

test('an outbound attempt the security group REJECTed still counts, as blocked', () => {
  const c2 = '185.117.73.66';
  const found = run([flowLine({ src: ME, dst: c2, sport: 41230, dport: 443, packets: 3, bytes: 180, start: T0, action: 'REJECT' })],
    [{ name: 'Abuse C2', purpose: 'command-and-control', entries: [`${c2},Emotet`] }]);
  assert.deepEqual(found.map((c) => [c.type, c.action.networkConnectionAction?.blocked, c.action.networkConnectionAction?.connectionDirection]),
    [['Backdoor:EC2/C&CActivity.B', true, 'OUTBOUND']]);
  assert.match(found[0].description, /tried to connect to 185\.117\.73\.66 port 443/);
});

test('an accepted inbound connection from a custom-list address: MaliciousIPCaller.Custom with the instance as TARGET', () => {
  const peer = '194.26.29.113';
  const lines = tcpConnection({ client: peer, server: ME, clientPort: 52814, serverPort: 22, start: T0, packets: [21, 18], bytes: [3120, 3954] });
  const found = run(lines, [{ name: 'My blocklist', purpose: 'custom', entries: [`${peer},Incident 2026-014`] }]);
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.type, 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'TARGET');
  const n = c.action.networkConnectionAction!;
  assert.equal(n.connectionDirection, 'INBOUND');
  assert.equal(n.blocked, false);
  assert.deepEqual(n.localPortDetails, { port: 22, portName: 'SSH' });
  assert.deepEqual(n.remotePortDetails, { port: 52814, portName: 'Unknown' });
  assert.deepEqual(n.remoteIpDetails, { ipAddressV4: peer });
  assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: 'My blocklist', threatNames: ['Incident 2026-014'], threatFileSha256: SHA }]);
});

test('silent for inbound traffic the security group REJECTed, even from a custom-list address', () => {
  const peer = '194.26.29.113';
  const lines = [22, 3389, 5432].map((port, i) => flowLine({ src: peer, dst: ME, sport: 52814 + i, dport: port, packets: 2, bytes: 120, start: T0 + i, action: 'REJECT' }));
  assert.deepEqual(run(lines, [{ name: 'My blocklist', purpose: 'custom', entries: [peer] }]), []);
});

test('silent for inbound connections from C&C, mining, blackhole, drop-point, Tor and malicious list addresses (outbound only)', () => {
  const lists = CASES.filter((tc) => tc.purpose !== 'custom').map((tc) => ({ name: `${tc.purpose} feed`, purpose: tc.purpose, entries: [tc.peer] }));
  const lines = CASES.filter((tc) => tc.purpose !== 'custom')
    .flatMap((tc, i) => tcpConnection({ client: tc.peer, server: ME, clientPort: 50100 + i, serverPort: 443, start: T0 + i * 10, packets: [9, 12], bytes: [1100, 8800] }));
  assert.deepEqual(run(lines, lists), []);
});

test('one connection is one occurrence: the reply record does not count again', () => {
  const c2 = '185.117.73.66';
  const lines = out(c2, 443);
  assert.equal(lines.length, 2);
  assert.equal(run(lines, [{ name: 'Abuse C2', purpose: 'command-and-control', entries: [c2] }]).length, 1);
});

test('silent for private traffic even when a list carries a private CIDR (lists apply to public addresses only)', () => {
  const lists = [
    { name: 'Overbroad C2', purpose: 'command-and-control', entries: ['10.0.0.0/8', '172.16.0.0/12'] },
    { name: 'Overbroad custom', purpose: 'custom', entries: ['10.0.0.0/8'] },
  ];
  const lines = [
    ...tcpConnection({ client: ME, server: '10.0.3.7', clientPort: 45678, serverPort: 5432, start: T0, packets: [9, 7], bytes: [1321, 2210] }),
    ...tcpConnection({ client: ME, server: '172.31.20.14', clientPort: 45690, serverPort: 443, start: T0 + 5 }),
    ...tcpConnection({ client: '10.0.2.40', server: ME, clientPort: 51020, serverPort: 22, start: T0 + 10 }),
  ];
  assert.deepEqual(run(lines, lists), []);
});

test('an ip:port indicator matches that remote port only', () => {
  const c2 = '185.117.73.66';
  const lists = [{ name: 'C2 ports', purpose: 'command-and-control', entries: [`${c2}:8443,Cobalt Strike`] }];
  assert.deepEqual(run(out(c2, 443), lists), []);
  const found = run(out(c2, 8443), lists);
  assert.deepEqual(found.map((c) => [c.type, c.action.networkConnectionAction?.remotePortDetails?.port]), [['Backdoor:EC2/C&CActivity.B', 8443]]);
  assert.deepEqual(found[0].threatIntelligenceDetails?.[0].threatNames, ['Cobalt Strike']);
});

test('an address on two lists of one purpose: one finding naming both lists and their threat names', () => {
  const c2 = '185.117.73.66';
  const found = run(out(c2, 443), [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: [`${c2},Emotet`] },
    { name: 'Partner C2', purpose: 'command-and-control', entries: ['185.117.73.0/24,Heodo'] },
  ]);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].threatIntelligenceDetails, [
    { threatListName: 'Abuse C2', threatNames: ['Emotet'], threatFileSha256: SHA },
    { threatListName: 'Partner C2', threatNames: ['Heodo'], threatFileSha256: SHA },
  ]);
  assert.equal(found[0].key, `${ENI}|Abuse C2,Partner C2`);
});

test('an address on lists of different purposes: one finding per type', () => {
  const peer = '185.117.73.66';
  const found = run(out(peer, 443), [
    { name: 'Abuse C2', purpose: 'command-and-control', entries: [`${peer},Emotet`] },
    { name: 'My blocklist', purpose: 'custom', entries: [peer] },
  ]);
  assert.deepEqual(found.map((c) => [c.type, c.threatIntelligenceDetails?.map((d) => d.threatListName)]).sort(), [
    ['Backdoor:EC2/C&CActivity.B', ['Abuse C2']],
    ['UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', ['My blocklist']],
  ]);
});

test('connections across a listed range share one aggregation key; the details show each address', () => {
  const peers = ['45.9.148.108', '45.9.150.3', '45.9.201.77'];
  const lines = peers.flatMap((p, i) => out(p, 3333, { clientPort: 41230 + i, start: T0 + i * 60 }));
  const found = run(lines, [{ name: 'Mining pools', purpose: 'cryptomining', entries: ['45.9.0.0/16,Monero pool'] }]);
  assert.deepEqual(found.map((c) => c.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4), peers);
  assert.deepEqual(new Set(found.map((c) => `${c.type}|${c.key}`)), new Set([`CryptoCurrency:EC2/BitcoinTool.B|${ENI}|Mining pools`]));
});

test('silent for neighbours of a listed address and for lists with no IP indicators', () => {
  const lines = [...out('185.117.73.67', 443), ...out('185.117.72.66', 443, { clientPort: 41231 })];
  assert.deepEqual(run(lines, [{ name: 'Abuse C2', purpose: 'command-and-control', entries: ['185.117.73.66', 'evil.example'] }]), []);
  assert.deepEqual(run(out('185.117.73.66', 443), [{ name: 'C2 domains', purpose: 'command-and-control', entries: ['evil.example'] }]), []);
});
