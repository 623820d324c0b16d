/**
 * Address-range tables for enrichment data (ASN, country, AWS ranges): sorted, disjoint range
 * starts in typed arrays with one value index each, looked up by binary search.
 *
 * IPv4 keys are the unsigned 32-bit address; IPv6 keys are the top 48 bits of the address as a
 * number (exact in a double), so an IPv6 range narrower than a /48 is widened to its /48 —
 * allocations, routes and AWS prefixes are /48 or wider almost everywhere.
 *
 * File form (`.vgeo`, gzip-compressed by the writer): the line `VGEO1`, one JSON header line
 * (source, licence, the value table), then the IPv4 and IPv6 entries as unsigned LEB128 varints:
 * (delta of start from the previous start, value index + 1 — 0 marks a gap with no value).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ipv4ToInt, ipv6ToHex } from '../core/index.js';

export interface TableHeader<V> {
  /** What the values are ('asn', 'country', 'aws'). */
  kind: string;
  /** Where the data came from, its version and licence (shown by docs and NOTICE). */
  source: string;
  version: string;
  licence: string;
  values: V[];
  v4: number;
  v6: number;
}

export class RangeTable<V> {
  constructor(
    readonly header: Omit<TableHeader<V>, 'v4' | 'v6'>,
    private readonly starts4: Uint32Array,
    private readonly vals4: Int32Array,
    private readonly starts6: Float64Array,
    private readonly vals6: Int32Array,
  ) {}

  get size(): { v4: number; v6: number } { return { v4: this.starts4.length, v6: this.starts6.length }; }

  /** Value index for an IPv4 number (-1 = none). */
  index4(ip: number): number {
    const s = this.starts4;
    let lo = 0, hi = s.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= ip) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at < 0 ? -1 : this.vals4[at];
  }

  /** Value index for the top 48 bits of an IPv6 address (-1 = none). */
  index6(key: number): number {
    const s = this.starts6;
    let lo = 0, hi = s.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= key) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at < 0 ? -1 : this.vals6[at];
  }

  /** The value for an address text (IPv4 or IPv6); undefined when not covered. */
  lookup(ip: string): V | undefined {
    const n = ipv4ToInt(ip);
    const i = n >= 0 ? this.index4(n) : this.index6(v6Key(ip));
    return i < 0 ? undefined : this.header.values[i];
  }

  value(i: number): V | undefined { return i < 0 ? undefined : this.header.values[i]; }
}

/** Top 48 bits of an IPv6 address (NaN when the text is not IPv6; an embedded IPv4 → its ::ffff: form). */
export function v6Key(ip: string): number {
  const hex = ipv6ToHex(ip);
  return hex === undefined ? NaN : parseInt(hex.slice(0, 12), 16);
}

/** A range to write: [first, last] keys (IPv4 numbers or 48-bit IPv6 keys) and a value index. */
export type Range = [first: number, last: number, value: number];

/** Sorts ranges, drops overlaps (the narrower wins), and turns them into (start, value) steps with gaps. */
export function steps(ranges: Range[]): { starts: number[]; vals: number[] } {
  // paint wider ranges first so narrower ones (more specific) overwrite them
  const sorted = [...ranges].sort((a, b) => (b[1] - b[0]) - (a[1] - a[0]));
  const cuts = new Set<number>();
  for (const [f, l] of sorted) { cuts.add(f); cuts.add(l + 1); }
  const points = [...cuts].sort((a, b) => a - b);
  const at = new Map(points.map((p, i) => [p, i]));
  const val = new Int32Array(points.length).fill(-1);
  for (const [f, l, v] of sorted) for (let i = at.get(f)!; points[i] <= l; i++) val[i] = v;
  const starts: number[] = [], vals: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (vals.length && vals[vals.length - 1] === val[i]) continue; // merge equal neighbours
    if (!vals.length && val[i] < 0) continue;
    starts.push(points[i]); vals.push(val[i]);
  }
  return { starts, vals };
}

function putVarint(out: number[], n: number): void {
  while (n >= 128) { out.push((n % 128) | 128); n = Math.floor(n / 128); }
  out.push(n);
}

/** Serialises a table (ranges already reduced to steps) into the gzip-compressed `.vgeo` form. */
export function encodeTable<V>(header: Omit<TableHeader<V>, 'v4' | 'v6'>, v4: Range[], v6: Range[]): Buffer {
  const a = steps(v4), b = steps(v6);
  const body: number[] = [];
  for (const s of [a, b]) {
    let prev = 0;
    for (let i = 0; i < s.starts.length; i++) { putVarint(body, s.starts[i] - prev); putVarint(body, s.vals[i] + 1); prev = s.starts[i]; }
  }
  const head = JSON.stringify({ ...header, v4: a.starts.length, v6: b.starts.length });
  return gzipSync(Buffer.concat([Buffer.from(`VGEO1\n${head}\n`), Buffer.from(body)]), { level: 9 });
}

/** Reads a `.vgeo` file's bytes (gzip-compressed or not). */
export function decodeTable<V>(bytes: Buffer): RangeTable<V> {
  const buf = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  if (buf.toString('latin1', 0, 6) !== 'VGEO1\n') throw new Error('not a VGEO1 table');
  const nl = buf.indexOf(10, 6);
  const header = JSON.parse(buf.toString('utf8', 6, nl)) as TableHeader<V>;
  let p = nl + 1;
  const read = (): number => {
    let n = 0, mul = 1, c: number;
    do { c = buf[p++]; n += (c & 127) * mul; mul *= 128; } while (c >= 128);
    return n;
  };
  const starts4 = new Uint32Array(header.v4), vals4 = new Int32Array(header.v4);
  let prev = 0;
  for (let i = 0; i < header.v4; i++) { prev += read(); starts4[i] = prev; vals4[i] = read() - 1; }
  const starts6 = new Float64Array(header.v6), vals6 = new Int32Array(header.v6);
  prev = 0;
  for (let i = 0; i < header.v6; i++) { prev += read(); starts6[i] = prev; vals6[i] = read() - 1; }
  if (p !== buf.length) throw new Error(`VGEO1 table has ${buf.length - p} trailing bytes`);
  const { v4: _a, v6: _b, ...rest } = header;
  return new RangeTable<V>(rest, starts4, vals4, starts6, vals6);
}

/** Parses `a.b.c.d/n` or `x:y::/n` into a [first, last] range in table keys; undefined if invalid. */
export function cidrRange(cidr: string): { v6: boolean; first: number; last: number } | undefined {
  const slash = cidr.indexOf('/');
  const addr = slash < 0 ? cidr : cidr.slice(0, slash);
  const v4 = ipv4ToInt(addr);
  if (v4 >= 0) {
    const len = slash < 0 ? 32 : Number(cidr.slice(slash + 1));
    if (!Number.isInteger(len) || len < 0 || len > 32) return undefined;
    const size = 2 ** (32 - len);
    const first = v4 - (v4 % size);
    return { v6: false, first, last: first + size - 1 };
  }
  const key = v6Key(addr);
  if (Number.isNaN(key)) return undefined;
  const len = Math.min(48, slash < 0 ? 128 : Number(cidr.slice(slash + 1)));
  if (!Number.isInteger(len) || len < 0) return undefined;
  const size = 2 ** (48 - len);
  const first = key - (key % size);
  return { v6: true, first, last: first + size - 1 };
}
