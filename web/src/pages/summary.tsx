/**
 * Summary: everything from aggregate queries (GetFindingsStatistics and /vigil/ingestion), never
 * by downloading findings, so it stays fast with millions stored.
 */
import { useApp, useAsync, ErrorBox, Loading, Link, SeverityBadge } from '../components/ui.js';
import { DailyChart } from '../components/chart.js';
import { SEVERITY_BANDS, resourceRow, viewSearch, type FilterRow, type FindingCriteria } from '../lib/criteria.js';
import { fmtAgo, fmtNum } from '../lib/format.js';

const CURRENT: FindingCriteria = { criterion: { 'service.archived': { eq: ['false'] } } };
const DAY = 86400;

const findingsLink = (rows: FilterRow[]) => `/findings${viewSearch({ state: { rows, archived: 'current' }, sort: { attributeName: 'updatedAt', orderBy: 'DESC' } })}`;

/** The last 30 days that have findings' range, with empty days filled (dates are epoch seconds at 00:00 UTC). */
function dailySeries(rows: { date: number; totalFindings: number }[]): { date: number; total: number }[] {
  if (!rows.length) return [];
  const by = new Map(rows.map((r) => [r.date, r.totalFindings]));
  const last = Math.max(...rows.map((r) => r.date));
  // at least two weeks, at most 30 days, ending at the newest day with findings
  const first = Math.min(Math.max(Math.min(...rows.map((r) => r.date)), last - 29 * DAY), last - 13 * DAY);
  const out = [];
  for (let d = first; d <= last; d += DAY) out.push({ date: d, total: by.get(d) ?? 0 });
  return out;
}

