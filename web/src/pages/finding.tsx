/**
 * One finding in readable sections: what and where, the resource, the actor (remote IP with ASN
 * and country, API caller), the action, threat-intel evidence, the anomaly explanation, counts
 * and times, then the raw JSON. Actions: archive/unarchive, feedback, suppress findings like this.
 */
import { useState, type ReactNode } from 'react';
import { useApp, useAsync, ErrorBox, Loading, Link, SeverityBadge, Notice } from '../components/ui.js';
import { criteriaLike, fromCriteria, resourceIdOf, viewSearch } from '../lib/criteria.js';
import type { Finding } from '../lib/api.js';
import { fmtNum, fmtTime, words } from '../lib/format.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any value as a definition list (nested objects indented), for sections whose shape varies. */
function Props({ value, skip = [] }: { value: unknown; skip?: string[] }): ReactNode {
  if (Array.isArray(value)) {
    if (value.every((v) => !isObj(v) && !Array.isArray(v))) return <span>{value.join(', ')}</span>;
    return <ol className="plain">{value.map((v, i) => <li key={i}><Props value={v} /></li>)}</ol>;
  }
  if (!isObj(value)) return <span>{value === undefined || value === null ? '—' : String(value)}</span>;
  const entries = Object.entries(value).filter(([k, v]) => !skip.includes(k) && v !== undefined && v !== null && v !== '');
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <dl className="props">
      {entries.map(([k, v]) => <div key={k}><dt>{words(k)}</dt><dd><Props value={v} /></dd></div>)}
    </dl>
  );
}

/** Anomaly feature names as GuardDuty's console words them. */
const FEATURE: Record<string, string> = { asnOrg: 'Network (ASN)', userAgent: 'User agent', api: 'API', country: 'Country', userType: 'User type', bucket: 'S3 bucket', userName: 'User name' };

function Section({ title, children }: { title: string; children: ReactNode }) {
  return <section className="panel" aria-label={title}><h2>{title}</h2>{children}</section>;
}

interface RemoteIp { ipAddressV4?: string; ipAddressV6?: string; country?: { countryName?: string; countryCode?: string }; city?: { cityName?: string }; organization?: { asn?: string; asnOrg?: string; isp?: string; org?: string } }

function RemoteIpView({ ip }: { ip: RemoteIp }) {
  const o = ip.organization ?? {};
  return (
    <dl className="props">
      <div><dt>IP address</dt><dd><code>{ip.ipAddressV4 ?? ip.ipAddressV6 ?? '—'}</code></dd></div>
      {(o.asn || o.asnOrg) && <div><dt>ASN</dt><dd>{o.asn ? `AS${o.asn}` : ''} {o.asnOrg ?? ''}</dd></div>}
      {(o.isp || o.org) && <div><dt>Organisation</dt><dd>{o.org ?? o.isp}</dd></div>}
      {ip.country?.countryName && <div><dt>Country</dt><dd>{ip.country.countryName}{ip.country.countryCode ? ` (${ip.country.countryCode})` : ''}</dd></div>}
      {ip.city?.cityName && <div><dt>City</dt><dd>{ip.city.cityName}</dd></div>}
    </dl>
  );
}

