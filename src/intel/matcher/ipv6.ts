/**
 * IPv6 addresses and prefixes → match-set id. IPv6 indicators are few next to IPv4, so a Map
 * per prefix length (addresses masked to it) is enough: a lookup masks the address once for
 * each prefix length that has entries, longest first, and unions what it finds.
 */
import { maskV6 } from '../ip-text.js';

export class Ipv6Table {
  private readonly byPrefix = new Map<number, Map<string, number>>();
  private prefixes: number[] = [];
  size = 0;

  add(hex: string, prefix: number, id: number, union: (a: number, b: number) => number): void {
    let m = this.byPrefix.get(prefix);
    if (!m) {
      this.byPrefix.set(prefix, (m = new Map()));
      this.prefixes = [...this.byPrefix.keys()].sort((a, b) => b - a);
    }
    const prev = m.get(hex);
    if (prev === undefined) this.size++;
    m.set(hex, union(prev ?? 0, id));
  }

  /** `hex`: 32 lower-case hex digits (see ipv6ToHex). */
  get(hex: string, union: (a: number, b: number) => number): number {
    let id = 0;
    for (const p of this.prefixes) {
      const v = this.byPrefix.get(p)!.get(p === 128 ? hex : maskV6(hex, p));
      if (v !== undefined) id = union(id, v);
    }
    return id;
  }
}
