/**
 * The type check every CloudTrail record passes before it becomes an event: the fields Vigil
 * reads must have the type CloudTrail gives them, strings must be of sane length and nesting
 * must stay under the depth limit. A record that fails is rejected whole with a reason code
 * (`field-type`, `field-too-long`, `too-deep`); nothing downstream (enrichers, detectors, the
 * findings service, the store) ever sees an ill-typed value.
 *
 * What AWS (and the tools that re-ship CloudTrail) really write is accepted and normalised in
 * place: `null` for an absent field (kept: readers treat it as absent), account ids as numbers (→ 12-digit strings),
 * booleans as "true"/"false" strings (→ booleans) and `mfaAuthenticated` as a boolean (→ the
 * string CloudTrail writes), empty objects.
 */
import type { ParseLimits } from '../limits.js';
import { checkFields, checkObjects, checkTree, fieldSpec, T, type Json, type Rejection } from '../json-check.js';

export type { Rejection };

/** Top-level fields and the type each must have (others may hold anything within the limits). */
const TOP: Record<string, T> = fieldSpec({
  eventVersion: T.Str, eventTime: T.Str, eventSource: T.Str, eventName: T.Str, awsRegion: T.Str,
  sourceIPAddress: T.Str, userAgent: T.Str, errorCode: T.Str, errorMessage: T.Str, requestID: T.Str,
  eventID: T.Str, eventType: T.Str, apiVersion: T.Str, recipientAccountId: T.Acct, sharedEventID: T.Str,
  vpcEndpointId: T.Str, vpcEndpointAccountId: T.Acct, eventCategory: T.Str, sessionCredentialFromConsole: T.StrOrBool,
  readOnly: T.Bool, managementEvent: T.Bool,
  userIdentity: T.Obj, requestParameters: T.Obj, responseElements: T.Obj, additionalEventData: T.Obj,
  serviceEventDetails: T.Obj, tlsDetails: T.Obj, insightDetails: T.Obj, edgeDeviceDetails: T.Obj, addendum: T.Obj,
  resources: T.Arr,
});
/** Top-level fields held to NAME_MAX (json-check.ts). */
const TOP_NAMES = new Set(['eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'recipientAccountId', 'eventType', 'eventCategory', 'vpcEndpointId']);

const IDENTITY: Record<string, T> = fieldSpec({
  type: T.Str, principalId: T.Str, arn: T.Str, accountId: T.Acct, accessKeyId: T.Str, userName: T.Str,
  invokedBy: T.Str, identityProvider: T.Str, credentialId: T.Str,
  sessionContext: T.Obj, onBehalfOf: T.Obj, inScopeOf: T.Obj,
});
const SESSION_CONTEXT: Record<string, T> = fieldSpec({
  sessionIssuer: T.Obj, attributes: T.Obj, webIdFederationData: T.Obj,
  sourceIdentity: T.Str, ec2RoleDelivery: T.Str, assumedRoot: T.StrOrBool,
});
const SESSION_ISSUER: Record<string, T> = fieldSpec({ type: T.Str, principalId: T.Str, arn: T.Str, accountId: T.Acct, userName: T.Str });
const ATTRIBUTES: Record<string, T> = fieldSpec({ creationDate: T.Str, mfaAuthenticated: T.StrOrBool });
const RESOURCE: Record<string, T> = fieldSpec({ ARN: T.Str, accountId: T.Acct, type: T.Str });

/** Checks and normalises `rec` in place; returns why it is rejected, or undefined when it is fine. */
export function validateCloudTrailRecord(rec: Json, limits: ParseLimits): Rejection | undefined {
  const r = checkFields(rec, TOP, '', TOP_NAMES);
  if (r) return r;
  const id = rec.userIdentity as Json | undefined;
  if (id) {
    const ri = checkFields(id, IDENTITY, 'userIdentity.');
    if (ri) return ri;
    const sc = id.sessionContext as Json | undefined;
    if (sc) {
      const rs = checkFields(sc, SESSION_CONTEXT, 'userIdentity.sessionContext.');
      if (rs) return rs;
      if (sc.sessionIssuer) { const x = checkFields(sc.sessionIssuer as Json, SESSION_ISSUER, 'userIdentity.sessionContext.sessionIssuer.'); if (x) return x; }
      if (sc.attributes) { const x = checkFields(sc.attributes as Json, ATTRIBUTES, 'userIdentity.sessionContext.attributes.'); if (x) return x; }
    }
  }
  return checkObjects(rec.resources as unknown[] | undefined, RESOURCE, 'resources') ?? checkTree(rec, limits);
}

