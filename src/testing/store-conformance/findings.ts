/**
 * Conformance cases on findings: upserts, queries, pages and cursors, criteria (columns, terms,
 * per-row), statistics, archive, feedback, deletes, retention, failed commits, filters with optimize.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../core/index.js';
import type { Store } from '../../store/types.js';
import { compileCriteria, type FindingCriteria } from '../../findings/criteria.js';
import { resourceIdOf } from '../../findings/resource-id.js';
import { Exporter } from '../../export/index.js';
import { sampleFinding } from './sample.js';

const CONNECTION = { blocked: false, connectionDirection: 'OUTBOUND' as const, protocol: 'TCP' };

export function findingCases(name: string, fresh: () => Promise<Store>): void {
  /** 40 findings over 3 accounts, 2 regions, 4 types, 5 severities, 2 resource kinds, with ties in update time. */
  const corpus = (): Finding[] => {
    const types = ['Impact:EC2/PortSweep', 'Recon:EC2/Portscan', 'Trojan:EC2/BlackholeTraffic', 'UnauthorizedAccess:IAMUser/ConsoleLogin'];
    const accounts = ['111122223333', '444455556666', '777788889999'];
    return Array.from({ length: 40 }, (_, i) => {
      const f = sampleFinding(i.toString(16).padStart(32, '0'), { type: types[i % 4], severity: [2, 5, 5.5, 7.2, 8][i % 5], accountId: accounts[i % 3],
        archived: i % 7 === 0, updatedAt: `2026-03-0${1 + (i % 6)}T10:00:00.000Z` });
      f.region = i % 5 === 1 ? 'eu-west-1' : 'us-east-1';
      f.service.count = 1 + ((i * 7) % 11);
      f.title = `title ${(i * 13) % 17}`;
      f.resource = i % 2
        ? { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: `AKIA${i % 5}`, userName: i % 3 ? 'alice' : 'bob' } }
        : { resourceType: 'Instance', instanceDetails: { instanceId: `i-${i % 6}` } };
      return f;
    });
  };

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

  test(`${name}: every page of a listing, followed by its cursor, is the whole sorted answer once (criteria in SQL and per row, each sort)`, async () => {
    const s = await fresh();
    const fs = corpus();
    await s.commit({ findings: fs });
    const sortValue: Record<string, (f: Finding) => string | number> = {
      updatedAt: (f) => f.updatedAt, severity: (f) => f.severity, 'service.count': (f) => f.service.count, type: (f) => f.type, title: (f) => f.title,
    };
    const cases: { attribute: string; order: 'ASC' | 'DESC'; limit: number; criteria?: FindingCriteria; region?: string; accountIds?: string[] }[] = [
      { attribute: 'updatedAt', order: 'DESC', limit: 7 },
      { attribute: 'severity', order: 'ASC', limit: 5, region: 'us-east-1', criteria: { criterion: { 'service.archived': { eq: ['false'] } } } },
      { attribute: 'service.count', order: 'DESC', limit: 4, criteria: { criterion: { type: { neq: ['Recon:EC2/Portscan'] }, title: { matches: ['title 1*'] } } } },
      { attribute: 'title', order: 'ASC', limit: 6, accountIds: ['111122223333', '444455556666'] },
      { attribute: 'type', order: 'DESC', limit: 3, criteria: { criterion: { 'resource.accessKeyDetails.userName': { eq: ['alice'] }, severity: { gte: 5 } } } },
      { attribute: 'updatedAt', order: 'ASC', limit: 2, criteria: { criterion: { 'resource.accessKeyDetails.accessKeyId': { neq: ['AKIA1'] }, 'resource.resourceType': { eq: ['AccessKey'] } } } },
    ];
    for (const c of cases) {
      const keep = compileCriteria(c.criteria);
      const expected = fs.map((f, i) => ({ f, i })).filter(({ f }) => keep(f) && (!c.region || f.region === c.region) && (!c.accountIds || c.accountIds.includes(f.accountId)))
        .sort((a, b) => {
          const x = sortValue[c.attribute](a.f), y = sortValue[c.attribute](b.f);
          const cmp = x < y ? -1 : x > y ? 1 : a.i - b.i; // ties in insertion order
          return c.order === 'ASC' ? cmp : -cmp;
        }).map(({ f }) => f.id);
      const got: string[] = [];
      let cursor: number | undefined, pages = 0;
      do {
        const page = await s.pageFindings({ criteria: c.criteria, region: c.region, accountIds: c.accountIds, sort: { attribute: c.attribute, order: c.order }, limit: c.limit, cursor });
        assert.ok(page.findings.length <= c.limit, 'a page holds at most the limit');
        got.push(...page.findings.map((f) => f.id));
        cursor = page.cursor;
        assert.ok(++pages <= 41, 'paging ends');
      } while (cursor !== undefined);
      assert.ok(expected.length > c.limit, `the case pages (${JSON.stringify(c)})`);
      assert.deepEqual(got, expected, JSON.stringify(c));
    }
    assert.deepEqual((await s.pageFindings({ accountIds: [], limit: 10 })).findings, []);
    const first = await s.pageFindings({ limit: 40 });
    assert.equal(first.findings.length, 40);
    assert.equal(first.cursor, undefined, 'no cursor when nothing follows');
    await s.close();
  });

  test(`${name}: statistics by each group (criteria in SQL and per row) count, date and order as the findings say`, async () => {
    const s = await fresh();
    const fs = corpus();
    await s.commit({ findings: fs });
    const keyOf = { ACCOUNT: (f: Finding) => f.accountId, DATE: (f: Finding) => f.updatedAt.slice(0, 10), FINDING_TYPE: (f: Finding) => f.type,
      RESOURCE: (f: Finding) => resourceIdOf(f), SEVERITY: (f: Finding) => String(f.severity) };
    const criterias: (FindingCriteria | undefined)[] = [undefined, { criterion: { 'service.archived': { eq: ['false'] } } },
      { criterion: { title: { matches: ['title 1*'] } } }, { criterion: { 'resource.accessKeyDetails.userName': { eq: ['alice'] } } }];
    for (const groupBy of ['ACCOUNT', 'DATE', 'FINDING_TYPE', 'RESOURCE', 'SEVERITY'] as const) {
      for (const criteria of criterias) {
        for (const [order, limit] of [['DESC', 100], ['ASC', 3]] as const) {
          const keep = compileCriteria(criteria);
          const m = new Map<string, { total: number; last: string }>();
          for (const f of fs.filter((x) => keep(x) && x.region === 'us-east-1')) {
            const g = m.get(keyOf[groupBy](f)) ?? { total: 0, last: '' };
            g.total++;
            if (f.updatedAt > g.last) g.last = f.updatedAt;
            m.set(keyOf[groupBy](f), g);
          }
          const expected = [...m].sort((a, b) => (order === 'ASC' ? a[1].total - b[1].total : b[1].total - a[1].total) || (a[0] < b[0] ? -1 : 1))
            .slice(0, limit).map(([k, g]) => [k, g.total, g.last]);
          const got = await s.findingStatistics({ region: 'us-east-1', criteria, groupBy, order, limit });
          assert.deepEqual(got.map((r) => [r.key, r.total, r.lastGeneratedAt]), expected, `${groupBy} ${order} ${JSON.stringify(criteria)}`);
        }
      }
    }
    assert.deepEqual(await s.findingStatistics({ accountIds: [], groupBy: 'ACCOUNT', order: 'DESC', limit: 10 }), []);
    assert.deepEqual(await s.findingAccounts('eu-west-1'), [...new Set(fs.filter((f) => f.region === 'eu-west-1').map((f) => f.accountId))].sort());
    await s.close();
  });

  test(`${name}: feedback is set, replaced and cleared in the stored JSON; unknown ids change nothing`, async () => {
    const s = await fresh();
    const [a, b] = [sampleFinding('e'.repeat(32)), sampleFinding('f'.repeat(32), { archived: true })];
    await s.commit({ findings: [a, b] });
    assert.equal(await s.setFeedback([a.id, b.id, 'nope'], 'USEFUL'), 2);
    assert.equal(await s.setFeedback(['nope'], 'USEFUL'), 0);
    assert.deepEqual((await s.getFindings([a.id, b.id])).map((f) => f.service.userFeedback), ['USEFUL', 'USEFUL']);
    await s.setFeedback([a.id], 'NOT_USEFUL');
    assert.equal((await s.getFindings([a.id]))[0].service.userFeedback, 'NOT_USEFUL');
    assert.equal(await s.setFeedback([b.id], undefined), 1);
    const [cleared] = await s.getFindings([b.id]);
    assert.equal('userFeedback' in cleared.service, false);
    assert.equal(cleared.service.archived, true, 'feedback leaves the rest of the finding as it was');
    assert.deepEqual(cleared, b);
    await s.close();
  });

  test(`${name}: a commit that fails part-way leaves nothing of its batch`, async () => {
    const s = await fresh();
    const before = sampleFinding('1'.repeat(32));
    await s.commit({ findings: [before], state: [{ namespace: 'ns/a', data: { v: 1, entries: [['k', 1, 0]] } }] });
    const unserialisable = { v: 1 as const, entries: [['k', 10n, 0] as [string, unknown, number]] };
    await assert.rejects(s.commit({
      findings: [{ ...before, service: { ...before.service, count: 9 } }, sampleFinding('2'.repeat(32))],
      objects: [{ fingerprint: 'fp', uri: '/x', kind: 'cloudtrail', size: 1, records: 1, bad: 0, processedAt: '2026-03-02T10:00:00.000Z' }],
      usage: [{ accountId: '111122223333', dataSource: 'CLOUD_TRAIL', day: '2026-03-02', events: 1, bytes: 1 }],
      state: [{ namespace: 'ns/a', data: { v: 1, entries: [['k', 2, 0]] } }, { namespace: 'ns/b', data: unserialisable }],
    }), /BigInt/);
    assert.deepEqual(await s.getFindings([before.id, '2'.repeat(32)]), [before]);
    assert.deepEqual([...await s.processedObjects(['fp'])], []);
    assert.deepEqual(await s.usage(), []);
    assert.deepEqual(await s.loadState(), [{ namespace: 'ns/a', data: { v: 1, entries: [['k', 1, 0]] } }]);
    await s.close();
  });

  test(`${name}: retention removes exactly the findings last updated before the cut-off, whatever month they were created in`, async () => {
    const s = await fresh();
    const at = (id: string, createdAt: string, updatedAt: string) => ({ ...sampleFinding(id.repeat(32), { updatedAt }), createdAt });
    const fs = [at('a', '2026-01-05T10:00:00.000Z', '2026-01-10T10:00:00.000Z'), at('b', '2026-01-20T10:00:00.000Z', '2026-05-01T10:00:00.000Z'),
      at('c', '2026-02-03T10:00:00.000Z', '2026-02-04T10:00:00.000Z'), at('d', '2026-02-10T10:00:00.000Z', '2026-03-01T10:00:00.000Z'),
      at('e', '2026-03-01T10:00:00.000Z', '2026-03-16T10:00:00.000Z'), at('f', '2026-03-02T10:00:00.000Z', '2026-04-01T10:00:00.000Z'),
      at('9', '2026-06-01T10:00:00.000Z', '2026-06-01T10:00:00.000Z')];
    await s.commit({ findings: fs });
    const now = Date.parse('2026-06-15T10:00:00.000Z'); // 90 days: cut-off 2026-03-17
    const r = await new Exporter({ store: s, retentionDays: 90, now: () => now }).run({ forceRetention: true });
    assert.equal(r.retained.deleted, 4);
    const left = (await s.queryFindings({ limit: 100 })).map((f) => f.id[0]).sort();
    assert.deepEqual(left, ['9', 'b', 'f']);
    assert.equal((await s.countFindings()).total, 3);
    assert.deepEqual((await s.findingStatistics({ groupBy: 'DATE', order: 'DESC', limit: 10 })).map((x) => x.total).reduce((x, y) => x + y, 0), 3);
    // a month retention emptied takes findings again
    const late = at('7', '2026-02-15T10:00:00.000Z', '2026-06-15T09:00:00.000Z');
    await s.commit({ findings: [late] });
    assert.deepEqual(await s.getFindings([late.id]), [late]);
    assert.equal((await new Exporter({ store: s, retentionDays: 90, now: () => now }).run({ forceRetention: true })).retained.deleted, 0);
    await s.close();
  });

  test(`${name}: a filter put again under its name replaces it; optimize keeps every answer`, async () => {
    const s = await fresh();
    await s.putFilter({ detectorId: 'd1', name: 'a', action: 'NOOP', rank: 1, findingCriteria: { criterion: {} }, tags: { team: 'x' } });
    await s.putFilter({ detectorId: 'd1', name: 'a', action: 'ARCHIVE', rank: 3, findingCriteria: { criterion: { type: { eq: ['y'] } } } });
    assert.deepEqual(await s.listFilters('d1'), [{ detectorId: 'd1', name: 'a', description: undefined, action: 'ARCHIVE', rank: 3, findingCriteria: { criterion: { type: { eq: ['y'] } } }, tags: undefined }]);
    await s.commit({ findings: corpus() });
    const q = { region: 'us-east-1', limit: 5, sort: { attribute: 'severity', order: 'DESC' as const } };
    const beforeOptimize = await s.pageFindings(q);
    await s.optimize();
    await s.optimize();
    assert.deepEqual(await s.pageFindings(q), beforeOptimize);
    await s.close();
  });
}
