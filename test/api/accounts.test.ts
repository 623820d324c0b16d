/**
 * Multi-account administration and isolation against a live `vigil serve`: what each key sees
 * (a member only its own account; the administrator its members — all scanned accounts under the
 * organisation's auto-enable ALL, only associated ones under NONE; read-only sees but cannot
 * write), the member life cycle (create, invite, accept or decline, disassociate, delete), the
 * deprecated "master" names, monitoring, member detectors and the organisation settings.
 * SDK for every operation; the AWS CLI for invitations (list, count, decline, accept-invitation),
 * invite/list members, get-master-account and the organisation commands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AcceptAdministratorInvitationCommand, CreateDetectorCommand, CreateMembersCommand, CreateSampleFindingsCommand, DeleteInvitationsCommand, DeleteMembersCommand,
  DisableOrganizationAdminAccountCommand, DisassociateFromMasterAccountCommand, GetMasterAccountCommand,
  DescribeOrganizationConfigurationCommand, DisassociateFromAdministratorAccountCommand, DisassociateMembersCommand, EnableOrganizationAdminAccountCommand,
  GetAdministratorAccountCommand, GetFindingsCommand, GetFindingsStatisticsCommand, GetInvitationsCountCommand, GetMemberDetectorsCommand, GetMembersCommand,
  GetOrganizationStatisticsCommand, InviteMembersCommand, ListDetectorsCommand, ListFindingsCommand, ListInvitationsCommand, ListMembersCommand,
  ListOrganizationAdminAccountsCommand, StartMonitoringMembersCommand, StopMonitoringMembersCommand, UpdateMemberDetectorsCommand,
  UpdateOrganizationConfigurationCommand, type GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import { ADMIN_ACCOUNT, HAVE_CLI, KEYS, MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, scanSamples, sdkError, startHarness, type Harness } from './harness.js';

let h: Harness;
let admin: GuardDutyClient, m1: GuardDutyClient, m2: GuardDutyClient;
let D: string, D1: string, D2: string;

/** Accounts whose findings a key sees, with counts (GetFindingsStatistics grouped by account). */
async function seen(c: GuardDutyClient, detectorId: string): Promise<Record<string, number>> {
  const r = await c.send(new GetFindingsStatisticsCommand({ DetectorId: detectorId, GroupBy: 'ACCOUNT' }));
  return Object.fromEntries(r.FindingStatistics!.GroupedByAccount!.map((g) => [g.AccountId!, g.TotalFindings!]));
}

const status = async (ids: string[]) => Object.fromEntries((await admin.send(new GetMembersCommand({ DetectorId: D, AccountIds: ids }))).Members!.map((m) => [m.AccountId!, m.RelationshipStatus!]));

