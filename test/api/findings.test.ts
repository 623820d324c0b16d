/**
 * Findings through GuardDuty's clients against a live `vigil serve`: ListFindings with every
 * FindingCriteria operator (old and new names), sort and pages; GetFindings; archive/unarchive;
 * feedback; statistics with every group; sample findings. The data: the bundled samples scanned
 * into account 111122223333, the administrator's sample findings (every type Vigil raises), and
 * two sample findings of a second member. The SDK drives every operation; the AWS CLI drives
 * list-findings (criteria, sort, its own pagination), get-findings, get-findings-statistics,
 * archive/unarchive, feedback and create-sample-findings.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArchiveFindingsCommand, CreateDetectorCommand, CreateSampleFindingsCommand, GetFindingsCommand, GetFindingsStatisticsCommand,
  ListDetectorsCommand, ListFindingsCommand, UnarchiveFindingsCommand, UpdateFindingsFeedbackCommand, type Condition, type Finding, type GuardDutyClient,
  type SortCriteria, type FindingStatisticType, type Feedback,
} from '@aws-sdk/client-guardduty';
import { allPages, HAVE_CLI, KEYS, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, ADMIN_ACCOUNT, scanSamples, sdkError, startHarness, type Harness, type ScanResult } from './harness.js';
import { DETECTORS } from '../../src/detectors/registry.js';

let h: Harness;
let admin: GuardDutyClient;
let D: string;
let m2Detector: string;
/** Every finding the administrator sees, as GetFindings returns them. */
let all: Finding[];
/** What the scan of the samples made (account MEMBER1_ACCOUNT). */
let scanned: ScanResult;
const M2_TYPES = ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage'];
const implemented = [...new Set(DETECTORS.flatMap((d) => d.findingTypes))];

async function listIds(c: GuardDutyClient, detectorId: string, criterion?: Record<string, Condition>, o: { sort?: SortCriteria; max?: number } = {}) {
  return allPages(async (token) => {
    const r = await c.send(new ListFindingsCommand({ DetectorId: detectorId, FindingCriteria: criterion ? { Criterion: criterion } : undefined,
      SortCriteria: o.sort, MaxResults: o.max ?? 50, NextToken: token }));
    assert.ok(r.FindingIds!.length <= (o.max ?? 50), 'a page never holds more than maxResults');
    return { items: r.FindingIds!, next: r.NextToken };
  });
}

async function getAll(c: GuardDutyClient, detectorId: string, ids: string[], sort?: SortCriteria): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let i = 0; i < ids.length; i += 50) out.push(...(await c.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids.slice(i, i + 50), SortCriteria: sort }))).Findings!);
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();
const ids = (fs: Finding[]) => sorted(fs.map((f) => f.Id!));

before(async () => {
  h = await startHarness();
  admin = h.sdk(KEYS.admin);
  D = h.adminDetectorId;
  scanned = await scanSamples(h);
  assert.ok(scanned.created >= 10 && scanned.occurrences['PenTest:IAMUser/KaliLinux'] > 1, JSON.stringify(scanned));
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D }));
  m2Detector = (await h.sdk(KEYS.member2).send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
  await h.sdk(KEYS.member2).send(new CreateSampleFindingsCommand({ DetectorId: m2Detector, FindingTypes: M2_TYPES }));
  all = await getAll(admin, D, (await listIds(admin, D)).items);
});

after(async () => { await h?.stop(); });

