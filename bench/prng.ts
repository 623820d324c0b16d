/**
 * A small seeded PRNG for the benchmark generators (xoshiro128** seeded through splitmix32), so the
 * same seed always produces byte-identical logs. Not for anything security related.
 */

export type Weighted<T> = { values: T[]; cumulative: number[]; total: number };

/** Builds a table for `Prng.weighted` from `[value, weight]` pairs. */
export function weights<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [v, w] of entries) {
    total += w;
    values.push(v);
    cumulative.push(total);
  }
  return { values, cumulative, total };
}

const HEX = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split(); this.b = split(); this.c = split(); this.d = split();
  }

  /** A derived generator, so each part of the data has its own stream. */
  fork(salt: number): Prng {
    return new Prng((this.next() ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  }

  /** Uniform uint32. */
  next(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number { return this.next() / 4294967296; }

  /** Uniform integer in [0, n). */
  int(n: number): number { return Math.floor(this.float() * n); }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }

  /** Index in [0, n) skewed towards 0: a few hot items, a long tail. */
  skewed(n: number, power = 2): number { return Math.floor(n * this.float() ** power); }

  chance(p: number): boolean { return this.float() < p; }

  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }

  weighted<T>(w: Weighted<T>): T {
    const x = this.float() * w.total;
    const c = w.cumulative;
    let lo = 0, hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > x) hi = mid; else lo = mid + 1;
    }
    return w.values[lo];
  }

  hex(n: number): string {
    let s = '';
    while (s.length < n) {
      const x = this.next();
      s += BYTE_HEX[x & 255] + BYTE_HEX[(x >>> 8) & 255] + BYTE_HEX[(x >>> 16) & 255] + BYTE_HEX[x >>> 24];
    }
    return s.length === n ? s : s.slice(0, n);
  }

  /** Upper-case letters and digits, as in access key ids and request ids. */
  alnum(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[this.int(36)];
    return s;
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${HEX[8 + (this.next() & 3)]}${this.hex(3)}-${this.hex(12)}`;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
