/**
 * Detectors: one per account and region, with the id scans already give that account's findings
 * (so findings and detector line up without any registration step).
 */
import type { RouteDef } from '../server.js';
import type { DetectorDoc } from '../context.js';
import { badRequest } from '../errors.js';
import { bool, obj, onlyKeys, slice, str, tags } from '../input.js';
import { detectorIdFor } from '../../findings/index.js';

const FREQUENCIES = ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS'] as const;
const FEATURES = ['S3_DATA_EVENTS', 'EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'EKS_RUNTIME_MONITORING', 'LAMBDA_NETWORK_LOGS', 'RUNTIME_MONITORING'];

function applyFeatures(d: DetectorDoc, body: Record<string, unknown>): void {
  const features = body.features;
  if (features !== undefined) {
    if (!Array.isArray(features)) throw badRequest('The request is rejected because the features parameter must be a list.');
    for (const f of features as { name?: string; status?: string }[]) {
      if (!f || !FEATURES.includes(String(f.name)) || !['ENABLED', 'DISABLED'].includes(String(f.status))) {
        throw badRequest(`The request is rejected because the feature ${JSON.stringify(f?.name)} or its status is not valid.`);
      }
      const existing = d.features.find((x) => x.name === f.name);
      if (existing) existing.status = f.status as 'ENABLED';
      else d.features.push({ name: f.name!, status: f.status as 'ENABLED' });
    }
  }
  const ds = obj(body, 'dataSources');
  if (ds?.s3Logs !== undefined) {
    const enable = (ds.s3Logs as { enable?: unknown }).enable;
    if (typeof enable !== 'boolean') throw badRequest('The request is rejected because dataSources.s3Logs.enable must be true or false.');
    const f = d.features.find((x) => x.name === 'S3_DATA_EVENTS');
    if (f) f.status = enable ? 'ENABLED' : 'DISABLED';
  }
}

function wire(d: DetectorDoc, t: Record<string, string>) {
  const status = (name: string) => d.features.find((f) => f.name === name)?.status ?? 'DISABLED';
  // the detector's createdAt/updatedAt are strings in GuardDuty's model, but a feature's
  // updatedAt is a timestamp: restJson1 sends those as epoch seconds (SDKs reject a string there)
  const updatedAt = Date.parse(d.updatedAt) / 1000;
  return {
    createdAt: d.createdAt, updatedAt: d.updatedAt, findingPublishingFrequency: d.findingPublishingFrequency,
    serviceRole: `arn:aws:iam::${d.accountId}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
    status: d.status,
    dataSources: {
      cloudTrail: { status: 'ENABLED' }, dnsLogs: { status: 'ENABLED' }, flowLogs: { status: 'ENABLED' }, s3Logs: { status: status('S3_DATA_EVENTS') },
      kubernetes: { auditLogs: { status: 'DISABLED' } }, malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: { status: 'DISABLED' } }, serviceRole: '' },
    },
    tags: t,
    features: [{ name: 'CLOUD_TRAIL', status: 'ENABLED', updatedAt }, { name: 'DNS_LOGS', status: 'ENABLED', updatedAt },
      { name: 'FLOW_LOGS', status: 'ENABLED', updatedAt },
      ...d.features.filter((f) => !['CLOUD_TRAIL', 'DNS_LOGS', 'FLOW_LOGS'].includes(f.name)).map((f) => ({ name: f.name, status: f.status, updatedAt }))],
  };
}

export const detectorRoutes: RouteDef[] = [
  ['POST', '/detector', 'CreateDetector', async ({ p, region, body, ctx }) => {
    onlyKeys(body, ['enable', 'clientToken', 'findingPublishingFrequency', 'dataSources', 'tags', 'features']);
    const enable = bool(body, 'enable', { required: true });
    str(body, 'clientToken', { max: 64 });
    const freq = str(body, 'findingPublishingFrequency', { values: FREQUENCIES });
    const t = tags(body);
    if (await ctx.detector(detectorIdFor(p.accountId, region))) throw badRequest('The request is rejected because a detector already exists for the current account.');
    const d = await ctx.ensureDetector(p.accountId, region);
    d.status = enable ? 'ENABLED' : 'DISABLED';
    if (freq) d.findingPublishingFrequency = freq as DetectorDoc['findingPublishingFrequency'];
    applyFeatures(d, body);
    await ctx.store.putDoc('detector', d.detectorId, d.accountId, d);
    await ctx.setTags(ctx.arn(region, p.accountId, `detector/${d.detectorId}`), p.accountId, t);
    return { detectorId: d.detectorId };
  }],
  ['GET', '/detector', 'ListDetectors', async ({ p, region, query, ctx }) => {
    // a member of the organisation has its detector enabled for it, as GuardDuty's auto-enable does
    if (!p.isAdmin && (await ctx.visibleAccounts({ ...p, isAdmin: true }, region)).includes(p.accountId)) await ctx.ensureDetector(p.accountId, region);
    if (p.isAdmin) await ctx.ensureDetector(p.accountId, region); // the administrator is enabled in every region it asks about
    const mine = (await ctx.store.listDocs<DetectorDoc>('detector', p.accountId)).filter((d) => d.region === region);
    const { items, nextToken } = slice(mine.map((d) => d.detectorId), query);
    return { detectorIds: items, nextToken };
  }],
  ['GET', '/detector/{DetectorId}', 'GetDetector', async ({ p, region, params, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    return wire(d, await ctx.tagsOf(ctx.arn(region, p.accountId, `detector/${d.detectorId}`)));
  }],
  ['POST', '/detector/{DetectorId}', 'UpdateDetector', async ({ p, region, params, body, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    onlyKeys(body, ['enable', 'findingPublishingFrequency', 'dataSources', 'features']);
    const enable = bool(body, 'enable');
    const freq = str(body, 'findingPublishingFrequency', { values: FREQUENCIES });
    if (enable !== undefined) d.status = enable ? 'ENABLED' : 'DISABLED';
    if (freq) d.findingPublishingFrequency = freq as DetectorDoc['findingPublishingFrequency'];
    applyFeatures(d, body);
    d.updatedAt = ctx.now();
    await ctx.store.putDoc('detector', d.detectorId, d.accountId, d);
    return {};
  }],
  ['DELETE', '/detector/{DetectorId}', 'DeleteDetector', async ({ p, region, params, ctx }) => {
    const d = await ctx.ownDetector(p, params.DetectorId, region);
    await ctx.store.deleteDoc('detector', d.detectorId);
    await ctx.setTags(ctx.arn(region, p.accountId, `detector/${d.detectorId}`), p.accountId, undefined);
    return {};
  }],
];