test('CreateSampleFindings: every type Vigil raises for the caller\'s account, [SAMPLE] titles, asking again adds nothing', async () => {
  const samples = all.filter((f) => f.AccountId === ADMIN_ACCOUNT);
  assert.deepEqual(sorted(samples.map((f) => f.Type!)), sorted(implemented));
  for (const f of samples) {
    assert.match(f.Title!, /^\[SAMPLE\] /);
    assert.equal(f.Region, 'us-east-1');
    assert.equal(f.Service!.DetectorId, D);
  }
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: [samples[0].Type!] }));
  assert.equal((await listIds(admin, D, { accountId: { Equals: [ADMIN_ACCOUNT] } })).items.length, samples.length, 'sample ids are fixed per type');
  const e = await sdkError(admin.send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: ['Not:A/Type'] })));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400]);
  const again = await getAll(admin, D, [samples[0].Id!]);
  assert.equal(again[0].Service!.Count, samples[0].Service!.Count! + 1, 'asking again is a new occurrence of the same finding');
  all = await getAll(admin, D, (await listIds(admin, D)).items);
});

test('CreateSampleFindings with a subset makes exactly those types, in the member\'s own account', async () => {
  const m2 = all.filter((f) => f.AccountId === MEMBER2_ACCOUNT);
  assert.deepEqual(sorted(m2.map((f) => f.Type!)), sorted(M2_TYPES));
  assert.ok(m2.every((f) => f.Service!.DetectorId === m2Detector));
});

test('GetFindings returns GuardDuty\'s finding shape, timestamps the SDK can read', async () => {
  const [f] = await getAll(admin, D, [all.find((x) => x.Type === 'PenTest:IAMUser/KaliLinux' && x.AccountId === MEMBER1_ACCOUNT)!.Id!]);
  assert.equal(f.AccountId, MEMBER1_ACCOUNT);
  assert.match(f.Arn!, /^arn:aws:guardduty:us-east-1:111122223333:detector\/[0-9a-f]{32}\/finding\/[0-9a-f]{32}$/);
  assert.equal(f.SchemaVersion, '2.0');
  assert.equal(typeof f.Severity, 'number');
  assert.ok(!Number.isNaN(Date.parse(f.CreatedAt!)) && !Number.isNaN(Date.parse(f.UpdatedAt!)));
  assert.equal(f.Resource!.ResourceType, 'AccessKey');
  assert.equal(f.Service!.Count, scanned.occurrences['PenTest:IAMUser/KaliLinux'], 'the count of aggregated occurrences');
  assert.equal(f.Service!.Archived, false);
  // an attack sequence's signal times are model timestamps: the SDK turns them into Dates
  const seq = all.find((x) => x.Type === 'AttackSequence:IAM/CompromisedCredentials' && x.AccountId === MEMBER1_ACCOUNT)!;
  const signal = seq.Service!.Detection!.Sequence!.Signals![0];
  assert.ok(signal.CreatedAt instanceof Date && signal.CreatedAt.getUTCFullYear() === 2026, String(signal.CreatedAt));
  // ids it may not see or that do not exist are left out, not errors
  const r = await admin.send(new GetFindingsCommand({ DetectorId: D, FindingIds: [f.Id!, 'f'.repeat(32)] }));
  assert.deepEqual(r.Findings!.map((x) => x.Id), [f.Id]);
});

test('GetFindings sorts by sortCriteria', async () => {
  const got = await getAll(admin, D, all.slice(0, 50).map((f) => f.Id!), { AttributeName: 'severity', OrderBy: 'ASC' });
  const sev = got.map((f) => f.Severity!);
  assert.deepEqual(sev, [...sev].sort((a, b) => a - b));
});

