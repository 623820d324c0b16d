/**
 * Stealth:IAMUser/CloudTrailLoggingDisabled (Low): a trail was stopped or deleted, or the S3
 * bucket a trail delivers to was deleted. Trail buckets are learned from CreateTrail/UpdateTrail
 * in keyed state, so a later DeleteBucket of that bucket is recognised. Successful calls only.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, param, succeeded } from '../common/cloudtrail.js';

const TRAIL_BUCKETS_TTL = 400 * 86_400_000;

export const cloudTrailLoggingDisabled = defineDetector({
  id: 'cloudtrail-logging-disabled',
  description: 'CloudTrail trails stopped or deleted, or their log bucket deleted',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['StopLogging', 'DeleteTrail', 'CreateTrail', 'UpdateTrail', 'DeleteBucket'], eventSources: ['cloudtrail.amazonaws.com', 's3.amazonaws.com'] },
  findingTypes: ['Stealth:IAMUser/CloudTrailLoggingDisabled'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const buckets = ctx.state<string>('trail-buckets', { ttlMs: TRAIL_BUCKETS_TTL, maxEntries: 50_000 });
    const trail = String(param(e, 'name') ?? param(e, 'trailName') ?? '');
    let what: string;
    switch (e.eventName) {
      case 'CreateTrail':
      case 'UpdateTrail': {
        const bucket = param(e, 's3BucketName');
        if (typeof bucket === 'string' && bucket) buckets.set(`${e.accountId}/${bucket}`, trail);
        return;
      }
      case 'DeleteBucket': {
        const bucket = String(param(e, 'bucketName') ?? '');
        const owner = buckets.get(`${e.accountId}/${bucket}`);
        if (owner === undefined) return;
        what = `S3 bucket ${bucket}, where trail ${owner} delivers its logs, was deleted`;
        break;
      }
      case 'StopLogging': what = `AWS CloudTrail trail ${trail} was stopped`; break;
      case 'DeleteTrail': what = `AWS CloudTrail trail ${trail} was deleted`; break;
      default: return;
    }
    const trailName = e.eventName === 'DeleteBucket' ? String(param(e, 'bucketName')) : trail;
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'Stealth:IAMUser/CloudTrailLoggingDisabled',
      severity: SEVERITY.Low,
      key: `${e.eventName === 'DeleteBucket' ? 'bucket' : 'trail'}:${trailName}`,
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e, { 'AWS::CloudTrail::Trail': trailName }),
      title: 'AWS CloudTrail trail was disabled.',
      description: `${what} by ${e.identity.arn ?? 'an unknown principal'}. Turning off logging is a common step to hide later activity.`,
      additionalInfo: { trail: trailName, api: e.eventName },
    });
  },
});
