/**
 * The console's shell: sign-in (an access key pair, checked by signing a real call), then the
 * navigation and the page the path names. A member's key sees only its own account, because
 * every call goes through the same API and checks as any other client.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, GuardDuty } from './lib/api.js';
import { clearSession, loadSession, REGIONS, saveSession, type Session } from './lib/session.js';
import { useLocation, navigate } from './lib/router.js';
import { Ctx, Link, errorText, type AppContext } from './components/ui.js';
import { SummaryPage } from './pages/summary.js';
import { FindingsPage } from './pages/findings.js';
import { FindingPage } from './pages/finding.js';
import { SuppressionPage } from './pages/suppression.js';
import { ListsPage } from './pages/lists.js';
import { AccountsPage } from './pages/accounts.js';
import { IngestionPage } from './pages/ingestion.js';

const NAV: [path: string, label: string][] = [
  ['/', 'Summary'], ['/findings', 'Findings'], ['/suppression', 'Suppression rules'], ['/lists', 'Threat and trusted lists'],
  ['/accounts', 'Accounts'], ['/ingestion', 'Ingestion health'],
];

/** Signs a call with the key: a wrong key is told apart from a server that does not answer. */
async function connect(s: Session): Promise<AppContext> {
  const api = new GuardDuty({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, s.region, location.origin);
  try {
    const me = await api.whoami();
    const detectorId = await api.detectorId();
    return { api, me, detectorId, region: s.region };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      throw new Error(`Sign-in failed: the server did not accept this access key ID and secret access key (${e.message}). Check both values; the secret is case-sensitive.`);
    }
    throw new Error(`Sign-in failed: ${errorText(e)}`);
  }
}

function SignIn({ onSignedIn, initialError }: { onSignedIn: (c: AppContext, s: Session) => void; initialError?: string }) {
  const [accessKeyId, setId] = useState('');
  const [secretAccessKey, setSecret] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    const s = { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), region };
    try { onSignedIn(await connect(s), s); } catch (err) { setError((err as Error).message); } finally { setBusy(false); }
  };
  return (
    <main className="signin">
      <h1>Vigil</h1>
      <p className="muted">Sign in with an access key from <code>vigil serve</code>'s configuration (the administrator key is printed at first start).
        The key stays in this browser tab only.</p>
      <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
        <label htmlFor="akid">Access key ID</label>
        <input id="akid" name="accessKeyId" autoComplete="username" required value={accessKeyId} onChange={(e) => setId(e.target.value)} spellCheck={false} />
        <label htmlFor="secret">Secret access key</label>
        <input id="secret" name="secretAccessKey" type="password" autoComplete="current-password" required value={secretAccessKey} onChange={(e) => setSecret(e.target.value)} />
        <label htmlFor="region">Region</label>
        <select id="region" value={region} onChange={(e) => setRegion(e.target.value)}>
          {REGIONS.map((r) => <option key={r}>{r}</option>)}
        </select>
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {error && <p id="signin-error" className="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}

function Page({ path, search }: { path: string; search: string }) {
  if (path === '/' || path === '/summary') return <SummaryPage />;
  if (path === '/findings') return <FindingsPage search={search} />;
  if (path.startsWith('/findings/')) return <FindingPage id={decodeURIComponent(path.slice('/findings/'.length))} />;
  if (path === '/suppression') return <SuppressionPage search={search} />;
  if (path === '/lists') return <ListsPage />;
  if (path === '/accounts') return <AccountsPage />;
  if (path === '/ingestion') return <IngestionPage />;
  return <section><h1>Not found</h1><p>No console page at {path}. <Link to="/">Go to the summary.</Link></p></section>;
}

export function App() {
  const loc = useLocation();
  const [ctx, setCtx] = useState<AppContext>();
  const [restoring, setRestoring] = useState(() => !!loadSession());
  const [restoreError, setRestoreError] = useState<string>();

  useEffect(() => {
    const s = loadSession();
    if (!s) return;
    connect(s).then(setCtx, (e: Error) => { clearSession(); setRestoreError(e.message); }).finally(() => setRestoring(false));
  }, []);

  // after a navigation, focus goes to the page (screen readers read it; Tab starts there)
  const firstPath = useRef(loc.path);
  useEffect(() => {
    if (loc.path !== firstPath.current) { firstPath.current = ''; document.getElementById('main')?.focus({ preventScroll: true }); }
  }, [loc.path]);

  useEffect(() => {
    const title = NAV.find(([p]) => p === loc.path)?.[1] ?? (loc.path.startsWith('/findings/') ? 'Finding' : 'Vigil');
    document.title = `${title} · Vigil`;
  }, [loc.path]);

  if (restoring) return <p className="muted" role="status">Signing in…</p>;
  if (!ctx) return <SignIn initialError={restoreError} onSignedIn={(c, s) => { saveSession(s); setCtx(c); }} />;

  const changeRegion = async (region: string) => {
    const s = { ...loadSession()!, region };
    try { const c = await connect(s); saveSession(s); setCtx(c); } catch (e) { alert((e as Error).message); }
  };
  const signOut = () => { clearSession(); setCtx(undefined); navigate('/'); };
  const section = loc.path.startsWith('/findings/') ? '/findings' : loc.path;

  return (
    <Ctx.Provider value={ctx}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Vigil</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map(([p, label]) => <li key={p}><Link to={p} aria-current={section === p ? 'page' : undefined}>{label}</Link></li>)}
          </ul>
        </nav>
        <div className="who">
          <span title={ctx.me.accessKeyId}>{ctx.me.accountId} · {ctx.me.role}</span>
          <label className="sr-only" htmlFor="region-switch">Region</label>
          <select id="region-switch" value={ctx.region} onChange={(e) => void changeRegion(e.target.value)}>
            {REGIONS.map((r) => <option key={r}>{r}</option>)}
          </select>
          <button type="button" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1} key={`${ctx.region}`}>
        <Page path={loc.path} search={loc.search} />
      </main>
    </Ctx.Provider>
  );
}
