/**
 * Threat and trusted lists (IPSet, ThreatIntelSet, ThreatEntitySet, TrustedEntitySet) from local
 * files, filters (NOOP and ARCHIVE, rank, pages) and suppression end to end, against a live
 * `vigil serve`. The SDK drives every operation; the AWS CLI (v2.9) drives the IPSet,
 * ThreatIntelSet and filter commands — its model has no threat/trusted entity sets (2025), so
 * those are SDK-only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDetectorCommand, CreateFilterCommand, CreateIPSetCommand, CreateSampleFindingsCommand, CreateThreatEntitySetCommand, CreateThreatIntelSetCommand,
  CreateTrustedEntitySetCommand, DeleteFilterCommand, DeleteIPSetCommand, DeleteThreatEntitySetCommand, DeleteThreatIntelSetCommand,
  DeleteTrustedEntitySetCommand, GetFilterCommand, GetFindingsCommand, GetIPSetCommand, GetThreatEntitySetCommand, GetThreatIntelSetCommand,
  GetTrustedEntitySetCommand, ListDetectorsCommand, ListFiltersCommand, ListFindingsCommand, ListIPSetsCommand, ListThreatEntitySetsCommand,
  ListThreatIntelSetsCommand, ListTrustedEntitySetsCommand, UpdateFilterCommand, UpdateIPSetCommand, UpdateThreatEntitySetCommand,
  UpdateThreatIntelSetCommand, UpdateTrustedEntitySetCommand, type GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import { allPages, HAVE_CLI, KEYS, MEMBER1_ACCOUNT, scanSamples, sdkError, startHarness, type Harness } from './harness.js';

let h: Harness;
let admin: GuardDutyClient;
let D: string;
let files: Record<'trusted' | 'threat' | 'threat2' | 'entities', string>;

before(async () => {
  h = await startHarness();
  admin = h.sdk(KEYS.admin);
  D = h.adminDetectorId;
  files = { trusted: join(h.dir, 'trusted.txt'), threat: join(h.dir, 'threat.txt'), threat2: join(h.dir, 'threat2.txt'), entities: join(h.dir, 'entities.txt') };
  writeFileSync(files.trusted, '10.0.0.0/8\n192.0.2.10\n');
  writeFileSync(files.threat, '198.51.100.7\n203.0.113.0/24\n');
  writeFileSync(files.threat2, '198.51.100.8\n');
  writeFileSync(files.entities, 'evil.example.com\n198.51.100.9\n');
});
after(async () => { await h?.stop(); });

/** The four list kinds through one table, so each gets the same life cycle. */
const KINDS = [
  {
    name: 'IPSet', file: () => files.trusted,
    create: (o: { Name: string; Location: string; Activate: boolean }) => admin.send(new CreateIPSetCommand({ DetectorId: D, Format: 'TXT', Tags: { kind: 'ip' }, ...o })).then((r) => r.IpSetId!),
    get: (id: string) => admin.send(new GetIPSetCommand({ DetectorId: D, IpSetId: id })),
    list: () => admin.send(new ListIPSetsCommand({ DetectorId: D })).then((r) => r.IpSetIds!),
    update: (id: string, o: { Name?: string; Location?: string; Activate?: boolean }) => admin.send(new UpdateIPSetCommand({ DetectorId: D, IpSetId: id, ...o })),
    remove: (id: string) => admin.send(new DeleteIPSetCommand({ DetectorId: D, IpSetId: id })),
  },
  {
    name: 'ThreatIntelSet', file: () => files.threat,
    create: (o: { Name: string; Location: string; Activate: boolean }) => admin.send(new CreateThreatIntelSetCommand({ DetectorId: D, Format: 'TXT', Tags: { kind: 'ip' }, ...o })).then((r) => r.ThreatIntelSetId!),
    get: (id: string) => admin.send(new GetThreatIntelSetCommand({ DetectorId: D, ThreatIntelSetId: id })),
    list: () => admin.send(new ListThreatIntelSetsCommand({ DetectorId: D })).then((r) => r.ThreatIntelSetIds!),
    update: (id: string, o: { Name?: string; Location?: string; Activate?: boolean }) => admin.send(new UpdateThreatIntelSetCommand({ DetectorId: D, ThreatIntelSetId: id, ...o })),
    remove: (id: string) => admin.send(new DeleteThreatIntelSetCommand({ DetectorId: D, ThreatIntelSetId: id })),
  },
  {
    name: 'ThreatEntitySet', file: () => files.entities,
    create: (o: { Name: string; Location: string; Activate: boolean }) => admin.send(new CreateThreatEntitySetCommand({ DetectorId: D, Format: 'TXT', Tags: { kind: 'ip' }, ...o })).then((r) => r.ThreatEntitySetId!),
    get: (id: string) => admin.send(new GetThreatEntitySetCommand({ DetectorId: D, ThreatEntitySetId: id })),
    list: () => admin.send(new ListThreatEntitySetsCommand({ DetectorId: D })).then((r) => r.ThreatEntitySetIds!),
    update: (id: string, o: { Name?: string; Location?: string; Activate?: boolean }) => admin.send(new UpdateThreatEntitySetCommand({ DetectorId: D, ThreatEntitySetId: id, ...o })),
    remove: (id: string) => admin.send(new DeleteThreatEntitySetCommand({ DetectorId: D, ThreatEntitySetId: id })),
  },
  {
    name: 'TrustedEntitySet', file: () => files.trusted,
    create: (o: { Name: string; Location: string; Activate: boolean }) => admin.send(new CreateTrustedEntitySetCommand({ DetectorId: D, Format: 'TXT', Tags: { kind: 'ip' }, ...o })).then((r) => r.TrustedEntitySetId!),
    get: (id: string) => admin.send(new GetTrustedEntitySetCommand({ DetectorId: D, TrustedEntitySetId: id })),
    list: () => admin.send(new ListTrustedEntitySetsCommand({ DetectorId: D })).then((r) => r.TrustedEntitySetIds!),
    update: (id: string, o: { Name?: string; Location?: string; Activate?: boolean }) => admin.send(new UpdateTrustedEntitySetCommand({ DetectorId: D, TrustedEntitySetId: id, ...o })),
    remove: (id: string) => admin.send(new DeleteTrustedEntitySetCommand({ DetectorId: D, TrustedEntitySetId: id })),
  },
];

