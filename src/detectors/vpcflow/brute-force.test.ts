import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, tcpConnection, FLOW_V5_HEADER } from '../../testing/harness.js';
import { bruteForce } from './brute-force.js';

function run(lines: string[], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [bruteForce] }).candidates;
}

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const ATTACKER = '45.135.232.19';

/** n short login attempts (new source port each, a few dozen packets) from client to server:port, `every` seconds apart. */
function attempts(n: number, o: { client: string; server: string; port: number; every?: number; from?: number; firstPort?: number; action?: 'ACCEPT' | 'REJECT' }): string[] {
  return Array.from({ length: n }, (_, i) => {
    const start = (o.from ?? T0) + i * (o.every ?? 15);
    return tcpConnection({
      client: o.client, server: o.server, clientPort: (o.firstPort ?? 40312) + i * 7, serverPort: o.port,
      start, end: start + 9, packets: [22, 19], bytes: [3120, 3954], action: o.action,
    });
  }).flat();
}

test('20 new SSH connections from one remote within 10 minutes: SSHBruteForce (Low), instance as TARGET', () => {
  const out = run(attempts(20, { client: ATTACKER, server: ME, port: 22 }));
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'UnauthorizedAccess:EC2/SSHBruteForce');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'Instance');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  const n = c.action.networkConnectionAction!;
  assert.equal(c.action.actionType, 'NETWORK_CONNECTION');
  assert.equal(n.connectionDirection, 'INBOUND');
  assert.equal(n.blocked, false);
  assert.equal(n.protocol, 'TCP');
  assert.deepEqual(n.localPortDetails, { port: 22, portName: 'SSH' });
  assert.deepEqual(n.remotePortDetails, { port: 40312 + 19 * 7, portName: 'Unknown' });
  assert.equal(n.localIpDetails?.ipAddressV4, ME);
  assert.equal(n.remoteIpDetails?.ipAddressV4, ATTACKER);
  assert.equal(n.localNetworkInterface, ENI);
  assert.deepEqual(c.additionalInfo, { connections: 20, windowMinutes: 10, port: 22 });
  assert.equal(c.time, (T0 + 19 * 15) * 1000);
  assert.equal(c.key, `TARGET|${ENI}`);
});

test('RDP and WinRM attempts raise their own types; v5 records name the instance', () => {
  const v5 = (port: number, first: number) => Array.from({ length: 20 }, (_, i) => [
    flowLineV5({ src: ATTACKER, dst: ME, sport: first + i, dport: port, packets: 17, bytes: 2410, start: T0 + i * 20, direction: 'ingress', tcpFlags: 3 }),
    flowLineV5({ src: ME, dst: ATTACKER, sport: port, dport: first + i, packets: 15, bytes: 3870, start: T0 + i * 20, direction: 'egress', tcpFlags: 19 }),
  ]).flat();
  const out = run([...v5(3389, 50100), ...v5(5986, 51100)], FLOW_V5_HEADER);
  assert.deepEqual(out.map((c) => [c.type, c.severity, c.resourceRole, c.action.networkConnectionAction?.localPortDetails?.port]), [
    ['UnauthorizedAccess:EC2/RDPBruteForce', 2, 'TARGET', 3389],
    ['Impact:EC2/WinRMBruteForce', 2, 'TARGET', 5986],
  ]);
  assert.equal(out[0].resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
  assert.deepEqual(out[0].resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, vpcId: 'vpc-0a1b2c3d4e5f60718', subnetId: 'subnet-0f1e2d3c4b5a69788', privateIpAddress: ME }]);
  assert.deepEqual(out[0].action.networkConnectionAction?.localPortDetails, { port: 3389, portName: 'RDP' });
  assert.equal(out[0].key, 'TARGET|i-0a1b2c3d4e5f60718');
});

test('the instance attacking out: SSHBruteForce (High) as ACTOR, rejected attempts counting too', () => {
  const victim = '139.59.118.201';
  const lines = [
    ...attempts(14, { client: ME, server: victim, port: 22, firstPort: 36000 }),
    ...attempts(6, { client: ME, server: victim, port: 22, firstPort: 37000, from: T0 + 210, action: 'REJECT' }),
  ];
  const out = run(lines);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'UnauthorizedAccess:EC2/SSHBruteForce');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  const n = c.action.networkConnectionAction!;
  assert.equal(n.connectionDirection, 'OUTBOUND');
  assert.deepEqual(n.remotePortDetails, { port: 22, portName: 'SSH' });
  assert.equal(n.remoteIpDetails?.ipAddressV4, victim);
  assert.equal(n.localIpDetails?.ipAddressV4, ME);
  assert.equal(n.blocked, true); // the 20th attempt was one of the rejected ones
  assert.equal(c.key, `ACTOR|${ENI}`);
});

test('silent at 19 connections, and when 20 are spread over more than 10 minutes', () => {
  assert.deepEqual(run(attempts(19, { client: ATTACKER, server: ME, port: 22 })), []);
  assert.deepEqual(run(attempts(20, { client: ATTACKER, server: ME, port: 22, every: 35 })), []);
});

test('silent for REJECTed inbound SSH: the security group stopped every attempt', () => {
  const lines = Array.from({ length: 40 }, (_, i) => flowLine({ src: ATTACKER, dst: ME, sport: 40312 + i, dport: 22, packets: 2, bytes: 120, start: T0 + i * 5, action: 'REJECT' }));
  assert.deepEqual(run(lines), []);
});

test('silent for a long interactive SSH session and for automation whose connections carry real sessions', () => {
  const admin = '81.2.69.160';
  // one session over three 10-minute capture windows: one source port, hundreds of packets
  const session = [0, 600, 1200].flatMap((dt) => tcpConnection({ client: admin, server: ME, clientPort: 51514, serverPort: 22, start: T0 + dt, end: T0 + dt + 600, packets: [812, 1034], bytes: [61_220, 1_402_118] }));
  // a configuration run: 25 connections in 5 minutes, each copying modules and running them (well over 40 packets)
  const automation = Array.from({ length: 25 }, (_, i) => tcpConnection({ client: '10.0.0.12', server: ME, clientPort: 42000 + i, serverPort: 22, start: T0 + i * 12, packets: [96, 88], bytes: [48_310, 21_944] })).flat();
  assert.deepEqual(run([...session, ...automation]), []);
});
