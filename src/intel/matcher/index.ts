/**
 * The intel index: every active list's indicators merged into one structure per indicator
 * kind, so the enrichment stage does one lookup per address or name per event, whatever the
 * number of lists. Build it with IntelIndexBuilder (one `sink(list)` per list), then query.
 */
import { ipv4ToInt } from '../../core/index.js';
import type { IndicatorSink } from '../types.js';
import { ipv6ToHex } from '../ip-text.js';
import { DomainTable } from './domains.js';
import { Ipv4ExactTable } from './ipv4-exact.js';
import { Ipv4RangeTable } from './ipv4-ranges.js';
import { Ipv6Table } from './ipv6.js';
import { MatchSets } from './match-sets.js';

/** What the index knows of a list (enough to name it in a finding). */
export interface IndexedList {
  id: string;
  name: string;
  purpose: string;
  /** SHA-256 of the list file, for `threatFileSha256`. */
  sha256?: string;
}

export interface IntelHit {
  list: IndexedList;
  /** The threat name the list gives the indicator, when it gives one. */
  threat?: string;
}

export interface IndexStats {
  ipv4: number;
  ipv4Cidrs: number;
  ipv4Segments: number;
  ipv6: number;
  domains: number;
  ipPort: number;
  bytes: number;
}

/** Growable parallel typed arrays, so millions of indicators never become objects. */
class U32Buf {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Uint32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
}
class I32Buf {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Int32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
}

export class IntelIndexBuilder {
  private readonly sets = new MatchSets();
  private readonly lists: IndexedList[] = [];
  private readonly threats: string[] = [];
  private readonly threatIds = new Map<string, number>();
  private readonly exactAddr = new U32Buf();
  private readonly exactId = new I32Buf();
  private readonly rangeBegin = new U32Buf();
  private readonly rangeEnd = new U32Buf();
  private readonly rangeId = new I32Buf();
  private readonly v6 = new Ipv6Table();
  private readonly domains = new DomainTable();
  private readonly ipPort = new Map<number, Map<number, number>>();
  private readonly ipPort6 = new Map<string, Map<number, number>>();
  private readonly union = (a: number, b: number) => this.sets.union(a, b);

  /** A sink that adds one list's indicators. `counts` tallies what was added. */
  sink(list: IndexedList, onError: (line: number, message: string) => void = () => {}, onSkip: (reason: string) => void = () => {}): IndicatorSink & { counts: { ipv4: number; ipv6: number; domains: number } } {
    const listIdx = this.lists.push(list) - 1;
    const plain = this.sets.single(listIdx, -1);
    const idFor = (threat: string | undefined) => (threat ? this.sets.single(listIdx, this.threatId(threat)) : plain);
    const counts = { ipv4: 0, ipv6: 0, domains: 0 };
    return {
      counts,
      ipv4: (addr, prefix, port, threat) => {
        counts.ipv4++;
        const id = idFor(threat);
        if (port >= 0 && prefix === 32) {
          let m = this.ipPort.get(addr);
          if (!m) this.ipPort.set(addr, (m = new Map()));
          m.set(port, this.union(m.get(port) ?? 0, id));
        } else if (prefix === 32) {
          this.exactAddr.push(addr);
          this.exactId.push(id);
        } else {
          this.rangeBegin.push(addr);
          this.rangeEnd.push(prefix === 0 ? 0xffffffff : (addr + 2 ** (32 - prefix) - 1) >>> 0);
          this.rangeId.push(id);
        }
      },
      ipv6: (hex, prefix, port, threat) => {
        counts.ipv6++;
        if (port >= 0 && prefix === 128) {
          let m = this.ipPort6.get(hex);
          if (!m) this.ipPort6.set(hex, (m = new Map()));
          m.set(port, this.union(m.get(port) ?? 0, idFor(threat)));
        } else this.v6.add(hex, prefix, idFor(threat), this.union);
      },
      domain: (name, threat) => { counts.domains++; this.domains.add(name, idFor(threat), this.union); },
      error: onError,
      skip: onSkip,
    };
  }

  private threatId(name: string): number {
    let id = this.threatIds.get(name);
    if (id === undefined) { id = this.threats.push(name) - 1; this.threatIds.set(name, id); }
    return id;
  }

