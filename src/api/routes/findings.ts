/**
 * Findings: list (FindingCriteria, sort, pages), get, archive, unarchive, feedback, statistics
 * and sample findings. A caller sees the findings of the accounts it may see (ApiContext),
 * in its detector's region. Only the administrator archives (as in GuardDuty).
 */
import type { RouteDef } from '../server.js';
import type { Finding } from '../../core/index.js';
import { FINDING_TYPES } from '../../core/index.js';
import { FindingsService } from '../../findings/index.js';
import { sampleCandidate } from '../../findings/samples.js';
import { filterScopes } from '../../findings/scope.js';
import { DETECTORS } from '../../detectors/registry.js';
import { badRequest } from '../errors.js';
import { int, nextToken, onlyKeys, page, str, strings } from '../input.js';
import { parseCriteria, parseSort } from '../criteria-input.js';
import type { StatsGroup } from '../../store/index.js';

const FINDING_ID = /^[A-Za-z0-9_.-]{1,300}$/;

async function visibleFindings(c: Parameters<RouteDef[3]>[0], ids: string[]): Promise<Finding[]> {
  const d = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  const accounts = new Set(await c.ctx.visibleAccounts(c.p, d.region));
  return (await c.ctx.store.getFindings(ids)).filter((f) => accounts.has(f.accountId) && f.region === d.region);
}

function sortFindings(list: Finding[], sort: ReturnType<typeof parseSort>): Finding[] {
  if (!sort) return list;
  const get = (f: Finding): unknown => sort.attribute.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], f);
  return [...list].sort((a, b) => {
    const x = get(a), y = get(b);
    const r = x === y ? 0 : (x ?? '') < (y ?? '') ? -1 : 1;
    return sort.order === 'ASC' ? r : -r;
  });
}

/**
 * Paths the GuardDuty model types as `timestamp`: restJson1 sends them as epoch seconds, and the
 * SDKs refuse anything else. Vigil stores findings in GuardDuty's export/EventBridge JSON, where
 * they are ISO-8601 strings, so GetFindings converts them on the way out (the finding's own
 * createdAt/updatedAt, and the service's eventFirstSeen/eventLastSeen, are strings in the model
 * and stay so).
 */
const TIMESTAMP_PATHS = [
  'resource.s3BucketDetails.createdAt',
  'service.detection.sequence.signals.createdAt', 'service.detection.sequence.signals.updatedAt',
  'service.detection.sequence.signals.firstSeenAt', 'service.detection.sequence.signals.lastSeenAt',
  'service.detection.sequence.actors.session.createdTime',
  'service.detection.sequence.resources.data.s3Bucket.createdAt', 'service.detection.sequence.resources.data.ecsTask.createdAt',
].map((p) => p.split('.'));

function toEpochSeconds(o: unknown, path: string[]): void {
  if (o === null || typeof o !== 'object') return;
  if (Array.isArray(o)) { for (const x of o) toEpochSeconds(x, path); return; }
  const rec = o as Record<string, unknown>;
  const [head, ...rest] = path;
  if (rest.length) { toEpochSeconds(rec[head], rest); return; }
  const v = rec[head];
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) delete rec[head]; else rec[head] = ms / 1000;
  }
}

/** A stored finding in GetFindings' wire shape (the finding is a fresh copy from the store). */
function wireFinding(f: Finding): Finding {
  for (const p of TIMESTAMP_PATHS) toEpochSeconds(f, p);
  return f;
}

const implementedTypes = () => [...new Set(DETECTORS.flatMap((d) => d.findingTypes))];

