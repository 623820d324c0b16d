/**
 * Publishes who is behaving, for the behaviour baselines: the principal a call belongs to (see
 * CloudTrailEnrichment.principal) and the family of its user agent. Both are read off fields
 * the record already holds; no string is built per event.
 */
import { defineEnricher } from '../engine/index.js';
import type { CloudTrailUserIdentity } from '../core/index.js';
import { userAgentFamily } from './user-agent.js';

/** The baseline principal of an identity ('' when it is an AWS service or account). */
export function principalOf(id: CloudTrailUserIdentity): string {
  switch (id.type) {
    case 'IAMUser': case 'Root': case 'FederatedUser': case 'IdentityCenterUser':
      return id.arn ?? '';
    case 'AssumedRole': {
      const role = id.sessionContext?.sessionIssuer?.arn;
      // Identity Center roles: the session is the person (…/AWSReservedSSO_<set>_<hash>/<user>)
      if (!role || role.includes('/AWSReservedSSO_')) return id.arn ?? role ?? '';
      return role;
    }
    default:
      return '';
  }
}

export const cloudTrailIdentity = defineEnricher({
  id: 'cloudtrail-identity',
  kinds: ['cloudtrail'],
  enrich(e) {
    e.enrich.principal = e.enrich.viaAwsService ? '' : principalOf(e.identity);
    e.enrich.uaFamily = userAgentFamily(e.userAgent);
  },
});
