/**
 * Tags on GuardDuty resources: detectors, filters, the four list kinds and publishing
 * destinations, by ARN (`arn:aws:guardduty:<region>:<account>:detector/<id>[/<kind>/<name>]`).
 * A caller tags only its own account's resources, and only ones that exist.
 */
import type { RouteDef, Call } from '../server.js';
import { badRequest, notFound } from '../errors.js';
import { onlyKeys, tags as readTags } from '../input.js';
import type { DestinationDoc } from './publishing.js';

const ARN = /^arn:aws[a-z-]*:guardduty:([a-z0-9-]+):(\d{12}):detector\/([A-Za-z0-9]+)(?:\/(filter|ipset|threatintelset|threatentityset|trustedentityset|publishingDestination)\/([^/]+))?$/;

async function resolve(c: Call): Promise<{ arn: string; accountId: string }> {
  const arn = c.params.ResourceArn;
  const m = ARN.exec(arn);
  if (!m) throw badRequest('The request is rejected because the resourceArn is not a GuardDuty resource ARN.');
  const [, region, accountId, detectorId, kind, name] = m;
  if (accountId !== c.p.accountId) throw notFound('The request is rejected because the resource does not exist in this account.');
  await c.ctx.ownDetector(c.p, detectorId, region);
  let exists = true;
  if (kind === 'filter') exists = (await c.ctx.store.listFilters(detectorId)).some((f) => f.name === name);
  else if (kind === 'publishingDestination') exists = (await c.ctx.store.getDoc<DestinationDoc>('destination', name))?.detectorId === detectorId;
  else if (kind) exists = (await c.ctx.intel.list()).some((l) => l.id === name);
  if (!exists) throw notFound(`The request is rejected because ${arn} does not exist.`);
  return { arn, accountId };
}

export const tagRoutes: RouteDef[] = [
  ['GET', '/tags/{ResourceArn}', 'ListTagsForResource', async (c) => {
    const r = await resolve(c);
    return { tags: await c.ctx.tagsOf(r.arn) };
  }],
  ['POST', '/tags/{ResourceArn}', 'TagResource', async (c) => {
    const r = await resolve(c);
    onlyKeys(c.body, ['tags']);
    const t = readTags(c.body);
    if (!t || !Object.keys(t).length) throw badRequest('The request is rejected because the tags parameter is missing.');
    const merged = { ...(await c.ctx.tagsOf(r.arn)), ...t };
    if (Object.keys(merged).length > 200) throw badRequest('The request is rejected because a resource can have at most 200 tags.');
    await c.ctx.setTags(r.arn, r.accountId, merged);
    return {};
  }, 204],
  ['DELETE', '/tags/{ResourceArn}', 'UntagResource', async (c) => {
    const r = await resolve(c);
    const keys = c.query.tagKeys;
    const list = Array.isArray(keys) ? keys : keys !== undefined ? [keys] : [];
    if (!list.length) throw badRequest('The request is rejected because the tagKeys parameter is missing.');
    const t = await c.ctx.tagsOf(r.arn);
    for (const k of list) delete t[String(k)];
    await c.ctx.setTags(r.arn, r.accountId, t);
    return {};
  }, 204],
];
