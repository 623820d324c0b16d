/**
 * The findings filter: rows the filter builder edits, turned into GuardDuty FindingCriteria and
 * back, and kept in the page's URL (`?criteria=<JSON>&sort=<attr>:<ASC|DESC>`) so a view can be
 * shared. Pure functions, tested in node (test/console/lib.test.ts).
 */
export interface Condition {
  eq?: string[]; neq?: string[]; gt?: number; gte?: number; lt?: number; lte?: number; matches?: string[]; notMatches?: string[];
  equals?: string[]; notEquals?: string[]; greaterThan?: number; greaterThanOrEqual?: number; lessThan?: number; lessThanOrEqual?: number;
}
export interface FindingCriteria { criterion: Record<string, Condition> }

export type FieldKind = 'text' | 'severity' | 'time' | 'number';

export interface Field { name: string; label: string; kind: FieldKind; hint?: string }

/** What the filter builder offers (any other attribute in a URL or rule is kept and shown by name). */
export const FIELDS: Field[] = [
  { name: 'type', label: 'Finding type', kind: 'text', hint: 'e.g. Recon:EC2/PortProbeUnprotectedPort, or a pattern with * and ?' },
  { name: 'severity', label: 'Severity', kind: 'severity' },
  { name: 'accountId', label: 'Account ID', kind: 'text' },
  { name: 'resource.resourceType', label: 'Resource type', kind: 'text', hint: 'Instance, AccessKey, S3Bucket…' },
  { name: 'resource.instanceDetails.instanceId', label: 'Instance ID', kind: 'text' },
  { name: 'resource.accessKeyDetails.accessKeyId', label: 'Access key ID', kind: 'text' },
  { name: 'resource.accessKeyDetails.userName', label: 'User name', kind: 'text' },
  { name: 'resource.s3BucketDetails.name', label: 'S3 bucket name', kind: 'text' },
  { name: 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4', label: 'Remote IP (network connection)', kind: 'text' },
  { name: 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4', label: 'Remote IP (API caller)', kind: 'text' },
  { name: 'service.action.networkConnectionAction.localIpDetails.ipAddressV4', label: 'Local IP', kind: 'text' },
  { name: 'service.action.awsApiCallAction.api', label: 'API called', kind: 'text' },
  { name: 'service.action.dnsRequestAction.domain', label: 'DNS domain', kind: 'text' },
  { name: 'updatedAt', label: 'Last seen (updated)', kind: 'time' },
  { name: 'createdAt', label: 'First created', kind: 'time' },
  { name: 'service.count', label: 'Count', kind: 'number' },
  { name: 'id', label: 'Finding ID', kind: 'text' },
];

export const fieldOf = (name: string): Field => FIELDS.find((f) => f.name === name) ?? { name, label: name, kind: 'text' };

export type TextOp = 'eq' | 'neq' | 'matches' | 'notMatches';

/** One row of the builder. Text: op + values. Severity, time, number: an optional lower and upper bound. */
export interface FilterRow { field: string; op?: TextOp; values?: string[]; min?: number; max?: number }

export type Archived = 'current' | 'archived' | 'all';

export interface FilterState { rows: FilterRow[]; archived: Archived }

export const SEVERITY_BANDS = [
  { name: 'Critical', min: 9, max: 10 },
  { name: 'High', min: 7, max: 8.9 },
  { name: 'Medium', min: 4, max: 6.9 },
  { name: 'Low', min: 1, max: 3.9 },
] as const;

export function bandOf(severity: number): (typeof SEVERITY_BANDS)[number] {
  return SEVERITY_BANDS.find((b) => severity >= b.min) ?? SEVERITY_BANDS[3];
}

const first = <T>(...xs: (T | undefined)[]) => xs.find((x) => x !== undefined);

/** Rows and the archived choice → criteria (undefined when nothing is asked). */
export function toCriteria(s: FilterState): FindingCriteria | undefined {
  const criterion: Record<string, Condition> = {};
  for (const r of s.rows) {
    const kind = fieldOf(r.field).kind;
    if (kind === 'text') {
      const values = (r.values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      if (!values.length) continue;
      criterion[r.field] = { ...criterion[r.field], [r.op ?? 'eq']: values };
    } else {
      const c: Condition = { ...criterion[r.field] };
      if (r.min !== undefined && Number.isFinite(r.min)) c.gte = r.min;
      if (r.max !== undefined && Number.isFinite(r.max)) c.lte = r.max;
      if (Object.keys(c).length) criterion[r.field] = c;
    }
  }
  if (s.archived !== 'all') criterion['service.archived'] = { eq: [s.archived === 'archived' ? 'true' : 'false'] };
  return Object.keys(criterion).length ? { criterion } : undefined;
}

/** Criteria → rows; operators the builder has no control for are kept as rows of their own. */
export function fromCriteria(c: FindingCriteria | undefined): FilterState {
  const rows: FilterRow[] = [];
  let archived: Archived = 'all';
  for (const [field, cond] of Object.entries(c?.criterion ?? {})) {
    if (field === 'service.archived') {
      const eq = first(cond.eq, cond.equals);
      const neq = first(cond.neq, cond.notEquals);
      if (eq?.length === 1) archived = eq[0] === 'true' ? 'archived' : 'current';
      else if (neq?.length === 1) archived = neq[0] === 'true' ? 'current' : 'archived';
      continue;
    }
    const kind = fieldOf(field).kind;
    if (kind === 'text') {
      const ops: [TextOp, string[] | undefined][] = [['eq', first(cond.eq, cond.equals)], ['neq', first(cond.neq, cond.notEquals)], ['matches', cond.matches], ['notMatches', cond.notMatches]];
      for (const [op, values] of ops) if (values) rows.push({ field, op, values: [...values] });
    } else {
      const gt = first(cond.gt, cond.greaterThan), lt = first(cond.lt, cond.lessThan);
      const min = first(cond.gte, cond.greaterThanOrEqual, gt === undefined ? undefined : gt + (kind === 'time' ? 1 : kind === 'severity' ? 0.1 : 1));
      const max = first(cond.lte, cond.lessThanOrEqual, lt === undefined ? undefined : lt - (kind === 'time' ? 1 : kind === 'severity' ? 0.1 : 1));
      rows.push({ field, min, max });
    }
  }
  return { rows, archived };
}

export interface View { state: FilterState; sort: { attributeName: string; orderBy: 'ASC' | 'DESC' } }

export const DEFAULT_SORT: View['sort'] = { attributeName: 'updatedAt', orderBy: 'DESC' };

/** `?criteria=…&sort=…` → the view. Without `criteria`, current (unarchived) findings. */
export function parseView(search: string): View {
  const q = new URLSearchParams(search);
  let state: FilterState = { rows: [], archived: 'current' };
  const raw = q.get('criteria');
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as FindingCriteria;
      if (parsed && typeof parsed === 'object' && typeof parsed.criterion === 'object') state = fromCriteria(parsed);
    } catch { /* a mangled link shows every current finding */ }
  }
  const [attributeName, orderBy] = (q.get('sort') ?? '').split(':');
  const sort = attributeName && /^[A-Za-z][A-Za-z0-9.]*$/.test(attributeName) ? { attributeName, orderBy: orderBy === 'ASC' ? 'ASC' as const : 'DESC' as const } : DEFAULT_SORT;
  return { state, sort };
}

export function viewSearch(v: View): string {
  const q = new URLSearchParams();
  q.set('criteria', JSON.stringify(toCriteria(v.state) ?? { criterion: {} }));
  if (v.sort.attributeName !== DEFAULT_SORT.attributeName || v.sort.orderBy !== DEFAULT_SORT.orderBy) q.set('sort', `${v.sort.attributeName}:${v.sort.orderBy}`);
  return `?${q.toString()}`;
}

/** A short, readable statement of the criteria ("Severity ≥ 7 · Finding type is X"). */
export function describeCriteria(c: FindingCriteria | undefined): string {
  const parts: string[] = [];
  for (const [field, cond] of Object.entries(c?.criterion ?? {})) {
    const label = field === 'service.archived' ? 'Archived' : fieldOf(field).label;
    const kind = fieldOf(field).kind;
    const fmt = (n: number) => (kind === 'time' ? new Date(n).toISOString().replace('T', ' ').slice(0, 16) : String(n));
    for (const [op, v] of Object.entries(cond)) {
      const sym: Record<string, string> = { eq: 'is', equals: 'is', neq: 'is not', notEquals: 'is not', matches: 'matches', notMatches: 'does not match', gt: '>', greaterThan: '>', gte: '≥', greaterThanOrEqual: '≥', lt: '<', lessThan: '<', lte: '≤', lessThanOrEqual: '≤' };
      parts.push(`${label} ${sym[op] ?? op} ${Array.isArray(v) ? v.join(' or ') : fmt(v as number)}`);
    }
  }
  return parts.join(' · ') || 'all findings';
}

/** "Suppress findings like this": the finding's type and its resource (or remote IP), not archived. */
export function criteriaLike(f: { type: string; accountId: string; resource: Record<string, unknown>; service: Record<string, unknown> }): FindingCriteria {
  const criterion: Record<string, Condition> = { type: { eq: [f.type] }, accountId: { eq: [f.accountId] } };
  const r = f.resource as { instanceDetails?: { instanceId?: string }; accessKeyDetails?: { accessKeyId?: string; userName?: string }; s3BucketDetails?: { name?: string }[] };
  const action = (f.service.action ?? {}) as { networkConnectionAction?: { remoteIpDetails?: { ipAddressV4?: string } }; awsApiCallAction?: { remoteIpDetails?: { ipAddressV4?: string } } };
  if (r.instanceDetails?.instanceId) criterion['resource.instanceDetails.instanceId'] = { eq: [r.instanceDetails.instanceId] };
  else if (r.accessKeyDetails?.userName) criterion['resource.accessKeyDetails.userName'] = { eq: [r.accessKeyDetails.userName] };
  else if (r.s3BucketDetails?.[0]?.name) criterion['resource.s3BucketDetails.name'] = { eq: [r.s3BucketDetails[0].name] };
  const netIp = action.networkConnectionAction?.remoteIpDetails?.ipAddressV4;
  const apiIp = action.awsApiCallAction?.remoteIpDetails?.ipAddressV4;
  if (netIp) criterion['service.action.networkConnectionAction.remoteIpDetails.ipAddressV4'] = { eq: [netIp] };
  else if (apiIp) criterion['service.action.awsApiCallAction.remoteIpDetails.ipAddressV4'] = { eq: [apiIp] };
  return { criterion };
}

/** The identifier a finding's resource is known by (as the server's statistics group by it). */
export function resourceIdOf(f: { resource: Record<string, unknown> }): string {
  const r = f.resource as { instanceDetails?: { instanceId?: string; networkInterfaces?: { networkInterfaceId?: string }[] }; s3BucketDetails?: { name?: string }[]; accessKeyDetails?: { accessKeyId?: string; principalId?: string; userName?: string } };
  return r.instanceDetails?.instanceId || r.instanceDetails?.networkInterfaces?.[0]?.networkInterfaceId || r.s3BucketDetails?.[0]?.name
    || r.accessKeyDetails?.accessKeyId || r.accessKeyDetails?.principalId || '';
}

/** The filter row that finds a resource by the id statistics group it by. */
export function resourceRow(resourceType: string, id: string): FilterRow {
  const field = resourceType === 'Instance' ? (id.startsWith('eni-') ? 'resource.instanceDetails.networkInterfaces.networkInterfaceId' : 'resource.instanceDetails.instanceId')
    : resourceType === 'S3Bucket' ? 'resource.s3BucketDetails.name'
      : id.startsWith('AKIA') || id.startsWith('ASIA') || id.startsWith('Generated') ? 'resource.accessKeyDetails.accessKeyId' : 'resource.accessKeyDetails.principalId';
  return { field, op: 'eq', values: [id] };
}