let adminSamples = 0;
/** Findings the scan of the samples made for member 1. */
let scanned = 0;
before(async () => {
  h = await startHarness();
  admin = h.sdk(KEYS.admin); m1 = h.sdk(KEYS.member1); m2 = h.sdk(KEYS.member2);
  D = h.adminDetectorId;
  scanned = (await scanSamples(h)).created; // member 1's findings
  await admin.send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage', 'Impact:EC2/PortSweep'] }));
  adminSamples = 3;
  // member 1 has findings, so the organisation (auto-enable ALL) enabled a detector for it
  [D1] = (await m1.send(new ListDetectorsCommand({}))).DetectorIds!;
  assert.ok(D1);
  // member 2 has none yet: it makes its own detector
  D2 = (await m2.send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
  await m2.send(new CreateSampleFindingsCommand({ DetectorId: D2, FindingTypes: ['Recon:EC2/Portscan'] }));
});
after(async () => { await h?.stop(); });

test('a member sees only its own account\'s findings and detector; the administrator (auto-enable ALL) sees every scanned account', async () => {
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples, [MEMBER1_ACCOUNT]: scanned, [MEMBER2_ACCOUNT]: 1 });
  assert.deepEqual(await seen(h.sdk(KEYS.readOnly), D), await seen(admin, D), 'read-only sees what its account sees');
  assert.deepEqual(await seen(m1, D1), { [MEMBER1_ACCOUNT]: scanned });
  assert.deepEqual(await seen(m2, D2), { [MEMBER2_ACCOUNT]: 1 });

  const adminIds = (await admin.send(new ListFindingsCommand({ DetectorId: D, FindingCriteria: { Criterion: { accountId: { Eq: [ADMIN_ACCOUNT] } } } }))).FindingIds!;
  assert.equal(adminIds.length, adminSamples);
  // a member asking for another account's findings by id, or by criteria, gets nothing
  assert.deepEqual((await m1.send(new GetFindingsCommand({ DetectorId: D1, FindingIds: adminIds }))).Findings, []);
  assert.deepEqual((await m1.send(new ListFindingsCommand({ DetectorId: D1, FindingCriteria: { Criterion: { accountId: { Eq: [ADMIN_ACCOUNT, MEMBER2_ACCOUNT] } } } }))).FindingIds, []);
  const m1Ids = (await m1.send(new ListFindingsCommand({ DetectorId: D1 }))).FindingIds!;
  assert.ok((await m1.send(new GetFindingsCommand({ DetectorId: D1, FindingIds: m1Ids }))).Findings!.every((f) => f.AccountId === MEMBER1_ACCOUNT));
  // nor through someone else's detector
  for (const call of [() => m1.send(new ListFindingsCommand({ DetectorId: D })), () => m1.send(new ListFindingsCommand({ DetectorId: D2 })), () => admin.send(new ListFindingsCommand({ DetectorId: D1 }))]) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status], ['BadRequestException', 400]);
  }
  // and members do not manage members or the organisation
  for (const call of [() => m1.send(new ListMembersCommand({ DetectorId: D1 })), () => m1.send(new DescribeOrganizationConfigurationCommand({ DetectorId: D1 })),
    () => m1.send(new ListOrganizationAdminAccountsCommand({})),
    () => h.sdk(KEYS.readOnly).send(new CreateMembersCommand({ DetectorId: D, AccountDetails: [{ AccountId: MEMBER2_ACCOUNT, Email: 'x@example.com' }] }))]) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403]);
  }
});

test('organisation configuration: auto-enable NONE limits the administrator to its associated members', async () => {
  const before = await admin.send(new DescribeOrganizationConfigurationCommand({ DetectorId: D }));
  assert.deepEqual([before.AutoEnable, before.AutoEnableOrganizationMembers, before.MemberAccountLimitReached], [true, 'ALL', false]);
  await admin.send(new UpdateOrganizationConfigurationCommand({ DetectorId: D, AutoEnableOrganizationMembers: 'NONE' }));
  const now = await admin.send(new DescribeOrganizationConfigurationCommand({ DetectorId: D }));
  assert.deepEqual([now.AutoEnable, now.AutoEnableOrganizationMembers], [false, 'NONE']);
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples });
  assert.deepEqual((await admin.send(new ListMembersCommand({ DetectorId: D, OnlyAssociated: 'false' }))).Members, []);
  // members still see their own
  assert.deepEqual(await seen(m1, D1), { [MEMBER1_ACCOUNT]: scanned });
});

