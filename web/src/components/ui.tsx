/** Small building blocks every page uses: async loading, errors, links, severity badges. */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode, type MouseEvent } from 'react';
import { ApiError, type GuardDuty, type Whoami } from '../lib/api.js';
import { navigate, BASE } from '../lib/router.js';
import { bandOf } from '../lib/criteria.js';

export interface AppContext { api: GuardDuty; detectorId: string; me: Whoami; region: string }
export const Ctx = createContext<AppContext | null>(null);
export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('no session');
  return c;
}

export interface Async<T> { data?: T; error?: unknown; loading: boolean; reload: () => void }

/** Runs `fn` when `deps` change; keeps the last data while reloading; ignores stale answers. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const n = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    fn().then((data) => { if (n === seq.current) setState({ data, loading: false }); },
      (error: unknown) => { if (n === seq.current) setState((s) => ({ data: s.data, error, loading: false })); });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.summary;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <strong>Something failed.</strong> {errorText(error)}
      {retry && <> <button type="button" onClick={retry}>Try again</button></>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={onClick} className={className} {...rest}>{children}</a>;
}

export function SeverityBadge({ severity }: { severity: number }) {
  const b = bandOf(severity);
  return <span className={`sev sev-${b.name.toLowerCase()}`} title={`Severity ${severity}`}>{b.name} <span className="sev-num">{severity.toFixed(1)}</span></span>;
}

/** A transient message for screen readers and eyes after an action. */
export function Notice({ text }: { text?: string }) {
  return <p className="notice" role="status" aria-live="polite">{text ?? ''}</p>;
}