function Actor({ f }: { f: Finding }) {
  const action = (f.service.action ?? {}) as Obj;
  const api = action.awsApiCallAction as Obj | undefined;
  const net = action.networkConnectionAction as Obj | undefined;
  const remote = (api?.remoteIpDetails ?? net?.remoteIpDetails) as RemoteIp | undefined;
  const ak = (f.resource.accessKeyDetails ?? undefined) as Obj | undefined;
  if (!remote && !api && !ak) return <p className="muted">No actor recorded.</p>;
  return (
    <div className="cols">
      {remote && <div><h3>Remote IP</h3><RemoteIpView ip={remote} /></div>}
      {(api || ak) && <div><h3>API caller</h3>
        <dl className="props">
          {ak?.userName ? <div><dt>User name</dt><dd>{String(ak.userName)}</dd></div> : null}
          {ak?.userType ? <div><dt>User type</dt><dd>{String(ak.userType)}</dd></div> : null}
          {ak?.accessKeyId ? <div><dt>Access key</dt><dd><code>{String(ak.accessKeyId)}</code></dd></div> : null}
          {ak?.principalId ? <div><dt>Principal</dt><dd><code>{String(ak.principalId)}</code></dd></div> : null}
          {api?.callerType ? <div><dt>Caller type</dt><dd>{String(api.callerType)}</dd></div> : null}
          {api?.userAgent ? <div><dt>User agent</dt><dd>{String(api.userAgent)}</dd></div> : null}
          {isObj(api?.remoteAccountDetails) ? <div><dt>Remote account</dt><dd><Props value={api!.remoteAccountDetails} /></dd></div> : null}
        </dl>
      </div>}
    </div>
  );
}

