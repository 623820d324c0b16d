/** The identifier a finding's resource is known by (statistics group by it; the console shows it). */
import type { Finding } from '../core/index.js';

export function resourceIdOf(f: Pick<Finding, 'resource'>): string {
  const r = f.resource;
  return r.instanceDetails?.instanceId || r.instanceDetails?.networkInterfaces?.[0]?.networkInterfaceId
    || r.s3BucketDetails?.[0]?.name || r.accessKeyDetails?.accessKeyId || r.accessKeyDetails?.principalId || '';
}