for (const k of KINDS) {
  test(`${k.name}: create from a local file, get, list, update (rename, deactivate), delete`, async () => {
    const id = await k.create({ Name: `${k.name}-one`, Location: k.file(), Activate: true });
    assert.match(id, /^[0-9a-f]{32}$/);
    let got = await k.get(id);
    assert.deepEqual([got.Name, got.Format, got.Location, got.Status, got.Tags], [`${k.name}-one`, 'TXT', k.file(), 'ACTIVE', { kind: 'ip' }]);
    if (k.name.endsWith('EntitySet')) {
      const g = got as { CreatedAt?: Date; UpdatedAt?: Date };
      assert.ok(g.CreatedAt instanceof Date && g.UpdatedAt instanceof Date, 'entity sets carry createdAt/updatedAt timestamps');
    }
    assert.deepEqual(await k.list(), [id]);
    await k.update(id, { Name: `${k.name}-renamed`, Activate: false });
    got = await k.get(id);
    assert.deepEqual([got.Name, got.Status], [`${k.name}-renamed`, 'INACTIVE']);
    await k.update(id, { Activate: true });
    assert.equal((await k.get(id)).Status, 'ACTIVE');
    // a location that cannot be read leaves the list in ERROR, as GuardDuty's status does
    const broken = await k.create({ Name: `${k.name}-broken`, Location: join(h.dir, 'missing.txt'), Activate: true });
    assert.equal((await k.get(broken)).Status, 'ERROR');
    const dup = await sdkError(k.create({ Name: `${k.name}-renamed`, Location: k.file(), Activate: true }));
    assert.deepEqual([dup.name, dup.status], ['BadRequestException', 400]);
    await k.remove(id);
    await k.remove(broken);
    const gone = await sdkError(k.get(id));
    assert.deepEqual([gone.name, gone.status], ['ResourceNotFoundException', 404]);
    assert.deepEqual(await k.list(), []);
  });
}

