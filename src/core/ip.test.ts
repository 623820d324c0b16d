import { test } from 'node:test';
import assert from 'node:assert/strict';
import { V4_NON_PUBLIC, intToIpv4, ipv4ToInt, ipv6ToHex, isNonPublicV4, isPublicIp } from './ip.js';

test('isNonPublicV4 agrees with the range table on every boundary and on random addresses', () => {
  const inTable = (n: number) => V4_NON_PUBLIC.some(([net, len]) => len === 0 || (n >>> (32 - len)) === (net >>> (32 - len)));
  const probes: number[] = [];
  for (const [net, len] of V4_NON_PUBLIC) {
    const size = 2 ** (32 - len);
    probes.push(net, net + size - 1, (net - 1) >>> 0, (net + size) >>> 0);
  }
  let seed = 99;
  for (let i = 0; i < 200_000; i++) probes.push((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0));
  for (const n of probes) assert.equal(isNonPublicV4(n >>> 0), inTable(n >>> 0), intToIpv4(n >>> 0));
});

test('address text helpers', () => {
  assert.equal(ipv4ToInt('10.0.0.1'), 0x0a000001);
  assert.equal(ipv4ToInt('256.0.0.1'), -1);
  assert.equal(ipv4ToInt('1.2.3'), -1);
  assert.equal(isPublicIp('8.8.8.8'), true);
  assert.equal(isPublicIp('fd00::1'), false);
  assert.equal(isPublicIp('2606:4700::1111'), true);
  assert.equal(isPublicIp('ec2.amazonaws.com'), false);
  assert.equal(ipv6ToHex('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
});
