/**
 * Domains → match-set id, matching a name and all its subdomains: a query for `a.b.evil.example`
 * matches an indicator `evil.example`. The lookup tries the name's suffixes from the full name
 * up to the last label and returns the most specific match.
 *
 * Layout: no string is kept. The names' bytes go into one growing byte arena; entry i is
 * (offset, length, match id) in parallel typed arrays; an open-addressing table of (hash, entry)
 * pairs finds them. The hash reads a name from its last character backwards, so one pass over a
 * query name from its end gives the hash of every suffix at a label boundary, with no slicing;
 * a suffix is compared byte by byte only when its hash is found. About 40 bytes per domain,
 * nothing for the garbage collector to trace, and nothing retained from the list text the
 * names came from. Names are ASCII (the list parsers only accept ASCII domains); a name with a
 * character above U+00FF goes into a side Map.
 */

const EMPTY = -1;
const MAX_LOAD = 0.5;

/** FNV-1a step over one character, read from the end of the name. */
function step(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
const SEED = 0x811c9dc5 | 0;

/** The slot mix for a suffix hash. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

// scratch for one lookup: label-boundary positions and the suffix hash at each
let posScratch = new Int32Array(256);
let hashScratch = new Int32Array(256);

export class DomainTable {
  private arena = new Uint8Array(4096);
  private arenaLen = 0;
  private off = new Uint32Array(256);
  private len = new Uint16Array(256);
  private ids = new Int32Array(256);
  private n = 0;
  /** slot i: suffix hash at 2i, entry index at 2i + 1 (EMPTY when free) */
  private slots = new Int32Array(2 * 512).fill(EMPTY);
  private mask = 511;
  /** Names that do not fit in bytes (never produced by the list parsers). */
  private wide: Map<string, number> | undefined;

  add(name: string, id: number, union: (a: number, b: number) => number): void {
    const n = name.length;
    let h = SEED;
    for (let i = n - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      if (c > 0xff) { this.addWide(name, id, union); return; }
      h = step(h, c);
    }
    const slot = this.find(name, 0, h);
    if (slot >= 0) {
      const e = this.slots[2 * slot + 1];
      this.ids[e] = union(this.ids[e], id);
      return;
    }
    if ((this.n + 1) > MAX_LOAD * (this.mask + 1)) this.rehash();
    if (this.n === this.off.length) {
      const m = this.n * 2;
      this.off = grown(this.off, new Uint32Array(m));
      this.len = grown(this.len, new Uint16Array(m));
      this.ids = grown(this.ids, new Int32Array(m));
    }
    if (this.arenaLen + n > this.arena.length) {
      let m = this.arena.length * 2;
      while (m < this.arenaLen + n) m *= 2;
      this.arena = grown(this.arena, new Uint8Array(m));
    }
    const arena = this.arena, at = this.arenaLen;
    for (let i = 0; i < n; i++) arena[at + i] = name.charCodeAt(i);
    this.arenaLen += n;
    const e = this.n++;
    this.off[e] = at;
    this.len[e] = n;
    this.ids[e] = id;
    this.place(h, e);
  }

  get size(): number { return this.n + (this.wide?.size ?? 0); }

  get bytes(): number {
    return this.arena.byteLength + this.off.byteLength + this.len.byteLength + this.ids.byteLength + this.slots.byteLength;
  }

  /** `name` lower-case without a trailing dot. Returns [match id, the indicator that matched]. */
  get(name: string): [number, string] {
    const at = this.match(name);
    if (at < 0) return [0, ''];
    return [this.lastId, at === 0 ? name : name.slice(at)];
  }

  /** The match id alone (no allocation). */
  getId(name: string): number {
    return this.match(name) < 0 ? 0 : this.lastId;
  }

  private lastId = 0;

  /** Where the longest listed suffix of `name` starts (its id in lastId), or -1. */
  private match(name: string): number {
    // a wide-character entry can only be a suffix holding a wide character, so longer than any byte entry after it
    const wideAt = this.wide ? this.matchWide(name) : -1;
    const wideId = this.lastId;
    if (this.n !== 0) {
      const n = name.length;
      if (n + 1 > posScratch.length) { posScratch = new Int32Array(2 * n + 2); hashScratch = new Int32Array(2 * n + 2); }
      const pos = posScratch, hs = hashScratch;
      let k = 0, h = SEED;
      for (let i = n - 1; i >= 0; i--) {
        h = step(h, name.charCodeAt(i));
        if (i === 0 || name.charCodeAt(i - 1) === 46) { pos[k] = i; hs[k] = h; k++; }
      }
      // longest first: the last boundary recorded is the whole name
      for (let j = k - 1; j >= 0 && (wideAt < 0 || pos[j] < wideAt); j--) {
        const slot = this.find(name, pos[j], hs[j]);
        if (slot >= 0) { this.lastId = this.ids[this.slots[2 * slot + 1]]; return pos[j]; }
      }
    }
    this.lastId = wideId;
    return wideAt;
  }

  /** The slot holding name[from..] (whose hash is h), or -1. */
  private find(name: string, from: number, h: number): number {
    const slots = this.slots, mask = this.mask, arena = this.arena;
    const want = name.length - from;
    let i = mix(h) & mask;
    for (;;) {
      const e = slots[2 * i + 1];
      if (e === EMPTY) return -1;
      if (slots[2 * i] === h && this.len[e] === want) {
        const o = this.off[e];
        let j = 0;
        while (j < want && arena[o + j] === name.charCodeAt(from + j)) j++;
        if (j === want) return i;
      }
      i = (i + 1) & mask;
    }
  }

  private place(h: number, e: number): void {
    const slots = this.slots, mask = this.mask;
    let i = mix(h) & mask;
    while (slots[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    slots[2 * i] = h;
    slots[2 * i + 1] = e;
  }

  private rehash(): void {
    const old = this.slots;
    this.mask = this.mask * 2 + 1;
    this.slots = new Int32Array(2 * (this.mask + 1)).fill(EMPTY);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== EMPTY) this.place(old[i], old[i + 1]);
  }

  private addWide(name: string, id: number, union: (a: number, b: number) => number): void {
    const m = (this.wide ??= new Map());
    const prev = m.get(name);
    m.set(name, prev === undefined ? id : union(prev, id));
  }

  /** The suffix walk over the side Map, for names with wide characters. */
  private matchWide(name: string): number {
    const m = this.wide!;
    for (let at = 0; ;) {
      const id = m.get(at === 0 ? name : name.slice(at));
      if (id !== undefined) { this.lastId = id; return at; }
      const dot = name.indexOf('.', at);
      if (dot < 0) return -1;
      at = dot + 1;
    }
  }
}

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