test('lists are the administrator\'s: a member cannot create one and lists none; read-only cannot write', async () => {
  const m1 = h.sdk(KEYS.member1);
  const m1Detector = (await m1.send(new ListDetectorsCommand({}))).DetectorIds![0] ?? (await m1.send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
  const e = await sdkError(m1.send(new CreateIPSetCommand({ DetectorId: m1Detector, Name: 'mine', Format: 'TXT', Location: files.trusted, Activate: true })));
  assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403]);
  assert.deepEqual((await m1.send(new ListIPSetsCommand({ DetectorId: m1Detector }))).IpSetIds, []);
  const ro = await sdkError(h.sdk(KEYS.readOnly).send(new CreateThreatIntelSetCommand({ DetectorId: D, Name: 'ro', Format: 'TXT', Location: files.threat, Activate: true })));
  assert.deepEqual([ro.name, ro.status], ['AccessDeniedException', 403]);
});

test('AWS CLI: create-ip-set, create-threat-intel-set, list, get, update, delete', { skip: !HAVE_CLI }, async () => {
  const [ip, ti] = await Promise.all([
    h.cli(KEYS.admin, ['create-ip-set', '--detector-id', D, '--name', 'office', '--format', 'TXT', '--location', files.trusted, '--activate']),
    h.cli(KEYS.admin, ['create-threat-intel-set', '--detector-id', D, '--name', 'feed', '--format', 'TXT', '--location', files.threat, '--activate', '--tags', 'src=test']),
  ]);
  assert.equal(ip.code, 0, ip.stderr);
  assert.equal(ti.code, 0, ti.stderr);
  const ipId = ip.json!.IpSetId as string, tiId = ti.json!.ThreatIntelSetId as string;
  const [lists, got, upd] = await Promise.all([
    h.cli(KEYS.admin, ['list-threat-intel-sets', '--detector-id', D]),
    h.cli(KEYS.admin, ['get-ip-set', '--detector-id', D, '--ip-set-id', ipId]),
    h.cli(KEYS.admin, ['update-threat-intel-set', '--detector-id', D, '--threat-intel-set-id', tiId, '--location', files.threat2]),
  ]);
  assert.deepEqual(lists.json, { ThreatIntelSetIds: [tiId] });
  assert.deepEqual(got.json, { Name: 'office', Format: 'TXT', Location: files.trusted, Status: 'ACTIVE', Tags: {} });
  assert.equal(upd.code, 0, upd.stderr);
  const ti2 = await admin.send(new GetThreatIntelSetCommand({ DetectorId: D, ThreatIntelSetId: tiId }));
  assert.deepEqual([ti2.Location, ti2.Status, ti2.Tags], [files.threat2, 'ACTIVE', { src: 'test' }]);
  const del = await h.cli(KEYS.admin, ['delete-ip-set', '--detector-id', D, '--ip-set-id', ipId]);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual((await admin.send(new ListIPSetsCommand({ DetectorId: D }))).IpSetIds, []);
  await admin.send(new DeleteThreatIntelSetCommand({ DetectorId: D, ThreatIntelSetId: tiId }));
});