test('member life cycle: create, invite, accept (member 1) or decline (member 2), then the administrator sees member 1 only', async () => {
  const created = await admin.send(new CreateMembersCommand({ DetectorId: D, AccountDetails: [
    { AccountId: MEMBER1_ACCOUNT, Email: 'one@example.com' }, { AccountId: MEMBER2_ACCOUNT, Email: 'two@example.com' }, { AccountId: ADMIN_ACCOUNT, Email: 'me@example.com' }] }));
  assert.deepEqual(created.UnprocessedAccounts!.map((u) => u.AccountId), [ADMIN_ACCOUNT], 'the administrator is not its own member');
  const again = await admin.send(new CreateMembersCommand({ DetectorId: D, AccountDetails: [{ AccountId: MEMBER1_ACCOUNT, Email: 'one@example.com' }] }));
  assert.deepEqual(again.UnprocessedAccounts!.map((u) => u.AccountId), [MEMBER1_ACCOUNT]);
  assert.deepEqual(await status([MEMBER1_ACCOUNT, MEMBER2_ACCOUNT]), { [MEMBER1_ACCOUNT]: 'Created', [MEMBER2_ACCOUNT]: 'Created' });
  assert.deepEqual((await admin.send(new ListMembersCommand({ DetectorId: D }))).Members, [], 'only associated members by default');

  const inv = await admin.send(new InviteMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, '444444444444'], Message: 'join us' }));
  assert.deepEqual(inv.UnprocessedAccounts!.map((u) => u.AccountId), ['444444444444']);
  assert.deepEqual(await status([MEMBER1_ACCOUNT, MEMBER2_ACCOUNT]), { [MEMBER1_ACCOUNT]: 'Invited', [MEMBER2_ACCOUNT]: 'Invited' });

  assert.equal((await m1.send(new GetInvitationsCountCommand({}))).InvitationsCount, 1);
  const [invitation] = (await m1.send(new ListInvitationsCommand({}))).Invitations!;
  assert.equal(invitation.AccountId, ADMIN_ACCOUNT);
  assert.equal(invitation.RelationshipStatus, 'Invited');
  assert.match(invitation.InvitationId!, /^[0-9a-f]{32}$/);
  assert.equal((await admin.send(new GetInvitationsCountCommand({}))).InvitationsCount, 0, 'invitations are per account');

  const wrong = await sdkError(m1.send(new AcceptAdministratorInvitationCommand({ DetectorId: D1, AdministratorId: ADMIN_ACCOUNT, InvitationId: '0'.repeat(32) })));
  assert.deepEqual([wrong.name, wrong.status], ['BadRequestException', 400]);
  await m1.send(new AcceptAdministratorInvitationCommand({ DetectorId: D1, AdministratorId: ADMIN_ACCOUNT, InvitationId: invitation.InvitationId }));
  const adm = (await m1.send(new GetAdministratorAccountCommand({ DetectorId: D1 }))).Administrator!;
  assert.deepEqual([adm.AccountId, adm.RelationshipStatus, adm.InvitationId], [ADMIN_ACCOUNT, 'Enabled', invitation.InvitationId]);
  assert.equal((await m1.send(new GetInvitationsCountCommand({}))).InvitationsCount, 0);

  const listed = (await admin.send(new ListMembersCommand({ DetectorId: D }))).Members!;
  assert.deepEqual(listed.map((m) => [m.AccountId, m.RelationshipStatus, m.DetectorId, m.Email, m.AdministratorId]),
    [[MEMBER1_ACCOUNT, 'Enabled', D1, 'one@example.com', ADMIN_ACCOUNT]]);
  const got = await admin.send(new GetMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT, '555555555555'] }));
  assert.deepEqual([got.Members!.map((m) => m.AccountId), got.UnprocessedAccounts!.map((u) => u.AccountId)], [[MEMBER1_ACCOUNT], ['555555555555']]);
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples, [MEMBER1_ACCOUNT]: scanned }, 'the administrator sees its associated member');
  assert.deepEqual(await seen(m1, D1), { [MEMBER1_ACCOUNT]: scanned }, 'the member still sees only its own');

  if (HAVE_CLI) {
    const [list, count] = await Promise.all([h.cli(KEYS.member2, ['list-invitations']), h.cli(KEYS.member2, ['get-invitations-count'])]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((list.json!.Invitations as { AccountId: string }[]).map((i) => i.AccountId), [ADMIN_ACCOUNT]);
    assert.deepEqual(count.json, { InvitationsCount: 1 });
    const decline = await h.cli(KEYS.member2, ['decline-invitations', '--account-ids', ADMIN_ACCOUNT]);
    assert.deepEqual(decline.json, { UnprocessedAccounts: [] });
  } else {
    await m2.send(new (await import('@aws-sdk/client-guardduty')).DeclineInvitationsCommand({ AccountIds: [ADMIN_ACCOUNT] }));
  }
  assert.equal((await m2.send(new GetInvitationsCountCommand({}))).InvitationsCount, 0);
  assert.equal((await status([MEMBER2_ACCOUNT]))[MEMBER2_ACCOUNT], 'Removed');
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples, [MEMBER1_ACCOUNT]: scanned }, 'a declined member stays invisible');
});

