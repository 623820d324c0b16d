/**
 * The administrator's side of multi-account management: members (create, invite, list, get,
 * disassociate, delete, start/stop monitoring) and their detectors. Besides the accounts the
 * administrator adds explicitly, every account whose logs Vigil has analysed is an enabled member
 * while the organisation's auto-enable is ALL (the default), as with AWS Organizations.
 */
import type { RouteDef, Call } from '../server.js';
import type { MemberDoc } from '../context.js';
import { badRequest } from '../errors.js';
import { onlyKeys, slice, str, strings, ACCOUNT_ID } from '../input.js';
import { detectorIdFor } from '../../findings/index.js';
import { randomUUID } from 'node:crypto';

const NOT_MEMBER = 'The request is rejected because the given account ID is not associated with the current account.';

export const memberDocId = (admin: string, account: string) => `${admin}:${account}`;

/** Explicit members plus the organisation's enabled accounts (those with findings), by account. */
export async function allMembers(c: Call): Promise<Map<string, MemberDoc>> {
  const admin = c.ctx.adminAccountId;
  const out = new Map<string, MemberDoc>();
  for (const m of await c.ctx.explicitMembers()) out.set(m.accountId, m);
  const org = await c.ctx.orgConfig();
  if (org.autoEnableOrganizationMembers !== 'NONE') {
    for (const a of await c.ctx.store.findingAccounts()) {
      if (a === admin || out.has(a)) continue;
      out.set(a, { accountId: a, administratorId: admin, email: '', relationshipStatus: 'Enabled', updatedAt: c.ctx.now() });
    }
  }
  return out;
}

function wire(m: MemberDoc, region: string) {
  return {
    accountId: m.accountId, detectorId: detectorIdFor(m.accountId, region), masterId: m.administratorId, administratorId: m.administratorId,
    email: m.email, relationshipStatus: m.relationshipStatus, invitedAt: m.invitedAt, updatedAt: m.updatedAt,
  };
}

/** The administrator's own detector (read-only keys are refused writes by the server itself). */
async function adminCall(c: Call): Promise<void> {
  await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  c.ctx.requireAdmin(c.p, 'manage member accounts');
}

async function save(c: Call, m: MemberDoc): Promise<void> {
  await c.ctx.store.putDoc('member', memberDocId(c.ctx.adminAccountId, m.accountId), c.ctx.adminAccountId, m);
}

/** Applies `change` to each listed account that is a member; the rest are unprocessed. */
function perAccount(change: (c: Call, m: MemberDoc) => Promise<void>): RouteDef[3] {
  return async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountIds']);
    const ids = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
    const members = await allMembers(c);
    const unprocessedAccounts: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      const m = members.get(id);
      if (!m) { unprocessedAccounts.push({ accountId: id, result: NOT_MEMBER }); continue; }
      await change(c, m);
    }
    return { unprocessedAccounts };
  };
}

const status = (s: string) => async (c: Call, m: MemberDoc) => { m.relationshipStatus = s; m.updatedAt = c.ctx.now(); await save(c, m); };

