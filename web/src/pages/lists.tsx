/**
 * Threat and trusted lists through GuardDuty's ThreatIntelSet and IPSet APIs, with Vigil's own
 * view of each (entry counts, last refresh, last error) from /vigil/ingestion, and a test of an IP
 * or domain against every active list (/vigil/intel/test).
 */
import { useState, type FormEvent } from 'react';
import { useApp, useAsync, ErrorBox, Loading, Notice } from '../components/ui.js';
import type { ListKind } from '../lib/api.js';
import { fmtAgo, fmtNum, fmtTime } from '../lib/format.js';

const FORMATS = ['TXT', 'STIX', 'OTX_CSV', 'ALIEN_VAULT', 'PROOF_POINT', 'FIRE_EYE'];

interface Row { kind: ListKind; id: string; name: string; format: string; location: string; status: string; reason?: string; counts?: Record<string, number>; fetchedAt?: string; lastError?: string }

export function ListsPage() {
  const { api, detectorId, me } = useApp();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const lists = useAsync(async () => {
    const [ing, ...kinds] = await Promise.all([api.ingestion().catch(() => ({ lists: [] as Record<string, unknown>[] })), ...(['threatintelset', 'ipset'] as ListKind[]).map(async (kind) => {
      const ids = await api.lists(detectorId, kind);
      return Promise.all(ids.map(async (id) => ({ kind, id, ...(await api.getList(detectorId, kind, id)) })));
    })]);
    const extra = new Map(ing.lists.map((l) => [String(l.id), l]));
    return kinds.flat().map((l): Row => {
      const x = extra.get(l.id) ?? {};
      return { ...l, reason: (x.statusReason as string | undefined), counts: x.counts as Record<string, number> | undefined, fetchedAt: x.fetchedAt as string | undefined, lastError: x.lastError as string | undefined };
    });
  }, [api, detectorId]);
  const run = async (msg: string, fn: () => Promise<unknown>) => {
    setError(undefined);
    try { await fn(); setNotice(msg); lists.reload(); return true; } catch (e) { setError(e); return false; }
  };

  if (!me.isAdmin) return <section><h1>Threat and trusted lists</h1><p>Lists belong to the administrator account and apply to every member's findings. Sign in with the administrator's key to see and change them.</p></section>;
  return (
    <section aria-labelledby="lists-h">
      <h1 id="lists-h">Threat and trusted lists</h1>
      <p className="muted">Threat lists raise findings for traffic and API calls from their addresses and domains; trusted IP lists suppress findings for theirs.</p>
      <ErrorBox error={lists.error} retry={lists.reload} />
      <ErrorBox error={error} />
      <Notice text={notice} />
      {lists.loading && !lists.data && <Loading what="lists" />}
      {lists.data && (lists.data.length === 0 ? <p className="muted">No lists yet.</p> : (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" className="num">Entries</th><th scope="col">Format</th><th scope="col">Location</th><th scope="col">Last refresh</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {lists.data.map((l) => {
              const entries = l.counts ? Object.entries(l.counts).filter(([k]) => !/invalid|error|skipped/i.test(k)).reduce((n, [, v]) => n + (Number(v) || 0), 0) : undefined;
              return (
                <tr key={l.id}>
                  <td>{l.name}</td>
                  <td>{l.kind === 'ipset' ? 'Trusted IPs' : 'Threat'}</td>
                  <td><span className={`status status-${l.status.toLowerCase()}`}>{l.status}</span>{(l.reason || l.lastError) && <div className="small warn">{l.reason ?? l.lastError}</div>}</td>
                  <td className="num" title={l.counts ? Object.entries(l.counts).map(([k, v]) => `${k}: ${v}`).join(', ') : ''}>{fmtNum(entries)}</td>
                  <td>{l.format}</td>
                  <td className="break"><code>{l.location}</code></td>
                  <td title={fmtTime(l.fetchedAt)}>{fmtAgo(l.fetchedAt)}</td>
                  <td className="nowrap">{me.canWrite && <>
                    <button type="button" onClick={() => void run(`${l.name} ${l.status === 'ACTIVE' ? 'deactivated' : 'activated'}.`, () => api.updateList(detectorId, l.kind, l.id, { activate: l.status !== 'ACTIVE' }))}>{l.status === 'ACTIVE' ? 'Deactivate' : 'Activate'}</button>
                    <button type="button" aria-label={`Delete ${l.name}`} onClick={() => { if (confirm(`Delete the list ${l.name}?`)) void run(`${l.name} deleted.`, () => api.deleteList(detectorId, l.kind, l.id)); }}>Delete</button>
                  </>}</td>
                </tr>
              );
            })}
          </tbody>
        </table></div>
      ))}
      {me.canWrite && <AddList onAdd={(kind, l) => run(`${l.name} added.`, () => api.createList(detectorId, kind, l))} />}
      <TestValue />
    </section>
  );
}

