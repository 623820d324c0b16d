/**
 * The member's side: invitations (list, count, accept, decline, delete), its administrator
 * (get, disassociate, with the deprecated "master" names), and the organisation settings the
 * administrator controls (auto-enable, statistics, delegated administrator).
 */
import type { RouteDef, Call } from '../server.js';
import type { MemberDoc, OrgConfig } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { bool, onlyKeys, slice, str, strings, ACCOUNT_ID } from '../input.js';
import { allMembers, memberDocId } from './members.js';

interface InvitationDoc { accountId: string; invitationId: string; relationshipStatus: string; invitedAt: string }

async function myInvitations(c: Call): Promise<InvitationDoc[]> {
  return c.ctx.store.listDocs<InvitationDoc>('invitation', c.p.accountId);
}

async function myMembership(c: Call): Promise<MemberDoc | undefined> {
  if (c.p.accountId === c.ctx.adminAccountId) return undefined;
  return (await allMembers(c)).get(c.p.accountId);
}

const accept = (idKey: 'administratorId' | 'masterId'): RouteDef[3] => async (c) => {
  await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  onlyKeys(c.body, [idKey, 'invitationId']);
  const admin = str(c.body, idKey, { required: true, pattern: ACCOUNT_ID })!;
  const invitationId = str(c.body, 'invitationId', { required: true, max: 64 })!;
  const inv = (await myInvitations(c)).find((i) => i.invitationId === invitationId && i.accountId === admin);
  if (!inv) throw badRequest('The request is rejected because the invitation does not exist or is not for this account.');
  const m = (await c.ctx.explicitMembers()).find((x) => x.accountId === c.p.accountId);
  if (m) {
    Object.assign(m, { relationshipStatus: 'Enabled', updatedAt: c.ctx.now() });
    await c.ctx.store.putDoc('member', memberDocId(admin, c.p.accountId), admin, m);
  }
  await c.ctx.store.deleteDoc('invitation', invitationId);
  return {};
};

const getAdmin = (key: 'administrator' | 'master'): RouteDef[3] => async (c) => {
  await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  const m = await myMembership(c);
  if (!m) return {};
  return { [key]: { accountId: m.administratorId, invitationId: m.invitationId, relationshipStatus: m.relationshipStatus, invitedAt: m.invitedAt } };
};

const leave: RouteDef[3] = async (c) => {
  await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  const m = await myMembership(c);
  if (!m) throw badRequest('The request is rejected because this account has no administrator.');
  Object.assign(m, { relationshipStatus: 'Resigned', updatedAt: c.ctx.now() });
  await c.ctx.store.putDoc('member', memberDocId(m.administratorId, m.accountId), m.administratorId, m);
  return {};
};

const dropInvitations: RouteDef[3] = async (c) => {
  onlyKeys(c.body, ['accountIds']);
  const admins = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
  const mine = await myInvitations(c);
  const unprocessedAccounts = [];
  for (const a of admins) {
    const inv = mine.filter((i) => i.accountId === a);
    if (!inv.length) { unprocessedAccounts.push({ accountId: a, result: 'The request is rejected because there is no invitation from this account.' }); continue; }
    for (const i of inv) await c.ctx.store.deleteDoc('invitation', i.invitationId);
    const m = (await c.ctx.explicitMembers()).find((x) => x.accountId === c.p.accountId);
    if (m && m.relationshipStatus === 'Invited') await c.ctx.store.putDoc('member', memberDocId(a, c.p.accountId), a, { ...m, relationshipStatus: 'Removed', updatedAt: c.ctx.now() });
  }
  return { unprocessedAccounts };
};

function orgWire(o: OrgConfig) {
  return {
    autoEnable: o.autoEnable, autoEnableOrganizationMembers: o.autoEnableOrganizationMembers, memberAccountLimitReached: false,
    dataSources: { s3Logs: { autoEnable: o.s3DataEvents }, kubernetes: { auditLogs: { autoEnable: false } },
      malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: { autoEnable: false } } } },
    features: [{ name: 'S3_DATA_EVENTS', autoEnable: o.s3DataEvents ? o.autoEnableOrganizationMembers : 'NONE' }],
  };
}

async function adminDetector(c: Call): Promise<void> {
  await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  c.ctx.requireAdmin(c.p, 'manage the organisation');
}

