/**
 * The signed-in key, kept in sessionStorage only: it goes when the tab closes, and is never
 * written to localStorage, a cookie or the URL.
 */
import type { Credentials } from './sigv4.js';

export interface Session extends Credentials { region: string }

const KEY = 'vigil.session';

export function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.accessKeyId && s.secretAccessKey ? s : undefined;
  } catch { return undefined; }
}

export function saveSession(s: Session): void { sessionStorage.setItem(KEY, JSON.stringify(s)); }
export function clearSession(): void { sessionStorage.removeItem(KEY); }

export const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
  'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'me-south-1', 'af-south-1',
];
