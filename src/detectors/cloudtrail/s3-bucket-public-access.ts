/**
 * Policy:S3/BucketAnonymousAccessGranted and Policy:S3/BucketPublicAccessGranted (High): a
 * bucket policy or ACL change opens a bucket to anyone on the internet (anonymous: ACL grant to
 * AllUsers, a public-read/public-read-write canned ACL, or a policy that allows Principal "*"
 * — or uses NotPrincipal — with no restricting condition) or to every authenticated AWS user (ACL grant to
 * AuthenticatedUsers, the authenticated-read canned ACL). Conditions on source IP, VPC, VPC
 * endpoint, organisation or account count as restricting. Successful calls only.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import type { CloudTrailEvent } from '../../core/index.js';
import { apiCallAction, fromCloudTrail, param, stringParam, policyDocument, s3BucketResource, succeeded } from '../common/cloudtrail.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const RESTRICTING_KEYS = /^aws:(sourceip|sourcevpce?|principalorgid|principalorgpaths|principalaccount|sourceaccount|sourcearn|principalarn|userid|username|resourceaccount|sourceorgid|sourceorgpaths|vpcsourceip)$/i;

type Exposure = 'anonymous' | 'authenticated' | undefined;

function hasWildcardPrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (typeof p !== 'object' || p === null) return false;
  const aws = (p as Record<string, unknown>).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0', '*']);

function restricts(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const block of Object.values(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) continue;
    for (const [k, v] of Object.entries(block)) {
      if (!RESTRICTING_KEYS.test(k)) continue;
      // a source-IP condition that admits every address restricts nothing
      const values = Array.isArray(v) ? v : [v];
      if (/sourceip$/i.test(k) && values.some((x) => ANY_ADDRESS.has(String(x)))) continue;
      return true;
    }
  }
  return false;
}

/** Does a bucket policy allow everyone without a restricting condition? */
export function policyExposure(policy: unknown): Exposure {
  const doc = policyDocument(policy);
  if (!doc) return undefined;
  const stmts = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  for (const s of stmts as Record<string, unknown>[]) {
    // Allow with NotPrincipal grants everyone but the principals named
    if (s?.Effect !== 'Allow' || !(hasWildcardPrincipal(s.Principal) || s.NotPrincipal !== undefined)) continue;
    if (!restricts(s.Condition)) return 'anonymous';
  }
  return undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : '';
}

/** Exposure from an ACL request: canned ACL header, x-amz-grant-* headers, or an AccessControlPolicy body. */
export function aclExposure(e: CloudTrailEvent): Exposure {
  const rp = e.raw.requestParameters ?? {};
  const canned = text(rp['x-amz-acl']);
  if (/public-read/.test(canned)) return 'anonymous';
  let found: Exposure = canned.includes('authenticated-read') ? 'authenticated' : undefined;
  for (const [k, v] of Object.entries(rp)) {
    if (!k.startsWith('x-amz-grant-')) continue;
    const t = text(v);
    if (t.includes(ALL_USERS)) return 'anonymous';
    if (t.includes(AUTH_USERS)) found = 'authenticated';
  }
  const body = JSON.stringify(rp.AccessControlPolicy ?? '');
  if (body.includes(ALL_USERS)) return 'anonymous';
  if (body.includes(AUTH_USERS)) found = 'authenticated';
  return found;
}

export const s3BucketPublicAccess = defineDetector({
  id: 's3-bucket-public-access',
  description: 'bucket policy or ACL changes that expose a bucket to anonymous or all authenticated AWS users',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['PutBucketPolicy', 'PutBucketAcl', 'CreateBucket'], eventSources: ['s3.amazonaws.com'] },
  findingTypes: ['Policy:S3/BucketAnonymousAccessGranted', 'Policy:S3/BucketPublicAccessGranted'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const exposure = e.eventName === 'PutBucketPolicy' ? policyExposure(param(e, 'bucketPolicy')) : aclExposure(e);
    if (!exposure) return;
    const bucket = stringParam(e, 'bucketName');
    const anonymous = exposure === 'anonymous';
    const via = e.eventName === 'PutBucketPolicy' ? 'bucket policy' : 'access control list';
    ctx.emit({
      ...fromCloudTrail(e),
      type: anonymous ? 'Policy:S3/BucketAnonymousAccessGranted' : 'Policy:S3/BucketPublicAccessGranted',
      severity: SEVERITY.High,
      key: `bucket:${bucket}`,
      resourceRole: 'TARGET',
      resource: s3BucketResource(e, bucket, { publicAccess: { effectivePermission: 'PUBLIC' } }),
      action: apiCallAction(e, { 'AWS::S3::Bucket': bucket }),
      title: anonymous ? `Amazon S3 bucket ${bucket} was made public to anonymous users.` : `Amazon S3 bucket ${bucket} was made accessible to all authenticated AWS users.`,
      description: `${e.identity.arn ?? 'A principal'} changed the ${via} of S3 bucket ${bucket} so that `
        + (anonymous ? 'anyone on the internet' : 'any authenticated AWS user, in any account,') + ' can access it.',
      additionalInfo: { exposure, via },
    });
  },
});
