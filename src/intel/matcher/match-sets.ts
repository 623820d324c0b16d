/**
 * A match set is the list of (list, threat name) pairs an indicator belongs to. Indicators
 * store a small integer (the set's id) instead of the pairs; identical sets share one id, so
 * ten million addresses from one list all point at the same set. Id 0 means "no match".
 */

export interface MatchRef {
  /** Index into the index's list table. */
  list: number;
  /** Index into the index's threat-name table (-1: none). */
  threat: number;
}

export class MatchSets {
  private readonly sets: MatchRef[][] = [[]];
  private readonly byKey = new Map<string, number>();
  private readonly unionMemo = new Map<number | string, number>();

  /** The id of the set holding exactly these pairs. */
  intern(refs: MatchRef[]): number {
    if (refs.length === 0) return 0;
    const sorted = [...refs].sort((a, b) => a.list - b.list || a.threat - b.threat);
    const key = sorted.map((r) => `${r.list}:${r.threat}`).join(',');
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(sorted);
      this.byKey.set(key, id);
    }
    return id;
  }

  single(list: number, threat: number): number {
    return this.intern([{ list, threat }]);
  }

  /** The id of the union of two sets (memoised: unions repeat when lists overlap). */
  union(a: number, b: number): number {
    if (a === 0 || a === b) return b;
    if (b === 0) return a;
    const lo = a < b ? a : b, hi = a < b ? b : a;
    // exact as a number while lo < 2^21 (ids are below 2^31); a string past that
    const memoKey = lo < 2_097_152 ? lo * 2_147_483_648 + hi : `${lo},${hi}`;
    let id = this.unionMemo.get(memoKey);
    if (id === undefined) {
      const seen = new Set<string>();
      const merged = [...this.sets[a], ...this.sets[b]].filter((r) => {
        const k = `${r.list}:${r.threat}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      id = this.intern(merged);
      this.unionMemo.set(memoKey, id);
    }
    return id;
  }

  get(id: number): readonly MatchRef[] {
    return this.sets[id] ?? [];
  }

  get size(): number { return this.sets.length - 1; }
}
