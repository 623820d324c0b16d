/** A tiny history router for /console/…: the path picks the page, the query holds its state. */
import { useEffect, useState } from 'react';

export const BASE = '/console';

export interface Location { path: string; search: string }

const current = (): Location => ({ path: location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/', search: location.search });

export function navigate(to: string, o: { replace?: boolean } = {}): void {
  const url = to.startsWith('/') ? BASE + to : to;
  if (o.replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = () => setLoc(current());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return loc;
}