export const findingRoutes: RouteDef[] = [
  ['POST', '/detector/{DetectorId}/findings', 'ListFindings', async (c) => {
    const { p, region, params, body, ctx } = c;
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    onlyKeys(body, ['findingCriteria', 'sortCriteria', 'maxResults', 'nextToken']);
    const criteria = parseCriteria(body.findingCriteria);
    const sort = parseSort(body.sortCriteria);
    const { limit, cursor } = page(body);
    const r = await ctx.store.pageFindings({ accountIds: await ctx.accountFilter(p, d.region), region: d.region, criteria, sort, limit, cursor });
    return { findingIds: r.findings.map((f) => f.id), nextToken: nextToken(r.cursor) };
  }],
  ['POST', '/detector/{DetectorId}/findings/get', 'GetFindings', async (c) => {
    onlyKeys(c.body, ['findingIds', 'sortCriteria']);
    const ids = strings(c.body, 'findingIds', { required: true, min: 0, max: 50, itemPattern: FINDING_ID })!;
    return { findings: sortFindings(await visibleFindings(c, ids), parseSort(c.body.sortCriteria)).map(wireFinding) };
  }],
  ...(['archive', 'unarchive'] as const).map((what): RouteDef => ['POST', `/detector/{DetectorId}/findings/${what}`, what === 'archive' ? 'ArchiveFindings' : 'UnarchiveFindings', async (c) => {
    onlyKeys(c.body, ['findingIds']);
    const ids = strings(c.body, 'findingIds', { required: true, min: 1, max: 50, itemPattern: FINDING_ID })!;
    const found = await visibleFindings(c, ids);
    if (!c.p.isAdmin) c.ctx.requireAdmin(c.p, `${what} findings`);
    await c.ctx.store.setArchived(found.map((f) => f.id), what === 'archive');
    return {};
  }]),
  ['POST', '/detector/{DetectorId}/findings/feedback', 'UpdateFindingsFeedback', async (c) => {
    onlyKeys(c.body, ['findingIds', 'feedback', 'comments']);
    const ids = strings(c.body, 'findingIds', { required: true, min: 1, max: 50, itemPattern: FINDING_ID })!;
    const feedback = str(c.body, 'feedback', { required: true, values: ['USEFUL', 'NOT_USEFUL'] }) as 'USEFUL' | 'NOT_USEFUL';
    str(c.body, 'comments', { max: 1000 });
    await c.ctx.store.setFeedback((await visibleFindings(c, ids)).map((f) => f.id), feedback);
    return {};
  }],
  ['POST', '/detector/{DetectorId}/findings/statistics', 'GetFindingsStatistics', async ({ p, region, params, body, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    onlyKeys(body, ['findingStatisticTypes', 'findingCriteria', 'groupBy', 'orderBy', 'maxResults']);
    const types = strings(body, 'findingStatisticTypes', { max: 10 }) ?? [];
    if (types.some((t) => t !== 'COUNT_BY_SEVERITY')) throw badRequest('The request is rejected because findingStatisticTypes may only hold COUNT_BY_SEVERITY.');
    const groupBy = str(body, 'groupBy', { values: ['ACCOUNT', 'DATE', 'FINDING_TYPE', 'RESOURCE', 'SEVERITY'] }) as StatsGroup | undefined;
    const order = (str(body, 'orderBy', { values: ['ASC', 'DESC'] }) ?? 'DESC') as 'ASC' | 'DESC';
    const limit = int(body, 'maxResults', { min: 1, max: 100 }) ?? 25;
    if (!groupBy && !types.length) throw badRequest('The request is rejected because either groupBy or findingStatisticTypes is required.');
    const q = { accountIds: await ctx.accountFilter(p, d.region), region: d.region, criteria: parseCriteria(body.findingCriteria) };
    const stats: Record<string, unknown> = {};
    if (types.length) {
      const rows = await ctx.store.findingStatistics({ ...q, groupBy: 'SEVERITY', order: 'DESC', limit: 1000 });
      stats.countBySeverity = Object.fromEntries(rows.map((r) => [Number(r.key).toFixed(1), r.total]));
    }
    if (groupBy) {
      const rows = await ctx.store.findingStatistics({ ...q, groupBy, order, limit });
      const last = (r: { lastGeneratedAt: string }) => Date.parse(r.lastGeneratedAt) / 1000;
      if (groupBy === 'ACCOUNT') stats.groupedByAccount = rows.map((r) => ({ accountId: r.key, lastGeneratedAt: last(r), totalFindings: r.total }));
      if (groupBy === 'DATE') stats.groupedByDate = rows.map((r) => ({ date: Date.parse(`${r.key}T00:00:00Z`) / 1000, lastGeneratedAt: last(r), severity: r.severity, totalFindings: r.total }));
      if (groupBy === 'FINDING_TYPE') stats.groupedByFindingType = rows.map((r) => ({ findingType: r.key, lastGeneratedAt: last(r), totalFindings: r.total }));
      if (groupBy === 'RESOURCE') stats.groupedByResource = rows.map((r) => ({ accountId: r.accountId, lastGeneratedAt: last(r), resourceId: r.key, resourceType: r.resourceType, totalFindings: r.total }));
      if (groupBy === 'SEVERITY') stats.groupedBySeverity = rows.map((r) => ({ lastGeneratedAt: last(r), severity: Number(r.key), totalFindings: r.total }));
    }
    return { findingStatistics: stats };
  }],
  ['POST', '/detector/{DetectorId}/findings/create', 'CreateSampleFindings', async ({ p, region, params, body, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    onlyKeys(body, ['findingTypes']);
    const asked = strings(body, 'findingTypes', { max: 50 }) ?? [];
    const known = new Set(FINDING_TYPES.map((t) => t.type));
    for (const t of asked) if (!known.has(t)) throw badRequest(`The request is rejected because ${JSON.stringify(t)} is not a finding type.`);
    const service = new FindingsService();
    const filters = await ctx.store.listFilters();
    service.setFilters(filters, await filterScopes(ctx.store, filters));
    const now = Date.now();
    for (const t of asked.length ? asked : implementedTypes()) service.submit(sampleCandidate(t, d.accountId, d.region, now));
    const r = await service.flush(ctx.store);
    await ctx.store.commit({ findings: r.findings });
    return {};
  }],
];
