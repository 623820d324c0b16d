/**
 * The store interface every backend implements (SQLite embedded, PostgreSQL for a cluster) and the
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

/** Analysed volume per account, data source and day (GuardDuty's usage statistics). */
export interface UsageRow { accountId: string; dataSource: 'CLOUD_TRAIL' | 'FLOW_LOGS' | 'DNS_LOGS'; day: string; events: number; bytes: number }

export interface CommitBatch {
  findings?: Finding[];
  objects?: ProcessedObject[];
  state?: StateRow[];
  /** Added to what is stored (counters), not replacing it. */
  usage?: UsageRow[];
  /**
   * Commit only as the current owner of `key` (a cluster partition): the store keeps the highest
   * epoch that committed under each key (document kind `fence`) and refuses, with FencedError and
   * nothing written, a batch whose epoch is lower. An owner that lost its lease and did not notice
   * (a long pause) can then never overwrite what the next owner committed.
   */
  fence?: { key: string; epoch: number };
}

/** A commit refused because a newer owner of its fence key has committed (CommitBatch.fence). */
export class FencedError extends Error {
  override name = 'FencedError';
  constructor(readonly key: string, readonly epoch: number, readonly current: number) {
    super(`${key}: owned by a newer epoch (${current}) than this commit's (${epoch}); this process lost its lease`);
  }
}

/** A page of findings matching GuardDuty FindingCriteria, for the API. */
export interface FindingPageQuery {
  /** Only these accounts (the caller's visibility); all when omitted. */
  accountIds?: string[];
  region?: string;
  criteria?: FindingCriteria;
  sort?: { attribute: string; order: 'ASC' | 'DESC' };
  limit: number;
  /** The position the previous page returned. */
  cursor?: number;
}

export interface FindingPage { findings: Finding[]; cursor?: number }

export type StatsGroup = 'ACCOUNT' | 'DATE' | 'FINDING_TYPE' | 'RESOURCE' | 'SEVERITY';

export interface StatsRow {
  /** The group's value: account id, day (YYYY-MM-DD), type, resource id or severity. */
  key: string;
  total: number;
  lastGeneratedAt: string;
  accountId?: string;
  resourceType?: string;
  severity?: number;
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
  /** Removes findings for good (retention); returns how many were removed. */
  deleteFindings(ids: string[]): Promise<number>;
  /** Marks findings archived (true) or active (false); returns how many changed. */
  setArchived(ids: string[], archived: boolean): Promise<number>;
  /** Which of these fingerprints were already processed. */
  processedObjects(fingerprints: string[]): Promise<Set<string>>;
  /** Detector state rows; only the namespaces that start with `prefix` when given (a partition's). */
  loadState(prefix?: string): Promise<StateRow[]>;
  commit(batch: CommitBatch): Promise<void>;
  listFilters(detectorId?: string): Promise<FilterRecord[]>;
  putFilter(f: FilterRecord): Promise<void>;
  deleteFilter(detectorId: string, name: string): Promise<boolean>;
  /** Findings in pages, filtered by criteria (indexed fields in SQL, the rest checked per row). */
  pageFindings(q: FindingPageQuery): Promise<FindingPage>;
  /** Counts grouped as GetFindingsStatistics asks, ordered by total. */
  findingStatistics(q: Omit<FindingPageQuery, 'sort' | 'cursor' | 'limit'> & { groupBy: StatsGroup; order: 'ASC' | 'DESC'; limit: number }): Promise<StatsRow[]>;
  /** Sets (or clears, with undefined) `service.userFeedback`; returns how many changed. */
  setFeedback(ids: string[], feedback: 'USEFUL' | 'NOT_USEFUL' | undefined): Promise<number>;
  /** Accounts that have findings (in a region). */
  findingAccounts(region?: string): Promise<string[]>;
  /** Small JSON records of the API (detectors, members, invitations, tags…), by kind and id. */
  getDoc<T>(kind: string, id: string): Promise<T | undefined>;
  putDoc(kind: string, id: string, accountId: string, data: unknown): Promise<void>;
  listDocs<T>(kind: string, accountId?: string): Promise<T[]>;
  deleteDoc(kind: string, id: string): Promise<boolean>;
  usage(accountIds?: string[], fromDay?: string, toDay?: string): Promise<UsageRow[]>;
  /** What has been read, per log type: objects, records, bad records, last processed. */
  ingestionSummary(): Promise<{ kind: string; objects: number; records: number; bad: number; lastProcessedAt: string }[]>;
  /** Refreshes query-planner statistics (after a scan, at server start); cheap when nothing changed. */
  optimize(): Promise<void>;
  listIntelLists(): Promise<IntelList[]>;
  /** Inserts or replaces by id; names are unique. */
  putIntelList(list: IntelList): Promise<void>;
  deleteIntelList(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A range of findings a store keeps apart by created time (FindingPartitions). */
export interface FindingPartition {
  /** The store's name for it (for messages and dropFindingPartition). */
  name: string;
  /** Created-time range it holds, ISO-8601: createdFrom ≤ createdAt < createdTo. */
  createdFrom: string;
  createdTo: string;
  findings: number;
}

/**
 * An optional capability: a store that keeps findings in created-time partitions, so retention
 * can remove a whole partition at once instead of deleting row by row. Shared code asks whether a
 * store has it (hasFindingPartitions), never which store it is; deleteFindings stays correct for
 * whatever is left (findings outside droppable partitions).
 */
export interface FindingPartitions {
  /** The partitions every finding of which was last updated before `before` (ISO-8601), oldest first. */
  expiredFindingPartitions(before: string): Promise<FindingPartition[]>;
  /**
   * Drops a partition expiredFindingPartitions returned, with its findings, if it is still
   * expired (checked again under a lock: a finding updated since keeps it); returns the number of
   * findings removed, 0 when it was kept.
   */
  dropFindingPartition(p: FindingPartition, before: string): Promise<number>;
}

export function hasFindingPartitions(s: Store): s is Store & FindingPartitions {
  const x = s as Partial<FindingPartitions>;
  return typeof x.expiredFindingPartitions === 'function' && typeof x.dropFindingPartition === 'function';
}
