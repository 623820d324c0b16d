/**
 * TXT: GuardDuty's plain-text list, one indicator per line.
 *
 * Accepted layout (per line; LF or CRLF endings, a leading UTF-8 BOM ignored):
 *   198.51.100.7            single IPv4
 *   198.51.100.0/24         IPv4 CIDR
 *   198.51.100.7:3333       IPv4 with a port (matches connections to that port only)
 *   2001:db8::1, 2001:db8::/32, [2001:db8::1]:443   IPv6, IPv6 CIDR, IPv6 with a port
 *   evil.example            domain (also matches its subdomains); `*.evil.example` and a trailing dot allowed
 *   http://evil.example/x   URL: its host is used (domain or IP literal), the path, query and port are
 *   evil.example/x.php      dropped, because flow and DNS logs carry hosts, not paths
 *   /x.php                  a path without a host: skipped (reason "url path without host"), not an error
 *   # comment, // comment,  whole-line comments; ` # …`, ` // …` and ` ; …` after an indicator (preceded
 *   ; comment               by whitespace) are trailing comments (`;` is Spamhaus DROP's style:
 *                           `1.10.16.0/20 ; SBL256894`). A `#` glued to a URL is its fragment.
 * Blank lines and surrounding whitespace are ignored. Anything else on a line (a second token, a
 * bare TLD such as `.onion`, a malformed address) is an error for that line; parsing goes on.
 *
 * Hot path: lists may hold millions of lines. IPv4 lines (`a.b.c.d`, `/nn`, `:port`, with or
 * without a trailing comment) cost a character scan (`ipv4In`: `ipv4ToInt` over a range of the
 * text, no slice); plain lower-case domain lines a character scan and one slice; only other lines
 * (IPv6, URLs, upper case, errors) go through `parseIndicator` and its regular expressions.
 * `parse` takes the whole text; `parseTxtLines` runs of whole lines, for streaming (stream.ts).
 */
import { ipv4In } from '../../core/ip.js';
import { emitIndicator, maskV4, parseIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser } from '../types.js';
import { clip, hasUrlPath, URL_PATH_WITHOUT_HOST, urlHost } from './common.js';

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/**
 * A cheap acceptance test for an already lower-case domain: labels of [a-z0-9_-] (no leading or
 * trailing hyphen, no trailing underscore), at least two labels, a last label starting with a
 * letter and without underscores, ≤253 characters.
 * Only ever stricter than normaliseDomain's pattern, so a `false` just means "take the slow path".
 */
function isPlainDomain(s: string): boolean {
  const n = s.length;
  if (n < 3 || n > 253) return false;
  let labelStart = 0, dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      const len = i - labelStart;
      if (len < 1 || len > 63) return false;
      const last = s.charCodeAt(i - 1);
      if (last === 45 || (last === 95 && len > 1) || s.charCodeAt(labelStart) === 45) return false;
      if (i < n) { dots++; labelStart = i + 1; }
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) return false;
  }
  if (dots === 0) return false;
  // the top-level label: a letter first, no underscore
  const t = s.charCodeAt(labelStart);
  if (t < 97 || t > 122) return false;
  return s.indexOf('_', labelStart) < 0;
}

/** Cuts a trailing comment: `#` or `//` preceded by whitespace (a `#` right after a URL is its fragment). */
function stripTrailingComment(s: string): string {
  let cut = s.length;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c === 35 || c === 59 || (c === 47 && s.charCodeAt(i + 1) === 47)) && isSpace(s.charCodeAt(i - 1))) { cut = i; break; }
  }
  // a `#` glued to a non-URL token (`198.51.100.7#note`) is a comment too: IPs and domains cannot hold one
  const hash = s.indexOf('#');
  if (hash > 0 && hash < cut && !s.includes('://')) cut = hash;
  return cut === s.length ? s : s.slice(0, cut).trimEnd();
}

