import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, tcpConnection, FLOW_V5_HEADER } from '../../testing/harness.js';
import { portSweep } from './port-sweep.js';

function run(lines: string[], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [portSweep] }).candidates;
}

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';

/** n distinct, globally routable addresses. */
const publicHosts = (n: number, first = 100) => Array.from({ length: n }, (_, i) => `5.${first + i}.${(i * 41) % 254 + 1}.${(i * 67) % 254 + 1}`);

/** SYN probes to one port across hosts, as the sweeping interface logs them; every third host answers with a RST. */
function sweep(hosts: string[], port: number, every = 3): string[] {
  return hosts.flatMap((h, i) => {
    const start = T0 + i * every;
    const probe = flowLine({ src: ME, dst: h, sport: 39000 + i, dport: port, packets: 1, bytes: 60, start, end: start + 2 });
    return i % 3 === 0 ? [probe, flowLine({ src: h, dst: ME, sport: port, dport: 39000 + i, packets: 1, bytes: 40, start, end: start + 2 })] : [probe];
  });
}

test('probing one port on 32 public hosts within 10 minutes raises Impact:EC2/PortSweep (High) as ACTOR', () => {
  const hosts = publicHosts(32);
  const out = run(sweep(hosts, 6379));
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Impact:EC2/PortSweep');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.resource.resourceType, 'Instance');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  const n = c.action.networkConnectionAction!;
  assert.equal(n.connectionDirection, 'OUTBOUND');
  assert.equal(n.protocol, 'TCP');
  assert.deepEqual(n.remotePortDetails, { port: 6379, portName: 'REDIS' });
  assert.equal(n.remoteIpDetails?.ipAddressV4, hosts[31]);
  assert.equal(n.localIpDetails?.ipAddressV4, ME);
  assert.deepEqual(c.additionalInfo, { hostsProbed: 32, sampleHosts: hosts.slice(0, 10), port: 6379 });
  assert.equal(c.key, `${ENI}|6379`);
});

test('v5 SYN-only probes name the instance; each port sweeps separately', () => {
  const hosts = publicHosts(32);
  const lines = [2375, 22].flatMap((port) => hosts.map((h, i) => flowLineV5({
    src: ME, dst: h, sport: 40000 + i, dport: port, packets: 1, bytes: 60, start: T0 + i * 4, direction: 'egress', tcpFlags: 2,
  })));
  const out = run(lines, FLOW_V5_HEADER);
  assert.deepEqual(out.map((c) => [c.action.networkConnectionAction?.remotePortDetails?.port, c.resource.instanceDetails?.instanceId, c.key]), [
    [2375, 'i-0a1b2c3d4e5f60718', 'i-0a1b2c3d4e5f60718|2375'],
    [22, 'i-0a1b2c3d4e5f60718', 'i-0a1b2c3d4e5f60718|22'],
  ]);
});

test('silent at 31 hosts, and when 32 are spread over more than 10 minutes', () => {
  assert.deepEqual(run(sweep(publicHosts(31), 6379)), []);
  assert.deepEqual(run(sweep(publicHosts(32), 6379, 20)), []);
});

test('silent for normal web browsing: many hosts on 443, full TCP conversations', () => {
  const lines = publicHosts(60).flatMap((h, i) => tcpConnection({
    client: ME, server: h, clientPort: 43000 + i, serverPort: 443, start: T0 + i * 5, end: T0 + i * 5 + 20, packets: [14 + (i % 9), 19 + (i % 13)],
  }));
  assert.deepEqual(run(lines), []);
});

test('silent for a public web server receiving short connections from many clients (inbound)', () => {
  const lines = publicHosts(50).flatMap((h, i) => tcpConnection({ client: h, server: ME, clientPort: 50000 + i, serverPort: 443, start: T0 + i * 2, packets: [3, 2] }));
  assert.deepEqual(run(lines), []);
});

test('silent for probes to private hosts (that is lateral scanning, not an internet sweep)', () => {
  const hosts = Array.from({ length: 40 }, (_, i) => `10.0.${2 + (i >> 4)}.${10 + (i & 15)}`);
  assert.deepEqual(run(sweep(hosts, 22)), []);
});

test('silent for a public NTP server answering many clients that also use port 123', () => {
  const lines = publicHosts(40).flatMap((h, i) => [
    flowLine({ src: h, dst: ME, sport: 123, dport: 123, proto: 17, packets: 1, bytes: 76, start: T0 + i * 3 }),
    flowLine({ src: ME, dst: h, sport: 123, dport: 123, proto: 17, packets: 1, bytes: 76, start: T0 + i * 3 }),
  ]);
  assert.deepEqual(run(lines), []);
});

test('silent for UDP traceroutes to many hosts (every trace starts at port 33434)', () => {
  const lines = publicHosts(40).flatMap((h, i) => [0, 1, 2].map((probe) => flowLine({ src: ME, dst: h, sport: 45000 + i, dport: 33434 + probe, proto: 17, packets: 1, bytes: 60, start: T0 + i * 10 })));
  assert.deepEqual(run(lines), []);
});


test('silent for a recursive resolver querying many public name servers (UDP and TCP 53)', () => {
  const hosts = publicHosts(40);
  const queries = hosts.flatMap((h, i) => [
    flowLine({ src: ME, dst: h, sport: 40000 + i, dport: 53, proto: 17, packets: 1, bytes: 72, start: T0 + i }),
    flowLine({ src: h, dst: ME, sport: 53, dport: 40000 + i, proto: 17, packets: 1, bytes: 180, start: T0 + i }),
  ]);
  assert.deepEqual(run(queries), []);
});