function AddList({ onAdd }: { onAdd: (kind: ListKind, l: { name: string; format: string; location: string; activate: boolean }) => Promise<boolean> }) {
  const [kind, setKind] = useState<ListKind>('threatintelset');
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [format, setFormat] = useState('TXT');
  const [activate, setActivate] = useState(true);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await onAdd(kind, { name: name.trim(), location: location.trim(), format, activate })) { setName(''); setLocation(''); }
    setBusy(false);
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="add-list-h">
      <h2 id="add-list-h">Add a list</h2>
      <div className="form-grid">
        <label htmlFor="list-kind">Kind</label>
        <select id="list-kind" value={kind} onChange={(e) => setKind(e.target.value as ListKind)}>
          <option value="threatintelset">Threat list (ThreatIntelSet)</option>
          <option value="ipset">Trusted IP list (IPSet)</option>
        </select>
        <label htmlFor="list-name">Name</label>
        <input id="list-name" required maxLength={300} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="list-location">Location</label>
        <div>
          <input id="list-location" required maxLength={300} value={location} onChange={(e) => setLocation(e.target.value)} aria-describedby="list-location-help" spellCheck={false} />
          <div id="list-location-help" className="muted small">An https:// URL, an s3://bucket/key (or GuardDuty's https S3 form), or a file path on the server.</div>
        </div>
        <label htmlFor="list-format">Format</label>
        <select id="list-format" value={format} onChange={(e) => setFormat(e.target.value)}>{FORMATS.map((f) => <option key={f}>{f}</option>)}</select>
        <span />
        <label><input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} /> Activate now</label>
      </div>
      <div className="actions"><button type="submit" className="primary" disabled={busy}>{busy ? 'Loading the list…' : 'Add list'}</button></div>
    </form>
  );
}

function TestValue() {
  const { api } = useApp();
  const [value, setValue] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof api.intelTest>>>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined); setResult(undefined);
    try { setResult(await api.intelTest(value.trim())); } catch (err) { setError(err); }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="test-h">
      <h2 id="test-h">Test an IP address or domain</h2>
      <div className="actions">
        <label htmlFor="test-value">IP or domain</label>
        <input id="test-value" required value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
        <button type="submit">Test</button>
      </div>
      <ErrorBox error={error} />
      {result && (
        <div role="status" data-testid="test-result">
          {!result.threats.length && !result.trusted.length && <p>{result.value} is on no active list.</p>}
          {result.trusted.map((t) => <p key={t}>{result.value} is <strong>trusted</strong> by {t}: findings for it are suppressed.</p>)}
          {result.threats.map((t) => <p key={t.list} className="warn">{result.value} is on the threat list <strong>{t.list}</strong> ({t.purpose}{t.threat ? `, ${t.threat}` : ''}).</p>)}
          {result.note && <p className="muted">Note: {result.note}.</p>}
          {result.problems.map((p) => <p key={p} className="warn">{p}</p>)}
        </div>
      )}
    </form>
  );
}
