import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, intelServices, tcpConnection, type TestList } from '../../testing/harness.js';
import { torRelay } from './tor-relay.js';
import { flowThreatIntel } from './flow-threat-intel.js';
import { portProbe } from './port-probe.js';

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const SHA = 'a'.repeat(64);
/** Public Tor relays: the first three reach the instance, the last three are reached by it. */
const NODES = ['171.25.193.77', '185.220.101.47', '199.249.230.87', '204.13.164.118', '62.210.105.116', '94.23.150.81'];
const TOR: TestList = { name: 'Tor nodes', purpose: 'tor-relay', entries: NODES.map((n) => `${n},Tor relay`) };

function run(lines: string[], threat: TestList[] = [TOR]) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines) }], { detectors: [torRelay, flowThreatIntel, portProbe], services: intelServices({ threat }) }).candidates;
}

/** A Tor node opening an OR connection to the instance's ORPort 9001. */
function inbound(peer: string, at: number, port = 9001, sport = 51514): string[] {
  return tcpConnection({ client: peer, server: ME, clientPort: sport, serverPort: port, start: at, end: at + 600, packets: [412, 388], bytes: [298_114, 301_870] });
}

/** The instance opening an OR connection to a Tor node. */
function outbound(peer: string, at: number, port = 9001, cport = 41230): string[] {
  return tcpConnection({ client: ME, server: peer, clientPort: cport, serverPort: port, start: at, end: at + 600, packets: [395, 407], bytes: [301_002, 297_450] });
}

const relayTraffic = (from = T0) => [
  ...NODES.slice(0, 3).flatMap((p, i) => inbound(p, from + i * 60, 9001, 51514 + i)),
  ...NODES.slice(3).flatMap((p, i) => outbound(p, from + 300 + i * 60, i === 1 ? 443 : 9001, 41230 + i)),
];

test('connections from 3 Tor nodes and to 3 others within an hour: TorRelay (High), instance as ACTOR', () => {
  const found = run(relayTraffic()).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay');
  assert.equal(found.length, 1);
  const [c] = found;
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.deepEqual(c.resource, { resourceType: 'Instance', instanceDetails: { networkInterfaces: [{ networkInterfaceId: ENI, privateIpAddress: ME }] } });
  // the occurrence that completed the pattern: the connection out to the sixth node
  const n = c.action.networkConnectionAction!;
  assert.equal(c.action.actionType, 'NETWORK_CONNECTION');
  assert.equal(n.connectionDirection, 'OUTBOUND');
  assert.equal(n.blocked, false);
  assert.equal(n.protocol, 'TCP');
  assert.deepEqual(n.remoteIpDetails, { ipAddressV4: NODES[5] });
  assert.equal(n.remotePortDetails?.port, 9001);
  assert.equal(n.localPortDetails?.port, 41232);
  assert.deepEqual(c.threatIntelligenceDetails, [{ threatListName: 'Tor nodes', threatNames: ['Tor relay'], threatFileSha256: SHA }]);
  assert.deepEqual(c.additionalInfo, { inboundTorPeers: NODES.slice(0, 3), outboundTorPeers: NODES.slice(3) });
  assert.equal(c.key, ENI);
  assert.equal(c.time, (T0 + 300 + 120) * 1000);
});

test('a relay raises TorRelay once per window however many more Tor connections it makes', () => {
  const more = [...inbound(NODES[3], T0 + 900, 9001, 52000), ...outbound(NODES[0], T0 + 960, 9001, 42000)];
  const found = run([...relayTraffic(), ...more]).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay');
  assert.equal(found.length, 1);
});

test('tor-exit lists count as Tor nodes too', () => {
  const found = run(relayTraffic(), [{ name: 'Tor exits', purpose: 'tor-exit', entries: NODES }]);
  assert.deepEqual(found.filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay').map((c) => c.threatIntelligenceDetails?.[0].threatListName), ['Tor exits']);
});

test('Tor users only connecting in to a web server: no TorRelay, and nothing else either', () => {
  const lines = NODES.flatMap((p, i) => tcpConnection({ client: p, server: ME, clientPort: 51514 + i, serverPort: 443, start: T0 + i * 30, packets: [24, 31], bytes: [2_310, 48_220] }));
  assert.deepEqual(run(lines), []);
});

test('a Tor client connecting out: TorClient for each connection, but not TorRelay', () => {
  const lines = NODES.flatMap((p, i) => outbound(p, T0 + i * 30, 9001, 41230 + i));
  const found = run(lines);
  assert.equal(found.length, NODES.length);
  assert.deepEqual(new Set(found.map((c) => c.type)), new Set(['UnauthorizedAccess:EC2/TorClient']));
  assert.deepEqual(found.map((c) => c.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4), NODES);
});

test('silent when the peers are spread over more than an hour', () => {
  const lines = [
    ...NODES.slice(0, 3).flatMap((p, i) => inbound(p, T0 + i * 60, 9001, 51514 + i)),
    ...NODES.slice(3).flatMap((p, i) => outbound(p, T0 + 3700 + i * 60, 9001, 41230 + i)),
  ];
  assert.deepEqual(run(lines).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay'), []);
});

test('silent below 3 distinct Tor peers on a side: one node connecting in three times is one peer', () => {
  const oneIn = [0, 1, 2].flatMap((i) => inbound(NODES[0], T0 + i * 60, 9001, 51514 + i));
  const outs = NODES.slice(3).flatMap((p, i) => outbound(p, T0 + 300 + i * 60, 9001, 41230 + i));
  assert.deepEqual(run([...oneIn, ...outs]).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay'), []);
  const twoIn = NODES.slice(0, 2).flatMap((p, i) => inbound(p, T0 + i * 60, 9001, 51514 + i));
  assert.deepEqual(run([...twoIn, ...outs]).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay'), []);
});

test('inbound connections the security group REJECTed do not make a relay', () => {
  const rejected = NODES.slice(0, 3).map((p, i) => flowLine({ src: p, dst: ME, sport: 51514 + i, dport: 9001, packets: 2, bytes: 120, start: T0 + i * 60, action: 'REJECT' }));
  const outs = NODES.slice(3).flatMap((p, i) => outbound(p, T0 + 300 + i * 60, 9001, 41230 + i));
  assert.deepEqual(run([...rejected, ...outs]).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay'), []);
});

test('two interfaces each seeing half the pattern are not a relay', () => {
  const other = 'eni-0f9e8d7c6b5a40312';
  const lines = [
    ...NODES.slice(0, 3).flatMap((p, i) => inbound(p, T0 + i * 60, 9001, 51514 + i)),
    ...NODES.slice(3).flatMap((p, i) => tcpConnection({ client: '10.0.1.26', server: p, clientPort: 41230 + i, serverPort: 9001, start: T0 + 300 + i * 60, eni: other })),
  ];
  assert.deepEqual(run(lines).filter((c) => c.type === 'UnauthorizedAccess:EC2/TorRelay'), []);
});