test('filters: create (NOOP, ranks), get, list with pages, update, delete; names and duplicates checked', async () => {
  const crit = { Criterion: { severity: { Gte: 7 }, type: { Equals: ['Recon:EC2/Portscan'] }, 'service.count': { GreaterThan: 1, LessThanOrEqual: 10 } } };
  assert.deepEqual(await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'high-sev', Description: 'saved view', FindingCriteria: crit, Tags: { owner: 'soc' } }))
    .then((r) => r.Name), 'high-sev');
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'second', Action: 'NOOP', FindingCriteria: { Criterion: { region: { Eq: ['us-east-1'] } } } }));
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'ranked', Rank: 50, FindingCriteria: { Criterion: { accountId: { NotEquals: ['000000000000'] } } } }));
  const f = await admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'high-sev' }));
  assert.deepEqual([f.Name, f.Description, f.Action, f.Rank, f.Tags], ['high-sev', 'saved view', 'NOOP', 1, { owner: 'soc' }]);
  assert.deepEqual(f.FindingCriteria, crit, 'criteria come back as they were given');
  assert.deepEqual([(await admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'second' }))).Rank,
    (await admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'ranked' }))).Rank], [2, 50], 'rank defaults to after the last one');

  const pages = await allPages(async (t) => {
    const r = await admin.send(new ListFiltersCommand({ DetectorId: D, MaxResults: 2, NextToken: t }));
    return { items: r.FilterNames!, next: r.NextToken };
  });
  assert.deepEqual([pages.items.sort(), pages.pages], [['high-sev', 'ranked', 'second'], 2]);

  assert.equal((await admin.send(new UpdateFilterCommand({ DetectorId: D, FilterName: 'second', Rank: 3, Description: 'now third', FindingCriteria: { Criterion: { region: { Neq: ['eu-west-1'] } } } }))).Name, 'second');
  const u = await admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'second' }));
  assert.deepEqual([u.Rank, u.Description, u.Action, u.FindingCriteria], [3, 'now third', 'NOOP', { Criterion: { region: { Neq: ['eu-west-1'] } } }]);

  for (const [name, call] of [
    ['duplicate name', () => admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'ranked', FindingCriteria: crit }))],
    ['name too short', () => admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'ab', FindingCriteria: crit }))],
    ['name with a slash', () => admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'a/b/c', FindingCriteria: crit }))],
    ['rank out of range', () => admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'rank-101', Rank: 101, FindingCriteria: crit }))],
    ['no criteria', () => admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'nothing', FindingCriteria: undefined as unknown as typeof crit }))],
  ] as const) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status], ['BadRequestException', 400], name);
  }
  for (const name of ['high-sev', 'second', 'ranked']) await admin.send(new DeleteFilterCommand({ DetectorId: D, FilterName: name }));
  const gone = await sdkError(admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'ranked' })));
  assert.deepEqual([gone.name, gone.status], ['ResourceNotFoundException', 404]);
  assert.deepEqual((await admin.send(new ListFiltersCommand({ DetectorId: D }))).FilterNames, []);
});

test('suppression end to end: an ARCHIVE filter archives new matching findings (scans and samples, members included), not the rest', async () => {
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'suppress-pentest', Action: 'ARCHIVE', Rank: 1,
    FindingCriteria: { Criterion: { type: { Equals: ['PenTest:IAMUser/KaliLinux', 'Recon:EC2/Portscan'] } } } }));
  // a saved (NOOP) filter matching everything archives nothing
  await admin.send(new CreateFilterCommand({ DetectorId: D, Name: 'everything', Action: 'NOOP', FindingCriteria: { Criterion: { severity: { Gte: 0 } } } }));

  const scanned = await scanSamples(h);
  assert.equal(scanned.suppressed, 2, 'the scan reports what it suppressed');
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage'] }));
  const m1 = h.sdk(KEYS.member1);
  const [m1Detector] = (await m1.send(new ListDetectorsCommand({}))).DetectorIds!;
  await m1.send(new CreateSampleFindingsCommand({ DetectorId: m1Detector, FindingTypes: ['Recon:EC2/Portscan'] }));

  const list = async (archived: string) => (await admin.send(new ListFindingsCommand({ DetectorId: D, FindingCriteria: { Criterion: { 'service.archived': { Eq: [archived] } } } }))).FindingIds!;
  const archived = (await admin.send(new GetFindingsCommand({ DetectorId: D, FindingIds: await list('true') }))).Findings!;
  assert.deepEqual(archived.map((f) => `${f.AccountId} ${f.Type} ${f.Title!.startsWith('[SAMPLE]') ? 'sample' : 'scan'}`).sort(), [
    `${MEMBER1_ACCOUNT} PenTest:IAMUser/KaliLinux scan`, `${MEMBER1_ACCOUNT} Recon:EC2/Portscan sample`, `${MEMBER1_ACCOUNT} Recon:EC2/Portscan scan`,
    `${KEYS.admin.accountId} Recon:EC2/Portscan sample`,
  ].sort());
  const active = (await admin.send(new GetFindingsCommand({ DetectorId: D, FindingIds: await list('false') }))).Findings!;
  assert.equal(active.length, scanned.created - 2 + 1);
  assert.ok(active.every((f) => !['PenTest:IAMUser/KaliLinux', 'Recon:EC2/Portscan'].includes(f.Type!)));
  assert.ok(active.some((f) => f.Type === 'Policy:IAMUser/RootCredentialUsage' && f.AccountId === KEYS.admin.accountId));

  // once the rule is gone, new occurrences are active again
  await admin.send(new DeleteFilterCommand({ DetectorId: D, FilterName: 'suppress-pentest' }));
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: ['Recon:EC2/Portscan'] }));
  const again = (await admin.send(new GetFindingsCommand({ DetectorId: D, FindingIds: await list('true') }))).Findings!;
  assert.ok(!again.some((f) => f.AccountId === KEYS.admin.accountId), 'the administrator\'s sample is active again');
});

