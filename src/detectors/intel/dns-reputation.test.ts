import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, dnsLine, intelServices } from '../../testing/harness.js';
import { dnsReputation } from './dns-reputation.js';

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const T0 = Date.UTC(2026, 2, 2, 10);

function run(lines: string[], services = intelServices({})) {
  return detect([{ kind: 'dns', text: lines.join('\n') + '\n' }], { detectors: [dnsReputation], services }).candidates;
}

/** A day of routine queries, so the account has DNS history before the test query. */
const history = [dnsLine({ query_timestamp: at(T0), query_name: 'api.github.com.' }), dnsLine({ query_timestamp: at(T0 + 3600_000), query_name: 'home-nas.duckdns.org.' })];

test('a never-seen dynamic-DNS name raises AbusedDomainRequest.Reputation (Medium) with the features in the evidence', () => {
  const [c, ...rest] = run([...history, dnsLine({ query_timestamp: at(T0 + DAY + 60_000), query_name: 'payroll-update.duckdns.org.' })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Impact:EC2/AbusedDomainRequest.Reputation');
  assert.equal(c.severity, 5);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
  assert.equal(c.action.dnsRequestAction?.domain, 'payroll-update.duckdns.org');
  assert.deepEqual(c.additionalInfo?.reputation, { score: 4, features: ['dynamicDns', 'firstSeen'] });
});

test('mining names under abused providers are Bitcoin (High); sinkhole answers Malicious (High); random names on abused TLDs Suspicious (Low)', () => {
  const out = run([...history,
    dnsLine({ query_timestamp: at(T0 + DAY + 1000), query_name: 'xmr-stratum.minerfarm.ddns.net.' }),
    dnsLine({ query_timestamp: at(T0 + DAY + 2000), query_name: 'cdn.updates-check.net.', answers: [{ Rdata: '0.0.0.0', Type: 'A', Class: 'IN' }] }),
    dnsLine({ query_timestamp: at(T0 + DAY + 3000), query_name: 'k9xq3vz7wmb2tp.top.' }),
  ]);
  assert.deepEqual(out.map((c) => [c.type, c.severity]), [
    ['Impact:EC2/BitcoinDomainRequest.Reputation', 8],
    ['Impact:EC2/MaliciousDomainRequest.Reputation', 8],
    ['Impact:EC2/SuspiciousDomainRequest.Reputation', 2],
  ]);
});

test('silent: names the account used before, the first day of history, popular domains, AWS names, and names a list already matched', () => {
  assert.deepEqual(run([...history, dnsLine({ query_timestamp: at(T0 + DAY + 60_000), query_name: 'home-nas.duckdns.org.' })]), []);
  assert.deepEqual(run([dnsLine({ query_timestamp: at(T0), query_name: 'payroll-update.duckdns.org.' })]), [], 'no history yet: not "first seen"');
  assert.deepEqual(run([...history, dnsLine({ query_timestamp: at(T0 + DAY + 1), query_name: 'www.google.com.' }),
    dnsLine({ query_timestamp: at(T0 + DAY + 2), query_name: 'ec2.us-east-1.amazonaws.com.' })]), []);
  const listed = intelServices({ threat: [{ name: 'mine', purpose: 'custom', entries: ['payroll-update.duckdns.org'] }] });
  assert.deepEqual(run([...history, dnsLine({ query_timestamp: at(T0 + DAY + 60_000), query_name: 'payroll-update.duckdns.org.' })], listed), []);
});
