/**
 * Domains → match-set id, matching a name and all its subdomains: a query for `a.b.evil.example`
 * matches an indicator `evil.example`. The lookup walks the name's suffixes from the full name
 * up to the last label and returns the most specific match.
 */

export class DomainTable {
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
