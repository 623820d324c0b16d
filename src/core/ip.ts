/**
 * IP address helpers for the hot path: IPv4 as unsigned 32-bit numbers, classification of
 * private/reserved ranges, and formatting. IPv6 is classified from its text form.
 */

/** Parses dotted IPv4 to an unsigned 32-bit number; -1 if it is not a valid IPv4 address. */
export function ipv4ToInt(s: string): number { return ipv4In(s, 0, s.length); }

/** `ipv4ToInt(text.slice(s, e))` without the slice (1–3 digits per part, each ≤ 255, four parts). */
export function ipv4In(text: string, s: number, e: number): number {
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + part; part = 0; digits = 0;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

export function intToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function isIpv4(s: string): boolean { return ipv4ToInt(s) >= 0; }
export function isIpv6(s: string): boolean { return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s); }
export function isIp(s: string): boolean { return isIpv4(s) || isIpv6(s); }

/** [network, prefix length] ranges that are not globally routable (RFC 6890 and friends). */
export const V4_NON_PUBLIC: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (IMDS, Amazon DNS)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24
  [0xc0000200, 24], // 192.0.2/24 TEST-NET-1
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113/24 TEST-NET-3
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved + broadcast
];


/**
 * True when an IPv4 number is in a private, shared, loopback, link-local, documentation,
 * benchmarking, multicast or reserved range (the table above). Branches on the first octet, so
 * the common public address costs a couple of comparisons.
 */
export function isNonPublicV4(n: number): boolean {
  const a = n >>> 24;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return true;
  switch (a) {
    case 100: return (n >>> 22) === (0x64400000 >>> 22); // 100.64/10
    case 169: return (n >>> 16) === 0xa9fe; // 169.254/16
    case 172: return (n >>> 20) === 0xac1; // 172.16/12
    case 192: { const b = n >>> 8; return b === 0xc00000 || b === 0xc00002 || (n >>> 16) === 0xc0a8; } // 192.0.0/24, 192.0.2/24, 192.168/16
    case 198: return (n >>> 17) === (0xc6120000 >>> 17) || (n >>> 8) === 0xc63364; // 198.18/15, 198.51.100/24
    case 203: return (n >>> 8) === 0xcb0071; // 203.0.113/24
    default: return false;
  }
}

/** RFC 1918 + CGNAT + link-local only: addresses that are "inside" a VPC. */
export function isPrivateV4(n: number): boolean {
  return ((n & 0xff000000) >>> 0) === 0x0a000000 || ((n & 0xfff00000) >>> 0) === 0xac100000
    || ((n & 0xffff0000) >>> 0) === 0xc0a80000 || ((n & 0xffc00000) >>> 0) === 0x64400000
    || ((n & 0xffff0000) >>> 0) === 0xa9fe0000;
}

/** Is this address (v4 or v6 text) globally routable? Non-IP strings are not. */
export function isPublicIp(s: string): boolean {
  const n = ipv4ToInt(s);
  if (n >= 0) return !isNonPublicV4(n);
  if (!isIpv6(s)) return false;
  const l = s.toLowerCase();
  if (l === '::1' || l === '::') return false;
  if (l.startsWith('fe8') || l.startsWith('fe9') || l.startsWith('fea') || l.startsWith('feb')) return false; // fe80::/10
  if (l.startsWith('fc') || l.startsWith('fd')) return false; // unique local fc00::/7
  if (l.startsWith('ff')) return false; // multicast
  if (l.startsWith('2001:db8:') || l.startsWith('2001:0db8:')) return false; // documentation
  if (l.startsWith('::ffff:')) return isPublicIp(l.slice(7));
  return true;
}

/** Puts an address in the right RemoteIpDetails member. */
export function ipDetails(addr: string): { ipAddressV4?: string; ipAddressV6?: string } {
  return isIpv6(addr) ? { ipAddressV6: addr } : { ipAddressV4: addr };
}

/** Expands an IPv6 address to 32 lower-case hex digits; undefined if invalid. */
export function ipv6ToHex(s: string): string | undefined {
  let text = s.toLowerCase();
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  // an embedded IPv4 tail (::ffff:1.2.3.4)
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = ipv4ToInt(text.slice(lastColon + 1));
    if (v4 < 0) return undefined;
    text = text.slice(0, lastColon + 1) + ((v4 >>> 16) & 0xffff).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  let out = '';
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    out += g.padStart(4, '0');
  }
  return out.length === 32 ? out : undefined;
}