test('monitoring and member detectors: stop, start, get and update member detectors', async () => {
  const stop = await admin.send(new StopMonitoringMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT, '666666666666'] }));
  assert.deepEqual(stop.UnprocessedAccounts!.map((u) => u.AccountId), ['666666666666']);
  assert.equal((await status([MEMBER1_ACCOUNT]))[MEMBER1_ACCOUNT], 'Disabled');
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples }, 'a stopped member is not monitored');
  await admin.send(new StartMonitoringMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT] }));
  assert.equal((await status([MEMBER1_ACCOUNT]))[MEMBER1_ACCOUNT], 'Enabled');

  const md = await admin.send(new GetMemberDetectorsCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT, '666666666666'] }));
  assert.deepEqual(md.MemberDataSourceConfigurations!.map((m) => m.AccountId), [MEMBER1_ACCOUNT]);
  assert.equal(md.MemberDataSourceConfigurations![0].DataSources!.CloudTrail!.Status, 'ENABLED');
  assert.deepEqual(md.UnprocessedAccounts!.map((u) => u.AccountId), ['666666666666']);
  const upd = await admin.send(new UpdateMemberDetectorsCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT], Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] }));
  assert.deepEqual(upd.UnprocessedAccounts, []);
});

test('disassociate and delete members: the administrator stops seeing them', async () => {
  const dis = await admin.send(new DisassociateMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT] }));
  assert.deepEqual(dis.UnprocessedAccounts, []);
  assert.equal((await status([MEMBER1_ACCOUNT]))[MEMBER1_ACCOUNT], 'Removed');
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples });
  const del = await admin.send(new DeleteMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT, MEMBER2_ACCOUNT, '777777777777'] }));
  assert.deepEqual(del.UnprocessedAccounts!.map((u) => u.AccountId), ['777777777777']);
  assert.deepEqual((await admin.send(new ListMembersCommand({ DetectorId: D, OnlyAssociated: 'false' }))).Members, []);
  assert.deepEqual((await m1.send(new GetAdministratorAccountCommand({ DetectorId: D1 }))).Administrator, undefined);
});

test('deprecated and remaining member-side operations: GetMasterAccount, DeleteInvitations, DisassociateFromMasterAccount, DisableOrganizationAdminAccount', async () => {
  const none = await sdkError(m1.send(new DisassociateFromMasterAccountCommand({ DetectorId: D1 })));
  assert.deepEqual([none.name, none.status], ['BadRequestException', 400], 'no administrator to leave');
  await admin.send(new CreateMembersCommand({ DetectorId: D, AccountDetails: [{ AccountId: MEMBER1_ACCOUNT, Email: 'one@example.com' }] }));
  await admin.send(new InviteMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT] }));
  const master = (await m1.send(new GetMasterAccountCommand({ DetectorId: D1 }))).Master!;
  assert.deepEqual([master.AccountId, master.RelationshipStatus], [ADMIN_ACCOUNT, 'Invited']);
  assert.deepEqual((await m1.send(new DeleteInvitationsCommand({ AccountIds: [ADMIN_ACCOUNT] }))).UnprocessedAccounts, []);
  assert.equal((await m1.send(new GetInvitationsCountCommand({}))).InvitationsCount, 0);
  assert.deepEqual((await m1.send(new DeleteInvitationsCommand({ AccountIds: [ADMIN_ACCOUNT] }))).UnprocessedAccounts!.map((u) => u.AccountId), [ADMIN_ACCOUNT]);
  assert.equal((await status([MEMBER1_ACCOUNT]))[MEMBER1_ACCOUNT], 'Removed');
  await admin.send(new DeleteMembersCommand({ DetectorId: D, AccountIds: [MEMBER1_ACCOUNT] }));

  const other = await sdkError(admin.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: MEMBER1_ACCOUNT })));
  assert.deepEqual([other.name, other.status], ['ResourceNotFoundException', 404]);
  const self = await sdkError(admin.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: ADMIN_ACCOUNT })));
  assert.deepEqual([self.name, self.status], ['BadRequestException', 400], 'the administrator is set in the configuration');
});