const T1 = 'PenTest:IAMUser/KaliLinux', T2 = 'Recon:EC2/Portscan';
const MARCH = Date.UTC(2026, 5, 1);
const CASES: [string, Record<string, Condition>, (f: Finding) => boolean][] = [
  ['gte (old name)', { severity: { Gte: 7 } }, (f) => f.Severity! >= 7],
  ['greaterThanOrEqual', { severity: { GreaterThanOrEqual: 7 } }, (f) => f.Severity! >= 7],
  ['gt', { severity: { Gt: 5 } }, (f) => f.Severity! > 5],
  ['greaterThan', { severity: { GreaterThan: 5 } }, (f) => f.Severity! > 5],
  ['lt', { severity: { Lt: 5 } }, (f) => f.Severity! < 5],
  ['lessThan', { severity: { LessThan: 5 } }, (f) => f.Severity! < 5],
  ['lte', { severity: { Lte: 5 } }, (f) => f.Severity! <= 5],
  ['lessThanOrEqual', { severity: { LessThanOrEqual: 5 } }, (f) => f.Severity! <= 5],
  ['gt and lt together (a range)', { severity: { Gt: 2, Lt: 8 } }, (f) => f.Severity! > 2 && f.Severity! < 8],
  ['eq (values OR-ed)', { type: { Eq: [T1, T2] } }, (f) => f.Type === T1 || f.Type === T2],
  ['equals', { type: { Equals: [T1, T2] } }, (f) => f.Type === T1 || f.Type === T2],
  ['neq', { type: { Neq: [T1, T2] } }, (f) => f.Type !== T1 && f.Type !== T2],
  ['notEquals', { type: { NotEquals: [T1, T2] } }, (f) => f.Type !== T1 && f.Type !== T2],
  ['severity equals a level ("8" is 8.0–8.9)', { severity: { Equals: ['8'] } }, (f) => Math.floor(f.Severity!) === 8],
  ['accountId equals', { accountId: { Equals: [MEMBER1_ACCOUNT] } }, (f) => f.AccountId === MEMBER1_ACCOUNT],
  ['number attribute: service.count greaterThan', { 'service.count': { GreaterThan: 1 } }, (f) => f.Service!.Count! > 1],
  ['number attribute: service.count lessThanOrEqual', { 'service.count': { LessThanOrEqual: 1 } }, (f) => f.Service!.Count! <= 1],
  ['time attribute in epoch ms: service.eventLastSeen lessThan', { 'service.eventLastSeen': { LessThan: MARCH } }, (f) => Date.parse(f.Service!.EventLastSeen!) < MARCH],
  ['time attribute: service.eventFirstSeen greaterThanOrEqual', { 'service.eventFirstSeen': { GreaterThanOrEqual: MARCH } }, (f) => Date.parse(f.Service!.EventFirstSeen!) >= MARCH],
  ['nested attribute: service.action.actionType', { 'service.action.actionType': { Equals: ['NETWORK_CONNECTION', 'DNS_REQUEST'] } },
    (f) => ['NETWORK_CONNECTION', 'DNS_REQUEST'].includes(f.Service!.Action!.ActionType!)],
  ['through an array: resource.instanceDetails.networkInterfaces.publicIp', { 'resource.instanceDetails.networkInterfaces.publicIp': { Eq: ['198.51.100.0'] } },
    (f) => (f.Resource!.InstanceDetails?.NetworkInterfaces ?? []).some((n) => n.PublicIp === '198.51.100.0')],
  ['attributes AND-ed', { severity: { Gte: 5 }, accountId: { Neq: [ADMIN_ACCOUNT] } }, (f) => f.Severity! >= 5 && f.AccountId !== ADMIN_ACCOUNT],
  ['resource.resourceType', { 'resource.resourceType': { Equals: ['Instance'] } }, (f) => f.Resource!.ResourceType === 'Instance'],
];

for (const [name, criterion, expected] of CASES) {
  test(`ListFindings criterion: ${name}`, async () => {
    const want = all.filter(expected);
    assert.ok(want.length > 0 && want.length < all.length, `the case must discriminate (${want.length} of ${all.length})`);
    assert.deepEqual(sorted((await listIds(admin, D, criterion)).items), ids(want));
  });
}

