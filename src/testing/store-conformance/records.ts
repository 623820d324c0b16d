/**
 * Conformance cases on everything but findings: processed objects, detector state, filters, threat
 * lists, documents, usage, the ingestion summary, fences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../store/types.js';
import { FencedError } from '../../store/types.js';
import { sampleFinding } from './sample.js';

export function recordCases(name: string, fresh: () => Promise<Store>): void {
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
    await assert.rejects(s.putIntelList({ ...list, id: 'd'.repeat(32) }), /unique/i);
    assert.equal(await s.deleteIntelList(list.id), true);
    assert.deepEqual(await s.listIntelLists(), []);
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

  test(`${name}: documents are replaced by kind and id, listed in id order, filed under their account`, async () => {
    const s = await fresh();
    await s.putDoc('member', 'm2', '111122223333', { n: 2 });
    await s.putDoc('member', 'm1', '111122223333', { n: 1 });
    await s.putDoc('tags', 'm1', '111122223333', { other: true });
    assert.deepEqual(await s.listDocs('member'), [{ n: 1 }, { n: 2 }]);
    await s.putDoc('member', 'm1', '444455556666', { n: 10 });
    assert.deepEqual(await s.listDocs('member', '111122223333'), [{ n: 2 }]);
    assert.deepEqual(await s.listDocs('member', '444455556666'), [{ n: 10 }]);
    assert.deepEqual(await s.getDoc('tags', 'm1'), { other: true }, 'kinds are apart');
    assert.equal(await s.deleteDoc('member', 'nope'), false);
    assert.equal(await s.deleteDoc('member', 'm1'), true);
    assert.deepEqual(await s.getDoc('tags', 'm1'), { other: true });
    assert.deepEqual(await s.listDocs('nothing'), []);
    await s.close();
  });

  test(`${name}: usage rows add up within a batch and across batches; filtered by account and day, in day order`, async () => {
    const s = await fresh();
    const row = (accountId: string, dataSource: 'CLOUD_TRAIL' | 'FLOW_LOGS' | 'DNS_LOGS', day: string, events: number) => ({ accountId, dataSource, day, events, bytes: events * 100 });
    await s.commit({ usage: [row('111122223333', 'FLOW_LOGS', '2026-03-03', 5), row('111122223333', 'FLOW_LOGS', '2026-03-03', 7), row('444455556666', 'DNS_LOGS', '2026-03-01', 1)] });
    await s.commit({ usage: [row('111122223333', 'CLOUD_TRAIL', '2026-03-03', 2), row('111122223333', 'FLOW_LOGS', '2026-03-03', 1), row('111122223333', 'DNS_LOGS', '2026-03-05', 4)] });
    assert.deepEqual(await s.usage(), [row('444455556666', 'DNS_LOGS', '2026-03-01', 1), row('111122223333', 'CLOUD_TRAIL', '2026-03-03', 2),
      row('111122223333', 'FLOW_LOGS', '2026-03-03', 13), row('111122223333', 'DNS_LOGS', '2026-03-05', 4)]);
    assert.deepEqual(await s.usage(['111122223333'], '2026-03-04'), [row('111122223333', 'DNS_LOGS', '2026-03-05', 4)]);
    assert.deepEqual((await s.usage(undefined, '2026-03-01', '2026-03-03')).map((r) => r.events), [1, 2, 13]);
    assert.deepEqual(await s.usage([]), []);
    await s.close();
  });

  test(`${name}: the ingestion summary counts objects, records and bad records per log type; a re-committed object replaces itself`, async () => {
    const s = await fresh();
    assert.deepEqual(await s.ingestionSummary(), []);
    const obj = (fingerprint: string, kind: 'cloudtrail' | 'vpcflow', records: number, bad: number, processedAt: string) =>
      ({ fingerprint, uri: `/logs/${fingerprint}`, kind, size: 100, records, bad, processedAt });
    await s.commit({ objects: [obj('a', 'cloudtrail', 10, 1, '2026-03-02T10:00:00.000Z'), obj('b', 'cloudtrail', 5, 0, '2026-03-02T11:00:00.000Z'),
      obj('c', 'vpcflow', 100, 3, '2026-03-02T09:00:00.000Z')] });
    await s.commit({ objects: [obj('a', 'cloudtrail', 20, 2, '2026-03-02T12:00:00.000Z')] });
    assert.deepEqual(await s.ingestionSummary(), [
      { kind: 'cloudtrail', objects: 2, records: 25, bad: 2, lastProcessedAt: '2026-03-02T12:00:00.000Z' },
      { kind: 'vpcflow', objects: 1, records: 100, bad: 3, lastProcessedAt: '2026-03-02T09:00:00.000Z' },
    ]);
    assert.deepEqual([...await s.processedObjects(['c', 'x', 'a'])].sort(), ['a', 'c']);
    assert.deepEqual([...await s.processedObjects([])], []);
    await s.close();
  });

  test(`${name}: a commit under an older epoch of its fence key is refused whole; equal and newer epochs commit`, async () => {
    const s = await fresh();
    const state = (namespace: string, n: number) => ({ namespace, data: { v: 1 as const, entries: [[`k${n}`, n, 0] as [string, unknown, number]] } });
    await s.commit({ findings: [sampleFinding('a'.repeat(32))], fence: { key: 'partition/3', epoch: 5 } });
    await s.commit({ state: [state('p/3/x/y', 1)], fence: { key: 'partition/3', epoch: 5 } });
    await s.commit({ state: [state('p/3/x/y', 2)], fence: { key: 'partition/3', epoch: 9 } });
    await assert.rejects(s.commit({ findings: [sampleFinding('b'.repeat(32))], state: [state('p/3/x/y', 3)], fence: { key: 'partition/3', epoch: 5 } }),
      (e: unknown) => e instanceof FencedError && e.current === 9 && e.epoch === 5);
    assert.deepEqual(await s.getFindings(['b'.repeat(32)]), [], 'nothing of the refused batch');
    assert.deepEqual((await s.loadState()).map((r) => r.data.entries[0][1]), [2]);
    await s.commit({ state: [state('p/4/x/y', 1)], fence: { key: 'partition/4', epoch: 1 } });
    assert.equal((await s.loadState()).length, 2, "another key's epochs are its own");
    await s.close();
  });

  test(`${name}: loadState with a prefix returns only that partition's namespaces; a later commit replaces a namespace`, async () => {
    const s = await fresh();
    const state = (namespace: string, n: number) => ({ namespace, data: { v: 1 as const, entries: [[`k${n}`, n, 0] as [string, unknown, number]] } });
    await s.commit({ state: [state('p/3/a/b', 1), state('p/30/a/b', 2), state('engine/clock', 3), state('p/3/c/d', 4)] });
    await s.commit({ state: [state('p/3/c/d', 5)] });
    assert.deepEqual((await s.loadState('p/3/')).map((r) => [r.namespace, r.data.entries[0][1]]).sort(), [['p/3/a/b', 1], ['p/3/c/d', 5]]);
    assert.equal((await s.loadState()).length, 4);
    assert.deepEqual(await s.loadState('p/9/'), []);
    await s.close();
  });
}
