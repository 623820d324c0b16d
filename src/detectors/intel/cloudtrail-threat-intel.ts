/**
 * IAM findings for API calls made from addresses on threat lists. Reconnaissance calls
 * (Get*, List*, Describe*, Head*, Search*, Lookup*, Scan*, Query*) raise the Recon:IAMUser types, any other call the
 * UnauthorizedAccess:IAMUser types; the list's purpose picks the variant: Tor lists → TorIPCaller,
 * custom lists → MaliciousIPCaller.Custom, every other threat list → MaliciousIPCaller. All Medium.
 * One finding per type, principal and list; the details show the latest caller address.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, principalKey } from '../common/cloudtrail.js';
import { describeLists, hitsByType, threatDetails } from './common.js';

const RECON = /^(Get|List|Describe|Head|Search|Lookup|Scan|Query)/;

function variant(purpose: string): string {
  if (purpose === 'tor-exit' || purpose === 'tor-relay') return 'TorIPCaller';
  if (purpose === 'custom') return 'MaliciousIPCaller.Custom';
  return 'MaliciousIPCaller';
}

export const cloudTrailThreatIntel = defineDetector({
  id: 'cloudtrail-threat-intel',
  description: 'API calls from Tor nodes and addresses on threat lists',
  kinds: ['cloudtrail'],
  findingTypes: ['Recon:IAMUser/TorIPCaller', 'Recon:IAMUser/MaliciousIPCaller', 'Recon:IAMUser/MaliciousIPCaller.Custom',
    'UnauthorizedAccess:IAMUser/TorIPCaller', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom'],
  onEvent(e, ctx) {
    if (e.enrich.intel === 0 || e.enrich.dataEvent) return; // S3 data events raise the S3 types (s3-threat-intel)
    const purpose = RECON.test(e.eventName) ? 'Recon' : 'UnauthorizedAccess';
    const groups = hitsByType(ctx.services.intel.threat.hits(e.enrich.intel), (p) => `${purpose}:IAMUser/${variant(p)}`);
    for (const [type, hits] of groups) {
      const details = threatDetails(hits);
      const tor = type.endsWith('TorIPCaller');
      ctx.emit({
        ...fromCloudTrail(e),
        type,
        severity: SEVERITY.Medium,
        key: `${principalKey(e)}|${details.map((d) => d.threatListName).join(',')}`,
        resourceRole: 'TARGET',
        resource: accessKeyResource(e),
        action: apiCallAction(e),
        threatIntelligenceDetails: details,
        title: `API ${e.eventName} was invoked from ${tor ? 'a Tor exit node' : 'a known malicious IP address'}.`,
        description: `API ${e.eventName} was invoked by ${e.identity.arn ?? 'an unknown principal'} from ${e.enrich.callerIp}, which is on ${describeLists(details)}.`
          + (purpose === 'Recon' ? ' Discovery calls like this one map what the credentials can reach.' : ''),
        additionalInfo: { threatListName: details[0]?.threatListName, callerIp: e.enrich.callerIp },
      });
    }
  },
});
