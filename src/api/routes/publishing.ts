/**
 * Publishing destinations (GuardDuty's export to S3): create, describe, update, delete, list.
 * A destination is an S3 bucket ARN (`arn:aws:s3:::bucket[/prefix]`) or, Vigil's extension, a
 * local folder given as `file:///path`. The periodic export itself runs with `vigil serve`'s
 * continuous work (issue 7); here the destinations are kept and validated.
 */
import { randomUUID } from 'node:crypto';
import type { RouteDef, Call } from '../server.js';
import { badRequest, notFound } from '../errors.js';
import { obj, onlyKeys, slice, str, tags, ACCOUNT_ID } from '../input.js';

export interface DestinationDoc {
  destinationId: string;
  detectorId: string;
  destinationType: 'S3';
  destinationProperties: { destinationArn: string; kmsKeyArn?: string; expectedBucketOwner?: string };
  status: 'PENDING_VERIFICATION' | 'PUBLISHING' | 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY' | 'STOPPED';
  publishingFailureStartTimestamp?: number;
  createdAt: string;
}

const DESTINATION = /^(arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?|file:\/\/\/.+)$/;
const KMS = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;

function properties(body: Record<string, unknown>, required: boolean): DestinationDoc['destinationProperties'] | undefined {
  const p = obj(body, 'destinationProperties', { required });
  if (!p) return undefined;
  onlyKeys(p, ['destinationArn', 'kmsKeyArn', 'expectedBucketOwner']);
  const destinationArn = str(p, 'destinationArn', { required: true, max: 2048, pattern: DESTINATION })!;
  const kmsKeyArn = str(p, 'kmsKeyArn', { max: 2048, pattern: KMS });
  if (destinationArn.startsWith('arn:') && !kmsKeyArn) throw badRequest('The request is rejected because an S3 destination needs a kmsKeyArn, as in GuardDuty.');
  return { destinationArn, kmsKeyArn, expectedBucketOwner: str(p, 'expectedBucketOwner', { pattern: ACCOUNT_ID }) };
}

async function find(c: Call): Promise<DestinationDoc> {
  const d = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
  const dest = await c.ctx.store.getDoc<DestinationDoc>('destination', c.params.DestinationId);
  if (!dest || dest.detectorId !== d.detectorId) throw notFound(`The request is rejected because the publishing destination ${c.params.DestinationId} does not exist.`);
  return dest;
}

const arnOf = (c: Call, d: DestinationDoc) => c.ctx.arn(c.region, c.p.accountId, `detector/${d.detectorId}/publishingDestination/${d.destinationId}`);

export const publishingRoutes: RouteDef[] = [
  ['POST', '/detector/{DetectorId}/publishingDestination', 'CreatePublishingDestination', async (c) => {
    const det = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
    onlyKeys(c.body, ['destinationType', 'destinationProperties', 'clientToken', 'tags']);
    str(c.body, 'destinationType', { required: true, values: ['S3'] });
    str(c.body, 'clientToken', { max: 64 });
    const d: DestinationDoc = {
      destinationId: randomUUID().replace(/-/g, ''), detectorId: det.detectorId, destinationType: 'S3',
      destinationProperties: properties(c.body, true)!, status: 'PUBLISHING', createdAt: c.ctx.now(),
    };
    await c.ctx.store.putDoc('destination', d.destinationId, c.p.accountId, d);
    await c.ctx.setTags(arnOf(c, d), c.p.accountId, tags(c.body));
    return { destinationId: d.destinationId };
  }],
  ['GET', '/detector/{DetectorId}/publishingDestination', 'ListPublishingDestinations', async (c) => {
    const det = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
    const all = (await c.ctx.store.listDocs<DestinationDoc>('destination', c.p.accountId)).filter((d) => d.detectorId === det.detectorId);
    const { items, nextToken } = slice(all.map((d) => ({ destinationId: d.destinationId, destinationType: d.destinationType, status: d.status })), c.query);
    return { destinations: items, nextToken };
  }],
  ['GET', '/detector/{DetectorId}/publishingDestination/{DestinationId}', 'DescribePublishingDestination', async (c) => {
    const d = await find(c);
    return { destinationId: d.destinationId, destinationType: d.destinationType, status: d.status,
      publishingFailureStartTimestamp: d.publishingFailureStartTimestamp ?? 0, destinationProperties: d.destinationProperties, tags: await c.ctx.tagsOf(arnOf(c, d)) };
  }],
  ['POST', '/detector/{DetectorId}/publishingDestination/{DestinationId}', 'UpdatePublishingDestination', async (c) => {
    const d = await find(c);
    onlyKeys(c.body, ['destinationProperties']);
    const props = properties(c.body, false);
    if (props) { d.destinationProperties = props; d.status = 'PUBLISHING'; delete d.publishingFailureStartTimestamp; }
    await c.ctx.store.putDoc('destination', d.destinationId, c.p.accountId, d);
    return {};
  }],
  ['DELETE', '/detector/{DetectorId}/publishingDestination/{DestinationId}', 'DeletePublishingDestination', async (c) => {
    const d = await find(c);
    await c.ctx.store.deleteDoc('destination', d.destinationId);
    await c.ctx.setTags(arnOf(c, d), c.p.accountId, undefined);
    return {};
  }],
];