export const memberRoutes: RouteDef[] = [
  ['POST', '/detector/{DetectorId}/member', 'CreateMembers', async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountDetails']);
    const details = c.body.accountDetails;
    if (!Array.isArray(details) || details.length < 1 || details.length > 50) throw badRequest('The request is rejected because accountDetails must hold 1 to 50 accounts.');
    const unprocessedAccounts: { accountId: string; result: string }[] = [];
    const existing = new Map((await c.ctx.explicitMembers()).map((m) => [m.accountId, m]));
    for (const d of details as Record<string, unknown>[]) {
      const accountId = str(d ?? {}, 'accountId', { required: true, pattern: ACCOUNT_ID })!;
      const email = str(d, 'email', { min: 1, max: 64 }) ?? '';
      if (accountId === c.ctx.adminAccountId) { unprocessedAccounts.push({ accountId, result: 'The request is rejected because the administrator account cannot be its own member.' }); continue; }
      if (existing.has(accountId)) { unprocessedAccounts.push({ accountId, result: 'The request is rejected because the account is already a member.' }); continue; }
      await save(c, { accountId, administratorId: c.ctx.adminAccountId, email, relationshipStatus: 'Created', updatedAt: c.ctx.now() });
    }
    return { unprocessedAccounts };
  }],
  ['POST', '/detector/{DetectorId}/member/invite', 'InviteMembers', async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountIds', 'disableEmailNotification', 'message']);
    const ids = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
    str(c.body, 'message', { max: 1000 });
    const explicit = new Map((await c.ctx.explicitMembers()).map((m) => [m.accountId, m]));
    const unprocessedAccounts: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      const m = explicit.get(id);
      if (!m) { unprocessedAccounts.push({ accountId: id, result: 'The request is rejected because the account is not a member yet: call CreateMembers first.' }); continue; }
      if (m.relationshipStatus === 'Enabled') { unprocessedAccounts.push({ accountId: id, result: 'The request is rejected because the account is already an enabled member.' }); continue; }
      const invitationId = randomUUID().replace(/-/g, '');
      const now = c.ctx.now();
      Object.assign(m, { relationshipStatus: 'Invited', invitedAt: now, updatedAt: now, invitationId });
      await save(c, m);
      await c.ctx.store.putDoc('invitation', invitationId, id, { accountId: c.ctx.adminAccountId, invitationId, relationshipStatus: 'Invited', invitedAt: now });
    }
    return { unprocessedAccounts };
  }],
  ['GET', '/detector/{DetectorId}/member', 'ListMembers', async (c) => {
    await adminCall(c);
    const onlyAssociated = String(c.query.onlyAssociated ?? 'true') !== 'false';
    const members = [...(await allMembers(c)).values()].filter((m) => !onlyAssociated || m.relationshipStatus === 'Enabled');
    const { items, nextToken } = slice(members.map((m) => wire(m, c.region)), c.query);
    return { members: items, nextToken };
  }],
  ['POST', '/detector/{DetectorId}/member/get', 'GetMembers', async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountIds']);
    const ids = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
    const all = await allMembers(c);
    return {
      members: ids.filter((id) => all.has(id)).map((id) => wire(all.get(id)!, c.region)),
      unprocessedAccounts: ids.filter((id) => !all.has(id)).map((accountId) => ({ accountId, result: NOT_MEMBER })),
    };
  }],
  ['POST', '/detector/{DetectorId}/member/disassociate', 'DisassociateMembers', perAccount(status('Removed'))],
  ['POST', '/detector/{DetectorId}/member/stop', 'StopMonitoringMembers', perAccount(status('Disabled'))],
  ['POST', '/detector/{DetectorId}/member/start', 'StartMonitoringMembers', perAccount(async (c, m) => {
    if (m.relationshipStatus === 'Disabled' || m.relationshipStatus === 'Enabled') await status('Enabled')(c, m);
  })],
  ['POST', '/detector/{DetectorId}/member/delete', 'DeleteMembers', perAccount(async (c, m) => {
    await c.ctx.store.deleteDoc('member', memberDocId(c.ctx.adminAccountId, m.accountId));
    if (m.invitationId) await c.ctx.store.deleteDoc('invitation', m.invitationId);
    // an organisation account with findings stays visible while auto-enable is ALL: record that it was removed
    if (!m.email && !m.invitedAt) await status('Removed')(c, m);
  })],
  ['POST', '/detector/{DetectorId}/member/detector/get', 'GetMemberDetectors', async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountIds']);
    const ids = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
    const all = await allMembers(c);
    return {
      members: ids.filter((id) => all.has(id)).map((accountId) => ({
        accountId,
        dataSources: { cloudTrail: { status: 'ENABLED' }, dnsLogs: { status: 'ENABLED' }, flowLogs: { status: 'ENABLED' }, s3Logs: { status: 'DISABLED' } },
        features: [{ name: 'CLOUD_TRAIL', status: 'ENABLED' }, { name: 'DNS_LOGS', status: 'ENABLED' }, { name: 'FLOW_LOGS', status: 'ENABLED' }],
      })),
      unprocessedAccounts: ids.filter((id) => !all.has(id)).map((accountId) => ({ accountId, result: NOT_MEMBER })),
    };
  }],
  ['POST', '/detector/{DetectorId}/member/detector/update', 'UpdateMemberDetectors', async (c) => {
    await adminCall(c);
    onlyKeys(c.body, ['accountIds', 'dataSources', 'features']);
    const ids = strings(c.body, 'accountIds', { required: true, min: 1, max: 50, itemPattern: ACCOUNT_ID })!;
    const all = await allMembers(c);
    return { unprocessedAccounts: ids.filter((id) => !all.has(id)).map((accountId) => ({ accountId, result: NOT_MEMBER })) };
  }],
];
