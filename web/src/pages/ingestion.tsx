/**
 * Ingestion health: continuous sources (/vigil/ingestion/sources: per source records, read rate
 * between refreshes, lag, gaps, bad records by reason with samples, last error), what scans read
 * per log type and the lists' state (/vigil/ingestion). Fields the server adds later are shown
 * generically, by name.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApp, useAsync, ErrorBox, Loading } from '../components/ui.js';
import { fmtAgo, fmtNum, fmtTime, words } from '../lib/format.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function Generic({ value }: { value: unknown }): ReactNode {
  if (Array.isArray(value)) return value.length ? <ul className="plain">{value.map((v, i) => <li key={i}><Generic value={v} /></li>)}</ul> : <span className="muted">none</span>;
  if (isObj(value)) {
    const e = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
    return e.length ? <dl className="props">{e.map(([k, v]) => <div key={k}><dt>{words(k)}</dt><dd><Generic value={v} /></dd></div>)}</dl> : <span className="muted">—</span>;
  }
  if (typeof value === 'number') return <span>{fmtNum(value)}</span>;
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return <span title={fmtTime(value)}>{fmtAgo(value)}</span>;
  return <span>{String(value)}</span>;
}

function fmtLag(s: unknown): string {
  if (typeof s !== 'number') return '—';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Bad records by reason with samples, from a source's or a scan's per-kind stats. */
function BadRecords({ kinds }: { kinds: Obj }) {
  const rows: [string, string, number, unknown[]][] = [];
  for (const [kind, k] of Object.entries(kinds)) {
    if (!isObj(k) || !isObj(k.bad)) continue;
    for (const [reason, b] of Object.entries(k.bad)) if (isObj(b)) rows.push([kind, reason, Number(b.count) || 0, Array.isArray(b.samples) ? b.samples : []]);
  }
  if (!rows.length) return <p className="muted">No bad records.</p>;
  return (
    <table>
      <thead><tr><th scope="col">Log type</th><th scope="col">Reason</th><th scope="col" className="num">Count</th><th scope="col">Samples</th></tr></thead>
      <tbody>{rows.map(([kind, reason, n, samples]) => (
        <tr key={kind + reason}><td>{kind}</td><td>{reason}</td><td className="num">{fmtNum(n)}</td>
          <td>{samples.slice(0, 3).map((s, i) => <pre key={i} className="sample">{typeof s === 'string' ? s : JSON.stringify(s)}</pre>)}</td></tr>
      ))}</tbody>
    </table>
  );
}

const KNOWN = new Set(['id', 'type', 'location', 'records', 'bytesIn', 'badRecords', 'lagSeconds', 'gaps', 'kinds', 'objects', 'newestEventTime', 'lastPollAt', 'lastObjectAt', 'lastCommitAt', 'lastError', 'notices']);

function Source({ s, rate }: { s: Obj; rate?: number }) {
  const objects = isObj(s.objects) ? s.objects : {};
  const gaps = Array.isArray(s.gaps) ? s.gaps as Obj[] : [];
  const rest = Object.fromEntries(Object.entries(s).filter(([k]) => !KNOWN.has(k)));
  const lastError = isObj(s.lastError) ? s.lastError : undefined;
  return (
    <section className="panel" aria-label={`Source ${String(s.id)}`}>
      <h3>{String(s.id)} <span className="muted small">{String(s.type ?? '')} · {String(s.location ?? '')}</span></h3>
      <ul className="cards small-cards">
        <li className="card"><span className="card-num">{fmtNum(s.records)}</span><span className="card-label">records</span></li>
        <li className="card"><span className="card-num">{rate === undefined ? '—' : `${fmtNum(Math.round(rate))}/s`}</span><span className="card-label">read rate</span></li>
        <li className="card"><span className="card-num">{fmtLag(s.lagSeconds)}</span><span className="card-label">lag</span></li>
        <li className="card"><span className={`card-num ${Number(s.badRecords) ? 'warn' : ''}`}>{fmtNum(s.badRecords)}</span><span className="card-label">bad records</span></li>
        <li className="card"><span className="card-num">{fmtNum(objects.read)}</span><span className="card-label">objects read{Number(objects.failed) ? `, ${objects.failed} failed` : ''}</span></li>
        <li className="card"><span className={`card-num ${gaps.length ? 'warn' : ''}`}>{gaps.reduce((n, g) => n + (Number(g.missingSlots) || 0), 0)}</span><span className="card-label">missing 5-min slots</span></li>
      </ul>
      <p className="small">Newest event {fmtAgo(s.newestEventTime as string | undefined)} · last poll {fmtAgo(s.lastPollAt as string | undefined)} · last commit {fmtAgo(s.lastCommitAt as string | undefined)}</p>
      {lastError && <p className="error" role="alert">Last error {fmtAgo(lastError.at as string)}: {String(lastError.message)}</p>}
      {gaps.length > 0 && <><h4>Gaps (CloudTrail)</h4><Generic value={gaps} /></>}
      <h4>Bad records</h4>
      <BadRecords kinds={isObj(s.kinds) ? s.kinds : {}} />
      {isObj(s.notices) && Object.keys(s.notices).length > 0 && <><h4>Notices</h4><Generic value={s.notices} /></>}
      {Object.keys(rest).length > 0 && <><h4>More</h4><Generic value={rest} /></>}
    </section>
  );
}

