/**
 * GuardDuty's API over the PostgreSQL store, through @aws-sdk/client-guardduty: two live servers,
 * one on SQLite and one on PostgreSQL (a database of its own on the machine's server), fed the
 * same findings (the bundled samples scanned, the administrator's sample findings, a second
 * member's), must answer ListFindings (criteria on columns, on attributes inside the JSON and
 * per row; sorts; pages), GetFindings and GetFindingsStatistics alike; then archive, unarchive,
 * feedback, filters and a member's visibility on PostgreSQL.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArchiveFindingsCommand, CreateDetectorCommand, CreateFilterCommand, CreateSampleFindingsCommand, GetFindingsCommand, GetFindingsStatisticsCommand,
  ListFiltersCommand, ListFindingsCommand, UnarchiveFindingsCommand, UpdateFindingsFeedbackCommand, type Condition, type Finding, type FindingStatisticType,
  type GuardDutyClient, type SortCriteria,
} from '@aws-sdk/client-guardduty';
import { allPages, KEYS, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, scanSamples, startHarness, type Harness } from './harness.js';
import { PostgresStore } from '../../src/store/postgres/index.js';

type Backend = { h: Harness; admin: GuardDutyClient; D: string; m2: string };
let sqlite: Backend, postgres: Backend;

async function setUp(store: 'sqlite' | 'postgres'): Promise<Backend> {
  const h = await startHarness({ store });
  const admin = h.sdk(KEYS.admin);
  const D = h.adminDetectorId;
  await scanSamples(h);
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D }));
  const m2 = (await h.sdk(KEYS.member2).send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
  await h.sdk(KEYS.member2).send(new CreateSampleFindingsCommand({ DetectorId: m2, FindingTypes: ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage'] }));
  return { h, admin, D, m2 };
}

before(async () => { [sqlite, postgres] = await Promise.all([setUp('sqlite'), setUp('postgres')]); });
after(async () => { await sqlite?.h.stop(); await postgres?.h.stop(); });

async function listIds(b: Backend, criterion?: Record<string, Condition>, sort?: SortCriteria, max = 50, c = b.admin, detector = b.D) {
  return (await allPages(async (token) => {
    const r = await c.send(new ListFindingsCommand({ DetectorId: detector, FindingCriteria: criterion ? { Criterion: criterion } : undefined, SortCriteria: sort, MaxResults: max, NextToken: token }));
    assert.ok(r.FindingIds!.length <= max);
    return { items: r.FindingIds!, next: r.NextToken };
  })).items;
}

async function getAll(b: Backend, ids: string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let i = 0; i < ids.length; i += 50) out.push(...(await b.admin.send(new GetFindingsCommand({ DetectorId: b.D, FindingIds: ids.slice(i, i + 50) }))).Findings!);
  return out;
}

test('the API runs on the PostgreSQL store', () => {
  assert.ok(postgres.h.server.store instanceof PostgresStore);
  assert.match(postgres.h.server.store.location, /^postgres:\/\/.*\/vigil_test_/);
});

test('ListFindings answers alike on PostgreSQL and SQLite: criteria on columns, inside the JSON and per row; every sort; every page', async () => {
  const all = await listIds(postgres);
  assert.ok(all.length > 30, `enough findings to page (${all.length})`);
  const cases: [Record<string, Condition> | undefined, SortCriteria | undefined, number][] = [
    [undefined, { AttributeName: 'updatedAt', OrderBy: 'DESC' }, 7],
    [undefined, { AttributeName: 'severity', OrderBy: 'ASC' }, 9],
    [{ accountId: { Equals: [MEMBER1_ACCOUNT] } }, { AttributeName: 'type', OrderBy: 'ASC' }, 4],
    [{ severity: { GreaterThanOrEqual: 7 } }, { AttributeName: 'service.count', OrderBy: 'DESC' }, 5],
    [{ type: { NotEquals: ['Recon:EC2/Portscan'] }, 'service.archived': { Equals: ['false'] } }, { AttributeName: 'title', OrderBy: 'ASC' }, 6],
    [{ 'resource.resourceType': { Equals: ['Instance'] } }, { AttributeName: 'resource.instanceDetails.instanceId', OrderBy: 'ASC' }, 3],
    [{ 'resource.accessKeyDetails.userName': { Equals: ['alice', 'GeneratedFindingUserName'] } }, undefined, 2],
    [{ type: { Matches: ['*IAMUser*'] } }, { AttributeName: 'severity', OrderBy: 'DESC' }, 3],
    [{ 'service.action.actionType': { Equals: ['NETWORK_CONNECTION', 'PORT_PROBE'] } }, { AttributeName: 'accountId', OrderBy: 'ASC' }, 4],
  ];
  let paged = 0;
  for (const [criterion, sort, max] of cases) {
    const [a, b] = await Promise.all([listIds(postgres, criterion, sort, max), listIds(sqlite, criterion, sort, max)]);
    assert.ok(a.length > 0, `case matches something: ${JSON.stringify(criterion)}`);
    if (a.length > max) paged++;
    // ids are the same on both (fingerprints); ties sort in insertion order on both
    assert.deepEqual(a, b, JSON.stringify({ criterion, sort }));
    assert.equal(new Set(a).size, a.length, 'no finding twice across pages');
  }
  assert.ok(paged >= 6, 'most cases span several pages');
  // GetFindings without a sort promises no order: compared by id
  const strip = (fs: Finding[]) => fs.map((f) => ({ id: f.Id!, type: f.Type, severity: f.Severity, count: f.Service!.Count, resource: f.Resource, action: f.Service!.Action }))
    .sort((x, y) => (x.id < y.id ? -1 : 1));
  assert.deepEqual(strip(await getAll(postgres, all)), strip(await getAll(sqlite, all)), 'GetFindings: the same findings');
});

test('GetFindingsStatistics answers alike on PostgreSQL and SQLite for every group, with and without criteria', async () => {
  const stats = async (b: Backend, o: Partial<ConstructorParameters<typeof GetFindingsStatisticsCommand>[0]>) =>
    (await b.admin.send(new GetFindingsStatisticsCommand({ DetectorId: b.D, ...o }))).FindingStatistics!;
  const alike = async (o: Partial<ConstructorParameters<typeof GetFindingsStatisticsCommand>[0]>, pick: (s: Awaited<ReturnType<typeof stats>>) => unknown) => {
    const [a, b] = await Promise.all([stats(postgres, o), stats(sqlite, o)]);
    const v = pick(a);
    assert.ok(Array.isArray(v) ? v.length > 0 : typeof v === 'number' ? v > 0 : Object.keys(v as object).length > 0, `non-empty answer for ${JSON.stringify(o)}`);
    assert.deepEqual(pick(a), pick(b), JSON.stringify(o));
    return pick(a);
  };
  const bySev = await alike({ FindingStatisticTypes: ['COUNT_BY_SEVERITY' as FindingStatisticType] }, (s) => s.CountBySeverity);
  assert.equal(Object.values(bySev as Record<string, number>).reduce((x, y) => x + y, 0), (await listIds(postgres)).length);
  const criteria: (Record<string, Condition> | undefined)[] = [undefined, { 'service.archived': { Equals: ['false'] } }, { title: { Matches: ['*SAMPLE*'] } }, { 'resource.accessKeyDetails.userName': { Equals: ['GeneratedFindingUserName'] } }];
  for (const criterion of criteria) {
    const FindingCriteria = criterion ? { Criterion: criterion } : undefined;
    await alike({ GroupBy: 'ACCOUNT', FindingCriteria }, (s) => s.GroupedByAccount!.map((r) => [r.AccountId, r.TotalFindings]));
    await alike({ GroupBy: 'FINDING_TYPE', FindingCriteria, MaxResults: 100 }, (s) => s.GroupedByFindingType!.map((r) => [r.FindingType, r.TotalFindings]));
    await alike({ GroupBy: 'FINDING_TYPE', FindingCriteria, OrderBy: 'ASC', MaxResults: 3 }, (s) => s.GroupedByFindingType!.map((r) => [r.FindingType, r.TotalFindings]));
    await alike({ GroupBy: 'SEVERITY', FindingCriteria }, (s) => s.GroupedBySeverity!.map((r) => [r.Severity, r.TotalFindings]));
    await alike({ GroupBy: 'RESOURCE', FindingCriteria, MaxResults: 100 }, (s) => s.GroupedByResource!.map((r) => [r.ResourceId, r.ResourceType, r.TotalFindings]));
    await alike({ GroupBy: 'DATE', FindingCriteria }, (s) => s.GroupedByDate!.reduce((n, r) => n + r.TotalFindings!, 0));
  }
});

test('on PostgreSQL: archive and unarchive move findings between the active and archived views and statistics; feedback is kept', async () => {
  const { admin, D } = postgres;
  const mine = await listIds(postgres, { accountId: { Equals: [MEMBER1_ACCOUNT] } }, { AttributeName: 'severity', OrderBy: 'DESC' });
  const two = mine.slice(0, 2);
  const active = async () => Object.fromEntries((await admin.send(new GetFindingsStatisticsCommand({ DetectorId: D, GroupBy: 'ACCOUNT',
    FindingCriteria: { Criterion: { 'service.archived': { Equals: ['false'] } } } }))).FindingStatistics!.GroupedByAccount!.map((g) => [g.AccountId!, g.TotalFindings!]));
  const before = await active();
  await admin.send(new ArchiveFindingsCommand({ DetectorId: D, FindingIds: two }));
  assert.deepEqual(await active(), { ...before, [MEMBER1_ACCOUNT]: before[MEMBER1_ACCOUNT] - 2 });
  assert.deepEqual((await listIds(postgres, { 'service.archived': { Equals: ['true'] } })).sort(), [...two].sort());
  assert.deepEqual((await getAll(postgres, two)).map((f) => f.Service!.Archived), [true, true]);
  await admin.send(new UnarchiveFindingsCommand({ DetectorId: D, FindingIds: two }));
  assert.deepEqual(await active(), before);
  await admin.send(new UpdateFindingsFeedbackCommand({ DetectorId: D, FindingIds: two, Feedback: 'USEFUL' }));
  await admin.send(new UpdateFindingsFeedbackCommand({ DetectorId: D, FindingIds: [two[1]], Feedback: 'NOT_USEFUL' }));
  assert.deepEqual((await getAll(postgres, two)).map((f) => f.Service!.UserFeedback), ['USEFUL', 'NOT_USEFUL']);
});

test('on PostgreSQL: saved filters are kept per detector, and a member sees only its own findings', async () => {
  const { admin, D, h, m2 } = postgres;
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'quiet-scans', Action: 'ARCHIVE', Rank: 1, FindingCriteria: { Criterion: { type: { Equals: ['Recon:EC2/Portscan'] } } } }));
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'a-view', Action: 'NOOP', Rank: 2, FindingCriteria: { Criterion: { severity: { Gte: 7 } } } }));
  assert.deepEqual((await admin.send(new ListFiltersCommand({ DetectorId: D }))).FilterNames, ['quiet-scans', 'a-view']);
  const member = h.sdk(KEYS.member2);
  const own = await listIds(postgres, undefined, undefined, 50, member, m2);
  assert.equal(own.length, 2);
  const seen = (await member.send(new GetFindingsCommand({ DetectorId: m2, FindingIds: own }))).Findings!;
  assert.deepEqual([...new Set(seen.map((f) => f.AccountId))], [MEMBER2_ACCOUNT]);
});