test('ListFindings pages with nextToken, in sortCriteria order, without gaps or repeats', async () => {
  for (const order of ['DESC', 'ASC'] as const) {
    const r = await listIds(admin, D, undefined, { sort: { AttributeName: 'severity', OrderBy: order }, max: 7 });
    assert.equal(r.pages, Math.ceil(all.length / 7));
    assert.equal(new Set(r.items).size, r.items.length);
    assert.deepEqual(sorted(r.items), ids(all));
    const sev = new Map(all.map((f) => [f.Id!, f.Severity!]));
    const seq = r.items.map((id) => sev.get(id)!);
    assert.deepEqual(seq, [...seq].sort((a, b) => (order === 'ASC' ? a - b : b - a)));
  }
  // pages over an attribute answered by the finding JSON (not an indexed column)
  const crit = { 'service.action.actionType': { Equals: ['AWS_API_CALL'] } };
  const small = await listIds(admin, D, crit, { max: 3 });
  assert.ok(small.pages > 2);
  assert.deepEqual(sorted(small.items), ids(all.filter((f) => f.Service!.Action!.ActionType === 'AWS_API_CALL')));
  assert.equal(new Set(small.items).size, small.items.length);
});

test('service.archived selects active or archived findings; Archive/Unarchive move them', async () => {
  const two = all.filter((f) => f.AccountId === MEMBER1_ACCOUNT).slice(0, 2).map((f) => f.Id!).sort();
  const activeByAccount = async () => Object.fromEntries((await admin.send(new GetFindingsStatisticsCommand({ DetectorId: D, GroupBy: 'ACCOUNT',
    FindingCriteria: { Criterion: { 'service.archived': { Equals: ['false'] } } } }))).FindingStatistics!.GroupedByAccount!.map((g) => [g.AccountId!, g.TotalFindings!]));
  const before = await activeByAccount();
  await admin.send(new ArchiveFindingsCommand({ DetectorId: D, FindingIds: two }));
  assert.deepEqual(await activeByAccount(), { ...before, [MEMBER1_ACCOUNT]: before[MEMBER1_ACCOUNT] - 2 }, 'statistics follow archiving');
  assert.deepEqual(sorted((await listIds(admin, D, { 'service.archived': { Equals: ['true'] } })).items), two);
  const active = (await listIds(admin, D, { 'service.archived': { Eq: ['false'] } })).items;
  assert.equal(active.length, all.length - 2);
  assert.ok(!active.some((id) => two.includes(id)));
  assert.ok((await getAll(admin, D, two)).every((f) => f.Service!.Archived === true));
  await admin.send(new UnarchiveFindingsCommand({ DetectorId: D, FindingIds: two }));
  assert.deepEqual((await listIds(admin, D, { 'service.archived': { Equals: ['true'] } })).items, []);
  assert.deepEqual(await activeByAccount(), before);
});

test('only the administrator archives: members and read-only keys get AccessDeniedException', async () => {
  // the member's detector (enabled for it by the organisation) is the one its findings carry
  const [m1Detector] = (await h.sdk(KEYS.member1).send(new ListDetectorsCommand({}))).DetectorIds!;
  assert.equal(m1Detector, all.find((f) => f.AccountId === MEMBER1_ACCOUNT)!.Service!.DetectorId);
  for (const [key, det] of [[KEYS.member1, m1Detector], [KEYS.readOnly, D]] as const) {
    const e = await sdkError(h.sdk(key).send(new ArchiveFindingsCommand({ DetectorId: det, FindingIds: [all[0].Id!] })));
    assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403]);
  }
});

