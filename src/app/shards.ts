/**
 * Detector state by partition inside one process: the cluster's partition model
 * (cluster/partitions.ts) for `vigil scan` and `vigil serve`. Every log object goes to the
 * partition of the AWS account its key names; each partition has its own engine and state
 * (windows, baselines, sequences, watermarks), saved under `p/<n>/` as a cluster worker saves it.
 * Partitions share nothing, so the findings are the same however partitions are spread over
 * threads or machines, and a partition's state can move between them.
 *
 * A database keeps the layout it started with (the `state-layout` document): a new one is
 * partitioned (DEFAULT_PARTITIONS); one whose state an earlier Vigil wrote without partitions
 * (namespaces without the prefix) stays one partition with unprefixed state, so its windows and
 * baselines go on exactly — state cannot be split by account after the fact (many keys, such as
 * network interface ids, do not name their account).
 */
import { Engine, StateRegistry } from '../engine/index.js';
import type { StateRow, Store } from '../store/index.js';
import { DEFAULT_PARTITIONS, partitionOfKey, statePrefix } from '../cluster/partitions.js';

export interface StateLayout {
  /** Partitions of this database (1: everything in one). */
  partitions: number;
  /** State saved without partition prefixes (a database from before partitions). */
  unprefixed: boolean;
}

const LAYOUT_DOC = ['state-layout', 'local'] as const;

/** The database's layout, recorded the first time it is asked (so it never changes under a database). */
export async function stateLayout(store: Store): Promise<StateLayout> {
  const saved = await store.getDoc<StateLayout>(...LAYOUT_DOC);
  if (saved) return saved;
  const rows = await store.loadState();
  const layout: StateLayout = rows.some((r) => !r.namespace.startsWith('p/'))
    ? { partitions: 1, unprefixed: true }
    : { partitions: DEFAULT_PARTITIONS, unprefixed: false };
  await store.putDoc(...LAYOUT_DOC, '', layout);
  return layout;
}

/** One partition's engine and state. */
export interface Shard { partition: number; engine: Engine; state: StateRegistry }

/**
 * The partitions a run has touched, each made on first use from its last checkpoint. `make`
 * builds an engine over a state registry (the caller's detectors, services and finding sink).
 */
export class Shards {
  private readonly shards = new Map<number, Shard>();

  constructor(private readonly store: Store, readonly layout: StateLayout, private readonly make: (state: StateRegistry) => Engine) {}

  partitionOf(key: string): number {
    return this.layout.partitions === 1 ? 0 : partitionOfKey(key, this.layout.partitions);
  }

  private prefix(partition: number): string { return this.layout.unprefixed ? '' : statePrefix(partition); }

  /** The shard of the partition an object key falls in, loaded from its last checkpoint the first time. */
  async of(key: string): Promise<Shard> {
    const partition = this.partitionOf(key);
    let s = this.shards.get(partition);
    if (!s) {
      const prefix = this.prefix(partition);
      const rows = await this.store.loadState(prefix || undefined);
      const state = new StateRegistry();
      state.preload(prefix ? rows.map((r) => ({ namespace: r.namespace.slice(prefix.length), data: r.data })) : rows);
      // (a get between the await and here would have made the shard already)
      s = this.shards.get(partition) ?? { partition, state, engine: this.make(state) };
      this.shards.set(partition, s);
    }
    return s;
  }

  get all(): readonly Shard[] { return [...this.shards.values()]; }

  /** Every namespace of every shard made (a scan's checkpoint), under its partition's prefix. */
  snapshots(): StateRow[] { return this.rows((s) => s.state.snapshots()); }

  /** Only namespaces touched since the last call (the continuous loop's checkpoints). */
  changedSnapshots(): StateRow[] { return this.rows((s) => s.state.changedSnapshots()); }

  private rows(of: (s: Shard) => StateRow[]): StateRow[] {
    const out: StateRow[] = [];
    for (const s of this.shards.values()) {
      const prefix = this.prefix(s.partition);
      for (const r of of(s)) out.push(prefix ? { namespace: prefix + r.namespace, data: r.data } : r);
    }
    return out;
  }
}
