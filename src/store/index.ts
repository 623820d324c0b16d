/**
 * @module store
 * Persistence behind one interface: findings, processed objects, detector state, filters.
 */
export { FencedError, hasFindingPartitions } from './types.js';
export type { Store, CommitBatch, FindingQuery, FilterRecord, ProcessedObject, StateRow, StoreCounts, FindingPageQuery, FindingPage, StatsGroup, StatsRow, UsageRow,
  FindingPartition, FindingPartitions } from './types.js';
export { SqliteStore } from './sqlite/index.js';
// (PostgresStore is imported from './postgres/index.js' by who needs it: loading `pg` costs
// 50–80 ms of start-up, so openStore loads it only for a PostgreSQL URL)
export { StoreUnavailableError } from './postgres/errors.js';
export { isPostgresUrl, redactLocation } from './location.js';

import { existsSync } from 'node:fs';
import { SqliteStore } from './sqlite/index.js';
import { isPostgresUrl } from './location.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /**
   * Refuse a store nothing has written yet instead of starting one: a missing SQLite file, a
   * PostgreSQL database without Vigil's schema (StoreMissingError). For commands that read what
   * a scan or a server wrote, where a wrong location is a mistake to report.
   */
  existing?: boolean;
}

/** A store location that holds no Vigil store (OpenStoreOptions.existing). */
export class StoreMissingError extends Error {
  override name = 'StoreMissingError';
}

/**
 * Opens (and migrates) the store a location names: PostgreSQL for a `postgres://` or
 * `postgresql://` URL, otherwise a SQLite file (created when missing).
 */
export async function openStore(location: string, o: OpenStoreOptions = {}): Promise<Store> {
  if (!isPostgresUrl(location)) {
    if (o.existing && location !== ':memory:' && !existsSync(location)) throw new StoreMissingError(`no database at ${location}`);
    const store = new SqliteStore(location);
    await store.migrate();
    return store;
  }
  const { PostgresStore } = await import('./postgres/index.js');
  const store = new PostgresStore(location);
  try {
    if (o.existing && !(await store.hasSchema())) throw new StoreMissingError(`no Vigil store in ${store.location} (the database has no Vigil schema)`);
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
