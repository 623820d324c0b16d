/**
 * Stealth:IAMUser/CloudTrailLoggingDisabled (Low): a trail was stopped or deleted, or the S3
 * bucket a trail delivers to was deleted. Trail buckets are learned from CreateTrail/UpdateTrail
 * in keyed state, so a later DeleteBucket of that bucket is recognised; a bucket the trail has
 * since moved away from, or whose trail was deleted, no longer counts. Trails are named by name
 * (requests may give the name or the ARN). Successful calls only.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, param, stringParam, succeeded } from '../common/cloudtrail.js';

const TRAIL_BUCKETS_TTL = 400 * 86_400_000;

/** `arn:aws:cloudtrail:us-east-1:111122223333:trail/main` → `main`; a plain name stays as it is. */
function trailName(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  const i = s.indexOf(':trail/');
  return s.startsWith('arn:') && i >= 0 ? s.slice(i + 7) : s;
}

export const cloudTrailLoggingDisabled = defineDetector({
  id: 'cloudtrail-logging-disabled',
  description: 'CloudTrail trails stopped or deleted, or their log bucket deleted',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['StopLogging', 'DeleteTrail', 'CreateTrail', 'UpdateTrail', 'DeleteBucket'], eventSources: ['cloudtrail.amazonaws.com', 's3.amazonaws.com'] },
  findingTypes: ['Stealth:IAMUser/CloudTrailLoggingDisabled'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const buckets = ctx.state<string>('trail-buckets', { ttlMs: TRAIL_BUCKETS_TTL, maxEntries: 50_000 });
    // trail → its current bucket ('' once the trail is deleted), to tell a live trail bucket from an old one
    const current = ctx.state<string>('trail-current-bucket', { ttlMs: TRAIL_BUCKETS_TTL, maxEntries: 50_000 });
    let trail = trailName(param(e, 'name') ?? param(e, 'trailName'));
    let bucket = '';
    let what: string;
    switch (e.eventName) {
      case 'CreateTrail':
      case 'UpdateTrail': {
        const b = param(e, 's3BucketName');
        if (typeof b === 'string' && b) {
          buckets.set(`${e.accountId}/${b}`, trail);
          current.set(`${e.accountId}/${trail}`, b);
        }
        return;
      }
      case 'DeleteBucket': {
        bucket = stringParam(e, 'bucketName');
        const owner = buckets.get(`${e.accountId}/${bucket}`);
        if (owner === undefined) return;
        const now = current.get(`${e.accountId}/${owner}`);
        if (now !== undefined && now !== bucket) return; // the trail delivers elsewhere now, or is gone
        trail = owner;
        what = `S3 bucket ${bucket}, where trail ${owner} delivers its logs, was deleted`;
        break;
      }
      case 'StopLogging': what = `AWS CloudTrail trail ${trail} was stopped`; break;
      case 'DeleteTrail':
        current.set(`${e.accountId}/${trail}`, '');
        what = `AWS CloudTrail trail ${trail} was deleted`;
        break;
      default: return;
    }
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'Stealth:IAMUser/CloudTrailLoggingDisabled',
      severity: SEVERITY.Low,
      key: bucket ? `bucket:${bucket}` : `trail:${trail}`,
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e, { 'AWS::CloudTrail::Trail': trail, ...(bucket ? { 'AWS::S3::Bucket': bucket } : {}) }),
      title: 'AWS CloudTrail trail was disabled.',
      description: `${what} by ${e.identity.arn ?? 'an unknown principal'}. Turning off logging is a common step to hide later activity.`,
      additionalInfo: { trail, api: e.eventName, ...(bucket ? { bucket } : {}) },
    });
  },
});
