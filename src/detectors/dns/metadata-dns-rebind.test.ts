import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, dnsLine } from '../../testing/harness.js';
import { metadataDnsRebind } from './metadata-dns-rebind.js';

function run(lines: string[]) {
  return detect([{ kind: 'dns', text: lines.join('\n') + '\n' }], { detectors: [metadataDnsRebind] }).candidates;
}

const IMDS_A = [{ Rdata: '169.254.169.254', Type: 'A', Class: 'IN' }];

test('a domain resolving to 169.254.169.254 raises MetadataDNSRebind (High) on the querying instance', () => {
  const [c, ...rest] = run([dnsLine({ query_name: '7f000001.a9fea9fe.rbndr.us.', answers: IMDS_A, srcaddr: '10.0.1.25', srcport: '51234' })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'UnauthorizedAccess:EC2/MetadataDNSRebind');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'Instance');
  assert.equal(c.resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ vpcId: 'vpc-0a1b2c3d4e5f60718', privateIpAddress: '10.0.1.25' }]);
  assert.equal(c.action.actionType, 'DNS_REQUEST');
  assert.deepEqual(c.action.dnsRequestAction, { domain: '7f000001.a9fea9fe.rbndr.us', protocol: 'UDP', blocked: false, vpcOwnerAccountId: '111122223333' });
  assert.deepEqual(c.additionalInfo, { domain: '7f000001.a9fea9fe.rbndr.us', answer: '169.254.169.254' });
  assert.equal(c.time, Date.parse('2026-03-02T10:15:00Z'));
  assert.equal(c.key, 'i-0a1b2c3d4e5f60718|7f000001.a9fea9fe.rbndr.us');
});

test('the IMDS address behind a CNAME, and the IPv6 IMDS address, count too', () => {
  const out = run([
    dnsLine({ query_name: 'Metadata.Attacker-Example.com.', answers: [{ Rdata: 'imds.attacker-example.net.', Type: 'CNAME', Class: 'IN' }, ...IMDS_A] }),
    dnsLine({ query_name: '169.254.169.254.nip.io.', query_type: 'A', answers: IMDS_A, transport: 'TCP' }),
    dnsLine({ query_name: 'v6.attacker-example.com.', query_type: 'AAAA', answers: [{ Rdata: 'fd00:ec2::254', Type: 'AAAA', Class: 'IN' }] }),
  ]);
  assert.deepEqual(out.map((c) => [c.action.dnsRequestAction?.domain, c.action.dnsRequestAction?.protocol, c.additionalInfo?.answer]), [
    ['metadata.attacker-example.com', 'UDP', '169.254.169.254'],
    ['169.254.169.254.nip.io', 'TCP', '169.254.169.254'],
    ['v6.attacker-example.com', 'UDP', 'fd00:ec2::254'],
  ]);
});

test('without an instance id the finding names the VPC and source address', () => {
  const [c] = run([dnsLine({ query_name: 'rebind.attacker-example.com.', answers: IMDS_A, srcaddr: '10.0.7.44', srcids: {} })]);
  assert.equal(c.resource.instanceDetails?.instanceId, undefined);
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ vpcId: 'vpc-0a1b2c3d4e5f60718', privateIpAddress: '10.0.7.44' }]);
  assert.equal(c.key, 'vpc-0a1b2c3d4e5f60718/10.0.7.44|rebind.attacker-example.com');
});

test('silent for AWS\'s own metadata names, other link-local answers, ordinary answers and NXDOMAIN', () => {
  const out = run([
    dnsLine({ query_name: 'instance-data.ec2.internal.', answers: IMDS_A }),
    dnsLine({ query_name: 'instance-data.', answers: IMDS_A }),
    dnsLine({ query_name: 'instance-data.eu-west-1.compute.internal.', region: 'eu-west-1', answers: IMDS_A }),
    dnsLine({ query_name: 'ntp.attacker-example.com.', answers: [{ Rdata: '169.254.169.123', Type: 'A', Class: 'IN' }] }),
    dnsLine({ query_name: 'sts.us-east-1.amazonaws.com.', answers: [{ Rdata: '209.54.177.164', Type: 'A', Class: 'IN' }] }),
    dnsLine({ query_name: 'rebind.attacker-example.com.', rcode: 'NXDOMAIN', answers: [] }),
    dnsLine({ query_name: 'txt.attacker-example.com.', query_type: 'TXT', answers: [{ Rdata: '"169.254.169.254"', Type: 'TXT', Class: 'IN' }] }),
  ]);
  assert.deepEqual(out, []);
});

test('the IPv6 metadata address written out in full is recognised too', () => {
  const [c] = run([dnsLine({ query_name: 'v6full.attacker-example.com.', query_type: 'AAAA', answers: [{ Rdata: 'FD00:EC2:0:0:0:0:0:254', Type: 'AAAA', Class: 'IN' }] })]);
  assert.equal(c.additionalInfo?.answer, 'FD00:EC2:0:0:0:0:0:254');
});
