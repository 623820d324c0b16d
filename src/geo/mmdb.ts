/**
 * A small reader for MaxMind DB files (the `.mmdb` format of GeoLite2/GeoIP2, DB-IP and
 * ip-location-db), so a user can point Vigil at the database they already license instead of
 * the shipped tables. It reads the metadata, walks the binary search tree (record sizes 24, 28
 * and 32; IPv4 and IPv6 trees) and decodes the data section (maps, arrays, strings, numbers,
 * booleans, pointers). Only what enrichment needs is exposed: ASN/organisation and country code.
 */
import { ipv4ToInt, ipv6ToHex } from '../core/index.js';

const MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);

type Value = string | number | boolean | bigint | Buffer | Value[] | { [k: string]: Value } | null;

export class MmdbReader {
  private readonly nodeCount: number;
  private readonly recordSize: number;
  private readonly ipVersion: number;
  private readonly dataStart: number;
  private readonly v4Start: number;
  readonly databaseType: string;

  constructor(private readonly buf: Buffer) {
    const at = buf.lastIndexOf(MARKER);
    if (at < 0) throw new Error('not a MaxMind DB file (metadata marker missing)');
    const meta = this.decode(at + MARKER.length, at + MARKER.length)[0] as Record<string, Value>;
    this.nodeCount = Number(meta.node_count);
    this.recordSize = Number(meta.record_size);
    this.ipVersion = Number(meta.ip_version);
    this.databaseType = String(meta.database_type ?? '');
    if (![24, 28, 32].includes(this.recordSize)) throw new Error(`unsupported record size ${this.recordSize}`);
    this.dataStart = (this.recordSize * 2 / 8) * this.nodeCount + 16;
    // IPv4 addresses live under ::/96 in an IPv6 tree
    let node = 0;
    if (this.ipVersion === 6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.record(node, 0);
    this.v4Start = node;
  }

  private record(node: number, bit: number): number {
    const b = this.buf;
    switch (this.recordSize) {
      case 24: { const o = node * 6 + bit * 3; return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2]; }
      case 28: {
        const o = node * 7;
        return bit === 0 ? (((b[o + 3] & 0xf0) << 20) | (b[o] << 16) | (b[o + 1] << 8) | b[o + 2]) >>> 0
          : (((b[o + 3] & 0x0f) << 24) | (b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]) >>> 0;
      }
      default: return b.readUInt32BE(node * 8 + bit * 4);
    }
  }

  /** The decoded record for an address, or undefined. */
  get(ip: string): Value | undefined {
    const v4 = ipv4ToInt(ip);
    let bits: number[];
    let node: number;
    if (v4 >= 0) {
      node = this.v4Start;
      bits = Array.from({ length: 32 }, (_, i) => (v4 >>> (31 - i)) & 1);
    } else {
      if (this.ipVersion === 4) return undefined;
      const hex = ipv6ToHex(ip);
      if (!hex) return undefined;
      node = 0;
      bits = [];
      for (const h of hex) { const n = parseInt(h, 16); bits.push((n >> 3) & 1, (n >> 2) & 1, (n >> 1) & 1, n & 1); }
    }
    for (const bit of bits) {
      if (node >= this.nodeCount) break;
      node = this.record(node, bit);
    }
    if (node <= this.nodeCount) return undefined; // == nodeCount: no data
    const offset = node - this.nodeCount - 16 + this.dataStart;
    return this.decode(offset, this.dataStart)[0];
  }

  asn(ip: string): [number, string] | undefined {
    const r = this.get(ip) as Record<string, Value> | undefined;
    if (!r || typeof r !== 'object') return undefined;
    const n = Number(r.autonomous_system_number ?? 0);
    return n ? [n, String(r.autonomous_system_organization ?? '')] : undefined;
  }

  country(ip: string): string | undefined {
    const r = this.get(ip) as Record<string, Value> | undefined;
    if (!r || typeof r !== 'object') return undefined;
    const c = r.country as Record<string, Value> | undefined;
    const code = (c && typeof c === 'object' ? c.iso_code : undefined) ?? r.country_code;
    return typeof code === 'string' && code ? code : undefined;
  }

  /** Decodes one value at `p`; returns it and the offset after it. Pointers are relative to `base`. */
  private decode(p: number, base: number): [Value, number] {
    const b = this.buf;
    const ctrl = b[p++];
    let type = ctrl >> 5;
    if (type === 1) { // pointer
      const ss = (ctrl >> 3) & 3, vvv = ctrl & 7;
      let ptr: number;
      if (ss === 0) ptr = (vvv << 8) | b[p++];
      else if (ss === 1) { ptr = ((vvv << 16) | (b[p] << 8) | b[p + 1]) + 2048; p += 2; }
      else if (ss === 2) { ptr = ((vvv << 24) | (b[p] << 16) | (b[p + 1] << 8) | b[p + 2]) + 526336; p += 3; }
      else { ptr = b.readUInt32BE(p); p += 4; }
      return [this.decode(base + ptr, base)[0], p];
    }
    if (type === 0) type = 7 + b[p++];
    let size = ctrl & 0x1f;
    if (size === 29) size = 29 + b[p++];
    else if (size === 30) { size = 285 + b.readUInt16BE(p); p += 2; } else if (size === 31) { size = 65821 + b.readUIntBE(p, 3); p += 3; }
    switch (type) {
      case 2: return [b.toString('utf8', p, p + size), p + size];
      case 3: return [b.readDoubleBE(p), p + 8];
      case 4: return [b.subarray(p, p + size), p + size];
      case 5: case 6: { let n = 0; for (let i = 0; i < size; i++) n = n * 256 + b[p + i]; return [n, p + size]; }
      case 7: {
        const o: Record<string, Value> = {};
        for (let i = 0; i < size; i++) {
          const [k, p1] = this.decode(p, base);
          const [v, p2] = this.decode(p1, base);
          o[String(k)] = v; p = p2;
        }
        return [o, p];
      }
      case 8: { let n = 0; for (let i = 0; i < size; i++) n = (n << 8) | b[p + i]; return [size === 4 ? n | 0 : n, p + size]; }
      case 9: case 10: { let n = 0n; for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(b[p + i]); return [n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, p + size]; }
      case 11: {
        const a: Value[] = [];
        for (let i = 0; i < size; i++) { const [v, p1] = this.decode(p, base); a.push(v); p = p1; }
        return [a, p];
      }
      case 14: return [size !== 0, p];
      case 15: return [b.readFloatBE(p), p + 4];
      default: return [null, p + size];
    }
  }
}
