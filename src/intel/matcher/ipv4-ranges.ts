/**
 * IPv4 CIDR blocks → match-set id. Blocks (which may nest or overlap, across lists) are flattened
 * into disjoint segments, each tagged with the union of the blocks covering it; a lookup finds the
 * segment containing the address. A 65,536-entry index on the top 16 bits narrows the binary
 * search to the few segments of that /16, so a lookup costs two table reads and a handful of
 * comparisons however many blocks are loaded.
 */

export class Ipv4RangeTable {
  /** Segment starts, ascending; segment i covers [starts[i], starts[i+1]). */
  private readonly starts: Uint32Array;
  private readonly ids: Int32Array;
  /** bucket[b] = first segment whose start ≥ b << 16 (b in 0..65536). */
  private readonly bucket: Uint32Array;
  readonly blocks: number;

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
    this.starts = Uint32Array.from(outStarts);
    this.ids = Int32Array.from(outIds);
    this.bucket = new Uint32Array(65537);
    let s = 0;
    for (let b = 0; b <= 65536; b++) {
      const lo = b * 65536;
      while (s < this.starts.length && this.starts[s] < lo) s++;
      this.bucket[b] = s;
    }
  }

  get segments(): number { return this.starts.length; }

  /** Match-set id for an address (unsigned 32-bit number), 0 when no block covers it. */
  get(addr: number): number {
    const b = addr >>> 16;
    // the containing segment is the last one starting at or before addr: it lies in
    // [bucket[b] - 1, bucket[b + 1] - 1]
    let lo = this.bucket[b] - 1;
    let hi = this.bucket[b + 1] - 1;
    if (lo < 0) lo = 0;
    const starts = this.starts;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= addr) lo = mid; else hi = mid - 1;
    }
    return this.ids[lo];
  }

  get bytes(): number { return this.starts.byteLength + this.ids.byteLength + this.bucket.byteLength; }
}