export const invitationRoutes: RouteDef[] = [
  ['GET', '/invitation', 'ListInvitations', async (c) => {
    const { items, nextToken } = slice(await myInvitations(c), c.query);
    return { invitations: items, nextToken };
  }],
  ['GET', '/invitation/count', 'GetInvitationsCount', async (c) => ({ invitationsCount: (await myInvitations(c)).length })],
  ['POST', '/invitation/decline', 'DeclineInvitations', dropInvitations],
  ['POST', '/invitation/delete', 'DeleteInvitations', dropInvitations],
  ['POST', '/detector/{DetectorId}/administrator', 'AcceptAdministratorInvitation', accept('administratorId')],
  ['POST', '/detector/{DetectorId}/master', 'AcceptInvitation', accept('masterId')],
  ['GET', '/detector/{DetectorId}/administrator', 'GetAdministratorAccount', getAdmin('administrator')],
  ['GET', '/detector/{DetectorId}/master', 'GetMasterAccount', getAdmin('master')],
  ['POST', '/detector/{DetectorId}/administrator/disassociate', 'DisassociateFromAdministratorAccount', leave],
  ['POST', '/detector/{DetectorId}/master/disassociate', 'DisassociateFromMasterAccount', leave],
  ['GET', '/detector/{DetectorId}/admin', 'DescribeOrganizationConfiguration', async (c) => {
    await adminDetector(c);
    return orgWire(await c.ctx.orgConfig());
  }],
  ['POST', '/detector/{DetectorId}/admin', 'UpdateOrganizationConfiguration', async (c) => {
    await adminDetector(c);
    onlyKeys(c.body, ['autoEnable', 'dataSources', 'features', 'autoEnableOrganizationMembers']);
    const o = { ...(await c.ctx.orgConfig()) };
    const auto = bool(c.body, 'autoEnable');
    const members = str(c.body, 'autoEnableOrganizationMembers', { values: ['NEW', 'ALL', 'NONE'] }) as OrgConfig['autoEnableOrganizationMembers'] | undefined;
    if (auto !== undefined) { o.autoEnable = auto; if (!members) o.autoEnableOrganizationMembers = auto ? 'NEW' : 'NONE'; }
    if (members) { o.autoEnableOrganizationMembers = members; o.autoEnable = members !== 'NONE'; }
    const s3 = (c.body.dataSources as { s3Logs?: { autoEnable?: unknown } } | undefined)?.s3Logs?.autoEnable;
    if (s3 !== undefined) { if (typeof s3 !== 'boolean') throw badRequest('The request is rejected because dataSources.s3Logs.autoEnable must be true or false.'); o.s3DataEvents = s3; }
    await c.ctx.store.putDoc('org-config', c.ctx.adminAccountId, c.ctx.adminAccountId, o);
    return {};
  }],
  ['GET', '/organization/statistics', 'GetOrganizationStatistics', async (c) => {
    c.ctx.requireAdmin(c.p, 'read organisation statistics');
    const members = [...(await allMembers(c)).values()];
    const enabled = members.filter((m) => m.relationshipStatus === 'Enabled').length;
    return { organizationDetails: { updatedAt: Math.floor(Date.now() / 1000), organizationStatistics: {
      totalAccountsCount: members.length + 1, memberAccountsCount: members.length, activeAccountsCount: enabled + 1, enabledAccountsCount: enabled + 1,
      countByFeature: [{ name: 'CLOUD_TRAIL', enabledAccountsCount: enabled + 1 }, { name: 'DNS_LOGS', enabledAccountsCount: enabled + 1 }, { name: 'FLOW_LOGS', enabledAccountsCount: enabled + 1 }],
    } } };
  }],
  ['GET', '/admin', 'ListOrganizationAdminAccounts', async (c) => {
    c.ctx.requireAdmin(c.p, 'list organisation administrators');
    return { adminAccounts: [{ adminAccountId: c.ctx.adminAccountId, adminStatus: 'ENABLED' }] };
  }],
  ...(['enable', 'disable'] as const).map((what): RouteDef => ['POST', `/admin/${what}`, `${what === 'enable' ? 'Enable' : 'Disable'}OrganizationAdminAccount`, async (c) => {
    c.ctx.requireAdmin(c.p, 'change the organisation administrator');
    onlyKeys(c.body, ['adminAccountId']);
    const id = str(c.body, 'adminAccountId', { required: true, pattern: ACCOUNT_ID });
    if (what === 'enable' && id === c.ctx.adminAccountId) return {};
    if (what === 'disable' && id !== c.ctx.adminAccountId) throw notFound(`The request is rejected because ${id} is not an administrator account.`);
    throw badRequest('The request is rejected because Vigil\'s administrator account is set in its configuration (adminAccountId); change it there and restart.');
  }]),
];
