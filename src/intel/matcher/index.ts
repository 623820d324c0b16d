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
  /** Bytes of the exact IPv4 table. */
  ipv4Bytes: number;
  /** Bytes of the CIDR table (segments and directory). */
  cidrBytes: number;
  /** Bytes of the domain table. */
  domainBytes: number;
  /** The three above: what the index holds in typed arrays (IPv6 and ip:port entries, few, are in Maps). */
  bytes: number;
}

/** Growable typed arrays for the CIDR blocks, held until build (the exact addresses go straight into their table). */
class CidrBuf {
  starts: Uint32Array;
  prefixes: Uint8Array;
  ids: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.starts = new Uint32Array(cap);
    this.prefixes = new Uint8Array(cap);
    this.ids = new Int32Array(cap);
  }
  push(start: number, prefix: number, id: number): void {
    if (this.n === this.starts.length) {
      const m = Math.max(1024, this.n * 2);
      const a = new Uint32Array(m); a.set(this.starts); this.starts = a;
      const b = new Uint8Array(m); b.set(this.prefixes); this.prefixes = b;
      const c = new Int32Array(m); c.set(this.ids); this.ids = c;
    }
    this.starts[this.n] = start;
    this.prefixes[this.n] = prefix;
    this.ids[this.n++] = id;
  }
}

/** Exact addresses inserted at a time (4 MiB): enough for the inserts to sweep the table in order. */
const BATCH_MAX = 1 << 20;

export class IntelIndexBuilder {
  private readonly sets = new MatchSets();
  private readonly lists: IndexedList[] = [];
  private readonly threats: string[] = [];
  private readonly threatIds = new Map<string, number>();
  private readonly exact = new Ipv4ExactTable();
  private batch = new Uint32Array(256);
  private batchN = 0;
  private batchId = 0;
  private cidrs = new CidrBuf(1024);
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
          // batched: a batch holds addresses of one match id, inserted in hash order when full
          if (this.batchN !== 0 && this.batchId !== id) this.flush();
          this.batchId = id;
          if (this.batchN === this.batch.length) {
            if (this.batch.length < BATCH_MAX) { const b = new Uint32Array(this.batch.length * 2); b.set(this.batch); this.batch = b; } else this.flush();
          }
          this.batch[this.batchN++] = addr;
        } else {
          this.cidrs.push(addr, prefix, id);
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
    if (id === undefined) {
      // a copy (exact, lone surrogates too): the parser's string may be a slice that keeps the whole list text alive
      const own = JSON.parse(JSON.stringify(name)) as string;
      id = this.threats.push(own) - 1;
      this.threatIds.set(own, id);
    }
    return id;
  }

  private flush(): void {
    this.exact.addMany(this.batch, this.batchN, this.batchId, this.union);
    this.batchN = 0;
  }

  /**
   * The index. Each exact address's id also takes in the CIDR blocks covering it, so a lookup
   * that finds the address is answered without the CIDR table. A builder builds once.
   */
  build(): IntelIndex {
    this.flush();
    this.batch = new Uint32Array(0);
    const c = this.cidrs;
    const ranges = c.n ? new Ipv4RangeTable(c.starts, c.prefixes, c.ids, c.n, this.union) : undefined;
    this.cidrs = new CidrBuf(0); // the blocks are in the table now
    if (ranges) this.exact.map((addr, v) => { const r = ranges.get(addr); return r === 0 || r === v ? v : this.union(v, r); });
    return new IntelIndex(this.sets, this.lists, this.threats, this.exact, ranges, this.v6, this.domains, this.ipPort, this.ipPort6);
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
    // a listed address's id already holds the blocks covering it (see build)
    let id = this.exact.get(addr);
    if (id === 0 && this.ranges) id = this.ranges.get(addr);
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
    return this.domains.getId(name);
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
      ipv4Bytes: this.exact.bytes, cidrBytes: this.ranges?.bytes ?? 0, domainBytes: this.domains.bytes,
      bytes: this.exact.bytes + (this.ranges?.bytes ?? 0) + this.domains.bytes,
    };
  }

  private readonly union = (a: number, b: number) => this.sets.union(a, b);
}
