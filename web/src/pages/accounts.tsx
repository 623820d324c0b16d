/**
 * Accounts: the administrator sees its members (explicit and, under auto-enable ALL, every
 * account whose logs were analysed) with finding counts per account, and adds/invites members.
 * A member sees only its own account, its administrator and its invitations.
 */
import { useState, type FormEvent } from 'react';
import { useApp, useAsync, ErrorBox, Loading, Notice, Link } from '../components/ui.js';
import { viewSearch } from '../lib/criteria.js';
import { fmtAgo, fmtNum } from '../lib/format.js';

const CURRENT = { criterion: { 'service.archived': { eq: ['false'] } } };

function useCounts() {
  const { api, detectorId } = useApp();
  return useAsync(async () => {
    const r = await api.statistics(detectorId, { findingCriteria: CURRENT, groupBy: 'ACCOUNT', maxResults: 100 });
    return new Map(((r.findingStatistics.groupedByAccount ?? []) as { accountId: string; totalFindings: number; lastGeneratedAt: number }[]).map((a) => [a.accountId, a]));
  }, [api, detectorId]);
}

const accountLink = (id: string) => `/findings${viewSearch({ state: { rows: [{ field: 'accountId', op: 'eq', values: [id] }], archived: 'current' }, sort: { attributeName: 'updatedAt', orderBy: 'DESC' } })}`;

export function AccountsPage() {
  const { me } = useApp();
  return me.isAdmin ? <AdminView /> : <MemberView />;
}

function AdminView() {
  const { api, detectorId, me } = useApp();
  const members = useAsync(() => api.members(detectorId), [api, detectorId]);
  const org = useAsync(() => api.organization(detectorId), [api, detectorId]);
  const counts = useCounts();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [accountId, setAccountId] = useState('');
  const [email, setEmail] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const c = await api.createMembers(detectorId, [{ accountId: accountId.trim(), email: email.trim() }]);
      if (c.unprocessedAccounts?.length) throw new Error(c.unprocessedAccounts.map((u) => `${u.accountId}: ${u.result}`).join('; '));
      const i = await api.inviteMembers(detectorId, [accountId.trim()]);
      if (i.unprocessedAccounts?.length) throw new Error(i.unprocessedAccounts.map((u) => `${u.accountId}: ${u.result}`).join('; '));
      setNotice(`Account ${accountId} added and invited.`); setAccountId(''); setEmail('');
      members.reload();
    } catch (err) { setError(err); }
  };
  const rows = [{ accountId: me.accountId, email: '', relationshipStatus: 'Administrator' }, ...(members.data?.members ?? [])];
  return (
    <section aria-labelledby="acc-h">
      <h1 id="acc-h">Accounts</h1>
      <p className="muted">You are the administrator ({me.accountId}).
        {org.data && <> Organisation auto-enable: <strong>{org.data.autoEnableOrganizationMembers ?? '—'}</strong>{org.data.autoEnableOrganizationMembers === 'ALL' ? ' — every account whose logs are analysed is an enabled member.' : '.'}</>}</p>
      <ErrorBox error={members.error} retry={members.reload} />
      <ErrorBox error={counts.error} retry={counts.reload} />
      <ErrorBox error={error} />
      <Notice text={notice} />
      {members.loading && !members.data && <Loading what="members" />}
      <div className="table-wrap"><table>
        <thead><tr><th scope="col">Account</th><th scope="col">Status</th><th scope="col">Email</th><th scope="col" className="num">Current findings</th><th scope="col">Last finding</th></tr></thead>
        <tbody>
          {rows.map((m) => {
            const c = counts.data?.get(m.accountId);
            return (
              <tr key={m.accountId}>
                <td><Link to={accountLink(m.accountId)}>{m.accountId}</Link></td>
                <td>{m.relationshipStatus}</td>
                <td>{m.email || '—'}</td>
                <td className="num">{fmtNum(c?.totalFindings ?? 0)}</td>
                <td>{fmtAgo(c?.lastGeneratedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table></div>
      {me.canWrite && (
        <form className="panel" onSubmit={add} aria-labelledby="add-member-h">
          <h2 id="add-member-h">Add and invite a member</h2>
          <div className="form-grid">
            <label htmlFor="member-id">Account ID</label>
            <input id="member-id" required pattern="\d{12}" title="12 digits" value={accountId} onChange={(e) => setAccountId(e.target.value)} />
            <label htmlFor="member-email">Email</label>
            <input id="member-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="actions"><button type="submit" className="primary">Add and invite</button></div>
        </form>
      )}
    </section>
  );
}

function MemberView() {
  const { api, detectorId, me } = useApp();
  const counts = useCounts();
  const admin = useAsync(() => api.administrator(detectorId), [api, detectorId]);
  const invitations = useAsync(() => api.invitations(), [api]);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const run = async (msg: string, fn: () => Promise<unknown>) => {
    setError(undefined);
    try { await fn(); setNotice(msg); invitations.reload(); admin.reload(); } catch (e) { setError(e); }
  };
  const mine = counts.data?.get(me.accountId);
  return (
    <section aria-labelledby="acc-h">
      <h1 id="acc-h">Accounts</h1>
      <p>You are signed in as member account <strong data-testid="own-account">{me.accountId}</strong> ({me.role}). You see only this account's findings.</p>
      <ErrorBox error={error} />
      <Notice text={notice} />
      <div className="panel">
        <h2>This account</h2>
        <ErrorBox error={counts.error} retry={counts.reload} />
        <p><Link to={accountLink(me.accountId)}>{fmtNum(mine?.totalFindings ?? 0)} current findings</Link>{mine ? `, the last ${fmtAgo(mine.lastGeneratedAt)}` : ''}.</p>
      </div>
      <div className="panel">
        <h2>Administrator</h2>
        <ErrorBox error={admin.error} retry={admin.reload} />
        {admin.data && (admin.data.administrator ? <p>{admin.data.administrator.accountId} — {admin.data.administrator.relationshipStatus}</p> : <p className="muted">No administrator.</p>)}
      </div>
      <div className="panel">
        <h2>Invitations</h2>
        <ErrorBox error={invitations.error} retry={invitations.reload} />
        {invitations.data && (invitations.data.invitations.length === 0 ? <p className="muted">No pending invitations.</p> : (
          <ul>{invitations.data.invitations.map((i) => (
            <li key={i.invitationId}>From {i.accountId} ({fmtAgo(i.invitedAt)}){' '}
              {me.canWrite && <>
                <button type="button" onClick={() => void run('Invitation accepted.', () => api.acceptInvitation(detectorId, i.accountId, i.invitationId))}>Accept</button>
                <button type="button" onClick={() => void run('Invitation declined.', () => api.declineInvitations([i.accountId]))}>Decline</button>
              </>}
            </li>
          ))}</ul>
        ))}
      </div>
    </section>
  );
}
