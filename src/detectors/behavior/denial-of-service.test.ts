import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, FLOW_V5_HEADER } from '../../testing/harness.js';
import { denialOfService } from './denial-of-service.js';

/** A finding's JSON bags, read loosely in assertions. */
interface Loose { [k: string]: Loose }

const T0 = 1_772_446_500;
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const VICTIM = '93.184.216.34';

function run(lines: string[], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [denialOfService] }).candidates;
}

/** One-minute flow records of a flood: `flows` 5-tuples a minute, each with `packets` packets of `size` bytes. */
function flood(o: { proto: number; dport: number; minutes: number; flows: number; packets: number; size: number; dst?: string; sport?: number }): string[] {
  const out: string[] = [];
  for (let m = 0; m < o.minutes; m++) {
    for (let i = 0; i < o.flows; i++) {
      out.push(flowLine({ src: ME, dst: o.dst ?? VICTIM, sport: o.sport ?? 30000 + i, dport: o.dport, proto: o.proto, packets: o.packets, bytes: o.packets * o.size, start: T0 + m * 60, end: T0 + m * 60 + 59 }));
    }
  }
  return out;
}

test('a SYN flood to one public host raises DenialOfService.Tcp (High) once per window, with the rate', () => {
  const out = run(flood({ proto: 6, dport: 443, minutes: 3, flows: 150, packets: 1_000, size: 60 }));
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Backdoor:EC2/DenialOfService.Tcp');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  assert.equal(c.key, `${ENI}|${VICTIM}`);
  const info = c.additionalInfo as Record<string, number | string>;
  assert.equal(info.target, VICTIM);
  assert.equal(info.packets, 120_000);
  assert.equal(info.avgPacketBytes, 60);
  assert.equal(info.packetsPerSecond, 2000);
  assert.equal(c.action.networkConnectionAction?.connectionDirection, 'OUTBOUND');
  assert.equal(c.action.networkConnectionAction?.protocol, 'TCP');
});

test('UDP, DNS, UDP on TCP ports and ICMP floods get their own types; v5 records name the instance', () => {
  const lines = [
    ...flood({ proto: 17, dport: 27015, minutes: 2, flows: 40, packets: 4_000, size: 512, dst: '198.18.0.1'.replace('198.18', '94.130') }),
    ...flood({ proto: 17, dport: 53, minutes: 2, flows: 40, packets: 4_000, size: 70, dst: '8.8.4.4' }),
    ...flood({ proto: 17, dport: 80, minutes: 2, flows: 40, packets: 4_000, size: 900, dst: '104.18.32.7' }),
    ...flood({ proto: 1, dport: 0, minutes: 2, flows: 1, packets: 150_000, size: 84, dst: '151.101.65.69', sport: 0 }),
    ...flood({ proto: 2, dport: 0, minutes: 2, flows: 1, packets: 150_000, size: 40, dst: '151.101.65.70', sport: 0 }),
  ];
  assert.deepEqual(run(lines).map((c) => [c.type, (c.additionalInfo as unknown as Loose).target]), [
    ['Backdoor:EC2/DenialOfService.Udp', '94.130.0.1'],
    ['Backdoor:EC2/DenialOfService.Dns', '8.8.4.4'],
    ['Backdoor:EC2/DenialOfService.UdpOnTcpPorts', '104.18.32.7'],
    ['Backdoor:EC2/DenialOfService.UnusualProtocol', '151.101.65.69'],
    ['Backdoor:EC2/DenialOfService.UnusualProtocol', '151.101.65.70'],
  ]);
  const v5 = Array.from({ length: 120 }, (_, i) => flowLineV5({ src: ME, dst: VICTIM, sport: 20000 + i, dport: 80, packets: 1_000, bytes: 40_000, start: T0, end: T0 + 59, direction: 'egress', tcpFlags: 2 }));
  const [c] = run(v5, FLOW_V5_HEADER);
  assert.equal(c.type, 'Backdoor:EC2/DenialOfService.Tcp');
  assert.equal(c.resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
});

test('silent for a bulk upload (full-size TCP packets), a VPN tunnel, and a busy host under the rate', () => {
  assert.deepEqual(run(flood({ proto: 6, dport: 443, minutes: 5, flows: 4, packets: 100_000, size: 1_440, dst: '52.216.8.1' })), []);
  assert.deepEqual(run(flood({ proto: 50, dport: 0, minutes: 5, flows: 1, packets: 300_000, size: 1_200, dst: '52.1.2.3', sport: 0 })), []);
  assert.deepEqual(run(flood({ proto: 17, dport: 443, minutes: 5, flows: 2, packets: 60_000, size: 1_250, dst: '142.250.1.1' })), []); // QUIC upload
  assert.deepEqual(run(flood({ proto: 6, dport: 443, minutes: 5, flows: 10, packets: 1_000, size: 60 })), []); // 166 packets/s
});

test('silent for the same packets spread over many targets, private targets, and inbound floods', () => {
  const spread = Array.from({ length: 100 }, (_, i) => flood({ proto: 17, dport: 53, minutes: 1, flows: 1, packets: 1_500, size: 80, dst: `45.${60 + i}.10.1` })).flat();
  assert.deepEqual(run(spread), []);
  assert.deepEqual(run(flood({ proto: 6, dport: 5432, minutes: 3, flows: 50, packets: 1_000, size: 60, dst: '10.0.2.40' })), []);
  const inbound = Array.from({ length: 150 }, (_, i) => flowLine({ src: VICTIM, dst: ME, sport: 30000 + i, dport: 443, packets: 1_000, bytes: 60_000, start: T0, end: T0 + 59 }));
  assert.deepEqual(run(inbound), []);
});
