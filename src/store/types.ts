/**
 * The store interface every backend implements (SQLite embedded; PostgreSQL later) and the
 * conformance suite in testing/store-conformance.ts checks. All writes of one checkpoint go through
 * `commit`, atomically: findings, processed objects and detector state land together or not
 * at all, so a crash never leaves findings counted for an object the next run will read again.
 */
import type { Finding, LogKind, SeverityLevel } from '../core/index.js';
import type { FindingCriteria } from '../findings/criteria.js';
import type { StateSnapshotData } from '../engine/index.js';
import type { IntelList } from '../intel/list.js';

export interface ProcessedObject {
  /** Content fingerprint (readers/objectFingerprint). */
  fingerprint: string;
  uri: string;
  kind: LogKind | 'unknown';
  size: number;
  records: number;
  bad: number;
  processedAt: string;
}

export interface StateRow { namespace: string; data: StateSnapshotData }

export interface CommitBatch {
  findings?: Finding[];
  objects?: ProcessedObject[];
  state?: StateRow[];
}

export interface FindingQuery {
  types?: string[];
  severities?: SeverityLevel[];
  accountIds?: string[];
  /** true: only archived; false: only active; undefined: both. */
  archived?: boolean;
  limit?: number;
  offset?: number;
  /** Default: severity desc, then updatedAt desc. */
  sort?: { field: 'severity' | 'updatedAt' | 'createdAt' | 'count' | 'type'; order: 'ASC' | 'DESC' };
}

export interface FilterRecord {
  detectorId: string;
  name: string;
  description?: string;
  action: 'NOOP' | 'ARCHIVE';
  rank: number;
  findingCriteria: FindingCriteria;
  tags?: Record<string, string>;
}

export interface StoreCounts { total: number; archived: number; bySeverity: Record<SeverityLevel, number>; byType: Record<string, number> }

export interface Store {
  /** Human-readable location (path or connection), for messages. */
  readonly location: string;
  /** Applies pending migrations. Idempotent. */
  migrate(): Promise<void>;
  getFindings(ids: string[]): Promise<Finding[]>;
  queryFindings(q: FindingQuery): Promise<Finding[]>;
  countFindings(q?: Omit<FindingQuery, 'limit' | 'offset' | 'sort'>): Promise<StoreCounts>;
  /** Marks findings archived (true) or active (false); returns how many changed. */
  setArchived(ids: string[], archived: boolean): Promise<number>;
  /** Which of these fingerprints were already processed. */
  processedObjects(fingerprints: string[]): Promise<Set<string>>;
  loadState(): Promise<StateRow[]>;
  commit(batch: CommitBatch): Promise<void>;
  listFilters(detectorId?: string): Promise<FilterRecord[]>;
  putFilter(f: FilterRecord): Promise<void>;
  deleteFilter(detectorId: string, name: string): Promise<boolean>;
  listIntelLists(): Promise<IntelList[]>;
  /** Inserts or replaces by id; names are unique. */
  putIntelList(list: IntelList): Promise<void>;
  deleteIntelList(id: string): Promise<boolean>;
  close(): Promise<void>;
}
