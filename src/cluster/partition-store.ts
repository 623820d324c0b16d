/**
 * The store as one partition's owner sees it: detector state under the partition's own
 * namespace prefix (so each partition's baselines, windows and watermarks are loaded and saved
 * apart from the others'), and every commit fenced by the lease epoch the owner holds (a
 * worker that lost its lease without noticing cannot overwrite the next owner's checkpoint).
 * Everything else — findings, processed objects, filters, documents — is the shared store.
 */
import type { CommitBatch, StateRow, Store } from '../store/index.js';
import { statePrefix } from './partitions.js';

export { statePrefix };
export function fenceKey(partition: number): string { return `partition/${partition}`; }

export function partitionStore(store: Store, partition: number, epoch: () => number): Store {
  const prefix = statePrefix(partition);
  const loadState = async (): Promise<StateRow[]> =>
    (await store.loadState(prefix)).map((r) => ({ namespace: r.namespace.slice(prefix.length), data: r.data }));
  const commit = (b: CommitBatch): Promise<void> =>
    store.commit({ ...b, state: b.state?.map((s) => ({ namespace: prefix + s.namespace, data: s.data })), fence: { key: fenceKey(partition), epoch: epoch() } });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'loadState') return loadState;
      if (prop === 'commit') return commit;
      // the worker owns the shared store's lifetime, not a partition
      if (prop === 'close') return async () => undefined;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
