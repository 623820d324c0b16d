/**
 * Threat and trusted lists through GuardDuty's four list APIs — IPSets and trusted entity sets
 * (trusted), ThreatIntelSets and threat entity sets (threat) — wired to the intel subsystem:
 * creating one fetches and loads it, its status is the intel list's status. Lists belong to the
 * administrator and apply to every member, as in GuardDuty.
 */
import type { RouteDef } from '../server.js';
import type { IntelList } from '../../intel/list.js';
import { IntelError } from '../../intel/manager.js';
import { LIST_FORMATS, type ListFormat } from '../../intel/types.js';
import { badRequest, notFound } from '../errors.js';
import { bool, onlyKeys, slice, str, tags, ACCOUNT_ID } from '../input.js';

interface Kind { api: NonNullable<IntelList['apiKind']>; path: string; param: string; idsKey: string; idKey: string; role: 'THREAT' | 'TRUSTED'; entity: boolean }

const KINDS: Kind[] = [
  { api: 'IPSet', path: 'ipset', param: 'IpSetId', idsKey: 'ipSetIds', idKey: 'ipSetId', role: 'TRUSTED', entity: false },
  { api: 'ThreatIntelSet', path: 'threatintelset', param: 'ThreatIntelSetId', idsKey: 'threatIntelSetIds', idKey: 'threatIntelSetId', role: 'THREAT', entity: false },
  { api: 'ThreatEntitySet', path: 'threatentityset', param: 'ThreatEntitySetId', idsKey: 'threatEntitySetIds', idKey: 'threatEntitySetId', role: 'THREAT', entity: true },
  { api: 'TrustedEntitySet', path: 'trustedentityset', param: 'TrustedEntitySetId', idsKey: 'trustedEntitySetIds', idKey: 'trustedEntitySetId', role: 'TRUSTED', entity: true },
];

const kindOf = (l: IntelList) => l.apiKind ?? (l.role === 'TRUSTED' ? 'IPSet' : 'ThreatIntelSet');

async function mapIntel<T>(fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    if (e instanceof IntelError) throw badRequest(`The request is rejected because ${e.message}.`);
    throw e;
  }
}

function routesFor(k: Kind): RouteDef[] {
  const base = `/detector/{DetectorId}/${k.path}`;
  const find = async (c: Parameters<RouteDef[3]>[0]): Promise<IntelList> => {
    await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
    c.ctx.requireAdmin(c.p, 'manage threat and trusted lists');
    const l = (await c.ctx.intel.list()).find((x) => x.id === c.params[k.param] && kindOf(x) === k.api);
    if (!l) throw notFound(`The request is rejected because the ${k.api} ${c.params[k.param]} does not exist.`);
    return l;
  };
  return [
    ['POST', base, `Create${k.api}`, async ({ p, region, params, body, ctx }) => {
      await ctx.ownDetector(p, params.DetectorId, region);
      ctx.requireAdmin(p, 'manage threat and trusted lists');
      onlyKeys(body, ['name', 'format', 'location', 'activate', 'clientToken', 'tags', 'expectedBucketOwner']);
      const name = str(body, 'name', { required: true, min: 1, max: 300 })!;
      const format = str(body, 'format', { required: true, values: LIST_FORMATS }) as ListFormat;
      const location = str(body, 'location', { required: true, min: 1, max: 300 })!;
      const activate = bool(body, 'activate', { required: true })!;
      const owner = str(body, 'expectedBucketOwner', { pattern: ACCOUNT_ID });
      str(body, 'clientToken', { max: 64 });
      const t = tags(body);
      const l = await mapIntel(() => ctx.intel.add({ name, location, format, role: k.role, activate, apiKind: k.api, expectedBucketOwner: owner }));
      await ctx.setTags(ctx.arn(region, p.accountId, `detector/${params.DetectorId}/${k.path}/${l.id}`), p.accountId, t);
      return { [k.idKey]: l.id };
    }],
    ['GET', base, `List${k.api}s`, async ({ p, region, params, query, ctx }) => {
      await ctx.ownDetector(p, params.DetectorId, region);
      const ids = p.isAdmin ? (await ctx.intel.list()).filter((l) => kindOf(l) === k.api).map((l) => l.id) : [];
      const { items, nextToken } = slice(ids, query);
      return { [k.idsKey]: items, nextToken };
    }],
    ['GET', `${base}/{${k.param}}`, `Get${k.api}`, async (c) => {
      const l = await find(c);
      const t = await c.ctx.tagsOf(c.ctx.arn(c.region, c.p.accountId, `detector/${c.params.DetectorId}/${k.path}/${l.id}`));
      const out: Record<string, unknown> = { name: l.name, format: l.format, location: l.location, status: l.status, tags: { ...l.tags, ...t } };
      if (l.expectedBucketOwner) out.expectedBucketOwner = l.expectedBucketOwner;
      if (k.entity) {
        out.createdAt = Date.parse(l.createdAt) / 1000;
        out.updatedAt = Date.parse(l.updatedAt) / 1000;
        const err = l.status === 'ERROR' ? l.statusReason : l.lastError;
        if (err) out.errorDetails = err;
      }
      return out;
    }],
    ['POST', `${base}/{${k.param}}`, `Update${k.api}`, async (c) => {
      const l = await find(c);
      onlyKeys(c.body, ['name', 'location', 'activate', 'expectedBucketOwner']);
      const name = str(c.body, 'name', { min: 1, max: 300 });
      const location = str(c.body, 'location', { min: 1, max: 300 });
      const activate = bool(c.body, 'activate');
      const owner = str(c.body, 'expectedBucketOwner', { pattern: ACCOUNT_ID });
      await mapIntel(async () => {
        if (name || location || owner !== undefined) await c.ctx.intel.update(l.id, { name, location, expectedBucketOwner: owner });
        if (activate !== undefined && activate !== l.activate) await c.ctx.intel.setActive(l.id, activate);
      });
      return {};
    }],
    ['DELETE', `${base}/{${k.param}}`, `Delete${k.api}`, async (c) => {
      const l = await find(c);
      await c.ctx.intel.remove(l.id);
      await c.ctx.setTags(c.ctx.arn(c.region, c.p.accountId, `detector/${c.params.DetectorId}/${k.path}/${l.id}`), c.p.accountId, undefined);
      return {};
    }],
  ];
}

export const listRoutes: RouteDef[] = KINDS.flatMap(routesFor);
