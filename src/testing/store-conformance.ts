/**
 * The store conformance suite: what every Store backend must do. Each backend's test calls
 * `storeConformance(name, open)`; the PostgreSQL store will run the same suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../core/index.js';
import type { Store } from '../store/types.js';

export function sampleFinding(id: string, over: { type?: string; severity?: number; accountId?: string; archived?: boolean; updatedAt?: string } = {}): Finding {
  return {
    schemaVersion: '2.0', accountId: over.accountId ?? '111122223333', region: 'us-east-1', partition: 'aws', id,
    arn: `arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/${id}`, type: over.type ?? 'Recon:EC2/Portscan',
    title: 't', description: 'd', severity: over.severity ?? 5, createdAt: '2026-03-02T10:00:00.000Z', updatedAt: over.updatedAt ?? '2026-03-02T10:00:00.000Z',
    resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-1' } },
    service: { serviceName: 'guardduty', detectorId: 'd', archived: over.archived ?? false, count: 1, eventFirstSeen: '2026-03-02T09:00:00.000Z',
      eventLastSeen: '2026-03-02T10:00:00.000Z', resourceRole: 'ACTOR', action: { actionType: 'NETWORK_CONNECTION' }, additionalInfo: { value: '{}', type: 'default' } },
  };
}

const CONNECTION = { blocked: false, connectionDirection: 'OUTBOUND' as const, protocol: 'TCP' };

export function storeConformance(name: string, open: () => Promise<Store>): void {
  const fresh = async () => { const s = await open(); await s.migrate(); return s; };

  test(`${name}: migrate is idempotent`, async () => {
    const s = await fresh();
    await s.migrate();
    assert.equal((await s.countFindings()).total, 0);
    await s.close();
  });

  test(`${name}: commit upserts findings and round-trips the JSON exactly`, async () => {
    const s = await fresh();
    const f = sampleFinding('a'.repeat(32));
    await s.commit({ findings: [f] });
    assert.deepEqual(await s.getFindings([f.id, 'missing']), [f]);
    const updated = { ...f, severity: 8, service: { ...f.service, count: 7 } };
    await s.commit({ findings: [updated] });
    const [got] = await s.getFindings([f.id]);
    assert.equal(got.service.count, 7);
    assert.equal((await s.countFindings()).total, 1);
    await s.close();
  });

  test(`${name}: queries filter by type, severity level, account and archived; sort and page`, async () => {
    const s = await fresh();
    await s.commit({ findings: [
      sampleFinding('1'.repeat(32), { severity: 2, type: 'A:B/C', updatedAt: '2026-03-02T10:00:01.000Z' }),
      sampleFinding('2'.repeat(32), { severity: 5.5, accountId: '444455556666' }),
      sampleFinding('3'.repeat(32), { severity: 8, archived: true }),
      sampleFinding('4'.repeat(32), { severity: 7.2 }),
    ] });
    const ids = (fs: Finding[]) => fs.map((f) => f.id[0]);
    assert.deepEqual(ids(await s.queryFindings({})), ['3', '4', '2', '1']);
    assert.deepEqual(ids(await s.queryFindings({ archived: false })), ['4', '2', '1']);
    assert.deepEqual(ids(await s.queryFindings({ severities: ['High'] })), ['3', '4']);
    assert.deepEqual(ids(await s.queryFindings({ severities: ['Low', 'Medium'] })), ['2', '1']);
    assert.deepEqual(ids(await s.queryFindings({ types: ['A:B/C'] })), ['1']);
    assert.deepEqual(ids(await s.queryFindings({ accountIds: ['444455556666'] })), ['2']);
    assert.deepEqual(ids(await s.queryFindings({ limit: 2, offset: 1 })), ['4', '2']);
    assert.deepEqual(ids(await s.queryFindings({ sort: { field: 'severity', order: 'ASC' } })), ['1', '2', '4', '3']);
    const c = await s.countFindings();
    assert.deepEqual([c.total, c.archived, c.bySeverity.High, c.byType['Recon:EC2/Portscan']], [4, 1, 2, 3]);
    await s.close();
  });

  test(`${name}: archive and unarchive change the stored JSON too`, async () => {
    const s = await fresh();
    const f = sampleFinding('b'.repeat(32));
    await s.commit({ findings: [f] });
    assert.equal(await s.setArchived([f.id, 'nope'], true), 1);
    assert.equal((await s.getFindings([f.id]))[0].service.archived, true);
    assert.equal(await s.setArchived([f.id], true), 0);
    assert.deepEqual((await s.queryFindings({ archived: true })).map((x) => x.id), [f.id]);
    assert.equal(await s.setArchived([f.id], false), 1);
    await s.close();
  });

  test(`${name}: findings can be deleted (retention)`, async () => {
    const s = await fresh();
    const f = sampleFinding('d'.repeat(32));
    await s.commit({ findings: [f] });
    assert.equal(await s.deleteFindings([f.id, 'nope']), 1);
    assert.deepEqual(await s.getFindings([f.id]), []);
    assert.equal(await s.deleteFindings([f.id]), 0);
    await s.close();
  });

  test(`${name}: processed objects and detector state commit with the findings and read back`, async () => {
    const s = await fresh();
    await s.commit({
      objects: [{ fingerprint: 'fp1', uri: '/x', kind: 'cloudtrail', size: 10, records: 2, bad: 0, processedAt: '2026-03-02T10:00:00.000Z' }],
      state: [{ namespace: 'brute-force/windows', data: { v: 1, entries: [['k', { n: 1 }, 123]] } }],
    });
    assert.deepEqual([...await s.processedObjects(['fp1', 'fp2'])], ['fp1']);
    assert.deepEqual(await s.loadState(), [{ namespace: 'brute-force/windows', data: { v: 1, entries: [['k', { n: 1 }, 123]] } }]);
    await s.close();
  });

  test(`${name}: filters are stored per detector, ordered by rank`, async () => {
    const s = await fresh();
    await s.putFilter({ detectorId: 'd1', name: 'b', action: 'ARCHIVE', rank: 2, findingCriteria: { criterion: { type: { eq: ['x'] } } } });
    await s.putFilter({ detectorId: 'd1', name: 'a', action: 'NOOP', rank: 1, findingCriteria: { criterion: {} }, description: 'saved view' });
    await s.putFilter({ detectorId: 'd2', name: 'c', action: 'ARCHIVE', rank: 1, findingCriteria: { criterion: {} } });
    assert.deepEqual((await s.listFilters('d1')).map((f) => f.name), ['a', 'b']);
    assert.equal((await s.listFilters()).length, 3);
    assert.equal(await s.deleteFilter('d1', 'b'), true);
    assert.equal(await s.deleteFilter('d1', 'b'), false);
    await s.close();
  });

  test(`${name}: intel lists are stored by id with unique names`, async () => {
    const s = await fresh();
    const list = { id: 'c'.repeat(32), name: 'Tor exits', role: 'THREAT' as const, format: 'TXT' as const, location: '/x.txt', purpose: 'tor-exit' as const,
      activate: true, status: 'ACTIVE' as const, refreshSeconds: 3600, createdAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z' };
    await s.putIntelList(list);
    await s.putIntelList({ ...list, status: 'ERROR', statusReason: 'HTTP 404' });
    assert.deepEqual((await s.listIntelLists()).map((l) => [l.name, l.status, l.statusReason]), [['Tor exits', 'ERROR', 'HTTP 404']]);
    await assert.rejects(s.putIntelList({ ...list, id: 'd'.repeat(32) }), /UNIQUE/);
    assert.equal(await s.deleteIntelList(list.id), true);
    assert.deepEqual(await s.listIntelLists(), []);
    await s.close();
  });

  test(`${name}: pages of findings by criteria (indexed fields and per-row ones), sorted, with a cursor`, async () => {
    const s = await fresh();
    const fs = Array.from({ length: 12 }, (_, i) => {
      const f = sampleFinding(i.toString(16).padStart(32, '0'), { severity: 2 + (i % 7), type: i % 2 ? 'Recon:EC2/Portscan' : 'Impact:EC2/PortSweep', accountId: i < 10 ? '111122223333' : '444455556666', updatedAt: `2026-03-02T10:${String(i).padStart(2, '0')}:00.000Z` });
      f.resource.instanceDetails = { instanceId: `i-${i}`, networkInterfaces: [{ privateIpAddress: `10.0.0.${i}` }] };
      return f;
    });
    await s.commit({ findings: fs });
    const all = await s.pageFindings({ accountIds: ['111122223333'], limit: 4, sort: { attribute: 'updatedAt', order: 'ASC' } });
    assert.deepEqual(all.findings.map((f) => f.resource.instanceDetails?.instanceId), ['i-0', 'i-1', 'i-2', 'i-3']);
    const next = await s.pageFindings({ accountIds: ['111122223333'], limit: 4, sort: { attribute: 'updatedAt', order: 'ASC' }, cursor: all.cursor });
    assert.deepEqual(next.findings.map((f) => f.resource.instanceDetails?.instanceId), ['i-4', 'i-5', 'i-6', 'i-7']);
    const criteria = { criterion: { type: { eq: ['Recon:EC2/Portscan'] }, severity: { gte: 4 }, 'resource.instanceDetails.networkInterfaces.privateIpAddress': { neq: ['10.0.0.3'] } } };
    const page = await s.pageFindings({ criteria, limit: 50, sort: { attribute: 'severity', order: 'DESC' } });
    assert.deepEqual(page.findings.map((f) => f.resource.instanceDetails?.instanceId), ['i-5', 'i-11', 'i-9']); // severities 7, 6, 4
    assert.equal(page.cursor, undefined);
    const byInstance = await s.pageFindings({ criteria: { criterion: { 'resource.instanceDetails.instanceId': { equals: ['i-3', 'i-10', 'i-99'] } } }, limit: 50 });
    assert.deepEqual(byInstance.findings.map((f) => f.resource.instanceDetails?.instanceId).sort(), ['i-10', 'i-3']);
    const instanceStats = await s.findingStatistics({ criteria: { criterion: { 'resource.instanceDetails.instanceId': { eq: ['i-3', 'i-4'] } } }, groupBy: 'FINDING_TYPE', order: 'DESC', limit: 10 });
    assert.deepEqual(instanceStats.map((r) => [r.key, r.total]), [['Impact:EC2/PortSweep', 1], ['Recon:EC2/Portscan', 1]]);
    const bySev = await s.findingStatistics({ accountIds: ['111122223333'], groupBy: 'FINDING_TYPE', order: 'DESC', limit: 10 });
    assert.deepEqual(bySev.map((r) => [r.key, r.total]), [['Impact:EC2/PortSweep', 5], ['Recon:EC2/Portscan', 5]]);
    const byRes = await s.findingStatistics({ criteria, groupBy: 'RESOURCE', order: 'DESC', limit: 2 });
    assert.equal(byRes.length, 2);
    assert.deepEqual(await s.findingAccounts(), ['111122223333', '444455556666']);
    assert.equal(await s.setFeedback([fs[0].id], 'USEFUL'), 1);
    assert.equal((await s.getFindings([fs[0].id]))[0].service.userFeedback, 'USEFUL');
    await s.close();
  });

  test(`${name}: statistics stay exact through updates, severity changes, day changes and archiving`, async () => {
    const s = await fresh();
    const types = ['Recon:EC2/Portscan', 'Impact:EC2/PortSweep', 'Trojan:EC2/BlackholeTraffic'];
    const fs = Array.from({ length: 30 }, (_, i) => sampleFinding(i.toString(16).padStart(32, '0'), {
      type: types[i % 3], severity: 2 + (i % 5), accountId: i % 4 ? '111122223333' : '444455556666', updatedAt: `2026-03-0${1 + (i % 3)}T10:00:00.000Z` }));
    for (const [i, f] of fs.entries()) f.resource = { resourceType: 'Instance', instanceDetails: { instanceId: `i-${i % 7}` } };
    await s.commit({ findings: fs });
    // the same findings seen again: counts grow, some move a day on, some change severity
    await s.commit({ findings: fs.filter((_, i) => i % 2 === 0).map((f, i) => ({ ...f, severity: i % 3 ? f.severity : 8, updatedAt: '2026-03-05T08:00:00.000Z',
      service: { ...f.service, count: 3 } })) });
    await s.setArchived(fs.slice(0, 7).map((f) => f.id), true);
    const current = await s.getFindings(fs.map((f) => f.id));
    const expect = (group: (f: Finding) => string, keep: (f: Finding) => boolean) => {
      const m = new Map<string, number>();
      for (const f of current.filter(keep)) m.set(group(f), (m.get(group(f)) ?? 0) + 1);
      return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    };
    const active = { criterion: { 'service.archived': { eq: ['false'] } } };
    const got = async (groupBy: 'FINDING_TYPE' | 'SEVERITY' | 'ACCOUNT' | 'DATE' | 'RESOURCE', criteria?: typeof active, accountIds?: string[]) =>
      (await s.findingStatistics({ criteria, accountIds, groupBy, order: 'DESC', limit: 100 })).map((r) => [r.key, r.total]);
    const notArchived = (f: Finding) => !f.service.archived;
    assert.deepEqual(await got('FINDING_TYPE', active), expect((f) => f.type, notArchived));
    assert.deepEqual(await got('SEVERITY'), expect((f) => String(f.severity), () => true));
    assert.deepEqual(await got('DATE', active), expect((f) => f.updatedAt.slice(0, 10), notArchived));
    assert.deepEqual(await got('ACCOUNT', { criterion: { 'service.archived': { eq: ['true'] } } }), expect((f) => f.accountId, (f) => f.service.archived));
    assert.deepEqual(await got('FINDING_TYPE', undefined, ['444455556666']), expect((f) => f.type, (f) => f.accountId === '444455556666'));
    assert.deepEqual(await got('RESOURCE', active), expect((f) => f.resource.instanceDetails!.instanceId!, notArchived));
    assert.deepEqual(await got('RESOURCE', undefined, ['111122223333']), expect((f) => f.resource.instanceDetails!.instanceId!, (f) => f.accountId === '111122223333'));
    // the same answer whether the summary or the findings answer (updatedAt is not in the summary)
    const viaRows = await s.findingStatistics({ criteria: { criterion: { 'service.archived': { eq: ['false'] }, updatedAt: { gte: 0 } } }, groupBy: 'FINDING_TYPE', order: 'DESC', limit: 100 });
    assert.deepEqual(viaRows.map((r) => [r.key, r.total]), await got('FINDING_TYPE', active));
    await s.close();
  });

  test(`${name}: criteria on attributes inside the finding (IPs, keys, buckets, API, domain) follow updates and deletes`, async () => {
    const s = await fresh();
    const fs = Array.from({ length: 6 }, (_, i) => {
      const f = sampleFinding(i.toString(16).padStart(32, '0'));
      f.resource = i % 2
        ? { resourceType: 'S3Bucket', s3BucketDetails: [{ name: `bucket-${i}`, owner: { name: 'nested-name' } }, { name: 'shared-bucket' }], accessKeyDetails: { accessKeyId: `AKIA${i}`, userName: 'alice' } }
        : { resourceType: 'Instance', instanceDetails: { instanceId: `i-${i}`, networkInterfaces: [{ networkInterfaceId: `eni-${i}`, privateIpAddress: `10.0.0.${i}` }] } };
      f.service.action = i % 2
        ? { actionType: 'AWS_API_CALL', awsApiCallAction: { api: i === 1 ? 'GetObject' : 'PutObject', serviceName: 's3.amazonaws.com', callerType: 'Remote IP', remoteIpDetails: { ipAddressV4: `198.51.100.${i}` } } }
        : { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { ...CONNECTION, remoteIpDetails: { ipAddressV4: `203.0.113.${i}` }, localIpDetails: { ipAddressV4: `10.0.0.${i}` } } };
      return f;
    });
    await s.commit({ findings: fs });
    const ids = async (criterion: Record<string, { eq: string[] }>) =>
      (await s.pageFindings({ criteria: { criterion }, limit: 50 })).findings.map((f) => f.id.slice(-1)).sort().join('');
    assert.equal(await ids({ 'resource.s3BucketDetails.name': { eq: ['shared-bucket'] } }), '135');
    assert.equal(await ids({ 'resource.s3BucketDetails.name': { eq: ['bucket-3', 'nope'] } }), '3');
    assert.equal(await ids({ 'resource.accessKeyDetails.userName': { eq: ['alice'] } }), '135');
    assert.equal(await ids({ 'service.action.awsApiCallAction.api': { eq: ['GetObject'] } }), '1');
    assert.equal(await ids({ 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: ['203.0.113.2', '203.0.113.4'] } }), '24');
    assert.equal(await ids({ 'resource.instanceDetails.networkInterfaces.privateIpAddress': { eq: ['10.0.0.0'] } }), '0');
    // the same value under another attribute, or deeper under the same name, does not match
    assert.equal(await ids({ 'resource.s3BucketDetails.name': { eq: ['nested-name'] } }), '');
    assert.equal(await ids({ 'service.action.networkConnectionAction.localIpDetails.ipAddressV4': { eq: ['203.0.113.2'] } }), '');
    // a later occurrence from another address replaces the old one; deleted findings are gone
    const moved: Finding = { ...fs[2], service: { ...fs[2].service, count: 2, action: { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { ...CONNECTION, remoteIpDetails: { ipAddressV4: '192.0.2.9' } } } } };
    await s.commit({ findings: [moved] });
    assert.equal(await ids({ 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: ['203.0.113.2', '203.0.113.4'] } }), '4');
    assert.equal(await ids({ 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: ['192.0.2.9'] } }), '2');
    await s.deleteFindings([fs[4].id]);
    assert.equal(await ids({ 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: ['203.0.113.2', '203.0.113.4'] } }), '');
    // other operators on the same attributes still work (through the JSON)
    const notAlice = (await s.pageFindings({ criteria: { criterion: { 'resource.accessKeyDetails.userName': { neq: ['alice'] } } }, limit: 50 })).findings;
    assert.deepEqual(notAlice.map((f) => f.id.slice(-1)).sort().join(''), '02');
    // statistics narrow the same way
    const st = await s.findingStatistics({ criteria: { criterion: { 'resource.accessKeyDetails.userName': { eq: ['alice'] } } }, groupBy: 'ACCOUNT', order: 'DESC', limit: 5 });
    assert.deepEqual(st.map((r) => [r.key, r.total]), [['111122223333', 3]]);
    await s.close();
  });

  test(`${name}: documents by kind, id and account; usage counters add up`, async () => {
    const s = await fresh();
    await s.putDoc('detector', 'd1', '111122223333', { status: 'ENABLED' });
    await s.putDoc('detector', 'd2', '444455556666', { status: 'DISABLED' });
    assert.deepEqual(await s.getDoc('detector', 'd1'), { status: 'ENABLED' });
    assert.deepEqual(await s.listDocs('detector', '444455556666'), [{ status: 'DISABLED' }]);
    assert.equal((await s.listDocs('detector')).length, 2);
    assert.equal(await s.deleteDoc('detector', 'd1'), true);
    assert.equal(await s.getDoc('detector', 'd1'), undefined);
    const row = { accountId: '111122223333', dataSource: 'CLOUD_TRAIL' as const, day: '2026-03-02', events: 10, bytes: 1000 };
    await s.commit({ usage: [row] });
    await s.commit({ usage: [row] });
    assert.deepEqual(await s.usage(['111122223333']), [{ ...row, events: 20, bytes: 2000 }]);
    assert.deepEqual(await s.usage(['999999999999']), []);
    await s.close();
  });
}
