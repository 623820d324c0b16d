/**
 * The S3 AnomalousBehavior types, from CloudTrail S3 data events (object-level calls). Each
 * principal has an S3 profile (buckets, APIs, network, user-agent family) and hourly call counts
 * per category (tactics.ts: Discovery, Read, Write, Delete, Permission). Once the profile is
 * mature (VIGIL_BASELINE_LEARNING_DAYS), a call is reported when
 *  - novelty: the bucket or the API is new for the principal AND the context is unusual
 *    (network never used +2, rarely +1; user-agent family never used +2; country never seen +1;
 *    score ≥ VIGIL_ANOMALY_MIN_SCORE), or
 *  - volume (Read, Write, Delete): this hour's calls exceed both 200 and 10× the busiest hour
 *    the principal had before — once per hour.
 * Discovery → Discovery:S3/AnomalousBehavior (Low), Read → Exfiltration:S3/AnomalousBehavior
 * (High), Write → Impact:S3/AnomalousBehavior.Write (Medium), Delete → .Delete (High),
 * Permission → .Permission (High). One finding per principal, category and bucket. The account
 * and organisation keep S3 profiles too (buckets, APIs; the account also networks and clients):
 * they are not scored, they explain — the finding names what none of their principals did before.
 */
import { defineDetector, type KeyedState } from '../../engine/index.js';
import type { CloudTrailEvent } from '../../core/index.js';
import { apiCallAction, fromCloudTrail, param, s3BucketResource, userNameOf } from '../common/cloudtrail.js';
import { baselineConfig } from './config.js';
import { anomalyDetection, netOf, netText, type Scope } from './common.js';
import { dayOf, daysBefore, frequencyBefore, mature, newProfile, observe, touch, type Profile } from './profile.js';
import { S3_ANOMALY_TYPE, S3_CATEGORY_OF, type S3Category } from './tactics.js';

const CATEGORIES: S3Category[] = ['Discovery', 'Read', 'Write', 'Delete', 'Permission'];
const HOUR_MS = 3_600_000;
export const S3_VOLUME_MIN = 200;
export const S3_VOLUME_FACTOR = 10;
const ORG_ALL = 'organization';
/** Caps of the account and organisation S3 profiles (they saturate rather than evict). */
const WIDE_BUCKETS = 4_096, WIDE_VALUES = 1_024;

/** Hourly counts per category: current hour, its counts, the busiest hour before, the hour last reported. */
interface Volume { h: number; c: number[]; m: number[]; r: number[] }

export function bucketOf(e: CloudTrailEvent): string {
  const b = param(e, 'bucketName');
  return typeof b === 'string' ? b : '';
}