export function IngestionPage() {
  const { api } = useApp();
  const [tick, setTick] = useState(0);
  useEffect(() => { const t = setInterval(() => setTick((n) => n + 1), 10_000); return () => clearInterval(t); }, []);
  const summary = useAsync(() => api.ingestion(), [api, tick]);
  const sources = useAsync(() => api.ingestionSources(), [api, tick]);
  // read rate: records between two refreshes
  const prev = useRef(new Map<string, { records: number; at: number }>());
  const [rates, setRates] = useState(new Map<string, number>());
  useEffect(() => {
    if (!sources.data?.sources) return;
    const now = Date.now();
    const next = new Map(rates);
    for (const s of sources.data.sources) {
      const id = String(s.id), records = Number(s.records) || 0;
      const p = prev.current.get(id);
      if (p && now > p.at) next.set(id, ((records - p.records) * 1000) / (now - p.at));
      prev.current.set(id, { records, at: now });
    }
    setRates(next);
  }, [sources.data]);
  const extra = sources.data ? Object.fromEntries(Object.entries(sources.data).filter(([k]) => k !== 'sources' && k !== 'notifiers')) : {};
  return (
    <section aria-labelledby="ing-h">
      <h1 id="ing-h">Ingestion health</h1>
      <p className="muted">Refreshes every 10 seconds.</p>
      <h2>Continuous sources</h2>
      <ErrorBox error={sources.error} retry={sources.reload} />
      {sources.loading && !sources.data && <Loading what="sources" />}
      {sources.data && (!sources.data.sources?.length ? <p className="muted">No continuous sources are configured (<code>sources:</code> in vigil serve's configuration); what scans read is below.</p>
        : sources.data.sources.map((s) => <Source key={String(s.id)} s={s} rate={rates.get(String(s.id))} />))}
      {sources.data?.notifiers && sources.data.notifiers.length > 0 && <><h2>Notifiers</h2>
        <table><thead><tr><th scope="col">Name</th><th scope="col" className="num">Sent</th><th scope="col" className="num">Failed</th><th scope="col" className="num">Queued</th><th scope="col" className="num">Dead-lettered</th><th scope="col">Last sent</th><th scope="col">Last error</th></tr></thead>
          <tbody>{sources.data.notifiers.map((n) => <tr key={String(n.name)}><td>{String(n.name)}</td><td className="num">{fmtNum(n.sent)}</td><td className="num">{fmtNum(n.failed)}</td><td className="num">{fmtNum(n.queued)}</td><td className="num">{fmtNum(n.deadLettered)}</td><td>{fmtAgo(n.lastSentAt as string | undefined)}</td><td>{isObj(n.lastError) ? String(n.lastError.message) : '—'}</td></tr>)}</tbody></table></>}
      {Object.keys(extra).length > 0 && <Generic value={extra} />}
      <h2>Read by log type (scans and sources)</h2>
      <ErrorBox error={summary.error} retry={summary.reload} />
      {summary.data && (summary.data.logTypes.length === 0 ? <p className="muted">Nothing read yet.</p> : (
        <table>
          <thead><tr><th scope="col">Log type</th><th scope="col" className="num">Objects</th><th scope="col" className="num">Records</th><th scope="col" className="num">Bad records</th><th scope="col">Last read</th></tr></thead>
          <tbody>{summary.data.logTypes.map((l) => <tr key={String(l.kind)}><td>{String(l.kind)}</td><td className="num">{fmtNum(l.objects)}</td><td className="num">{fmtNum(l.records)}</td><td className={`num ${Number(l.bad) ? 'warn' : ''}`}>{fmtNum(l.bad)}</td><td title={fmtTime(l.lastProcessedAt as string)}>{fmtAgo(l.lastProcessedAt as string)}</td></tr>)}</tbody>
        </table>
      ))}
      {summary.data && summary.data.lists.length > 0 && <>
        <h2>Lists</h2>
        <table><thead><tr><th scope="col">List</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last refresh</th><th scope="col">Problem</th></tr></thead>
          <tbody>{summary.data.lists.map((l) => <tr key={String(l.id)}><td>{String(l.name)}</td><td>{String(l.role)}</td><td>{String(l.status)}</td><td>{fmtAgo(l.fetchedAt as string | undefined)}</td><td className="warn">{String(l.statusReason ?? l.lastError ?? '')}</td></tr>)}</tbody></table>
      </>}
    </section>
  );
}
