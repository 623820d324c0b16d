import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingCandidate } from '../core/index.js';
import { FindingsService } from './service.js';
import { compileCriteria } from './criteria.js';
import { findingId } from './fingerprint.js';
import { SqliteStore } from '../store/index.js';

function candidate(over: Partial<FindingCandidate> = {}): FindingCandidate {
  return {
    type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 2, accountId: '111122223333', region: 'us-east-1',
    time: Date.UTC(2026, 2, 2, 10, 0), key: 'TARGET|i-0abc', resourceRole: 'TARGET',
    resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0abc' } },
    action: { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { blocked: false, connectionDirection: 'INBOUND', protocol: 'TCP', remoteIpDetails: { ipAddressV4: '203.0.113.1' } } },
    title: 'SSH brute force attacks against i-0abc.', description: 'd',
    ...over,
  };
}

async function store() {
  const s = new SqliteStore(':memory:');
  await s.migrate();
  return s;
}

test('the finding JSON has GuardDuty\'s shape, with a deterministic 32-hex id and detector ARN', async () => {
  const s = await store();
  const svc = new FindingsService(() => '2026-03-02T10:05:00.000Z');
  svc.submit(candidate());
  const { findings: [f] } = await svc.flush(s);
  assert.equal(f.id, findingId('111122223333', 'us-east-1', 'UnauthorizedAccess:EC2/SSHBruteForce', 'TARGET|i-0abc'));
  assert.match(f.id, /^[0-9a-f]{32}$/);
  assert.match(f.arn, new RegExp(`^arn:aws:guardduty:us-east-1:111122223333:detector/[0-9a-f]{32}/finding/${f.id}$`));
  assert.equal(f.schemaVersion, '2.0');
  assert.equal(f.partition, 'aws');
  assert.deepEqual(Object.keys(f.service).sort(), ['action', 'additionalInfo', 'archived', 'count', 'detectorId', 'eventFirstSeen', 'eventLastSeen', 'resourceRole', 'serviceName'].sort());
  assert.equal(f.service.count, 1);
  assert.equal(f.service.eventFirstSeen, '2026-03-02T10:00:00.000Z');
  assert.equal(f.createdAt, '2026-03-02T10:05:00.000Z');
  assert.deepEqual(f.service.additionalInfo, { value: '{}', type: 'default' });
});

test('repeats aggregate: count grows, first/last seen widen, the latest occurrence\'s details win', async () => {
  const s = await store();
  const svc = new FindingsService();
  svc.submit(candidate({ time: Date.UTC(2026, 2, 2, 10, 0) }));
  svc.submit(candidate({ time: Date.UTC(2026, 2, 2, 11, 0), action: { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { blocked: false, connectionDirection: 'INBOUND', protocol: 'TCP', remoteIpDetails: { ipAddressV4: '198.51.100.7' } } } }));
  svc.submit(candidate({ time: Date.UTC(2026, 2, 2, 9, 0), count: 3 })); // late and older: counts, does not overwrite
  const first = await svc.flush(s);
  assert.equal(first.created.length, 1);
  await s.commit({ findings: first.findings });
  const [f] = first.findings;
  assert.equal(f.service.count, 5);
  assert.equal(f.service.eventFirstSeen, '2026-03-02T09:00:00.000Z');
  assert.equal(f.service.eventLastSeen, '2026-03-02T11:00:00.000Z');
  assert.equal(f.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4, '198.51.100.7');
  // next batch: same id, updated not duplicated
  svc.submit(candidate({ time: Date.UTC(2026, 2, 2, 12, 0), severity: 2 }));
  const second = await svc.flush(s);
  assert.equal(second.updated.length, 1);
  assert.equal(second.findings[0].service.count, 6);
  assert.equal(second.findings[0].createdAt, f.createdAt);
  await s.commit({ findings: second.findings });
  assert.equal((await s.queryFindings({})).length, 1);
});

test('suppression rules (ARCHIVE filters) archive matching new findings; NOOP filters do nothing', async () => {
  const s = await store();
  const svc = new FindingsService();
  const detectorId = (await (async () => { svc.submit(candidate()); return (await svc.flush(s)).findings[0].service.detectorId; })());
  svc.setFilters([
    { detectorId, name: 'bastion', action: 'ARCHIVE', rank: 1, findingCriteria: { criterion: { 'resource.instanceDetails.instanceId': { eq: ['i-0abc'] }, type: { eq: ['UnauthorizedAccess:EC2/SSHBruteForce'] } } } },
    { detectorId, name: 'saved', action: 'NOOP', rank: 2, findingCriteria: { criterion: { severity: { gte: 1 } } } },
  ]);
  svc.submit(candidate());
  svc.submit(candidate({ key: 'TARGET|i-0def', resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0def' } } }));
  const r = await svc.flush(s);
  const byInstance = Object.fromEntries(r.findings.map((f) => [f.resource.instanceDetails?.instanceId, f.service.archived]));
  assert.deepEqual(byInstance, { 'i-0abc': true, 'i-0def': false });
  assert.equal(r.suppressed, 1);
});

test('FindingCriteria: old and new operator names, numbers as strings, times, arrays on the path', () => {
  const f = { type: 'Recon:EC2/Portscan', severity: 5, accountId: '111122223333', updatedAt: '2026-03-02T10:00:00.000Z',
    resource: { resourceType: 'Instance', instanceDetails: { networkInterfaces: [{ privateIpAddress: '10.0.0.1' }, { privateIpAddress: '10.0.0.2' }] } },
    service: { archived: false, count: 3 } } as unknown as Finding;
  const t = (criterion: Record<string, object>) => compileCriteria({ criterion })(f);
  assert.equal(t({ type: { eq: ['Recon:EC2/Portscan'] } }), true);
  assert.equal(t({ type: { equals: ['Other', 'Recon:EC2/Portscan'] } }), true);
  assert.equal(t({ type: { neq: ['Recon:EC2/Portscan'] } }), false);
  assert.equal(t({ type: { notEquals: ['Other'] } }), true);
  assert.equal(t({ severity: { eq: ['5'] } }), true);
  assert.equal(t({ severity: { gte: 7 } }), false);
  assert.equal(t({ severity: { greaterThanOrEqual: 4, lessThan: 7 } }), true);
  assert.equal(t({ 'service.archived': { eq: ['false'] } }), true);
  assert.equal(t({ 'service.count': { gt: 2 } }), true);
  assert.equal(t({ updatedAt: { greaterThan: Date.UTC(2026, 2, 2, 9) } }), true);
  assert.equal(t({ updatedAt: { lt: Date.UTC(2026, 2, 2, 9) } }), false);
  assert.equal(t({ 'resource.instanceDetails.networkInterfaces.privateIpAddress': { eq: ['10.0.0.2'] } }), true);
  assert.equal(t({ type: { matches: ['Recon:*'] } }), true);
  assert.equal(t({ type: { notMatches: ['*Portscan'] } }), false);
  assert.equal(t({ type: { eq: ['Recon:EC2/Portscan'] }, accountId: { eq: ['999999999999'] } }), false, 'fields AND');
});

test('candidates of a type outside the catalogue are counted, not stored', async () => {
  const s = await store();
  const svc = new FindingsService();
  svc.submit(candidate({ type: 'Made:Up/Type' }));
  assert.equal((await svc.flush(s)).findings.length, 0);
  assert.equal(svc.unknownTypes.get('Made:Up/Type'), 1);
});
