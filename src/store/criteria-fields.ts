/**
 * What every SQL backend knows about GuardDuty FindingCriteria: which criteria have a column
 * (and of what kind), which are kept as indexed terms, and how a criterion's value becomes a
 * column value. Each backend's criteria-sql.ts turns these into its own dialect; criterion names
 * are only ever matched against these fixed tables, never spliced into SQL.
 */
export type ColumnKind = 'text' | 'number' | 'time' | 'bool' | 'severity';
export interface Column { col: string; kind: ColumnKind }

const COLUMNS: Record<string, Column> = {
  accountId: { col: 'account_id', kind: 'text' },
  region: { col: 'region', kind: 'text' },
  type: { col: 'type', kind: 'text' },
  id: { col: 'id', kind: 'text' },
  severity: { col: 'severity', kind: 'severity' },
  'service.archived': { col: 'archived', kind: 'bool' },
  'service.count': { col: 'count', kind: 'number' },
  'resource.resourceType': { col: 'resource_type', kind: 'text' },
  updatedAt: { col: 'updated_at', kind: 'time' },
  createdAt: { col: 'created_at', kind: 'time' },
  'service.eventFirstSeen': { col: 'event_first_seen', kind: 'time' },
  'service.eventLastSeen': { col: 'event_last_seen', kind: 'time' },
};

/**
 * The column of an attribute. Own keys only: a plain lookup would find `constructor`,
 * `toString`… on Object.prototype and splice `undefined` into the SQL (a 500 for any caller).
 */
export function columnOf(attribute: string): Column | undefined {
  return Object.hasOwn(COLUMNS, attribute) ? COLUMNS[attribute] : undefined;
}

/** A dotted attribute path safe to bind as a JSON path (sorting by an attribute without a column). */
export const ATTRIBUTE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** The instance id criterion: a finding's resource_id is its instance id whenever it has one. */
export const INSTANCE_ID = 'resource.instanceDetails.instanceId';

/**
 * Criteria whose values are kept as indexed terms, with their field codes; "equals" on them is
 * answered from the terms (other operators stay with the JSON predicate). A term is a scalar
 * (text or number, as text) at exactly the criterion's path: array elements at any index where
 * TERM_ARRAYS says the path holds an array, nothing nested deeper.
 */
export const TERM_FIELDS: Readonly<Record<string, number>> = {
  'resource.accessKeyDetails.accessKeyId': 1,
  'resource.accessKeyDetails.principalId': 2,
  'resource.accessKeyDetails.userName': 3,
  'resource.s3BucketDetails.name': 4,
  'resource.instanceDetails.networkInterfaces.networkInterfaceId': 5,
  'resource.instanceDetails.networkInterfaces.privateIpAddress': 6,
  'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': 7,
  'service.action.networkConnectionAction.localIpDetails.ipAddressV4': 8,
  'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4': 9,
  'service.action.awsApiCallAction.api': 10,
  'service.action.dnsRequestAction.domain': 11,
  'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4': 12,
};

/** The attributes on term paths that hold arrays (one level: the elements' own arrays are not read). */
export const TERM_ARRAYS: ReadonlySet<string> = new Set(['resource.s3BucketDetails', 'resource.instanceDetails.networkInterfaces',
  'service.action.portProbeAction.portProbeDetails']);

/** "equals" alone (no other operator) on a term field: the terms answer it exactly. */
export function termEquals(field: string, cond: { eq?: string[]; equals?: string[] }): string[] | undefined {
  if (!Object.hasOwn(TERM_FIELDS, field)) return undefined;
  const eq = cond.eq ?? cond.equals;
  const only = (k: string) => Object.keys(cond).every((o) => o === k);
  return eq?.length && (only('eq') || only('equals')) ? eq.map(String) : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A criterion value as the column holds it, or undefined when no row can hold it ("abc" for a
 * number, "yes" for service.archived): such a value matches nothing, as in the JavaScript
 * predicate. Booleans are 1/0, times ISO-8601 text (numbers are epoch milliseconds).
 */
export function columnValue(kind: ColumnKind, v: string | number): string | number | undefined {
  if (kind === 'bool') return v === 'true' ? 1 : v === 'false' ? 0 : undefined;
  if (kind === 'number' || kind === 'severity') return typeof v === 'number' || /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined;
  if (kind === 'time') return typeof v === 'number' ? iso(v) : v;
  return String(v);
}

/**
 * Columns of the per-group finding counts both backends keep (SQLite migrations 5–6, PostgreSQL
 * migration 2: finding_counts by day, finding_totals without): statistics whose criteria use only
 * these read the counts instead of the findings.
 */
export const SUMMARY_COLUMNS: ReadonlySet<string> = new Set(['region', 'account_id', 'type', 'severity', 'archived']);

/** Columns of the finding_resources counts (SQLite migration 7, PostgreSQL migration 2), for grouping by resource. */
export const RESOURCE_SUMMARY_COLUMNS: ReadonlySet<string> = new Set(['region', 'account_id', 'archived', 'resource_type']);

/**
 * Matches past which an "equals" on a term field is tested per row while walking the sort order
 * (a value many findings share: a page fills early) instead of driving the query from the terms
 * (a rare value: walking the sort order would read nearly every finding).
 */
export const TERM_DRIVE_LIMIT = 5_000;
