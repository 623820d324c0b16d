/**
 * The store conformance suite: what every Store backend must do, every method of the interface.
 * Each backend's test calls `storeConformance(name, open)` with a function that opens a store
 * over an empty database (SQLite: a new in-memory one; PostgreSQL: a new schema). The cases are in
 * store-conformance/: findings.ts (findings, criteria, pages, statistics) and records.ts (the rest).
 */
import type { Store } from '../store/types.js';
import { findingCases } from './store-conformance/findings.js';
import { recordCases } from './store-conformance/records.js';

export { sampleFinding } from './store-conformance/sample.js';

export function storeConformance(name: string, open: () => Promise<Store>): void {
  const fresh = async () => { const s = await open(); await s.migrate(); return s; };
  findingCases(name, fresh);
  recordCases(name, fresh);
}
