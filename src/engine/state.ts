/**
 * The keyed state store detectors (and enrichers) keep their memory in: counters, windows,
 * first-seen sets. Each namespace is a bounded map:
 *  - TTL in event time: an entry expires `ttlMs` after it was last written, and is swept once the
 *    watermark passes that point (so late logs still find their window open);
 *  - LRU capacity: writing moves an entry to the young end; past `maxEntries` the oldest go.
 * Values must be plain JSON (numbers, strings, arrays, objects): namespaces are snapshotted to
 * the store with each checkpoint and restored by the next scan, which continues the windows.
 */

export interface StateOptions {
  /** Most entries kept; the least recently written are evicted first. Default 100,000. */
  maxEntries?: number;
  /** Event-time lifetime after the last write. Default 1 hour. */
  ttlMs?: number;
}

interface Entry<V> { v: V; exp: number }

/** Live entries in a row after which a sweep stops (see KeyedState.sweep). */
const SWEEP_LIVE_RUN = 64;

/** Shared clock: the event time being processed, set by the engine before each dispatch. */
export interface EventClock { now: number }

export class KeyedState<V> {
  private readonly map = new Map<string, Entry<V>>();
  readonly maxEntries: number;
  readonly ttlMs: number;
  /** Entries dropped because the namespace was full (a sign the cap is too small). */
  evicted = 0;
  /**
   * Touched since the last changed-only snapshot. Reads count: a detector may change a value it
   * got in place (values are plain objects), and such a change must reach the next checkpoint.
   */
  touched = false;

  constructor(readonly name: string, opts: StateOptions, private readonly clock: EventClock) {
    this.maxEntries = opts.maxEntries ?? 100_000;
    this.ttlMs = opts.ttlMs ?? 3_600_000;
  }

  get size(): number { return this.map.size; }

  get(key: string): V | undefined {
    this.touched = true;
    return this.map.get(key)?.v;
  }

  /** Writes a value and refreshes its expiry and recency. */
  set(key: string, v: V): void {
    this.touched = true;
    const exp = this.clock.now + this.ttlMs;
    const e = this.map.get(key);
    if (e) {
      this.map.delete(key);
      e.v = v;
      e.exp = Math.max(e.exp, exp);
      this.map.set(key, e);
      return;
    }
    this.map.set(key, { v, exp });
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evicted++;
    }
  }

  delete(key: string): void { this.touched = true; this.map.delete(key); }

  *entries(): IterableIterator<[string, V]> {
    this.touched = true;
    for (const [k, e] of this.map) yield [k, e.v];
  }

  /**
   * Drops entries whose expiry is before the watermark. Entries are kept in write order and an
   * expiry is the write's event time plus the TTL, so expired entries sit at the old end: the sweep
   * stops after a run of SWEEP_LIVE_RUN live entries instead of visiting every entry each minute
   * (which cost O(entries) per minute with large, long-lived state such as behaviour profiles).
   * An entry written with a late, older event time may outlive its TTL until those before it expire.
   */
  sweep(watermark: number): number {
    let n = 0, live = 0;
    for (const [k, e] of this.map) {
      if (e.exp < watermark) { this.map.delete(k); n++; live = 0; } else if (++live >= SWEEP_LIVE_RUN) break;
    }
    if (n > 0) this.touched = true;
    return n;
  }

  snapshot(): StateSnapshotData {
    const entries: [string, unknown, number][] = [];
    for (const [k, e] of this.map) entries.push([k, e.v, e.exp]);
    return { v: 1, entries };
  }

  restore(data: StateSnapshotData): void {
    this.map.clear();
    for (const [k, v, exp] of data.entries) this.map.set(k, { v: v as V, exp });
  }
}

export interface StateSnapshotData { v: 1; entries: [string, unknown, number][] }

/** All namespaces of one engine, keyed `<owner>/<name>`. */
export class StateRegistry {
  private readonly spaces = new Map<string, KeyedState<unknown>>();
  private readonly pending = new Map<string, StateSnapshotData>();
  readonly clock: EventClock = { now: 0 };

  /** Snapshots loaded from the store before the namespaces exist. */
  preload(snapshots: { namespace: string; data: StateSnapshotData }[]): void {
    for (const s of snapshots) this.pending.set(s.namespace, s.data);
  }

  namespace<V>(owner: string, name: string, opts: StateOptions = {}): KeyedState<V> {
    const key = `${owner}/${name}`;
    let s = this.spaces.get(key);
    if (!s) {
      s = new KeyedState<unknown>(key, opts, this.clock);
      const saved = this.pending.get(key);
      if (saved) { s.restore(saved); this.pending.delete(key); }
      this.spaces.set(key, s);
    }
    return s as KeyedState<V>;
  }

  sweep(ownerPrefixes: Iterable<string>, watermark: number): void {
    const owners = new Set(ownerPrefixes);
    for (const [key, s] of this.spaces) if (owners.has(key.slice(0, key.indexOf('/')))) s.sweep(watermark);
  }

  /** Called before each snapshot (the engine writes its watermarks into its own namespace). */
  private readonly beforeSnapshot: (() => void)[] = [];
  onSnapshot(fn: () => void): void { this.beforeSnapshot.push(fn); }

  snapshots(): { namespace: string; data: StateSnapshotData }[] {
    for (const fn of this.beforeSnapshot) fn();
    const out = [...this.spaces].map(([namespace, s]) => ({ namespace, data: s.snapshot() }));
    // namespaces restored but never touched this run are kept as they were
    for (const [namespace, data] of this.pending) out.push({ namespace, data });
    return out;
  }

  /**
   * Only the namespaces touched (read or written) since the last call — for a store that keeps
   * the others from earlier checkpoints (the continuous ingest loop, which checkpoints often).
   * Namespaces restored and never touched are already in the store, as they were.
   */
  changedSnapshots(): { namespace: string; data: StateSnapshotData }[] {
    for (const fn of this.beforeSnapshot) fn();
    const out: { namespace: string; data: StateSnapshotData }[] = [];
    for (const [namespace, s] of this.spaces) {
      if (!s.touched) continue;
      s.touched = false;
      out.push({ namespace, data: s.snapshot() });
    }
    return out;
  }

  stats(): { namespace: string; entries: number; evicted: number }[] {
    return [...this.spaces].map(([namespace, s]) => ({ namespace, entries: s.size, evicted: s.evicted }));
  }
}