export const s3Anomaly = defineDetector({
  id: 's3-anomaly',
  description: 'S3 object-level calls unusual for the principal: new buckets or APIs from an unusual place, or unusual volume',
  kinds: ['cloudtrail'],
  findingTypes: CATEGORIES.map((c) => S3_ANOMALY_TYPE[c].type),
  onEvent(e, ctx) {
    if (!e.enrich.dataEvent || e.eventSource !== 's3.amazonaws.com' || e.enrich.principal === '') return;
    const cat = S3_CATEGORY_OF.get(e.eventName);
    if (cat === undefined) return;
    const c = baselineConfig();
    const profiles = ctx.state<Profile>('principals', { maxEntries: c.maxPrincipals, ttlMs: c.retentionMs });
    const volumes = ctx.state<Volume>('volume', { maxEntries: c.maxPrincipals, ttlMs: 7 * 86_400_000 });
    const accounts = ctx.state<Profile>('accounts', { maxEntries: 100_000, ttlMs: c.retentionMs });
    const orgs = ctx.state<Profile>('orgs', { maxEntries: 1_000, ttlMs: c.retentionMs });
    const orgKey = e.enrich.orgId || ORG_ALL;
    const key = e.enrich.principal;
    const bucket = bucketOf(e);
    const day = dayOf(e.time);
    let p = profiles.get(key);
    const isMature = mature(p, c.learningDays);

    // volume, per hour
    const hour = Math.floor(e.time / HOUR_MS);
    let v = volumes.get(key);
    if (!v) { v = { h: hour, c: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0], r: [-1, -1, -1, -1, -1] }; volumes.set(key, v); }
    if (hour > v.h) {
      for (let i = 0; i < 5; i++) { if (v.c[i] > v.m[i]) v.m[i] = v.c[i]; v.c[i] = 0; }
      v.h = hour;
      volumes.set(key, v);
    }
    const ci = CATEGORIES.indexOf(cat);
    if (hour === v.h) v.c[ci]++;
    let volumeHit = false;
    if (isMature && cat !== 'Discovery' && cat !== 'Permission' && hour === v.h && v.r[ci] !== hour
      && v.c[ci] > S3_VOLUME_MIN && v.c[ci] > S3_VOLUME_FACTOR * v.m[ci]) {
      v.r[ci] = hour;
      volumeHit = true;
    }

    if (isMature && p) {
      const reasons: string[] = [];
      const scope: Scope = { name: key, profile: p, unusual: [] };
      if (volumeHit) reasons.push(`${v.c[ci]} ${cat.toLowerCase()} calls this hour; the busiest hour before had ${v.m[ci]}`);
      const newBucket = bucket !== '' && daysBefore(p, 'bucket', bucket, day) === 0;
      const newApi = daysBefore(p, 'api', e.eventName, day) === 0;
      if (!volumeHit && (newBucket || newApi)) {
        let s = 0;
        const net = netOf(e);
        const netSeen = frequencyBefore(p, 'net', net, day);
        if (netSeen === 'UNSEEN') { s += 2; reasons.push(`network ${netText(e)} was never used by this principal for S3`); scope.unusual.push(['net', 'asnOrg', net, netText(e)]); } else if (netSeen === 'RARE') { s += 1; reasons.push(`network ${netText(e)} is rarely used by this principal for S3`); scope.unusual.push(['net', 'asnOrg', net, netText(e)]); }
        const ua = e.enrich.uaFamily;
        if (ua && daysBefore(p, 'ua', ua, day) === 0) { s += 2; reasons.push(`user-agent family ${ua} was never used by this principal for S3`); scope.unusual.push(['ua', 'userAgent', ua, ua]); }
        const cc = e.enrich.country;
        if (cc && daysBefore(p, 'cc', cc, day) === 0) { s += 1; reasons.push(`country ${cc} was never seen for this principal`); scope.unusual.push(['cc', 'country', cc, cc]); }
        if (s >= c.minScore) {
          if (newBucket) { reasons.unshift(`bucket ${bucket} was never accessed by this principal`); scope.unusual.unshift(['bucket', 'bucket', bucket, bucket]); }
          if (newApi) { reasons.unshift(`API ${e.eventName} was never called by this principal`); scope.unusual.unshift(['api', 'api', e.eventName, e.eventName]); }
        } else reasons.length = 0;
      }
      if (reasons.length) {
        if (volumeHit) scope.unusual.push(['api', 'api', e.eventName, `${e.eventName}: ${v.c[ci]} calls in one hour`]);
        const t = S3_ANOMALY_TYPE[cat];
        const acct = accounts.get(e.accountId), org = orgs.get(orgKey);
        const wide = wideScopes(e, bucket, day, acct, org, c.learningDays);
        ctx.emit({
          ...fromCloudTrail(e),
          type: t.type,
          severity: t.severity,
          key: `${key}|${cat}|${bucket}`,
          resourceRole: 'TARGET',
          resource: s3BucketResource(e, bucket),
          action: apiCallAction(e, bucket ? { bucketName: bucket } : undefined),
          title: `Unusual ${cat === 'Read' ? 'read' : cat.toLowerCase()} activity on S3 bucket ${bucket || '(unnamed)'} by ${userNameOf(e) || 'a principal'}.`,
          description: `The S3 API ${e.eventName} was invoked on ${bucket || 'a bucket'} by ${e.identity.arn ?? key} in a way this principal had not shown before: ${reasons.join('; ')}.`,
          additionalInfo: { profile: key, category: cat, bucket, reasons, hourlyCalls: v.c[ci], busiestHourBefore: v.m[ci], frequencies: frequencies(e, bucket, day, p, acct, org) },
          detection: anomalyDetection([scope, ...wide], day),
        });
      }
    }

    // learn
    if (!p) { p = newProfile(e.time); profiles.set(key, p); }
    const prevLast = p.l;
    let changed = touch(p, e.time, day);
    if (bucket) changed = observe(p, 'bucket', bucket, day, c.maxApis) || changed;
    changed = observe(p, 'api', e.eventName, day, c.maxValues) || changed;
    changed = observe(p, 'net', netOf(e), day, c.maxValues) || changed;
    if (e.enrich.uaFamily) changed = observe(p, 'ua', e.enrich.uaFamily, day, c.maxValues) || changed;
    if (e.enrich.country) changed = observe(p, 'cc', e.enrich.country, day, c.maxValues) || changed;
    if (changed || e.time - prevLast > HOUR_MS) profiles.set(key, p);
    // nothing new for the principal → nothing new for its account and organisation (see iam-anomaly)
    if (!changed) return;
    learnWide(accounts, e.accountId, e, bucket, day, true);
    learnWide(orgs, orgKey, e, bucket, day, false);
  },
});

