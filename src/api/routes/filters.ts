/**
 * Filters: saved finding criteria (action NOOP) and suppression rules (action ARCHIVE, which
 * archive matching new findings in every scan, before any notification). At most 100 per
 * detector, as in GuardDuty. Suppression rules are the administrator's; members may keep NOOP
 * filters (saved views) on their own detector.
 */
import type { RouteDef } from '../server.js';
import type { FilterRecord } from '../../store/index.js';
import { badRequest, notFound } from '../errors.js';
import { int, onlyKeys, slice, str, tags } from '../input.js';
import { parseCriteria } from '../criteria-input.js';

const NAME = /^[A-Za-z0-9_.-]{3,64}$/;
const MAX_FILTERS = 100;

async function getFilter(c: Parameters<RouteDef[3]>[0]): Promise<FilterRecord> {
  const d = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  const f = (await c.ctx.store.listFilters(d.detectorId)).find((x) => x.name === c.params.FilterName);
  if (!f) throw notFound(`The request is rejected because the filter ${c.params.FilterName} does not exist.`);
  return f;
}

export const filterRoutes: RouteDef[] = [
  ['POST', '/detector/{DetectorId}/filter', 'CreateFilter', async ({ p, region, params, body, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    onlyKeys(body, ['name', 'description', 'action', 'rank', 'findingCriteria', 'clientToken', 'tags']);
    const name = str(body, 'name', { required: true, pattern: NAME })!;
    const action = (str(body, 'action', { values: ['NOOP', 'ARCHIVE'] }) ?? 'NOOP') as FilterRecord['action'];
    if (action === 'ARCHIVE') ctx.requireAdmin(p, 'create suppression rules');
    const existing = await ctx.store.listFilters(d.detectorId);
    if (existing.some((f) => f.name === name)) throw badRequest(`The request is rejected because a filter named ${name} already exists.`);
    if (existing.length >= MAX_FILTERS) throw badRequest(`The request is rejected because the detector already has ${MAX_FILTERS} filters.`);
    const t = tags(body);
    str(body, 'clientToken', { max: 64 });
    await ctx.store.putFilter({
      detectorId: d.detectorId, name, action, description: str(body, 'description', { max: 512 }),
      rank: int(body, 'rank', { min: 1, max: 100 }) ?? Math.min(100, existing.reduce((m, f) => Math.max(m, f.rank), 0) + 1),
      findingCriteria: parseCriteria(body.findingCriteria, { required: true })!,
    });
    await ctx.setTags(ctx.arn(region, p.accountId, `detector/${d.detectorId}/filter/${name}`), p.accountId, t);
    return { name };
  }],
  ['GET', '/detector/{DetectorId}/filter', 'ListFilters', async ({ p, region, params, query, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    const { items, nextToken } = slice((await ctx.store.listFilters(d.detectorId)).map((f) => f.name), query);
    return { filterNames: items, nextToken };
  }],
  ['GET', '/detector/{DetectorId}/filter/{FilterName}', 'GetFilter', async (c) => {
    const f = await getFilter(c);
    const tags = await c.ctx.tagsOf(c.ctx.arn(c.region, c.p.accountId, `detector/${f.detectorId}/filter/${f.name}`));
    return { name: f.name, description: f.description, action: f.action, rank: f.rank, findingCriteria: f.findingCriteria, tags };
  }],
  ['POST', '/detector/{DetectorId}/filter/{FilterName}', 'UpdateFilter', async (c) => {
    const f = await getFilter(c);
    onlyKeys(c.body, ['description', 'action', 'rank', 'findingCriteria']);
    const action = str(c.body, 'action', { values: ['NOOP', 'ARCHIVE'] }) as FilterRecord['action'] | undefined;
    if ((action ?? f.action) === 'ARCHIVE') c.ctx.requireAdmin(c.p, 'change suppression rules');
    const next: FilterRecord = {
      ...f, action: action ?? f.action, description: str(c.body, 'description', { max: 512 }) ?? f.description,
      rank: int(c.body, 'rank', { min: 1, max: 100 }) ?? f.rank, findingCriteria: parseCriteria(c.body.findingCriteria) ?? f.findingCriteria,
    };
    await c.ctx.store.putFilter(next);
    return { name: f.name };
  }],
  ['DELETE', '/detector/{DetectorId}/filter/{FilterName}', 'DeleteFilter', async (c) => {
    const f = await getFilter(c);
    if (f.action === 'ARCHIVE') c.ctx.requireAdmin(c.p, 'delete suppression rules');
    await c.ctx.store.deleteFilter(f.detectorId, f.name);
    await c.ctx.setTags(c.ctx.arn(c.region, c.p.accountId, `detector/${f.detectorId}/filter/${f.name}`), c.p.accountId, undefined);
    return {};
  }],
];
