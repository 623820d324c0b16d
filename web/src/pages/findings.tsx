/**
 * Findings list: ListFindings with the filter in the URL, one page at a time (nextToken), then
 * GetFindings for that page's rows — never more than a page is downloaded.
 */
import { useEffect, useState } from 'react';
import { useApp, useAsync, ErrorBox, Loading, Link, SeverityBadge, Notice, errorText } from '../components/ui.js';
import { FilterBuilder } from '../components/filter-builder.js';
import { describeCriteria, parseView, resourceIdOf, toCriteria, viewSearch, type FilterState, type View } from '../lib/criteria.js';
import { fmtAgo, fmtNum, fmtTime } from '../lib/format.js';
import { navigate } from '../lib/router.js';

const COLUMNS: [attr: string | undefined, label: string][] = [
  ['severity', 'Severity'], ['type', 'Finding type'], [undefined, 'Resource'], ['accountId', 'Account'], [undefined, 'Region'], ['service.count', 'Count'], ['updatedAt', 'Last seen'],
];

const userName = (f: { resource: Record<string, unknown> }) => (f.resource.accessKeyDetails as { userName?: string } | undefined)?.userName;

export function FindingsPage({ search }: { search: string }) {
  const { api, detectorId, me } = useApp();
  const view = parseView(search);
  const [draft, setDraft] = useState<FilterState>(view.state);
  const [pageSize, setPageSize] = useState(25);
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const criteria = toCriteria(view.state);
  const key = JSON.stringify([criteria, view.sort]);

  useEffect(() => { setDraft(view.state); setTokens([undefined]); setSelected(new Set()); }, [key]);
  const token = tokens[tokens.length - 1];
  const page = useAsync(async () => {
    const list = await api.listFindings(detectorId, criteria, view.sort, pageSize, token);
    const findings = await api.getFindings(detectorId, list.findingIds, view.sort);
    return { findings, nextToken: list.nextToken };
  }, [api, detectorId, key, token, pageSize]);

  const go = (v: View) => navigate(`/findings${viewSearch(v)}`);
  const sortBy = (attr: string) => go({ state: view.state, sort: { attributeName: attr, orderBy: view.sort.attributeName === attr && view.sort.orderBy === 'DESC' ? 'ASC' : 'DESC' } });
  const act = async (archive: boolean) => {
    setActionError(undefined);
    try {
      await api.archive(detectorId, [...selected], archive);
      setNotice(`${selected.size} finding${selected.size === 1 ? '' : 's'} ${archive ? 'archived' : 'unarchived'}.`);
      setSelected(new Set());
      page.reload();
    } catch (e) { setActionError(e); }
  };
  const rows = page.data?.findings ?? [];
  const allChecked = rows.length > 0 && rows.every((f) => selected.has(f.id));

  return (
    <section aria-labelledby="findings-h">
      <h1 id="findings-h">Findings</h1>
      <form className="panel" aria-label="Filter" onSubmit={(e) => { e.preventDefault(); go({ state: draft, sort: view.sort }); }}>
        <h2>Filter</h2>
        <FilterBuilder value={draft} onChange={setDraft} />
        <div className="actions">
          <button type="submit" className="primary">Apply filter</button>
          <button type="button" onClick={() => go({ state: { rows: [], archived: 'current' }, sort: view.sort })}>Clear</button>
          {me.isAdmin && <Link to={`/suppression${viewSearch({ state: { ...view.state, archived: 'all' }, sort: view.sort })}&new=1`}>Create a suppression rule from this filter</Link>}
        </div>
      </form>
      <p className="muted" data-testid="criteria-text">Showing: {describeCriteria(criteria)}</p>
      <ErrorBox error={page.error} retry={page.reload} />
      <ErrorBox error={actionError} />
      <Notice text={notice} />
      <div className="toolbar">
        {me.isAdmin && me.canWrite && <>
          <button type="button" disabled={!selected.size} onClick={() => void act(true)}>Archive selected</button>
          <button type="button" disabled={!selected.size} onClick={() => void act(false)}>Unarchive selected</button>
        </>}
        <label>Rows per page <select value={pageSize} onChange={(e) => { setPageSize(Number(e.target.value)); setTokens([undefined]); }}>
          {[10, 25, 50].map((n) => <option key={n}>{n}</option>)}</select></label>
      </div>
      <div className="table-wrap">
        <table className="findings" aria-busy={page.loading}>
          <caption className="sr-only">Findings, sorted by {view.sort.attributeName} {view.sort.orderBy === 'ASC' ? 'ascending' : 'descending'}</caption>
          <thead>
            <tr>
              <th scope="col"><input type="checkbox" aria-label="Select all on this page" checked={allChecked} onChange={() => setSelected(allChecked ? new Set() : new Set(rows.map((f) => f.id)))} /></th>
              {COLUMNS.map(([attr, label]) => (
                <th key={label} scope="col" aria-sort={attr && view.sort.attributeName === attr ? (view.sort.orderBy === 'ASC' ? 'ascending' : 'descending') : undefined}>
                  {attr ? <button type="button" className="sort" onClick={() => sortBy(attr)}>{label}{view.sort.attributeName === attr ? (view.sort.orderBy === 'ASC' ? ' ▲' : ' ▼') : ''}</button> : label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => (
              <tr key={f.id} className={f.service.archived ? 'archived' : ''}>
                <td><input type="checkbox" aria-label={`Select ${f.type} ${f.id}`} checked={selected.has(f.id)} onChange={() => { const s = new Set(selected); if (s.has(f.id)) s.delete(f.id); else s.add(f.id); setSelected(s); }} /></td>
                <td><SeverityBadge severity={f.severity} /></td>
                <td><Link to={`/findings/${encodeURIComponent(f.id)}`}>{f.type}</Link>{f.service.archived ? <span className="tag">archived</span> : null}<div className="muted small">{f.title}</div></td>
                <td><span className="muted">{f.resource.resourceType}</span> {resourceIdOf(f) || '—'}{userName(f) ? <div className="muted small">{userName(f)}</div> : null}</td>
                <td>{f.accountId}</td>
                <td className="nowrap">{f.region}</td>
                <td className="num">{fmtNum(f.service.count)}</td>
                <td className="nowrap" title={fmtTime(f.updatedAt)}>{fmtAgo(f.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.loading && <Loading what="findings" />}
      {!page.loading && !rows.length && !page.error && <p className="muted">No findings match.</p>}
      <nav className="pager" aria-label="Pages of findings">
        <button type="button" disabled={tokens.length < 2 || page.loading} onClick={() => setTokens(tokens.slice(0, -1))}>Previous page</button>
        <span>Page {tokens.length}</span>
        <button type="button" disabled={!page.data?.nextToken || page.loading} onClick={() => setTokens([...tokens, page.data!.nextToken])}>Next page</button>
      </nav>
      {actionError ? <p className="sr-only">{errorText(actionError)}</p> : null}
    </section>
  );
}
