/**
 * Shared by the behaviour detectors: the "where" value of a call (AS organisation, or the kind of
 * address when it has none), the scope labels of explanations, and the builder of GuardDuty's
 * `service.detection.anomaly` object (usual profiles and the unusual values, per scope).
 */
import type { CloudTrailEvent } from '../../core/index.js';
import { ipv4ToInt, isPrivateV4 } from '../../core/index.js';
import { usual, unusualObject, type AnomalyObject, type Profile } from './profile.js';

export const NET_PRIVATE = 'private network';
export const NET_UNKNOWN = 'unknown network';
export const NET_SERVICE = 'AWS service';

/** Where a call came from, as profiled: the AS organisation, else the kind of address. */
export function netOf(e: CloudTrailEvent): string {
  const en = e.enrich;
  if (en.asnOrg) return en.asnOrg;
  if (en.callerIp === '') return NET_SERVICE;
  const n = ipv4ToInt(en.callerIp);
  return (n >= 0 && isPrivateV4(n)) || e.raw.vpcEndpointId ? NET_PRIVATE : NET_UNKNOWN;
}

/** "AS16509 Amazon.com, Inc." style text for the caller's network. */
export function netText(e: CloudTrailEvent): string {
  const net = netOf(e);
  return e.enrich.asn ? `AS${e.enrich.asn} ${net}` : net;
}

/** One scope of an explanation: the profile, a label for it, and the unusual values observed. */
export interface Scope {
  /** The key in `profiles` / `unusual.behavior`: the principal ARN, the account id, or `organization`. */
  name: string;
  profile: Profile | undefined;
  /** feature (profile name) → [explanation feature name, value, text]. */
  unusual: [feature: string, label: string, value: string | number, text: string][];
}

/** Feature names in explanations, by profile feature. */
export const FEATURE_LABEL: Record<string, string> = {
  api: 'api', net: 'asnOrg', ua: 'userAgent', cc: 'country', type: 'userType', bucket: 'bucket',
};

/** GuardDuty's `detection.anomaly`: usual behaviour per scope and feature, and the unusual values (as of the start of `day`). */
export function anomalyDetection(scopes: Scope[], day: number): Record<string, unknown> {
  const profiles: Record<string, Record<string, AnomalyObject[]>> = {};
  const behavior: Record<string, Record<string, AnomalyObject>> = {};
  for (const s of scopes) {
    if (!s.profile || s.unusual.length === 0) continue;
    const prof: Record<string, AnomalyObject[]> = {};
    const unus: Record<string, AnomalyObject> = {};
    for (const [feature, label, value, text] of s.unusual) {
      prof[label] = usual(s.profile, feature);
      unus[label] = unusualObject(s.profile, feature, value, text, day);
    }
    profiles[s.name] = prof;
    behavior[s.name] = unus;
  }
  return { anomaly: { profiles, unusual: { behavior } } };
}
