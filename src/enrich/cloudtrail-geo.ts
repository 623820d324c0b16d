/**
 * Publishes where a CloudTrail caller is: ASN, AS organisation and country of the caller IP, and
 * whether it is one of AWS's addresses (with region and service when the ranges name them).
 * Only public addresses are looked up (private and placeholder addresses have no geography);
 * the tables load on the first such lookup (src/geo) and repeat callers hit a cache.
 */
import { defineEnricher } from '../engine/index.js';
import { geo } from '../geo/index.js';

export const cloudTrailGeo = defineEnricher({
  id: 'cloudtrail-geo',
  kinds: ['cloudtrail'],
  enrich(e) {
    const en = e.enrich;
    if (!en.callerIpPublic) return;
    const g = geo().lookup(en.callerIp);
    en.asn = g.asn;
    en.asnOrg = g.asnOrg;
    en.country = g.country;
    en.callerInAws = g.aws;
    en.awsRegion = g.awsRegion;
    en.awsService = g.awsService;
  },
});
