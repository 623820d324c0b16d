import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, tcpConnection, FLOW_V5_HEADER } from '../testing/harness.js';
import { defineDetector } from '../engine/index.js';

interface Seen { src: string; dst: string; direction: string; local: string; localPort: number; remote: string; remotePort: number; remotePublic: boolean }

/** Runs flow text through the real parser and enrichers and returns what the enricher published per record. */
function enrich(text: string): Seen[] {
  const seen: Seen[] = [];
  const capture = defineDetector({
    id: 'capture', description: 'test', kinds: ['vpcflow'], findingTypes: [],
    onEvent(e) {
      const en = e.enrich;
      seen.push({ src: e.srcAddr, dst: e.dstAddr, direction: en.direction, local: en.localAddr, localPort: en.localPort, remote: en.remoteAddr, remotePort: en.remotePort, remotePublic: en.remotePublic });
    },
  });
  detect([{ kind: 'vpcflow', text }], { detectors: [capture] });
  return seen;
}

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z
const ME = '10.0.1.25';

test('v5 flow-direction names the local side; tcp-flags SYN / SYN-ACK name the initiator', () => {
  // an SSH login from outside: the client's SYN arrives (ingress), the server's SYN-ACK|FIN leaves (egress)
  const seen = enrich(flowFile([
    flowLineV5({ src: '91.240.118.172', dst: ME, sport: 51514, dport: 22, packets: 14, bytes: 2831, start: T0, direction: 'ingress', tcpFlags: 3 }),
    flowLineV5({ src: ME, dst: '91.240.118.172', sport: 22, dport: 51514, packets: 12, bytes: 3247, start: T0, direction: 'egress', tcpFlags: 19 }),
  ], FLOW_V5_HEADER));
  assert.deepEqual(seen.map((s) => [s.direction, s.local, s.localPort, s.remote, s.remotePort, s.remotePublic]), [
    ['INBOUND', ME, 22, '91.240.118.172', 51514, true],
    ['INBOUND', ME, 22, '91.240.118.172', 51514, true],
  ]);
});

test('v5 flow-direction decides between two private addresses where nothing else could', () => {
  // the interface is 10.0.3.7 (a database); its very first records are with an app server
  const seen = enrich(flowFile([
    flowLineV5({ src: '10.0.1.25', dst: '10.0.3.7', sport: 45678, dport: 5432, packets: 9, bytes: 1321, start: T0, direction: 'ingress', tcpFlags: 2 }),
    flowLineV5({ src: '10.0.3.7', dst: '10.0.1.25', sport: 5432, dport: 45678, packets: 7, bytes: 2210, start: T0, direction: 'egress', tcpFlags: 18 }),
  ], FLOW_V5_HEADER));
  assert.deepEqual(seen.map((s) => [s.direction, s.local, s.remote]), [['INBOUND', '10.0.3.7', '10.0.1.25'], ['INBOUND', '10.0.3.7', '10.0.1.25']]);
});

test('a SYN decides the initiator when the ports would mislead (a server listening in the ephemeral range)', () => {
  const peer = '52.94.133.131';
  const seen = enrich(flowFile([
    flowLineV5({ src: ME, dst: peer, sport: 33012, dport: 50000, packets: 6, bytes: 740, start: T0, direction: 'egress', tcpFlags: 3 }),
    flowLineV5({ src: peer, dst: ME, sport: 50000, dport: 33012, packets: 5, bytes: 1820, start: T0, direction: 'ingress', tcpFlags: 19 }),
    // a later window of a long connection carries no SYN: the ports decide (service 443 answers)
    flowLineV5({ src: ME, dst: '54.239.28.85', sport: 43210, dport: 443, packets: 3, bytes: 180, start: T0 + 60, direction: 'egress', tcpFlags: 1 }),
  ], FLOW_V5_HEADER));
  assert.deepEqual(seen.map((s) => s.direction), ['OUTBOUND', 'OUTBOUND', 'OUTBOUND']);
  assert.deepEqual([seen[0].localPort, seen[0].remotePort], [33012, 50000]);
});

test('without flow-direction (v2) the interface address is learned as the most frequent one', () => {
  const peers = ['54.239.28.85', '52.94.133.131', '151.101.1.69'];
  const lines = peers.flatMap((p, i) => tcpConnection({ client: ME, server: p, clientPort: 41000 + i, serverPort: 443, start: T0 + i, packets: [18, 24] }));
  // then private-to-private traffic, where public/private cannot tell the sides apart
  lines.push(
    ...tcpConnection({ client: ME, server: '10.0.3.7', clientPort: 45678, serverPort: 5432, start: T0 + 10 }),
    ...tcpConnection({ client: '10.0.4.9', server: ME, clientPort: 51000, serverPort: 22, start: T0 + 20, packets: [240, 310] }),
  );
  const seen = enrich(flowFile(lines)).slice(6);
  assert.deepEqual(seen.map((s) => [s.direction, s.local, s.remote, s.remotePublic]), [
    ['OUTBOUND', ME, '10.0.3.7', false],
    ['OUTBOUND', ME, '10.0.3.7', false],
    ['INBOUND', ME, '10.0.4.9', false],
    ['INBOUND', ME, '10.0.4.9', false],
  ]);
});

test('an interface\'s first records: the private side of a private/public pair is local', () => {
  const seen = enrich(flowFile([
    flowLine({ src: '162.142.125.221', dst: ME, sport: 40219, dport: 3389, packets: 1, bytes: 44, start: T0, action: 'REJECT' }),
    flowLine({ src: '10.0.2.14', dst: '8.8.8.8', sport: 53211, dport: 53, proto: 17, packets: 1, bytes: 72, start: T0, eni: 'eni-0ffee1234567890ab' }),
    flowLine({ src: '8.8.8.8', dst: '10.0.2.14', sport: 53, dport: 53211, proto: 17, packets: 1, bytes: 136, start: T0, eni: 'eni-0ffee1234567890ab' }),
  ]));
  assert.deepEqual(seen.map((s) => [s.direction, s.local, s.localPort, s.remote, s.remotePort, s.remotePublic]), [
    ['INBOUND', ME, 3389, '162.142.125.221', 40219, true],
    ['OUTBOUND', '10.0.2.14', 53211, '8.8.8.8', 53, true],
    ['OUTBOUND', '10.0.2.14', 53211, '8.8.8.8', 53, true],
  ]);
});

test('ports decide the initiator without flags: a service port answers an ephemeral one; between two high ports the higher is the client', () => {
  const seen = enrich(flowFile([
    ...tcpConnection({ client: '185.156.73.54', server: ME, clientPort: 50123, serverPort: 5986, start: T0 }),
    ...tcpConnection({ client: '185.156.73.54', server: ME, clientPort: 58211, serverPort: 40005, start: T0 + 5 }),
    ...tcpConnection({ client: ME, server: '185.156.73.54', clientPort: 39876, serverPort: 8443, start: T0 + 9 }),
  ]));
  assert.deepEqual(seen.map((s) => [s.direction, s.localPort]), [
    ['INBOUND', 5986], ['INBOUND', 5986],
    ['INBOUND', 40005], ['INBOUND', 40005],
    ['OUTBOUND', 39876], ['OUTBOUND', 39876],
  ]);
});