test('UpdateFindingsFeedback records USEFUL / NOT_USEFUL; a member cannot touch findings it does not see', async () => {
  const [a, b] = all.filter((f) => f.AccountId === ADMIN_ACCOUNT).map((f) => f.Id!);
  await admin.send(new UpdateFindingsFeedbackCommand({ DetectorId: D, FindingIds: [a, b], Feedback: 'USEFUL', Comments: 'good catch' }));
  assert.deepEqual((await getAll(admin, D, [a, b])).map((f) => f.Service!.UserFeedback), ['USEFUL', 'USEFUL']);
  await admin.send(new UpdateFindingsFeedbackCommand({ DetectorId: D, FindingIds: [b], Feedback: 'NOT_USEFUL' }));
  assert.equal((await getAll(admin, D, [b]))[0].Service!.UserFeedback, 'NOT_USEFUL');
  // member2 names the administrator's finding on its own detector: nothing changes
  await h.sdk(KEYS.member2).send(new UpdateFindingsFeedbackCommand({ DetectorId: m2Detector, FindingIds: [a], Feedback: 'NOT_USEFUL' }));
  assert.equal((await getAll(admin, D, [a]))[0].Service!.UserFeedback, 'USEFUL');
  const e = await sdkError(admin.send(new UpdateFindingsFeedbackCommand({ DetectorId: D, FindingIds: [a], Feedback: 'MAYBE' as Feedback })));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400]);
});

function countBy<K>(fs: Finding[], key: (f: Finding) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const f of fs) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
  return m;
}

test('GetFindingsStatistics: COUNT_BY_SEVERITY and every groupBy agree with the findings', async () => {
  const stats = async (o: Partial<ConstructorParameters<typeof GetFindingsStatisticsCommand>[0]>) =>
    (await admin.send(new GetFindingsStatisticsCommand({ DetectorId: D, ...o }))).FindingStatistics!;
  const bySev = (await stats({ FindingStatisticTypes: ['COUNT_BY_SEVERITY' as FindingStatisticType] })).CountBySeverity!;
  assert.deepEqual(bySev, Object.fromEntries([...countBy(all, (f) => f.Severity!.toFixed(1))]));

  const acc = (await stats({ GroupBy: 'ACCOUNT' })).GroupedByAccount!;
  assert.deepEqual(new Map(acc.map((r) => [r.AccountId, r.TotalFindings])), countBy(all, (f) => f.AccountId));
  assert.ok(acc.every((r) => r.LastGeneratedAt instanceof Date));
  const totals = acc.map((r) => r.TotalFindings!);
  assert.deepEqual(totals, [...totals].sort((a, b) => b - a), 'DESC by default');

  const types = (await stats({ GroupBy: 'FINDING_TYPE', MaxResults: 100 })).GroupedByFindingType!;
  assert.deepEqual(new Map(types.map((r) => [r.FindingType, r.TotalFindings])), countBy(all, (f) => f.Type));
  const sev = (await stats({ GroupBy: 'SEVERITY' })).GroupedBySeverity!;
  assert.deepEqual(new Map(sev.map((r) => [r.Severity, r.TotalFindings])), countBy(all, (f) => f.Severity));
  const dates = (await stats({ GroupBy: 'DATE' })).GroupedByDate!;
  assert.deepEqual(new Map(dates.map((r) => [r.Date!.toISOString().slice(0, 10), r.TotalFindings])), countBy(all, (f) => f.UpdatedAt!.slice(0, 10)));
  const res = (await stats({ GroupBy: 'RESOURCE', MaxResults: 100 })).GroupedByResource!;
  assert.equal(res.reduce((s, r) => s + r.TotalFindings!, 0), all.length);
  assert.ok(res.every((r) => r.ResourceId && r.ResourceType && /^\d{12}$/.test(r.AccountId!)));

  const two = (await stats({ GroupBy: 'FINDING_TYPE', OrderBy: 'ASC', MaxResults: 2 })).GroupedByFindingType!;
  assert.equal(two.length, 2);
  assert.ok(two[0].TotalFindings! <= two[1].TotalFindings!);
  const scoped = (await stats({ GroupBy: 'ACCOUNT', FindingCriteria: { Criterion: { accountId: { Equals: [MEMBER1_ACCOUNT] } } } })).GroupedByAccount!;
  assert.deepEqual(scoped.map((r) => [r.AccountId, r.TotalFindings]), [[MEMBER1_ACCOUNT, scanned.created]]);
  const e = await sdkError(admin.send(new GetFindingsStatisticsCommand({ DetectorId: D })));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400], 'groupBy or findingStatisticTypes is required');
});

