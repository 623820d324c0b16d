/**
 * Parsing of indicator text shared by the list formats: IPv4/IPv6 addresses, CIDRs, `ip:port`,
 * and domains (with or without a scheme, path or trailing dot).
 */
import { ipv4ToInt, ipv6ToHex } from '../core/index.js';

export { ipv6ToHex };

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** Normalises a domain (lower-case, no scheme/path/port/trailing dot, `*.` prefix dropped); undefined if not one. */
export function normaliseDomain(s: string): string | undefined {
  let d = s.trim().toLowerCase();
  const scheme = d.indexOf('://');
  if (scheme >= 0) d = d.slice(scheme + 3);
  d = d.replace(/[/?#].*$/, '').replace(/:\d+$/, '').replace(/\.$/, '');
  if (d.startsWith('*.')) d = d.slice(2);
  return DOMAIN.test(d) ? d : undefined;
}

export type ParsedIndicator =
  | { kind: 'ipv4'; addr: number; prefix: number; port: number }
  | { kind: 'ipv6'; hex: string; prefix: number; port: number }
  | { kind: 'domain'; name: string }
  | { kind: 'invalid'; message: string };

/** One indicator in text: `1.2.3.4`, `1.2.3.0/24`, `1.2.3.4:8080`, `2001:db8::/32`, `[2001:db8::1]:443`, `evil.example`. */
export function parseIndicator(raw: string): ParsedIndicator {
  const s = raw.trim();
  if (!s) return { kind: 'invalid', message: 'empty' };
  // IPv4 with optional /prefix or :port
  const m4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2})|:(\d{1,5}))?$/.exec(s);
  if (m4) {
    const addr = ipv4ToInt(m4[1]);
    if (addr < 0) return { kind: 'invalid', message: `not an IPv4 address: ${m4[1]}` };
    const prefix = m4[2] !== undefined ? Number(m4[2]) : 32;
    if (prefix > 32) return { kind: 'invalid', message: `prefix /${prefix} is longer than 32` };
    const port = m4[3] !== undefined ? Number(m4[3]) : -1;
    if (port > 65535) return { kind: 'invalid', message: `port ${port} is out of range` };
    return { kind: 'ipv4', addr: prefix === 32 ? addr : maskV4(addr, prefix), prefix, port };
  }
  if (s.includes(':') && /^[[\]0-9a-fA-F:./%]+$/.test(s)) {
    let text = s, port = -1, prefix = 128;
    const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
    if (bracket) { text = bracket[1]; port = bracket[2] ? Number(bracket[2]) : -1; }
    const slash = text.indexOf('/');
    if (slash >= 0) { prefix = Number(text.slice(slash + 1)); text = text.slice(0, slash); }
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) return { kind: 'invalid', message: `bad IPv6 prefix in ${s}` };
    const hex = ipv6ToHex(text);
    if (!hex) return { kind: 'invalid', message: `not an IPv6 address: ${text}` };
    return { kind: 'ipv6', hex: maskV6(hex, prefix), prefix, port };
  }
  const name = normaliseDomain(s);
  if (name) return { kind: 'domain', name };
  return { kind: 'invalid', message: `not an IP address, CIDR or domain: ${s.length > 80 ? s.slice(0, 80) + '…' : s}` };
}

export function maskV4(addr: number, prefix: number): number {
  return prefix === 0 ? 0 : (addr & (0xffffffff << (32 - prefix))) >>> 0;
}

export function maskV6(hex: string, prefix: number): string {
  if (prefix >= 128) return hex;
  const full = Math.floor(prefix / 4);
  const rem = prefix % 4;
  let out = hex.slice(0, full);
  if (rem) out += (parseInt(hex[full], 16) & (0xf << (4 - rem))).toString(16);
  return out.padEnd(32, '0');
}

/** Sends a parsed indicator to the sink (or records the error). */
export function emitIndicator(p: ParsedIndicator, sink: { ipv4: (a: number, p: number, port: number, t: string | undefined) => void; ipv6: (h: string, p: number, port: number, t: string | undefined) => void; domain: (n: string, t: string | undefined) => void; error: (l: number, m: string) => void }, threat: string | undefined, line: number): void {
  switch (p.kind) {
    case 'ipv4': sink.ipv4(p.addr, p.prefix, p.port, threat); break;
    case 'ipv6': sink.ipv6(p.hex, p.prefix, p.port, threat); break;
    case 'domain': sink.domain(p.name, threat); break;
    default: sink.error(line, p.message);
  }
}