/** The general path for one trimmed, non-comment line. */
function parseLine(raw: string, line: number, sink: IndicatorSink): void {
  const s = stripTrailingComment(raw);
  if (!s) return;
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) {
      sink.error(line, `more than one value on the line: ${clip(s)}`);
      return;
    }
  }
  let text = s;
  if (hasUrlPath(s)) {
    const host = urlHost(s);
    if (!host) { sink.skip(URL_PATH_WITHOUT_HOST); return; }
    text = host;
  }
  if (text.charCodeAt(0) === 46 && text.indexOf('.', 1) < 0) {
    sink.error(line, `a bare top-level domain is not an indicator: ${clip(s)}`);
    return;
  }
  const p = parseIndicator(text);
  if (p.kind === 'invalid' && text !== s) emitIndicator({ kind: 'invalid', message: `URL host is not an IP address or domain: ${clip(s)}` }, sink, undefined, line);
  else emitIndicator(p, sink, undefined, line);
}

/** True when [i, e) is empty or whitespace followed by a `#` or `//` comment. */
function restIsComment(text: string, i: number, e: number): boolean {
  if (i === e) return true;
  if (!isSpace(text.charCodeAt(i))) return false;
  while (i < e && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  return c === 35 || c === 59 || (c === 47 && text.charCodeAt(i + 1) === 47);
}

/**
 * The IPv4 fast path over text[s, e): `a.b.c.d`, `a.b.c.d/nn` or `a.b.c.d:port`, optionally
 * followed by a trailing comment. False (nothing emitted) for anything else, including
 * out-of-range prefixes and ports, which the general path then reports.
 */
function fastIpv4(text: string, s: number, e: number, sink: IndicatorSink): boolean {
  const whole = ipv4In(text, s, e);
  if (whole >= 0) { sink.ipv4(whole, 32, -1, undefined); return true; }
  let i = s;
  while (i < e) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46) i++;
    else break;
  }
  if (i === e) return false;
  const addr = ipv4In(text, s, i);
  if (addr < 0) return false;
  let prefix = 32, port = -1;
  const sep = text.charCodeAt(i);
  if (i < e && (sep === 47 || sep === 58)) {
    let j = i + 1, num = 0;
    while (j < e && j - i <= 5) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) break;
      num = num * 10 + (c - 48);
      j++;
    }
    if (j === i + 1 || (sep === 47 ? j - i > 3 || num > 32 : j - i > 6 || num > 65535)) return false;
    if (sep === 47) prefix = num; else port = num;
    i = j;
  }
  if (!restIsComment(text, i, e)) return false;
  if (prefix === 32) sink.ipv4(addr, 32, port, undefined);
  else sink.ipv4(maskV4(addr, prefix), prefix, -1, undefined);
  return true;
}

/** The domain fast path over text[s, e): a plain lower-case name, optionally followed by a trailing comment. */
function fastDomain(text: string, s: number, e: number, sink: IndicatorSink): boolean {
  let name = text.slice(s, e);
  if (!isPlainDomain(name)) {
    let i = s;
    while (i < e && !isSpace(text.charCodeAt(i))) i++;
    if (i === e || !restIsComment(text, i, e)) return false;
    name = text.slice(s, i);
    if (!isPlainDomain(name)) return false;
  }
  sink.domain(name, undefined);
  return true;
}

/**
 * Parses the lines of `text` (the whole list, or a run of whole lines of it: streaming reads
 * cut the file after a line break, see stream.ts), numbering them after `line`; a BOM is
 * skipped only when `atStart`. Returns the number of the last line read.
 */
export function parseTxtLines(text: string, sink: IndicatorSink, line: number, atStart: boolean): number {
  const n = text.length;
  let pos = atStart && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    line++;
    let s = pos, e = end;
    pos = end + 1;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s === e) continue;
    const c = text.charCodeAt(s);
    if (c === 35 || c === 59 || (c === 47 && text.charCodeAt(s + 1) === 47)) continue;
    if (c >= 48 && c <= 57 ? fastIpv4(text, s, e, sink) : c >= 97 && c <= 122 && fastDomain(text, s, e, sink)) continue;
    parseLine(text.slice(s, e), line, sink);
  }
  return line;
}

export const txtParser: ListFormatParser = {
  format: 'TXT',
  parse(text: string, sink: IndicatorSink): void {
    parseTxtLines(text, sink, 0, true);
  },
};
