/**
 * Publishes who called: the caller IP when `sourceIPAddress` is an address, whether an AWS
 * service made the call for the principal (`invokedBy`, a service host name, `AWS Internal`),
 * and whether the caller IP is globally routable.
 */
import { defineEnricher } from '../engine/index.js';
import { isIp, isPublicIp } from '../core/index.js';

export const cloudTrailCaller = defineEnricher({
  id: 'cloudtrail-caller',
  kinds: ['cloudtrail'],
  enrich(e) {
    const src = e.sourceIp;
    const ip = src !== '' && isIp(src) ? src : '';
    e.enrich.callerIp = ip;
    e.enrich.viaAwsService = typeof e.identity.invokedBy === 'string' || (ip === '' && (src.endsWith('.amazonaws.com') || src === 'AWS Internal'));
    e.enrich.callerIpPublic = ip !== '' && isPublicIp(ip);
  },
});