test('suppression rules are the administrator\'s: a member keeps NOOP filters only, read-only none', async () => {
  const m1 = h.sdk(KEYS.member1);
  const [m1Detector] = (await m1.send(new ListDetectorsCommand({}))).DetectorIds!;
  const e = await sdkError(m1.send(new CreateFilterCommand({ DetectorId: m1Detector, Name: 'hide-mine', Action: 'ARCHIVE', FindingCriteria: { Criterion: { severity: { Lt: 4 } } } })));
  assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403]);
  await m1.send(new CreateFilterCommand({ DetectorId: m1Detector, Name: 'my-view', FindingCriteria: { Criterion: { severity: { Lt: 4 } } } }));
  assert.deepEqual((await m1.send(new ListFiltersCommand({ DetectorId: m1Detector }))).FilterNames, ['my-view']);
  const up = await sdkError(m1.send(new UpdateFilterCommand({ DetectorId: m1Detector, FilterName: 'my-view', Action: 'ARCHIVE' })));
  assert.deepEqual([up.name, up.status], ['AccessDeniedException', 403]);
  const ro = await sdkError(h.sdk(KEYS.readOnly).send(new CreateFilterCommand({ DetectorId: D, Name: 'ro-view', FindingCriteria: { Criterion: { severity: { Lt: 4 } } } })));
  assert.deepEqual([ro.name, ro.status], ['AccessDeniedException', 403]);
});

test('AWS CLI: create-filter (ARCHIVE, rank), get-filter, update-filter, delete-filter', { skip: !HAVE_CLI }, async () => {
  const crit = JSON.stringify({ Criterion: { severity: { Lt: 3 }, 'resource.resourceType': { Equals: ['AccessKey'] } } });
  const c = await h.cli(KEYS.admin, ['create-filter', '--detector-id', D, '--name', 'cli-low', '--action', 'ARCHIVE', '--rank', '7', '--finding-criteria', crit, '--description', 'from the CLI']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(c.json, { Name: 'cli-low' });
  const [got, list] = await Promise.all([
    h.cli(KEYS.admin, ['get-filter', '--detector-id', D, '--filter-name', 'cli-low']),
    admin.send(new ListFiltersCommand({ DetectorId: D })).then((r) => ({ json: { FilterNames: r.FilterNames } })),
  ]);
  const upd = await h.cli(KEYS.admin, ['update-filter', '--detector-id', D, '--filter-name', 'cli-low', '--action', 'NOOP', '--rank', '2']);
  assert.deepEqual(got.json, { Name: 'cli-low', Description: 'from the CLI', Action: 'ARCHIVE', Rank: 7, FindingCriteria: JSON.parse(crit), Tags: {} });
  assert.ok((list.json!.FilterNames as string[]).includes('cli-low'));
  assert.deepEqual(upd.json, { Name: 'cli-low' });
  const f = await admin.send(new GetFilterCommand({ DetectorId: D, FilterName: 'cli-low' }));
  assert.deepEqual([f.Action, f.Rank], ['NOOP', 2]);
  const del = await h.cli(KEYS.admin, ['delete-filter', '--detector-id', D, '--filter-name', 'cli-low']);
  assert.equal(del.code, 0, del.stderr);
  assert.ok(!(await admin.send(new ListFiltersCommand({ DetectorId: D }))).FilterNames!.includes('cli-low'));
});
