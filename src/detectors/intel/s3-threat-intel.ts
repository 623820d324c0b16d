/**
 * S3 findings for object-level calls (CloudTrail S3 data events) from addresses on threat lists,
 * with the same purpose rules as the IAM types (cloudtrail-threat-intel.ts):
 *   Tor lists     discovery calls → Discovery:S3/TorIPCaller (Medium); any other call → UnauthorizedAccess:S3/TorIPCaller (High)
 *   custom lists  discovery → Discovery:S3/MaliciousIPCaller.Custom (High); other → UnauthorizedAccess:S3/MaliciousIPCaller.Custom (High)
 *   other lists   discovery → Discovery:S3/MaliciousIPCaller (High); reads (GetObject…) → Exfiltration:S3/MaliciousIPCaller (High);
 *                 writes, deletes, permission changes → Impact:S3/MaliciousIPCaller (High)
 * Discovery = the S3 Discovery category of anomaly/tactics.ts (ListObjects, GetObjectAcl, HeadObject…).
 * One finding per type, principal, bucket and list; the details show the latest call.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { apiCallAction, fromCloudTrail, principalKey, s3BucketResource } from '../common/cloudtrail.js';
import { S3_CATEGORY_OF } from '../anomaly/tactics.js';
import { bucketOf } from '../anomaly/s3-anomaly.js';
import { describeLists, hitsByType, threatDetails } from './common.js';

const H = SEVERITY.High, M = SEVERITY.Medium;
const SEVERITY_OF: Record<string, number> = {
  'Discovery:S3/TorIPCaller': M,
  'UnauthorizedAccess:S3/TorIPCaller': H,
  'Discovery:S3/MaliciousIPCaller.Custom': H,
  'UnauthorizedAccess:S3/MaliciousIPCaller.Custom': H,
  'Discovery:S3/MaliciousIPCaller': H,
  'Exfiltration:S3/MaliciousIPCaller': H,
  'Impact:S3/MaliciousIPCaller': H,
};

function typeFor(purpose: string, category: string): string {
  const discovery = category === 'Discovery';
  if (purpose === 'tor-exit' || purpose === 'tor-relay') return discovery ? 'Discovery:S3/TorIPCaller' : 'UnauthorizedAccess:S3/TorIPCaller';
  if (purpose === 'custom') return discovery ? 'Discovery:S3/MaliciousIPCaller.Custom' : 'UnauthorizedAccess:S3/MaliciousIPCaller.Custom';
  if (discovery) return 'Discovery:S3/MaliciousIPCaller';
  return category === 'Read' ? 'Exfiltration:S3/MaliciousIPCaller' : 'Impact:S3/MaliciousIPCaller';
}

export const s3ThreatIntel = defineDetector({
  id: 's3-threat-intel',
  description: 'S3 object-level calls from Tor nodes and addresses on threat lists',
  kinds: ['cloudtrail'],
  findingTypes: Object.keys(SEVERITY_OF),
  onEvent(e, ctx) {
    if (e.enrich.intel === 0 || !e.enrich.dataEvent || e.eventSource !== 's3.amazonaws.com') return;
    const category = S3_CATEGORY_OF.get(e.eventName) ?? (/^(Get|List|Head)/.test(e.eventName) ? 'Discovery' : 'Write');
    const groups = hitsByType(ctx.services.intel.threat.hits(e.enrich.intel), (p) => typeFor(p, category));
    const bucket = bucketOf(e);
    for (const [type, hits] of groups) {
      const details = threatDetails(hits);
      const tor = type.endsWith('TorIPCaller');
      ctx.emit({
        ...fromCloudTrail(e),
        type,
        severity: SEVERITY_OF[type],
        key: `${principalKey(e)}|${bucket}|${details.map((d) => d.threatListName).join(',')}`,
        resourceRole: 'TARGET',
        resource: s3BucketResource(e, bucket),
        action: apiCallAction(e, bucket ? { bucketName: bucket } : undefined),
        threatIntelligenceDetails: details,
        title: `S3 API ${e.eventName} was invoked on ${bucket || 'a bucket'} from ${tor ? 'a Tor exit node' : 'a known malicious IP address'}.`,
        description: `S3 API ${e.eventName} was invoked on ${bucket || 'a bucket'} by ${e.identity.arn ?? 'an unknown principal'} from ${e.enrich.callerIp}, which is on ${describeLists(details)}.`,
        additionalInfo: { threatListName: details[0]?.threatListName, callerIp: e.enrich.callerIp, bucket },
      });
    }
  },
});