/** The account's (every feature) or the organisation's (buckets and APIs) S3 profile learns a call; saturating caps. */
function learnWide(store: KeyedState<Profile>, k: string, e: CloudTrailEvent, bucket: string, day: number, all: boolean): void {
  let p = store.get(k);
  let changed = false;
  if (!p) { p = newProfile(e.time); changed = true; }
  const prevLast = p.l;
  changed = touch(p, e.time, day) || changed;
  if (bucket) changed = observe(p, 'bucket', bucket, day, WIDE_BUCKETS, false) || changed;
  changed = observe(p, 'api', e.eventName, day, WIDE_VALUES, false) || changed;
  if (all) {
    changed = observe(p, 'net', netOf(e), day, WIDE_VALUES, false) || changed;
    if (e.enrich.uaFamily) changed = observe(p, 'ua', e.enrich.uaFamily, day, WIDE_VALUES, false) || changed;
  }
  if (changed || e.time - prevLast > HOUR_MS) store.set(k, p);
}

/** The account and organisation scopes of the explanation: the bucket, API, network, client none of their principals used. */
function wideScopes(e: CloudTrailEvent, bucket: string, day: number, acct: Profile | undefined, org: Profile | undefined, learningDays: number): Scope[] {
  const out: Scope[] = [];
  const net = netOf(e), ua = e.enrich.uaFamily;
  if (mature(acct, learningDays)) {
    const s: Scope = { name: e.accountId, profile: acct, unusual: [] };
    if (bucket && daysBefore(acct, 'bucket', bucket, day) === 0) s.unusual.push(['bucket', 'bucket', bucket, bucket]);
    if (daysBefore(acct, 'api', e.eventName, day) === 0) s.unusual.push(['api', 'api', e.eventName, e.eventName]);
    if (daysBefore(acct, 'net', net, day) === 0) s.unusual.push(['net', 'asnOrg', net, netText(e)]);
    if (ua && daysBefore(acct, 'ua', ua, day) === 0) s.unusual.push(['ua', 'userAgent', ua, ua]);
    out.push(s);
  }
  if (mature(org, learningDays)) {
    const s: Scope = { name: ORG_ALL, profile: org, unusual: [] };
    if (bucket && daysBefore(org, 'bucket', bucket, day) === 0) s.unusual.push(['bucket', 'bucket', bucket, bucket]);
    if (daysBefore(org, 'api', e.eventName, day) === 0) s.unusual.push(['api', 'api', e.eventName, e.eventName]);
    out.push(s);
  }
  return out;
}

/** How often each value of the call was seen before today: principal, account, organisation. */
function frequencies(e: CloudTrailEvent, bucket: string, day: number, p: Profile, acct: Profile | undefined, org: Profile | undefined): Record<string, Record<string, string>> {
  const values: [feature: string, label: string, value: string][] = [['bucket', 'bucket', bucket], ['api', 'api', e.eventName],
    ['net', 'asnOrg', netOf(e)], ['ua', 'userAgent', e.enrich.uaFamily], ['cc', 'country', e.enrich.country]];
  const of = (q: Profile | undefined, features: string[]) => Object.fromEntries(values.filter(([f, , v]) => v !== '' && features.includes(f))
    .map(([f, label, v]) => [label, q ? frequencyBefore(q, f, v, day) : 'UNSEEN']));
  return { principal: of(p, ['bucket', 'api', 'net', 'ua', 'cc']), account: of(acct, ['bucket', 'api', 'net', 'ua']), organization: of(org, ['bucket', 'api']) };
}