test('AWS CLI: invite-members, accept-invitation (the "master" name), get-master-account, list-members; the member resigns', { skip: !HAVE_CLI }, async () => {
  await admin.send(new CreateMembersCommand({ DetectorId: D, AccountDetails: [{ AccountId: MEMBER2_ACCOUNT, Email: 'two@example.com' }] }));
  const i = await h.cli(KEYS.admin, ['invite-members', '--detector-id', D, '--account-ids', MEMBER2_ACCOUNT, '--message', 'again']);
  assert.deepEqual(i.json, { UnprocessedAccounts: [] });
  const [invitation] = (await m2.send(new ListInvitationsCommand({}))).Invitations!;
  const acc = await h.cli(KEYS.member2, ['accept-invitation', '--detector-id', D2, '--master-id', ADMIN_ACCOUNT, '--invitation-id', invitation.InvitationId!]);
  assert.equal(acc.code, 0, acc.stderr);
  const [master, members] = await Promise.all([h.cli(KEYS.member2, ['get-master-account', '--detector-id', D2]), h.cli(KEYS.admin, ['list-members', '--detector-id', D])]);
  const m = master.json!.Master as { AccountId: string; RelationshipStatus: string };
  assert.deepEqual([m.AccountId, m.RelationshipStatus], [ADMIN_ACCOUNT, 'Enabled']);
  assert.deepEqual((members.json!.Members as { AccountId: string; RelationshipStatus: string }[]).map((x) => [x.AccountId, x.RelationshipStatus]), [[MEMBER2_ACCOUNT, 'Enabled']]);
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples, [MEMBER2_ACCOUNT]: 1 });

  await m2.send(new DisassociateFromAdministratorAccountCommand({ DetectorId: D2 }));
  assert.equal((await status([MEMBER2_ACCOUNT]))[MEMBER2_ACCOUNT], 'Resigned');
  assert.deepEqual(await seen(admin, D), { [ADMIN_ACCOUNT]: adminSamples }, 'a member that left is no longer seen');
});

test('organisation administrator: listed, enabling it again is a no-op, another account is refused; statistics', async () => {
  assert.deepEqual((await admin.send(new ListOrganizationAdminAccountsCommand({}))).AdminAccounts, [{ AdminAccountId: ADMIN_ACCOUNT, AdminStatus: 'ENABLED' }]);
  await admin.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: ADMIN_ACCOUNT }));
  const e = await sdkError(admin.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: MEMBER1_ACCOUNT })));
  assert.deepEqual([e.name, e.status], ['BadRequestException', 400]);
  const stats = (await admin.send(new GetOrganizationStatisticsCommand({}))).OrganizationDetails!;
  assert.ok(stats.UpdatedAt instanceof Date);
  assert.equal(stats.OrganizationStatistics!.TotalAccountsCount, stats.OrganizationStatistics!.MemberAccountsCount! + 1);

  if (!HAVE_CLI) return;
  await admin.send(new UpdateOrganizationConfigurationCommand({ DetectorId: D, AutoEnableOrganizationMembers: 'ALL' }));
  const [desc, list] = await Promise.all([h.cli(KEYS.admin, ['describe-organization-configuration', '--detector-id', D]), h.cli(KEYS.admin, ['list-organization-admin-accounts'])]);
  assert.equal(desc.code, 0, desc.stderr);
  // (CLI 2.9's model predates autoEnableOrganizationMembers: it shows autoEnable only)
  assert.equal(desc.json!.AutoEnable, true);
  assert.deepEqual(list.json, { AdminAccounts: [{ AdminAccountId: ADMIN_ACCOUNT, AdminStatus: 'ENABLED' }] });
});
