/**
 * Building blocks for findings raised from CloudTrail events: the AccessKey resource, the
 * AWS_API_CALL action, and the principal key findings aggregate on.
 */
import type { Action, CloudTrailEvent, FindingCandidate, RemoteIpDetails, Resource, S3BucketDetail } from '../../core/index.js';
import { ipDetails } from '../../core/index.js';
import { countryName } from '../../geo/index.js';

export function userNameOf(e: CloudTrailEvent): string {
  const id = e.identity;
  if (id.type === 'Root') return 'Root';
  if (id.type === 'AssumedRole') return id.sessionContext?.sessionIssuer?.userName ?? id.arn?.split('/')[1] ?? '';
  return id.userName ?? id.arn?.split('/').pop() ?? '';
}

export function accessKeyDetails(e: CloudTrailEvent): NonNullable<Resource['accessKeyDetails']> {
  const id = e.identity;
  return {
    accessKeyId: id.accessKeyId || undefined,
    principalId: id.principalId || undefined,
    userName: userNameOf(e) || undefined,
    userType: id.type || undefined,
  };
}

export function accessKeyResource(e: CloudTrailEvent): Resource {
  return { resourceType: 'AccessKey', accessKeyDetails: accessKeyDetails(e) };
}

export function s3BucketResource(e: CloudTrailEvent, bucket: string, extra: Partial<S3BucketDetail> = {}): Resource {
  const details: S3BucketDetail[] = bucket ? [{ name: bucket, arn: `arn:aws:s3:::${bucket}`, type: 'Destination', ...extra }] : [];
  return { resourceType: 'S3Bucket', accessKeyDetails: accessKeyDetails(e), s3BucketDetails: details };
}

export function apiCallAction(e: CloudTrailEvent, affected?: Record<string, string>): Action {
  const ip = e.enrich.callerIp;
  return {
    actionType: 'AWS_API_CALL',
    awsApiCallAction: {
      api: e.eventName,
      serviceName: e.eventSource,
      callerType: ip ? 'Remote IP' : e.enrich.viaAwsService ? 'AWS Service' : 'Domain',
      ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      ...(e.userAgent ? { userAgent: e.userAgent } : {}),
      ...(ip ? { remoteIpDetails: remoteIpDetails(e) } : { domainDetails: { domain: e.sourceIp } }),
      ...(affected ? { affectedResources: affected } : {}),
    },
  };
}

/** The caller address with its AS organisation and country from the enrichment (when known). */
export function remoteIpDetails(e: CloudTrailEvent): RemoteIpDetails {
  const en = e.enrich;
  const d: RemoteIpDetails = ipDetails(en.callerIp);
  if (en.asn) d.organization = { asn: String(en.asn), asnOrg: en.asnOrg, isp: en.asnOrg, org: en.asnOrg };
  if (en.country) d.country = { countryCode: en.country, countryName: countryName(en.country) };
  return d;
}

/** An S3 data event (object-level call), which the IAMUser types leave to the S3 types. */
export function isDataEvent(e: CloudTrailEvent): boolean {
  return e.enrich.dataEvent;
}

/** The identity a CloudTrail finding aggregates on: the access key, else the principal. */
export function principalKey(e: CloudTrailEvent): string {
  return e.identity.accessKeyId || e.identity.arn || e.identity.principalId || 'unknown';
}

/** The fields every CloudTrail candidate shares. */
export function fromCloudTrail(e: CloudTrailEvent): Pick<FindingCandidate, 'accountId' | 'region' | 'time'> {
  return { accountId: e.accountId, region: e.region, time: e.time };
}

/** Reads a request parameter that may arrive as a value, a JSON string, or a one-element list. */
export function param(e: CloudTrailEvent, name: string): unknown {
  const v = e.raw.requestParameters?.[name];
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/**
 * A request parameter that must be a string (a bucket, trail or function name): '' for any other
 * type. The parser checks the fields every detector reads; parameters are free-form JSON, so
 * names taken from them go through this.
 */
export function stringParam(e: CloudTrailEvent, name: string): string {
  const v = param(e, name);
  return typeof v === 'string' ? v : '';
}

/** Parses a policy document given as an object or a JSON string; undefined when it is neither. */
export function policyDocument(v: unknown): { Statement?: unknown } | undefined {
  if (typeof v === 'string') {
    try { return JSON.parse(v) as { Statement?: unknown }; } catch { return undefined; }
  }
  return typeof v === 'object' && v !== null ? (v as { Statement?: unknown }) : undefined;
}

/** `true`/`"true"` → true, `false`/`"false"` → false, else undefined. */
export function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

export function succeeded(e: CloudTrailEvent): boolean {
  return e.errorCode === '';
}
