/**
 * Stealth:S3/ServerAccessLoggingDisabled (Low): PutBucketLogging with a status that has no
 * LoggingEnabled element, i.e. server access logging turned off for the bucket.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { apiCallAction, fromCloudTrail, param, stringParam, s3BucketResource, succeeded } from '../common/cloudtrail.js';

export const s3AccessLoggingDisabled = defineDetector({
  id: 's3-access-logging-disabled',
  description: 'S3 server access logging turned off for a bucket',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['PutBucketLogging'], eventSources: ['s3.amazonaws.com'] },
  findingTypes: ['Stealth:S3/ServerAccessLoggingDisabled'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const status = param(e, 'BucketLoggingStatus');
    if (typeof status !== 'object' || status === null) return; // no body in the record: cannot tell
    if ((status as Record<string, unknown>).LoggingEnabled) return;
    const bucket = stringParam(e, 'bucketName');
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'Stealth:S3/ServerAccessLoggingDisabled',
      severity: SEVERITY.Low,
      key: `bucket:${bucket}`,
      resourceRole: 'TARGET',
      resource: s3BucketResource(e, bucket),
      action: apiCallAction(e, { 'AWS::S3::Bucket': bucket }),
      title: `S3 server access logging was disabled for bucket ${bucket}.`,
      description: `${e.identity.arn ?? 'A principal'} turned off server access logging for S3 bucket ${bucket}; later access to it leaves no access log.`,
    });
  },
});
