import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from '../../testing/harness.js';
import type { FlowEvent } from '../../core/index.js';

const V2 = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const flows = (text: string, opts = {}) => parseText('vpcflow', text, opts);

test('v2 default format with its header: every field typed', () => {
  const out = flows(`${V2}\n2 123456789012 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n`);
  assert.equal(out.events.length, 1);
  const e = out.events[0] as FlowEvent;
  assert.deepEqual([e.version, e.accountId, e.interfaceId, e.srcAddr, e.dstAddr, e.srcPort, e.dstPort, e.protocol, e.packets, e.bytes, e.time, e.end, e.action],
    [2, '123456789012', 'eni-1235b8ca123456789', '172.31.16.139', '172.31.16.21', 20641, 22, 6, 20, 4249, 1418530010000, 1418530070000, 'ACCEPT']);
});

test('custom v3–v5 field orders are read from the header', () => {
  const header = 'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status region az-id flow-direction traffic-path';
  const line = '5 vpc-0a1b subnet-0c2d i-01234567890abcdef eni-0e3f 123456789012 IPv4 10.0.1.5 52.95.110.1 49761 443 10.0.1.5 52.95.110.1 6 5960 12 1700000000 1700000060 ACCEPT 19 OK eu-central-1 euc1-az2 egress 8';
  const e = flows(`${header}\n${line}\n`).events[0] as FlowEvent;
  assert.deepEqual([e.vpcId, e.subnetId, e.instanceId, e.interfaceId, e.srcPort, e.dstPort, e.bytes, e.packets, e.tcpFlags, e.region, e.flowDirection],
    ['vpc-0a1b', 'subnet-0c2d', 'i-01234567890abcdef', 'eni-0e3f', 49761, 443, 5960, 12, 19, 'eu-central-1', 'egress']);
});

test('v7/v8 fields (ECS, reject-reason) are accepted and ignored', () => {
  const header = `${V2} ecs-cluster-name ecs-task-id reject-reason`;
  const out = flows(`${header}\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 REJECT OK my-cluster 0123abcd BPA\n`);
  assert.equal(out.events.length, 1);
  assert.equal((out.events[0] as FlowEvent).action, 'REJECT');
  assert.deepEqual(out.bad, []);
});

test('NODATA and SKIPDATA records are counted as skipped, not bad', () => {
  const out = flows(`${V2}\n2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - SKIPDATA\n`);
  assert.deepEqual(out.events, []);
  assert.deepEqual(out.bad, []);
  assert.deepEqual(out.skipped, { nodata: 1, skipdata: 1 });
});

test('"-" values read as absent; IPv6 addresses parse', () => {
  const e = flows(`${V2}\n2 123456789012 eni-1 2001:db8:1234:a100::10 2606:4700::6810:84e5 - - 58 3 216 1700000000 1700000060 ACCEPT OK\n`).events[0] as FlowEvent;
  assert.equal(e.srcAddr, '2001:db8:1234:a100::10');
  assert.equal(e.dstAddr, '2606:4700::6810:84e5');
  assert.equal(e.srcPort, -1);
  assert.equal(e.protocol, 58);
});

test('a line with a missing field is bad (flow-field-count) and the rest of the file still parses', () => {
  const out = flows(`${V2}\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 6 1 40 1700000000 1700000060 ACCEPT OK\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 5 443 6 1 40 1700000000 1700000060 ACCEPT OK\n`);
  assert.equal(out.events.length, 1);
  assert.deepEqual(out.bad.map((b) => [b.reason, b.position]), [['flow-field-count', 2]]);
});

test('invalid values are bad with the field named: port out of range, letters in numbers, unknown action', () => {
  const out = flows([V2,
    '2 123456789012 eni-1 10.0.0.1 10.0.0.2 70000 443 6 1 40 1700000000 1700000060 ACCEPT OK',
    '2 123456789012 eni-1 10.0.0.1 10.0.0.2 5 443 6 x1 40 1700000000 1700000060 ACCEPT OK',
    '2 123456789012 eni-1 10.0.0.1 10.0.0.2 5 443 6 1 40 1700000000 1700000060 MAYBE OK', ''].join('\n'));
  assert.deepEqual(out.events, []);
  assert.deepEqual(out.bad.map((b) => b.reason), ['flow-field-invalid', 'flow-field-invalid', 'flow-field-invalid']);
  assert.match(out.bad[0].excerpt, /^srcport/);
  assert.match(out.bad[1].excerpt, /^packets/);
  assert.match(out.bad[2].excerpt, /^action/);
});

test('files without a header use the v2 default, or --flow-fields; CloudWatch timestamp prefixes and CRLF are handled', () => {
  const plain = flows('2 123456789012 eni-1 10.0.0.1 10.0.0.2 5 443 6 1 40 1700000000 1700000060 ACCEPT OK\r\n');
  assert.equal((plain.events[0] as FlowEvent).dstPort, 443);
  const custom = flows('2023-11-14T22:13:20.000Z eni-9 10.0.0.1 10.0.0.2 5 22\n', { flowFields: ['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport'] });
  assert.equal(custom.bad.length, 1); // no start time: cannot place it in time
  const withTime = flows('eni-9 10.0.0.1 10.0.0.2 5 22 1700000000\n', { flowFields: ['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'start'] });
  const e = withTime.events[0] as FlowEvent;
  assert.deepEqual([e.interfaceId, e.dstPort, e.time], ['eni-9', 22, 1700000000000]);
});

test('chunk boundaries anywhere give identical results', () => {
  const lines = [V2];
  for (let i = 0; i < 50; i++) lines.push(`2 123456789012 eni-1 10.0.0.${i} 10.0.1.1 ${1000 + i} 443 6 ${i + 1} ${i * 40} 1700000000 1700000060 ACCEPT OK`);
  const text = lines.join('\n') + '\n';
  const whole = flows(text).events as FlowEvent[];
  for (const chunkSize of [1, 13, 100]) {
    const parts = flows(text, { chunkSize }).events as FlowEvent[];
    assert.deepEqual(parts.map((e) => [e.srcAddr, e.srcPort, e.bytes]), whole.map((e) => [e.srcAddr, e.srcPort, e.bytes]));
  }
  assert.equal(whole.length, 50);
});

test('times outside 2000–2099 and absurdly long fields are flow-field-invalid; neighbours are read', () => {
  const ok = '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 40 1700000000 1700000060 ACCEPT OK';
  const out = flows([V2, ok,
    '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 40 99999999999999 99999999999999 ACCEPT OK',
    '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 40 12 60 ACCEPT OK',
    `2 123456789012 eni-${'f'.repeat(4000)} 10.0.0.1 10.0.0.2 443 49152 6 1 40 1700000000 1700000060 ACCEPT OK`,
    ok].join('\r'), { chunkSize: 33 });
  assert.equal(out.events.length, 2, 'CR-only line ends are lines too');
  assert.deepEqual(out.bad.map((b) => [b.reason, b.position]), [['flow-field-invalid', 3], ['flow-field-invalid', 4], ['flow-field-invalid', 5]]);
});