  build(): IntelIndex {
    const exact = new Ipv4ExactTable(this.exactAddr.a, this.exactId.a, this.exactAddr.n, this.union);
    const ranges = this.rangeBegin.n ? new Ipv4RangeTable(this.rangeBegin.a, this.rangeEnd.a, this.rangeId.a, this.rangeBegin.n, this.union) : undefined;
    return new IntelIndex(this.sets, this.lists, this.threats, exact, ranges, this.v6, this.domains, this.ipPort, this.ipPort6);
  }
}

export class IntelIndex {
  constructor(
    private readonly sets: MatchSets,
    readonly lists: readonly IndexedList[],
    private readonly threats: readonly string[],
    private readonly exact: Ipv4ExactTable,
    private readonly ranges: Ipv4RangeTable | undefined,
    private readonly v6: Ipv6Table,
    private readonly domains: DomainTable,
    private readonly ipPort: Map<number, Map<number, number>>,
    private readonly ipPort6: Map<string, Map<number, number>>,
  ) {
    this.noIps = exact.size === 0 && !ranges && v6.size === 0 && ipPort.size === 0 && ipPort6.size === 0;
  }

  static empty(): IntelIndex { return new IntelIndexBuilder().build(); }

  /** No indicators at all: enrichers skip their lookups. */
  get isEmpty(): boolean { return this.noIps && this.domains.size === 0; }

  /** No IP indicators (v4, v6, CIDR or ip:port): enrichers skip their lookups. */
  readonly noIps: boolean;

  /** IPv4 as an unsigned 32-bit number; `port` the remote port (-1 if none). Returns a match id, 0 = none. */
  lookupV4(addr: number, port = -1): number {
    const ranges = this.ranges;
    // start the range lookup's first read before the hash probe, so their cache misses overlap
    const first = ranges ? ranges.start(addr) : 0;
    let id = this.exact.get(addr);
    if (ranges) {
      const r = ranges.finish(addr, first);
      if (r !== 0) id = id === 0 ? r : this.sets.union(id, r);
    }
    if (port >= 0 && this.ipPort.size !== 0) {
      const p = this.ipPort.get(addr)?.get(port);
      if (p !== undefined) id = id === 0 ? p : this.sets.union(id, p);
    }
    return id;
  }

  /** Any IP text. Non-IP strings match nothing. */
  lookupIp(ip: string, port = -1): number {
    const v4 = ipv4ToInt(ip);
    if (v4 >= 0) return this.lookupV4(v4, port);
    if ((this.v6.size === 0 && this.ipPort6.size === 0) || !ip.includes(':')) return 0;
    const hex = ipv6ToHex(ip);
    if (!hex) return 0;
    let id = this.v6.size ? this.v6.get(hex, this.union) : 0;
    const p = port >= 0 ? this.ipPort6.get(hex)?.get(port) : undefined;
    if (p !== undefined) id = this.sets.union(id, p);
    return id;
  }

  /** A domain (lower-case, no trailing dot) or any subdomain of a listed one. */
  lookupDomain(name: string): number {
    return this.domains.get(name)[0];
  }

  /** Like lookupDomain, also returning the listed domain that matched (the name or a parent). */
  matchDomain(name: string): [number, string] {
    return this.domains.get(name);
  }

  /** The lists (and threat names) a match id stands for. */
  hits(id: number): IntelHit[] {
    return this.sets.get(id).map((r) => ({ list: this.lists[r.list], ...(r.threat >= 0 ? { threat: this.threats[r.threat] } : {}) }));
  }

  stats(): IndexStats {
    let ipPort = 0;
    for (const m of this.ipPort.values()) ipPort += m.size;
    for (const m of this.ipPort6.values()) ipPort += m.size;
    return {
      ipv4: this.exact.size, ipv4Cidrs: this.ranges?.blocks ?? 0, ipv4Segments: this.ranges?.segments ?? 0,
      ipv6: this.v6.size, domains: this.domains.size, ipPort,
      bytes: this.exact.bytes + (this.ranges?.bytes ?? 0),
    };
  }

  private readonly union = (a: number, b: number) => this.sets.union(a, b);
}