/** `service.detection.anomaly`: what was unusual, per scope, against the usual profile. */
function Anomaly({ detection, additionalInfo }: { detection: unknown; additionalInfo: unknown }) {
  const anomaly = isObj(detection) && isObj(detection.anomaly) ? detection.anomaly : undefined;
  const behavior = anomaly && isObj(anomaly.unusual) && isObj(anomaly.unusual.behavior) ? anomaly.unusual.behavior : undefined;
  const profiles = anomaly && isObj(anomaly.profiles) ? anomaly.profiles : {};
  let info: unknown;
  if (isObj(additionalInfo) && typeof additionalInfo.value === 'string') {
    try { info = JSON.parse(additionalInfo.value); } catch { info = additionalInfo.value; }
  }
  const hasInfo = isObj(info) ? Object.keys(info).length > 0 : !!info;
  if (!behavior && !hasInfo && !isObj(detection)) return null;
  const texts = (o: unknown) => (isObj(o) && isObj(o.observations) && Array.isArray(o.observations.text) ? o.observations.text as string[] : []);
  return (
    <Section title={behavior ? 'Why this is unusual' : 'Additional information'}>
      {behavior && Object.entries(behavior).map(([scope, feats]) => (
        <div key={scope} className="scope">
          <h3>Compared with the usual behaviour of <code>{scope}</code></h3>
          <table>
            <thead><tr><th scope="col">Feature</th><th scope="col">Observed</th><th scope="col">Usually</th></tr></thead>
            <tbody>
              {isObj(feats) && Object.entries(feats).map(([feature, o]) => {
                const usual = isObj(profiles[scope]) ? (profiles[scope] as Obj)[feature] : undefined;
                return (
                  <tr key={feature}>
                    <th scope="row">{FEATURE[feature] ?? words(feature)}</th>
                    <td>{texts(o).join('; ')} {isObj(o) && o.profileSubtype ? <span className="tag">{String(o.profileSubtype).toLowerCase()}</span> : null}</td>
                    <td>{Array.isArray(usual) ? usual.flatMap(texts).join('; ') : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
      {!behavior && isObj(detection) && <Props value={detection} />}
      {hasInfo && <>{behavior && <h3>Additional information</h3>}<Props value={info} /></>}
    </Section>
  );
}

export function FindingPage({ id }: { id: string }) {
  const { api, detectorId, me } = useApp();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const res = useAsync(async () => (await api.getFindings(detectorId, [id]))[0], [api, detectorId, id]);
  const f = res.data;
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try { await fn(); setNotice(what); res.reload(); } catch (e) { setActionError(e); }
  };
  if (res.loading && !f) return <Loading what="the finding" />;
  if (res.error && !f) return <><h1>Finding</h1><ErrorBox error={res.error} retry={res.reload} /><p><Link to="/findings">Back to findings</Link></p></>;
  if (!f) return <><h1>Finding not found</h1><p>No finding {id} that this key may see in {api.region}. <Link to="/findings">Back to findings</Link></p></>;

  const action = (f.service.action ?? {}) as Obj;
  const actionDetail = Object.entries(action).find(([k, v]) => k !== 'actionType' && isObj(v));
  const evidence = ((f.service.evidence as Obj | undefined)?.threatIntelligenceDetails ?? []) as Obj[];
  const like = `/suppression${viewSearch({ state: { ...fromCriteria(criteriaLike(f)), archived: 'all' }, sort: { attributeName: 'updatedAt', orderBy: 'DESC' } })}&new=1`;
  const archived = !!f.service.archived;
  return (
    <article aria-labelledby="finding-h">
      <p><Link to="/findings">← Findings</Link></p>
      <h1 id="finding-h"><SeverityBadge severity={f.severity} /> {f.type}</h1>
      <p className="lead">{f.title}</p>
      <p>{f.description}</p>
      <ErrorBox error={actionError} />
      <Notice text={notice} />
      <div className="actions">
        {me.isAdmin && me.canWrite && <button type="button" className="primary" onClick={() => void run(archived ? 'Finding unarchived.' : 'Finding archived.', () => api.archive(detectorId, [f.id], !archived))}>{archived ? 'Unarchive' : 'Archive'}</button>}
        {me.canWrite && <>
          <button type="button" aria-pressed={f.service.userFeedback === 'USEFUL'} onClick={() => void run('Thanks: marked useful.', () => api.feedback(detectorId, [f.id], 'USEFUL'))}>Useful</button>
          <button type="button" aria-pressed={f.service.userFeedback === 'NOT_USEFUL'} onClick={() => void run('Thanks: marked not useful.', () => api.feedback(detectorId, [f.id], 'NOT_USEFUL'))}>Not useful</button>
        </>}
        {me.isAdmin && <Link to={like} className="button">Suppress findings like this…</Link>}
      </div>
      <Section title="Overview">
        <dl className="props">
          <div><dt>Status</dt><dd>{archived ? 'Archived' : 'Current'}{f.service.userFeedback ? ` · feedback: ${String(f.service.userFeedback).toLowerCase().replace('_', ' ')}` : ''}</dd></div>
          <div><dt>Account</dt><dd>{f.accountId}</dd></div>
          <div><dt>Region</dt><dd>{f.region}</dd></div>
          <div><dt>Count</dt><dd>{fmtNum(f.service.count)}</dd></div>
          <div><dt>First seen</dt><dd>{fmtTime(f.service.eventFirstSeen)}</dd></div>
          <div><dt>Last seen</dt><dd>{fmtTime(f.service.eventLastSeen)}</dd></div>
          <div><dt>Created</dt><dd>{fmtTime(f.createdAt)}</dd></div>
          <div><dt>Updated</dt><dd>{fmtTime(f.updatedAt)}</dd></div>
          <div><dt>Finding ID</dt><dd><code>{f.id}</code></dd></div>
        </dl>
      </Section>
      <Section title="Resource">
        <p><strong>{f.resource.resourceType}</strong> {resourceIdOf(f)} {f.service.resourceRole ? <span className="tag">{String(f.service.resourceRole).toLowerCase()}</span> : null}</p>
        <Props value={f.resource} skip={['resourceType']} />
      </Section>
      <Section title="Actor"><Actor f={f} /></Section>
      <Section title="Action">
        <p><strong>{String(action.actionType ?? '—')}</strong></p>
        {actionDetail ? <Props value={actionDetail[1]} skip={['remoteIpDetails']} /> : <p className="muted">No action details.</p>}
      </Section>
      {evidence.length > 0 && (
        <Section title="Threat-intel evidence">
          <ul>{evidence.map((e, i) => <li key={i}>On list <strong>{String(e.threatListName ?? '—')}</strong>{Array.isArray(e.threatNames) && e.threatNames.length ? `: ${e.threatNames.join(', ')}` : ''}</li>)}</ul>
        </Section>
      )}
      <Anomaly detection={f.service.detection} additionalInfo={f.service.additionalInfo} />
      <details className="panel">
        <summary>Raw JSON</summary>
        <pre className="raw" tabIndex={0}>{JSON.stringify(f, null, 2)}</pre>
      </details>
    </article>
  );
}
