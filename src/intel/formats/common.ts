/**
 * Helpers shared by the list format parsers: URL host extraction (a URL's path cannot be matched
 * against flow or DNS logs, so a URL indicator becomes its host: a domain, or an IP when the host
 * is an IP literal; any port in the URL is dropped), indicator parsing with an expected kind, and
 * character offset → line number lookup for the structured formats.
 */
import { parseIndicator, type ParsedIndicator } from '../ip-text.js';

/**
 * The host of a URL: `scheme://[user@]host[:port][/path][?query][#fragment]`, or a scheme-less
 * `host[:port]/path`. IPv6 hosts come back without their brackets. Undefined when there is no host
 * (a bare path such as `/gate.php`, or `http:///x`).
 */
export function urlHost(url: string): string | undefined {
  let s = url.trim();
  const scheme = s.indexOf('://');
  if (scheme >= 0) s = s.slice(scheme + 3);
  else if (s.startsWith('//')) s = s.slice(2);
  else if (s.startsWith('/')) return undefined;
  let end = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */ || c === 92 /* \ */) { end = i; break; }
  }
  let host = s.slice(0, end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close > 1 ? host.slice(1, close) : undefined;
  }
  const colon = host.indexOf(':');
  // one colon: host:port; more than one: an unbracketed IPv6 literal, kept whole
  if (colon >= 0 && host.indexOf(':', colon + 1) < 0) host = host.slice(0, colon);
  return host || undefined;
}

/** True when the text carries a URL path (or is a URL): `http://h/x`, `h/x`, `/x`. CIDRs (`a/24`) are not paths. */
export function hasUrlPath(s: string): boolean {
  if (s.includes('://')) return true;
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  // a CIDR suffix is 1–3 digits and nothing else
  const rest = s.length - slash - 1;
  if (rest < 1 || rest > 3) return true;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return true;
  }
  return false;
}

/** Skip reason for a URL path that names no host (`/gate.php`): nothing a log event can match. */
export const URL_PATH_WITHOUT_HOST = 'url path without host';

/** What a field is declared to hold, which decides what parses are acceptable. */
export type Expect = 'ip' | 'domain' | 'ip-or-domain' | 'url';

const LABEL: Record<Expect, string> = { ip: 'an IP address or CIDR', domain: 'a domain name', 'ip-or-domain': 'an IP address, CIDR or domain', url: 'a URL' };

/**
 * Parses one indicator value declared as `expect`. URLs (and anything else with a path) become
 * their host. A value that parses as the wrong kind (a domain in an IP field) is invalid.
 * `{ kind: 'no-host' }` is a URL path without a host: not an error, but nothing to match.
 */
export function parseExpected(raw: string, expect: Expect): ParsedIndicator | { kind: 'no-host' } {
  let s = raw.trim();
  if (!s) return { kind: 'invalid', message: `empty value where ${LABEL[expect]} was expected` };
  if (expect === 'url' || hasUrlPath(s)) {
    const host = urlHost(s);
    if (!host) return { kind: 'no-host' };
    s = host;
  }
  const p = parseIndicator(s);
  if (p.kind === 'invalid') return p;
  if (expect === 'ip' && p.kind === 'domain') return { kind: 'invalid', message: `not an IP address or CIDR: ${clip(raw)}` };
  if (expect === 'domain' && p.kind !== 'domain') return { kind: 'invalid', message: `not a domain name: ${clip(raw)}` };
  return p;
}

/** Epoch ms of a timestamp string; NaN when absent or unparseable. */
export function timestamp(v: unknown): number {
  return typeof v === 'string' && v.trim() ? Date.parse(v.trim()) : NaN;
}

/** Shortens a value for an error message. */
export function clip(s: string, max = 80): string {
  const t = s.trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

/** Maps character offsets in a document to 1-based line numbers; the table is built on first use. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    const st = this.starts;
    let lo = 0, hi = st.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (st[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo + 1;
  }
}
