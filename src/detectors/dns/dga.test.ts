import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { detect, dnsLine } from '../../testing/harness.js';
import { dgaDomainRequest, dgaScore } from './dga.js';
import { dgaModel } from './dga-model.js';

/** A finding's JSON bags, read loosely in assertions. */
interface Loose { [k: string]: Loose }

function run(lines: string[]) {
  return detect([{ kind: 'dns', text: lines.join('\n') + '\n' }], { detectors: [dgaDomainRequest] }).candidates;
}

const at = (s: number) => new Date(Date.parse('2026-03-02T10:15:00Z') + s * 1000).toISOString().replace('.000', '');
const NX = { rcode: 'NXDOMAIN', answers: [] };
/** Consonant-heavy generated names, as a DGA emits them (made up here). */
const GENERATED = ['xjwqpkzhtrvbnq.com', 'qwhfzkplmxrt.biz', 'vbnmtrxqzlk.info', 'lkjhgzxcvqwrt.org', 'mjxkqvbwzprt.net', 'zzqxkvrtpmnbw.net'];

test('a generated-looking domain raises DGADomainRequest.B (High) on the instance, with the model score', () => {
  const [c, ...rest] = run([dnsLine({ query_name: 'www.xjwqpkzhtrvbnq.com.', answers: [{ Rdata: '45.61.136.7', Type: 'A', Class: 'IN' }] })]);
  assert.equal(rest.length, 0);
  assert.equal(c.type, 'Trojan:EC2/DGADomainRequest.B');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.equal(c.resource.instanceDetails?.instanceId, 'i-0a1b2c3d4e5f60718');
  assert.equal(c.key, 'i-0a1b2c3d4e5f60718');
  assert.equal(c.action.dnsRequestAction?.domain, 'www.xjwqpkzhtrvbnq.com');
  const info = c.additionalInfo as unknown as Loose;
  assert.equal(info.registeredDomain, 'xjwqpkzhtrvbnq.com');
  assert.ok(Number(info.dgaScore) >= dgaModel().threshold && Number(info.dgaScore) <= 1);
  assert.equal(info.rcode, 'NOERROR');
});

test('five distinct generated domains within 30 minutes, mostly NXDOMAIN, raise DGADomainRequest.C!DNS once', () => {
  const out = run(GENERATED.map((n, i) => dnsLine({ query_name: `${n}.`, query_timestamp: at(i * 60), ...NX })));
  const c = out.filter((x) => x.type === 'Trojan:EC2/DGADomainRequest.C!DNS');
  assert.equal(c.length, 1);
  assert.equal(c[0].severity, 8);
  assert.deepEqual((c[0].additionalInfo as unknown as Loose).domains, GENERATED.slice(0, 5));
  assert.equal((c[0].additionalInfo as unknown as Loose).nxdomain, 5);
  assert.equal(out.filter((x) => x.type === 'Trojan:EC2/DGADomainRequest.B').length, 6);
});

test('no burst when the generated domains are spread over hours or mostly resolve', () => {
  const spread = run(GENERATED.map((n, i) => dnsLine({ query_name: `${n}.`, query_timestamp: at(i * 3600), ...NX })));
  assert.equal(spread.filter((x) => x.type === 'Trojan:EC2/DGADomainRequest.C!DNS').length, 0);
  const resolved = run(GENERATED.map((n, i) => dnsLine({ query_name: `${n}.`, query_timestamp: at(i * 60) })));
  assert.equal(resolved.filter((x) => x.type === 'Trojan:EC2/DGADomainRequest.C!DNS').length, 0);
});

test('silent for ordinary, popular, AWS, internal, short and numeric names', () => {
  const names = ['www.wikipedia.org', 'api.stripe.com', 'registry.npmjs.org', 'grafana.net', 'my-company-portal.com', 'artifactory.mycorp.com',
    'ec2.us-east-1.amazonaws.com', 'ip-10-0-1-25.ec2.internal', 'xkcd.com', 'qq.com', '25.1.0.10.in-addr.arpa', '163.com', 'sqs.eu-west-1.amazonaws.com',
    'kaleidescape.com', 'launchdarkly.com', 'snowflakecomputing.com', 'mongodb.net', 'hashicorp.com'];
  assert.deepEqual(run(names.map((n, i) => dnsLine({ query_name: `${n}.`, query_timestamp: at(i) }))), []);
});

const DATA = new URL('../../../../shared/data/dns/dga-andrewaeva-1000domains/', import.meta.url);

test('on the public DGA families: most generated names score above the threshold, benign popular names below', { skip: !existsSync(DATA) }, () => {
  const read = (f: string) => readFileSync(new URL(f, DATA), 'utf8').split(/\r?\n/).filter(Boolean).slice(0, 300);
  const th = dgaModel().threshold;
  const rate = (names: string[]) => names.filter((n) => dgaScore(n.toLowerCase()).score >= th).length / names.length;
  assert.ok(rate(read('ramdo_1000.txt')) > 0.9);
  assert.ok(rate(read('cryptolocker_1000.txt')) > 0.8);
  assert.ok(rate(read('zeus_1000.txt')) > 0.8);
  const popular = readFileSync(new URL('../../../data/popular-domains.txt', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(rate(popular) < 0.01);
});
