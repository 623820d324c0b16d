/**
 * Deterministic finding identity: GuardDuty's "one finding per security issue" = type plus a
 * type-specific aggregation key, per account and region. The id is 32 hex characters (like
 * GuardDuty's) derived from that, so the same input always yields the same finding ids.
 */
import { createHash } from 'node:crypto';

export function findingId(accountId: string, region: string, type: string, key: string): string {
  return createHash('sha256').update(`${accountId}\u0000${region}\u0000${type}\u0000${key}`).digest('hex').slice(0, 32);
}

/** GuardDuty detector ids are 32 characters; Vigil derives one per account and region. */
export function detectorIdFor(accountId: string, region: string): string {
  return createHash('sha256').update(`vigil-detector\u0000${accountId}\u0000${region}`).digest('hex').slice(0, 32);
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
