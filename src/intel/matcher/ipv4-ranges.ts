/**
 * IPv4 CIDR blocks → match-set id. Blocks (which may nest or overlap, across lists) are flattened
 * into disjoint segments, each tagged with the union of the blocks covering it; a lookup finds the
 * segment containing the address. An index on the top 16–20 bits of the address (more bits for
 * more segments, about one segment per bucket) narrows the search to a few neighbouring segments,
 * and each segment's start and id sit side by side, so a lookup touches a few cache lines however
 * many blocks are loaded.
 */

export class Ipv4RangeTable {
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
