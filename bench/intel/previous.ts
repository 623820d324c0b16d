/**
 * The matcher as it was before the typed-array rework (git e9664bd, src/intel/matcher/): the
 * unordered linear-probing exact table, the bucketed-binary-search CIDR table and the Map suffix
 * walk over domains. Kept here only as the benchmark's same-process baseline, so the speed-up is
 * a ratio measured in one run on this noisy machine rather than two numbers from different days.
 */
export class PreviousExact {
  private readonly mask: number;
  /** slot i: key at 2i, value at 2i + 1 */
  private readonly slots: Int32Array;
  private zeroVal = 0;
  readonly size: number;

  /**
   * Builds from parallel arrays of addresses and match ids (duplicates merged with `union`).
   */
  constructor(addrs: Uint32Array, ids: Int32Array, count: number, union: (a: number, b: number) => number) {
    let cap = 16;
    while (cap * 0.6 < count) cap <<= 1;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap * 2);
    let size = 0;
    for (let i = 0; i < count; i++) {
      const k = addrs[i] | 0;
      if (k === 0) { if (this.zeroVal === 0) size++; this.zeroVal = union(this.zeroVal, ids[i]); continue; }
      const slots = this.slots;
      let h = hash(k) & this.mask;
      for (;;) {
        const cur = slots[2 * h];
        if (cur === 0) { slots[2 * h] = k; slots[2 * h + 1] = ids[i]; size++; break; }
        if (cur === k) { slots[2 * h + 1] = union(slots[2 * h + 1], ids[i]); break; }
        h = (h + 1) & this.mask;
      }
    }
    this.size = size;
  }

  /** Match-set id for an address (unsigned 32-bit number), 0 when absent. */
  get(addr: number): number {
    const k = addr | 0;
    if (k === 0) return this.zeroVal;
    const slots = this.slots;
    let h = hash(k) & this.mask;
    for (;;) {
      const cur = slots[2 * h];
      if (cur === k) return slots[2 * h + 1];
      if (cur === 0) return 0;
      h = (h + 1) & this.mask;
    }
  }

  get bytes(): number { return this.slots.byteLength; }
}

/** A multiplicative mix: sequential addresses (a /24 expanded) must not cluster. */
function hash(k: number): number {
  let h = Math.imul(k, 0x9e3779b1);
  h ^= h >>> 15;
  return h;
}
export class PreviousRanges {
  /** Segment i: start at 2i (ascending, unsigned), match id at 2i + 1; it covers [start_i, start_i+1). */
  private readonly segs: Uint32Array;
  /** bucket[b] = first segment whose start ≥ b << shift (b in 0..2^bits). */
  private readonly bucket: Uint32Array;
  private readonly shift: number;
  readonly blocks: number;
  readonly segments: number;

  constructor(begin: Uint32Array, end: Uint32Array, ids: Int32Array, count: number, union: (a: number, b: number) => number) {
    this.blocks = count;
    // boundary events (position << 32 | block << 1 | closing): block i opens at begin[i] and
    // closes at end[i] + 1; a block reaching 255.255.255.255 never closes
    const all = new BigUint64Array(count * 2);
    let n = 0;
    for (let i = 0; i < count; i++) {
      all[n++] = (BigInt(begin[i]) << 32n) | BigInt(i * 2);
      if (end[i] < 0xffffffff) all[n++] = (BigInt(end[i] + 1) << 32n) | BigInt(i * 2 + 1);
    }
    const ev = all.subarray(0, n).sort();
    const active = new Map<number, number>(); // match id → how many open blocks carry it
    const outStarts: number[] = [];
    const outIds: number[] = [];
    let i = 0;
    while (i < ev.length) {
      const pos = Number(ev[i] >> 32n);
      while (i < ev.length && Number(ev[i] >> 32n) === pos) {
        const tag = Number(ev[i] & 0xffffffffn);
        const id = ids[tag >> 1];
        if ((tag & 1) === 0) active.set(id, (active.get(id) ?? 0) + 1);
        else { const n = active.get(id)! - 1; if (n === 0) active.delete(id); else active.set(id, n); }
        i++;
      }
      let merged = 0;
      for (const id of active.keys()) merged = union(merged, id);
      if (outIds.length && outIds[outIds.length - 1] === merged) continue; // same set as the previous segment
      outStarts.push(pos);
      outIds.push(merged);
    }
    if (outStarts.length === 0 || outStarts[0] !== 0) { outStarts.unshift(0); outIds.unshift(0); }
    this.segments = outStarts.length;
    this.segs = new Uint32Array(outStarts.length * 2);
    for (let k = 0; k < outStarts.length; k++) { this.segs[2 * k] = outStarts[k]; this.segs[2 * k + 1] = outIds[k]; }
    // about one segment per bucket, between 2^16 and 2^20 buckets
    const bits = Math.min(20, Math.max(16, Math.ceil(Math.log2(Math.max(1, outStarts.length)))));
    this.shift = 32 - bits;
    const nb = 2 ** bits;
    this.bucket = new Uint32Array(nb + 1);
    let seg = 0;
    for (let b = 0; b <= nb; b++) {
      const lo = b * 2 ** this.shift;
      while (seg < outStarts.length && outStarts[seg] < lo) seg++;
      this.bucket[b] = seg;
    }
  }

  /** Match-set id for an address (unsigned 32-bit number), 0 when no block covers it. */
  get(addr: number): number {
    return this.finish(addr, this.start(addr));
  }

  /**
   * The first half of a lookup: the bucket read. Split out so a caller can issue it before an
   * unrelated memory access and let the two cache misses overlap.
   */
  start(addr: number): number {
    return this.bucket[addr >>> this.shift];
  }

  finish(addr: number, first: number): number {
    const b = addr >>> this.shift;
    // the containing segment is the last one starting at or before addr: it lies in
    // [bucket[b] - 1, bucket[b + 1] - 1]
    let lo = first - 1;
    let hi = this.bucket[b + 1] - 1;
    if (lo < 0) lo = 0;
    const segs = this.segs;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segs[2 * mid] <= addr) lo = mid; else hi = mid - 1;
    }
    return segs[2 * lo + 1];
  }

  get bytes(): number { return this.segs.byteLength + this.bucket.byteLength; }
}
export class PreviousDomains {
  private readonly map = new Map<string, number>();

  add(name: string, id: number, union: (a: number, b: number) => number): void {
    this.map.set(name, union(this.map.get(name) ?? 0, id));
  }

  get size(): number { return this.map.size; }

  /** `name` lower-case without a trailing dot. Returns [match id, the indicator that matched]. */
  get(name: string): [number, string] {
    const map = this.map;
    if (map.size === 0) return [0, ''];
    let id = map.get(name);
    if (id !== undefined) return [id, name];
    let dot = name.indexOf('.');
    while (dot >= 0) {
      const suffix = name.slice(dot + 1);
      id = map.get(suffix);
      if (id !== undefined) return [id, suffix];
      dot = name.indexOf('.', dot + 1);
    }
    return [0, ''];
  }
}

/** The previous `IntelIndex.lookupV4` without ip:port: both tables, the range read issued first. */
export function previousLookupV4(exact: PreviousExact, ranges: PreviousRanges, addr: number): number {
  const first = ranges.start(addr);
  let id = exact.get(addr);
  const r = ranges.finish(addr, first);
  if (r !== 0) id = id === 0 ? r : id | r;
  return id;
}