test('AWS CLI: list-findings (criteria, sort, its own pagination), get-findings, get-findings-statistics', { skip: !HAVE_CLI }, async () => {
  const want = all.filter((f) => f.Severity! >= 7).sort((a, b) => a.Severity! - b.Severity!);
  const pick = all.filter((f) => f.AccountId === MEMBER1_ACCOUNT).slice(0, 2).map((f) => f.Id!);
  const [list, get, stats] = await Promise.all([
    h.cli(KEYS.admin, ['list-findings', '--detector-id', D, '--finding-criteria', '{"Criterion":{"severity":{"Gte":7}}}',
      '--sort-criteria', 'AttributeName=severity,OrderBy=ASC', '--page-size', '4']),
    h.cli(KEYS.admin, ['get-findings', '--detector-id', D, '--finding-ids', ...pick]),
    h.cli(KEYS.admin, ['get-findings-statistics', '--detector-id', D, '--finding-statistic-types', 'COUNT_BY_SEVERITY',
      '--finding-criteria', JSON.stringify({ Criterion: { accountId: { Eq: [MEMBER1_ACCOUNT] } } })]),
  ]);
  assert.equal(list.code, 0, list.stderr);
  const got = list.json!.FindingIds as string[];
  assert.deepEqual(sorted(got), ids(want));
  const sev = new Map(all.map((f) => [f.Id!, f.Severity!]));
  assert.deepEqual(got.map((id) => sev.get(id)), want.map((f) => f.Severity), 'ascending severity across the CLI\'s pages');

  assert.equal(get.code, 0, get.stderr);
  const findings = get.json!.Findings as { Id: string; AccountId: string; Type: string; Severity: number; Service: { Count: number } }[];
  assert.deepEqual(sorted(findings.map((f) => f.Id)), sorted(pick));
  assert.ok(findings.every((f) => f.AccountId === MEMBER1_ACCOUNT && typeof f.Severity === 'number' && f.Service.Count >= 1));

  assert.equal(stats.code, 0, stats.stderr);
  const counts = (stats.json!.FindingStatistics as { CountBySeverity: Record<string, number> }).CountBySeverity;
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), scanned.created);
});

test('AWS CLI: archive-findings, update-findings-feedback, create-sample-findings', { skip: !HAVE_CLI }, async () => {
  const id = all.find((f) => f.AccountId === MEMBER1_ACCOUNT)!.Id!;
  const [arch, fb, sample] = await Promise.all([
    h.cli(KEYS.admin, ['archive-findings', '--detector-id', D, '--finding-ids', id]),
    h.cli(KEYS.admin, ['update-findings-feedback', '--detector-id', D, '--finding-ids', id, '--feedback', 'NOT_USEFUL', '--comments', 'benign scanner']),
    h.cli(KEYS.member2, ['create-sample-findings', '--detector-id', m2Detector, '--finding-types', 'Stealth:IAMUser/CloudTrailLoggingDisabled']),
  ]);
  for (const r of [arch, fb, sample]) assert.equal(r.code, 0, r.stderr);
  const [f] = await getAll(admin, D, [id]);
  assert.deepEqual([f.Service!.Archived, f.Service!.UserFeedback], [true, 'NOT_USEFUL']);
  const m2 = await getAll(admin, D, (await listIds(admin, D, { accountId: { Equals: [MEMBER2_ACCOUNT] } })).items);
  assert.deepEqual(sorted(m2.map((x) => x.Type!)), sorted([...M2_TYPES, 'Stealth:IAMUser/CloudTrailLoggingDisabled']));
  const un = await h.cli(KEYS.admin, ['unarchive-findings', '--detector-id', D, '--finding-ids', id]);
  assert.equal(un.code, 0, un.stderr);
  assert.equal((await getAll(admin, D, [id]))[0].Service!.Archived, false);
});
