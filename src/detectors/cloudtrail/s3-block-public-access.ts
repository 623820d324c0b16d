/**
 * Policy:S3/AccountBlockPublicAccessDisabled and Policy:S3/BucketBlockPublicAccessDisabled
 * (Low): S3 Block Public Access turned off for the account or a bucket — the configuration
 * deleted, or put with any of its four settings false or left out (a Put replaces the whole
 * configuration, and a setting it omits is off). Successful calls only.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { apiCallAction, bool, fromCloudTrail, param, stringParam, s3BucketResource, succeeded } from '../common/cloudtrail.js';

const SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** The settings a PublicAccessBlockConfiguration leaves off: false or absent (all four for a delete). */
export function disabledSettings(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [...SETTINGS];
  const c = config as Record<string, unknown>;
  return SETTINGS.filter((k) => bool(c[k]) !== true);
}

export const s3BlockPublicAccess = defineDetector({
  id: 's3-block-public-access',
  description: 'S3 Block Public Access disabled for the account or a bucket',
  kinds: ['cloudtrail'],
  cloudTrail: {
    eventNames: ['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'],
    eventSources: ['s3.amazonaws.com'],
  },
  findingTypes: ['Policy:S3/AccountBlockPublicAccessDisabled', 'Policy:S3/BucketBlockPublicAccessDisabled'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const deleting = e.eventName.startsWith('Delete');
    const config = param(e, 'PublicAccessBlockConfiguration');
    if (!deleting && (typeof config !== 'object' || config === null)) return; // no body in the record: cannot tell
    const off = deleting ? [...SETTINGS] : disabledSettings(config);
    if (off.length === 0) return;
    const account = e.eventName.includes('Account');
    const bucket = account ? '' : stringParam(e, 'bucketName');
    const scope = account ? `account ${e.accountId}` : `S3 bucket ${bucket}`;
    ctx.emit({
      ...fromCloudTrail(e),
      type: account ? 'Policy:S3/AccountBlockPublicAccessDisabled' : 'Policy:S3/BucketBlockPublicAccessDisabled',
      severity: SEVERITY.Low,
      key: account ? 'account' : `bucket:${bucket}`,
      resourceRole: 'TARGET',
      resource: s3BucketResource(e, bucket),
      action: apiCallAction(e, account ? undefined : { 'AWS::S3::Bucket': bucket }),
      title: `Amazon S3 Block Public Access was disabled for ${scope}.`,
      description: `${e.identity.arn ?? 'A principal'} ${deleting ? 'removed' : 'turned off parts of'} S3 Block Public Access for ${scope} `
        + `(${off.join(', ')} now off). Buckets can become public through later policy or ACL changes.`,
      additionalInfo: { disabledSettings: off },
    });
  },
});
