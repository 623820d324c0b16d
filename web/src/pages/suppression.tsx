/**
 * Suppression rules: GuardDuty filters with action ARCHIVE, which archive matching new findings
 * as they arrive. List in rank order, create, edit, reorder, delete; before saving, a preview
 * counts the findings already stored that the rule matches (ListFindings with its criteria).
 * Saved views (action NOOP) are listed too.
 */
import { useState, type FormEvent } from 'react';
import { useApp, useAsync, ErrorBox, Loading, Notice, Link } from '../components/ui.js';
import { FilterBuilder } from '../components/filter-builder.js';
import { describeCriteria, fromCriteria, parseView, toCriteria, viewSearch, type FilterState, type FindingCriteria } from '../lib/criteria.js';
import { fmtNum } from '../lib/format.js';
import { navigate } from '../lib/router.js';

interface Rule { name: string; description?: string; action: 'NOOP' | 'ARCHIVE'; rank: number; findingCriteria: FindingCriteria }
interface Draft { name: string; description: string; action: 'NOOP' | 'ARCHIVE'; state: FilterState; existing: boolean }

const NAME = /^[A-Za-z0-9_.-]{3,64}$/;

export function SuppressionPage({ search }: { search: string }) {
  const { api, detectorId, me } = useApp();
  const rules = useAsync(async () => {
    const names = await api.filters(detectorId);
    const all = await Promise.all(names.map((n) => api.getFilter(detectorId, n)));
    return all.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name)) as Rule[];
  }, [api, detectorId]);
  const fromUrl = new URLSearchParams(search).get('new') ? parseView(search).state : undefined;
  const [draft, setDraft] = useState<Draft | undefined>(fromUrl ? { name: '', description: '', action: 'ARCHIVE', state: { ...fromUrl, archived: 'all' }, existing: false } : undefined);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  const suppression = (rules.data ?? []).filter((r) => r.action === 'ARCHIVE');
  const saved = (rules.data ?? []).filter((r) => r.action !== 'ARCHIVE');

  const run = async (msg: string, fn: () => Promise<unknown>) => {
    setError(undefined);
    try { await fn(); setNotice(msg); rules.reload(); return true; } catch (e) { setError(e); return false; }
  };
  const move = (i: number, dir: -1 | 1) => {
    const order = [...suppression];
    const [r] = order.splice(i, 1);
    order.splice(i + dir, 0, r);
    void run(`Rule ${r.name} moved ${dir < 0 ? 'up' : 'down'}.`, async () => {
      // ranks 1..n in the new order; only changed ones are written
      for (const [j, x] of order.entries()) if (x.rank !== j + 1) await api.updateFilter(detectorId, x.name, { rank: j + 1 });
    });
  };
  const edit = (r: Rule) => setDraft({ name: r.name, description: r.description ?? '', action: r.action, state: { ...fromCriteria(r.findingCriteria), archived: 'all' }, existing: true });

  return (
    <section aria-labelledby="sup-h">
      <h1 id="sup-h">Suppression rules</h1>
      <p className="muted">A suppression rule archives new findings that match it as soon as they are found, before any notification. Findings already stored are not changed.</p>
      <ErrorBox error={rules.error} retry={rules.reload} />
      <ErrorBox error={error} />
      <Notice text={notice} />
      {me.isAdmin && me.canWrite && !draft && <button type="button" className="primary" onClick={() => setDraft({ name: '', description: '', action: 'ARCHIVE', state: { rows: [{ field: 'type', op: 'eq', values: [] }], archived: 'all' }, existing: false })}>New suppression rule</button>}
      {!me.isAdmin && <p>Suppression rules belong to the administrator account; members may keep saved filters.</p>}
      {draft && <Editor draft={draft} onCancel={() => { setDraft(undefined); if (fromUrl) navigate('/suppression', { replace: true }); }}
        onSave={async (d) => {
          const criteria = toCriteria({ ...d.state, archived: 'all' }) ?? { criterion: {} };
          const ok = await run(`Rule ${d.name} saved.`, () => d.existing
            ? api.updateFilter(detectorId, d.name, { description: d.description, action: d.action, findingCriteria: criteria })
            : api.createFilter(detectorId, { name: d.name, description: d.description || undefined, action: d.action, findingCriteria: criteria }));
          if (ok) { setDraft(undefined); if (fromUrl) navigate('/suppression', { replace: true }); }
        }} />}
      {rules.loading && !rules.data && <Loading what="rules" />}
      {rules.data && <>
        <h2>Rules, in rank order</h2>
        {suppression.length === 0 ? <p className="muted">No suppression rules.</p> : (
          <table className="rules">
            <thead><tr><th scope="col">Rank</th><th scope="col">Name</th><th scope="col">Matches</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {suppression.map((r, i) => (
                <tr key={r.name}>
                  <td>{r.rank}</td>
                  <td><strong>{r.name}</strong>{r.description ? <div className="muted small">{r.description}</div> : null}</td>
                  <td>{describeCriteria(r.findingCriteria)}</td>
                  <td className="nowrap">
                    {me.isAdmin && me.canWrite && <>
                      <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${r.name} up`}>↑</button>
                      <button type="button" disabled={i === suppression.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${r.name} down`}>↓</button>
                      <button type="button" onClick={() => edit(r)} aria-label={`Edit ${r.name}`}>Edit</button>
                      <button type="button" onClick={() => { if (confirm(`Delete the rule ${r.name}? New findings will no longer be archived by it.`)) void run(`Rule ${r.name} deleted.`, () => api.deleteFilter(detectorId, r.name)); }} aria-label={`Delete ${r.name}`}>Delete</button>
                    </>}
                    <Link to={`/findings${viewSearch({ state: { ...fromCriteria(r.findingCriteria), archived: 'all' }, sort: { attributeName: 'updatedAt', orderBy: 'DESC' } })}`}>View findings</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {saved.length > 0 && <>
          <h2>Saved filters</h2>
          <ul>{saved.map((r) => <li key={r.name}><Link to={`/findings${viewSearch({ state: fromCriteria(r.findingCriteria), sort: { attributeName: 'updatedAt', orderBy: 'DESC' } })}`}>{r.name}</Link> — {describeCriteria(r.findingCriteria)}</li>)}</ul>
        </>}
      </>}
    </section>
  );
}

function Editor({ draft: initial, onSave, onCancel }: { draft: Draft; onSave: (d: Draft) => Promise<void>; onCancel: () => void }) {
  const { api, detectorId } = useApp();
  const [d, setD] = useState(initial);
  const [preview, setPreview] = useState<{ text?: string; error?: unknown; busy?: boolean }>({});
  const [saving, setSaving] = useState(false);
  const criteria = toCriteria({ ...d.state, archived: 'all' });
  const nameOk = NAME.test(d.name);
  const doPreview = async () => {
    if (!criteria) { setPreview({ text: 'Add at least one condition: a rule without conditions would archive every new finding.' }); return; }
    setPreview({ busy: true });
    try {
      const [all, current] = await Promise.all([api.countFindings(detectorId, criteria), api.countFindings(detectorId, { criterion: { ...criteria.criterion, 'service.archived': { eq: ['false'] } } })]);
      const n = (c: { count: number; more: boolean }) => `${fmtNum(c.count)}${c.more ? '+' : ''}`;
      setPreview({ text: `${n(all)} stored finding${all.count === 1 && !all.more ? ' matches' : 's match'} this rule (${n(current)} of them not archived).` });
    } catch (e) { setPreview({ error: e }); }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!nameOk || !criteria) return;
    setSaving(true);
    try { await onSave(d); } finally { setSaving(false); }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={d.existing ? `Edit rule ${d.name}` : 'New suppression rule'}>
      <h2>{d.existing ? `Edit ${d.name}` : 'New suppression rule'}</h2>
      <div className="form-grid">
        <label htmlFor="rule-name">Name</label>
        <div>
          <input id="rule-name" value={d.name} disabled={d.existing} required onChange={(e) => setD({ ...d, name: e.target.value })} aria-invalid={!!d.name && !nameOk} aria-describedby="rule-name-help" />
          <div id="rule-name-help" className="muted small">3–64 letters, digits, '-', '_' or '.'</div>
        </div>
        <label htmlFor="rule-desc">Description</label>
        <input id="rule-desc" value={d.description} maxLength={512} onChange={(e) => setD({ ...d, description: e.target.value })} />
        <label htmlFor="rule-action">Action</label>
        <select id="rule-action" value={d.action} onChange={(e) => setD({ ...d, action: e.target.value as Draft['action'] })}>
          <option value="ARCHIVE">Archive matching new findings (suppression rule)</option>
          <option value="NOOP">Nothing (saved filter)</option>
        </select>
      </div>
      <h3>Findings this rule matches</h3>
      <FilterBuilder value={d.state} onChange={(state) => { setD({ ...d, state }); setPreview({}); }} archivedChoice={false} />
      <p className="muted">{describeCriteria(criteria)}</p>
      <div className="actions">
        <button type="button" onClick={() => void doPreview()} disabled={preview.busy}>Preview matches</button>
        <span role="status" aria-live="polite" data-testid="preview">{preview.busy ? 'Counting…' : preview.text}</span>
      </div>
      <ErrorBox error={preview.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={saving || !nameOk || !criteria}>{saving ? 'Saving…' : 'Save rule'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