export function SummaryPage() {
  const { api, detectorId } = useApp();
  const stats = useAsync(async () => {
    const q = (groupBy: string, maxResults = 10) => api.statistics(detectorId, { findingCriteria: CURRENT, groupBy, maxResults, orderBy: 'DESC' }).then((r) => r.findingStatistics);
    const [sev, date, types, accounts] = await Promise.all([
      api.statistics(detectorId, { findingCriteria: CURRENT, findingStatisticTypes: ['COUNT_BY_SEVERITY'] }).then((r) => r.findingStatistics.countBySeverity as Record<string, number>),
      q('DATE', 100), q('FINDING_TYPE'), q('ACCOUNT'),
    ]);
    const bands = SEVERITY_BANDS.map((b) => ({ ...b, count: Object.entries(sev ?? {}).filter(([s]) => Number(s) >= b.min && Number(s) <= b.max + 0.05).reduce((n, [, c]) => n + c, 0) }));
    return {
      bands,
      days: dailySeries((date.groupedByDate ?? []) as { date: number; totalFindings: number }[]),
      types: (types.groupedByFindingType ?? []) as { findingType: string; totalFindings: number; lastGeneratedAt: number }[],
      accounts: (accounts.groupedByAccount ?? []) as { accountId: string; totalFindings: number; lastGeneratedAt: number }[],
    };
  }, [api, detectorId]);
  // grouping by resource reads every finding (no kept counts; seconds with millions) and the server
  // answers one query at a time: asked after the rest, its panel fills in on its own
  const statsReady = !!stats.data;
  const resources = useAsync(async () => (statsReady ? ((await api.statistics(detectorId, { findingCriteria: CURRENT, groupBy: 'RESOURCE', maxResults: 10, orderBy: 'DESC' }))
    .findingStatistics.groupedByResource ?? []) as { resourceId: string; resourceType: string; accountId: string; totalFindings: number }[] : undefined), [api, detectorId, statsReady]);
  const health = useAsync(async () => {
    const [scans, live] = await Promise.all([api.ingestion(), api.ingestionSources().catch(() => ({ sources: [] as Record<string, unknown>[] }))]);
    return { ...scans, sources: live.sources ?? [] };
  }, [api]);
  const s = stats.data;
  return (
    <section aria-labelledby="summary-h">
      <h1 id="summary-h">Summary</h1>
      <p className="muted">Current (unarchived) findings in {api.region}.</p>
      <ErrorBox error={stats.error} retry={stats.reload} />
      {!s && stats.loading && <Loading what="statistics" />}
      {s && <>
        <ul className="cards" aria-label="Findings by severity">
          {s.bands.map((b) => (
            <li key={b.name} className={`card sev-card sev-${b.name.toLowerCase()}`}>
              <Link to={findingsLink([{ field: 'severity', min: b.min, max: b.max }])}>
                <span className="card-num" data-testid={`count-${b.name.toLowerCase()}`}>{fmtNum(b.count)}</span>
                <span className="card-label">{b.name}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="panel">
          <h2>Findings over time</h2>
          {s.days.length ? <DailyChart days={s.days} label="Findings last updated per day" /> : <p className="muted">No findings yet. Run <code>vigil scan</code> or create sample findings.</p>}
        </div>
        <div className="grid3">
          <div className="panel">
            <h2>Top finding types</h2>
            <table><thead><tr><th scope="col">Type</th><th scope="col" className="num">Findings</th></tr></thead><tbody>
              {s.types.map((t) => <tr key={t.findingType}><td><Link to={findingsLink([{ field: 'type', op: 'eq', values: [t.findingType] }])}>{t.findingType}</Link></td><td className="num">{fmtNum(t.totalFindings)}</td></tr>)}
            </tbody></table>
          </div>
          <div className="panel">
            <h2>Most affected resources</h2>
            <ErrorBox error={resources.error} retry={resources.reload} />
            {!resources.data && !resources.error && <Loading what="resources" />}
            <table data-testid="resources"><thead><tr><th scope="col">Resource</th><th scope="col">Account</th><th scope="col" className="num">Findings</th></tr></thead><tbody>
              {(resources.data ?? []).map((r) => <tr key={`${r.accountId}/${r.resourceId}`}><td><span className="muted">{r.resourceType}</span> {r.resourceId ? <Link to={findingsLink([resourceRow(r.resourceType, r.resourceId)])}>{r.resourceId}</Link> : '—'}</td><td className="nowrap">{r.accountId}</td><td className="num">{fmtNum(r.totalFindings)}</td></tr>)}
            </tbody></table>
          </div>
          <div className="panel">
            <h2>Most affected accounts</h2>
            <table><thead><tr><th scope="col">Account</th><th scope="col" className="num">Findings</th><th scope="col">Last</th></tr></thead><tbody>
              {s.accounts.map((a) => <tr key={a.accountId}><td><Link to={findingsLink([{ field: 'accountId', op: 'eq', values: [a.accountId] }])}>{a.accountId}</Link></td><td className="num">{fmtNum(a.totalFindings)}</td><td>{fmtAgo(a.lastGeneratedAt)}</td></tr>)}
            </tbody></table>
          </div>
        </div>
      </>}
      <div className="panel">
        <h2>Ingestion at a glance</h2>
        <ErrorBox error={health.error} retry={health.reload} />
        {health.data && <IngestionGlance data={health.data} />}
      </div>
      <p className="muted">Severity colours: {SEVERITY_BANDS.map((b) => <SeverityBadge key={b.name} severity={b.min} />)}</p>
    </section>
  );
}

function IngestionGlance({ data }: { data: { logTypes: Record<string, unknown>[]; lists: Record<string, unknown>[]; sources: Record<string, unknown>[] } }) {
  const bad = data.logTypes.reduce((n, l) => n + (Number(l.bad) || 0), 0);
  const records = data.logTypes.reduce((n, l) => n + (Number(l.records) || 0), 0);
  const last = data.logTypes.map((l) => String(l.lastProcessedAt ?? '')).sort().at(-1);
  const listErrors = data.lists.filter((l) => l.status === 'ERROR' || l.lastError).length;
  const lags = data.sources.map((s) => Number(s.lagSeconds)).filter((x) => Number.isFinite(x));
  const failing = data.sources.filter((s) => s.lastError).length;
  const maxLag = lags.length ? Math.max(...lags) : undefined;
  return (
    <p data-testid="ingestion-glance">
      {fmtNum(records)} records read from {data.logTypes.length} log types, last {fmtAgo(last || undefined)};{' '}
      <span className={bad ? 'warn' : ''}>{fmtNum(bad)} bad record{bad === 1 ? '' : 's'}</span>; {data.lists.length} threat/trusted lists
      {listErrors ? <span className="warn"> ({listErrors} with errors)</span> : ''}
      {data.sources.length > 0 && <>; {data.sources.length} continuous source{data.sources.length === 1 ? '' : 's'}
        {maxLag !== undefined && <>, lag up to {maxLag < 120 ? `${Math.round(maxLag)} s` : `${Math.round(maxLag / 60)} min`}</>}
        {failing ? <span className="warn">, {failing} with a recent error</span> : ''}</>}
      . <Link to="/ingestion">Details</Link>
    </p>
  );
}
