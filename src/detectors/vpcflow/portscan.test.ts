import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, tcpConnection } from '../../testing/harness.js';
import { portscan } from './portscan.js';

function run(lines: string[]) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines) }], { detectors: [portscan] }).candidates;
}

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const TARGET = '45.33.32.156';
const TOP_PORTS = [80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900, 1025, 587, 8888, 199, 1720, 465, 548, 113, 81, 6001];
const OPEN = new Set([22, 80]);

/**
 * A SYN scan from one source port, as the scanning interface logs it: a probe record per port
 * (SYN, plus the RST the scanner sends after a SYN-ACK), and the target's reply when it answers
 * (SYN-ACK from open ports, RST from closed ones; filtered ports answer nothing).
 */
function synScan(target: string, ports: number[], o: { every?: number; filtered?: Set<number> } = {}): string[] {
  return ports.flatMap((p, i) => {
    const start = T0 + Math.floor(i * (o.every ?? 0.5));
    const probe = flowLine({ src: ME, dst: target, sport: 61234, dport: p, packets: OPEN.has(p) ? 2 : 1, bytes: OPEN.has(p) ? 84 : 44, start, end: start + 1 });
    if (o.filtered?.has(p)) return [probe];
    return [probe, flowLine({ src: target, dst: ME, sport: p, dport: 61234, packets: 1, bytes: OPEN.has(p) ? 44 : 40, start, end: start + 1 })];
  });
}

/** Ordinary outbound HTTPS from the instance, so it has a history before the scan. */
const background = ['54.239.28.85', '52.94.133.131', '151.101.1.69'].flatMap((p, i) =>
  tcpConnection({ client: ME, server: p, clientPort: 41000 + i, serverPort: 443, start: T0 - 300 + i * 20, packets: [18, 24] }));

test('probes to 25 ports of one host within 5 minutes raise Recon:EC2/Portscan (Medium) as ACTOR', () => {
  const out = run(synScan(TARGET, TOP_PORTS, { filtered: new Set([1723, 5900]) }));
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Recon:EC2/Portscan');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.resource.resourceType, 'Instance');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  const n = c.action.networkConnectionAction!;
  assert.equal(n.connectionDirection, 'OUTBOUND');
  assert.equal(n.protocol, 'TCP');
  assert.equal(n.remoteIpDetails?.ipAddressV4, TARGET);
  assert.deepEqual(n.remotePortDetails, { port: TOP_PORTS[24], portName: 'Unknown' }); // 1720, the 25th port
  assert.deepEqual(n.localPortDetails, { port: 61234, portName: 'Unknown' });
  assert.equal(n.localIpDetails?.ipAddressV4, ME);
  assert.deepEqual(c.additionalInfo, { portsProbed: 25, samplePorts: TOP_PORTS.slice(0, 10), windowMinutes: 5 });
  assert.equal(c.key, ENI);
});

test('a scan of a private host inside the VPC counts too', () => {
  const out = run([...background, ...synScan('10.0.2.40', TOP_PORTS)]);
  assert.equal(out.length, 1);
  assert.equal(out[0].action.networkConnectionAction?.remoteIpDetails?.ipAddressV4, '10.0.2.40');
  assert.equal(out[0].action.networkConnectionAction?.connectionDirection, 'OUTBOUND');
});

test('UDP probes count', () => {
  const udp = [53, 67, 69, 111, 123, 137, 138, 161, 162, 389, 445, 500, 514, 520, 631, 1434, 1900, 4500, 5353, 11211, 1701, 1812, 1813, 2049, 5060];
  const lines = udp.map((p, i) => flowLine({ src: ME, dst: TARGET, sport: 45112, dport: p, proto: 17, packets: 1, bytes: 42, start: T0 + i, end: T0 + i + 1 }));
  const [c] = run(lines);
  assert.equal(c.type, 'Recon:EC2/Portscan');
  assert.equal(c.action.networkConnectionAction?.protocol, 'UDP');
  assert.equal(c.additionalInfo?.portsProbed, 25);
});

test('silent at 24 ports, and when 25 are spread over more than 5 minutes', () => {
  assert.deepEqual(run(synScan(TARGET, TOP_PORTS.slice(0, 24))), []);
  assert.deepEqual(run(synScan(TARGET, TOP_PORTS.slice(0, 25), { every: 13 })), []);
});

test('silent when a remote scans the instance (inbound), however many ports', () => {
  const scanner = '162.142.125.221';
  const lines = TOP_PORTS.map((p, i) => flowLine({ src: scanner, dst: ME, sport: 54321, dport: p, packets: 1, bytes: 44, start: T0 + i, action: 'REJECT' }));
  assert.deepEqual(run(lines), []);
});

test('silent for full conversations with many services on one host', () => {
  // a client of 30 services on one internal host (ports 8001–8030), each a real request/response
  const lines = Array.from({ length: 30 }, (_, i) => tcpConnection({ client: ME, server: '10.0.2.40', clientPort: 47000 + i, serverPort: 8001 + i, start: T0 + i * 2, packets: [9, 11] })).flat();
  assert.deepEqual(run([...background, ...lines]), []);
});

test('silent for load balancer TCP health checks: one remote, a new source port and a handful of packets each time', () => {
  const lbNode = '10.0.0.143';
  const lines = Array.from({ length: 30 }, (_, i) => tcpConnection({ client: lbNode, server: ME, clientPort: 21000 + i * 37, serverPort: 8080, start: T0 + i * 10, end: T0 + i * 10 + 1, packets: [3, 2], bytes: [180, 120] })).flat();
  assert.deepEqual(run([...background, ...lines]), []);
});

test('silent for a UDP traceroute: one probe per hop to successive ports from 33434', () => {
  // 16 hops × 3 probes; the target answers the last ones with ICMP port unreachable (not in this record set)
  const lines = Array.from({ length: 48 }, (_, i) => flowLine({ src: ME, dst: TARGET, sport: 52011, dport: 33434 + i, proto: 17, packets: 1, bytes: 60, start: T0 + (i >> 2), end: T0 + (i >> 2) + 1 }));
  assert.deepEqual(run(lines), []);
});

