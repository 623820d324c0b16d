/**
 * @module store
 * Persistence behind one interface: findings, processed objects, detector state, filters.
 */
export { FencedError } from './types.js';
export type { Store, CommitBatch, FindingQuery, FilterRecord, ProcessedObject, StateRow, StoreCounts, FindingPageQuery, FindingPage, StatsGroup, StatsRow, UsageRow } from './types.js';
export { SqliteStore } from './sqlite/index.js';

import { SqliteStore } from './sqlite/index.js';
import type { Store } from './types.js';

/** Opens (and migrates) the store a location names. Only SQLite files for now. */
export async function openStore(location: string): Promise<Store> {
  const store = new SqliteStore(location);
  await store.migrate();
  return store;
}
