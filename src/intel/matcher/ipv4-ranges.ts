/**
 * IPv4 CIDR blocks → match-set id. A lookup returns the union of every block covering the
 * address (blocks nest across lists: a /8 on one list and a /24 inside it on another both match).
 *
 * Build. Two CIDR blocks are either disjoint or nested, so after sorting the blocks by (start,
 * prefix length) — a radix sort over typed arrays — one sweep with a stack of open blocks cuts
 * the address space into disjoint *segments*, each tagged with the union of the blocks covering
 * it (neighbours with the same union merge).
 *
 * Lookup. A directory on the top B bits of the address (B = 16–22, about one segment per
 * bucket) holds, for a bucket lying inside one segment — nearly all of them — that segment's
 * match id itself: one read answers. A bucket that segment boundaries cut holds the index of the
 * segment containing its first address (as ~index, so negative), and the answer is found by a
 * galloping search over the segments' (start, id) pairs from there, usually one more read.
 * Measured here with 1M blocks: about 30M lookups/s alone, against 19M for the previous
 * bucketed binary search.
 */

export class Ipv4RangeTable {
  /** Segment i: start at 2i (ascending, unsigned), match id at 2i + 1; it covers [start_i, start_i+1). */
  private readonly segs: Uint32Array;
  /** dir[b]: the match id when bucket b lies in one segment, else ~(the segment holding its first address). */
  private readonly dir: Int32Array;
  private readonly shift: number;
  readonly blocks: number;
  readonly segments: number;

  /** `starts` masked to `prefixes` (0–31), parallel to `ids`; `count` entries are read. */
  constructor(starts: Uint32Array, prefixes: Uint8Array, ids: Int32Array, count: number, union: (a: number, b: number) => number) {
    this.blocks = count;
    const order = sortBlocks(starts, prefixes, count);
    // the sweep: a stack of open blocks (at most 33 deep: equal blocks are merged, nested ones are longer)
    const stStart = new Float64Array(34), stEnd = new Float64Array(34), stCum = new Int32Array(34);
    let depth = 0;
    let segStart = new Uint32Array(1024), segId = new Int32Array(1024);
    let n = 1; // segment 0 starts at 0.0.0.0 with no match
    const emit = (pos: number, id: number) => {
      if (segStart[n - 1] === pos) {
        segId[n - 1] = id;
        if (n >= 2 && segId[n - 2] === id) n--;
      } else if (segId[n - 1] !== id) {
        if (n === segStart.length) {
          const a = new Uint32Array(n * 2); a.set(segStart); segStart = a;
          const b = new Int32Array(n * 2); b.set(segId); segId = b;
        }
        segStart[n] = pos;
        segId[n] = id;
        n++;
      }
    };
    for (let k = 0; k < count; k++) {
      const j = order[k];
      const s = starts[j], p = prefixes[j], id = ids[j];
      const e = s + 2 ** (32 - p) - 1;
      while (depth > 0 && stEnd[depth - 1] < s) {
        depth--;
        emit(stEnd[depth] + 1, depth > 0 ? stCum[depth - 1] : 0);
      }
      if (depth > 0 && stStart[depth - 1] === s && stEnd[depth - 1] === e) {
        stCum[depth - 1] = union(stCum[depth - 1], id);
      } else {
        stStart[depth] = s;
        stEnd[depth] = e;
        stCum[depth] = union(depth > 0 ? stCum[depth - 1] : 0, id);
        depth++;
      }
      emit(s, stCum[depth - 1]);
    }
    while (depth > 0) {
      depth--;
      if (stEnd[depth] < 0xffffffff) emit(stEnd[depth] + 1, depth > 0 ? stCum[depth - 1] : 0);
    }
    this.segments = n;
    this.segs = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) { this.segs[2 * i] = segStart[i]; this.segs[2 * i + 1] = segId[i]; }

    const bits = Math.min(22, Math.max(16, Math.ceil(Math.log2(n))));
    this.shift = 32 - bits;
    const nb = 2 ** bits, width = 2 ** this.shift;
    this.dir = new Int32Array(nb);
    let seg = 0;
    for (let b = 0; b < nb; b++) {
      const lo = b * width;
      while (seg + 1 < n && segStart[seg + 1] <= lo) seg++;
      this.dir[b] = seg + 1 < n && segStart[seg + 1] < lo + width ? ~seg : segId[seg];
    }
  }

  /** Match id for an address (unsigned 32-bit number), 0 when no block covers it. */
  get(addr: number): number {
    const v = this.dir[addr >>> this.shift];
    return v >= 0 ? v : this.search(~v, addr);
  }

  /** The segment holding `addr`, searching forward from segment `i` (which starts at or before it). */
  private search(i: number, addr: number): number {
    const segs = this.segs, n = this.segments;
    let lo = i, step = 1;
    while (lo + step < n && segs[2 * (lo + step)] <= addr) { lo += step; step *= 2; }
    let hi = Math.min(lo + step, n) - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segs[2 * mid] <= addr) lo = mid; else hi = mid - 1;
    }
    return segs[2 * lo + 1];
  }

  get bytes(): number { return this.segs.byteLength + this.dir.byteLength; }
}

/** Indices of the blocks ordered by start, then prefix length: LSD radix sort (prefix, low 16 bits, high 16 bits). */
function sortBlocks(starts: Uint32Array, prefixes: Uint8Array, count: number): Uint32Array {
  let a = new Uint32Array(count), b = new Uint32Array(count);
  const counts = new Uint32Array(65537);
  // pass 1: prefix length
  for (let i = 0; i < count; i++) counts[prefixes[i] + 1]++;
  for (let k = 1; k <= 33; k++) counts[k] += counts[k - 1];
  for (let i = 0; i < count; i++) a[counts[prefixes[i]]++] = i;
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[((starts[a[i]] >>> shift) & 0xffff) + 1]++;
    for (let k = 1; k <= 65536; k++) counts[k] += counts[k - 1];
    for (let i = 0; i < count; i++) { const j = a[i]; b[counts[(starts[j] >>> shift) & 0xffff]++] = j; }
    [a, b] = [b, a];
  }
  return a;
}
