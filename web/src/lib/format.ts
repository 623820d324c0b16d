/** Display helpers shared by the pages. */
import { bandOf } from './criteria.js';

export function severityLabel(s: number): string { return bandOf(s).name; }

export function fmtTime(v: string | number | undefined): string {
  if (v === undefined || v === '') return '—';
  const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function fmtAgo(v: string | number | undefined, now = Date.now()): string {
  if (v === undefined || v === '') return '—';
  const ms = typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : Date.parse(v);
  if (Number.isNaN(ms)) return String(v);
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const fmtNum = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : n === undefined || n === null ? '—' : String(n));

/** A camelCase or snake_case key as words ("badRecords" → "Bad records"). */
export function words(key: string): string {
  const s = key.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
