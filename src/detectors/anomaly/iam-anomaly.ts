/**
 * The eight `<Tactic>:IAMUser/AnomalousBehavior` types. Every management event of a principal
 * updates three profiles (the principal, its account, its organisation): API names, network
 * (AS organisation), country, user-agent family, identity type. A call of an API listed for a
 * tactic (tactics.ts) is scored against them before it is learned; it is reported when
 *  - the principal's profile is mature (VIGIL_BASELINE_LEARNING_DAYS of its events), and
 *  - the principal never called that API before, and
 *  - the context is unusual too: network never used by the principal +2 (used only rarely +1),
 *    user-agent family never used +2, country never seen +1 — at least one of these — and with
 *    API never called in the account +1, nor in the organisation +1, a score ≥ VIGIL_ANOMALY_MIN_SCORE (2).
 * So a principal doing what it always does, or a busy role calling a new API from its usual
 * network and client, stays silent. One finding per principal and tactic; repeats count.
 * The finding carries GuardDuty's `detection.anomaly` (usual profiles and the unusual values per
 * scope) and the same facts in additionalInfo. S3 data events are left to s3-anomaly.
 */
import { defineDetector, type DetectorContext, type KeyedState } from '../../engine/index.js';
import type { CloudTrailEvent, FindingCandidate } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, userNameOf } from '../common/cloudtrail.js';
import { baselineConfig } from './config.js';
import { anomalyDetection, netOf, netText, type Scope } from './common.js';
import { dayOf, daysBefore, frequencyBefore, mature, newProfile, observe, touch, type Profile } from './profile.js';
import { TACTIC_APIS, TACTIC_OF, TACTIC_SEVERITY, type Tactic } from './tactics.js';
import { perContext } from '../common/per-context.js';

const ORG_ALL = 'organization';

interface Profiles { principals: KeyedState<Profile>; accounts: KeyedState<Profile>; orgs: KeyedState<Profile> }

const stores = perContext((ctx: DetectorContext): Profiles => {
  const c = baselineConfig();
  return {
    principals: ctx.state<Profile>('principals', { maxEntries: c.maxPrincipals, ttlMs: c.retentionMs }),
    accounts: ctx.state<Profile>('accounts', { maxEntries: 100_000, ttlMs: c.retentionMs }),
    orgs: ctx.state<Profile>('orgs', { maxEntries: 1_000, ttlMs: c.retentionMs }),
  };
});

/** Caps of a wide scope (account, organisation): values it may hold before it saturates. */
const WIDE_APIS = 4_096, WIDE_VALUES = 1_024;

/**
 * Learns one event into a profile; writes the state entry only when something changed.
 * `scope`: 'principal' (every feature, evicting the stalest value at a cap), 'account' (every
 * feature, saturating) or 'org' (API names only, saturating).
 */
/** Observes the event in one scope's profile; true when it held something new (a value, or a value's or the profile's new day). */
function learn(store: KeyedState<Profile>, key: string, e: CloudTrailEvent, day: number, scope: 'principal' | 'account' | 'org'): boolean {
  const c = baselineConfig();
  let p = store.get(key);
  let changed = false;
  if (!p) { p = newProfile(e.time); changed = true; }
  const prevLast = p.l;
  const wide = scope !== 'principal';
  const apis = wide ? WIDE_APIS : c.maxApis, values = wide ? WIDE_VALUES : c.maxValues;
  changed = touch(p, e.time, day) || changed;
  changed = observe(p, 'api', e.eventName, day, apis, !wide) || changed;
  if (scope !== 'org') {
    changed = observe(p, 'net', netOf(e), day, values, !wide) || changed;
    if (e.enrich.country) changed = observe(p, 'cc', e.enrich.country, day, values, !wide) || changed;
    if (e.enrich.uaFamily) changed = observe(p, 'ua', e.enrich.uaFamily, day, values, !wide) || changed;
    if (e.identity.type) changed = observe(p, 'type', e.identity.type, day, values, !wide) || changed;
  }
  // refresh recency and expiry on change, and at least hourly so the profile span keeps growing in the snapshot
  if (changed || e.time - prevLast > 3_600_000) store.set(key, p);
  return changed;
}

interface Scored { score: number; reasons: string[]; scopes: Scope[]; frequencies: Record<string, Record<string, string>> }

function score(e: CloudTrailEvent, p: Profile, acct: Profile | undefined, org: Profile | undefined, learningDays: number): Scored | undefined {
  const api = e.eventName;
  const day = dayOf(e.time);
  // compared with the days before today, so a burst of calls is judged as a whole
  const seen = (q: Profile, f: string, v: string) => daysBefore(q, f, v, day);
  if (seen(p, 'api', api) > 0) return undefined;
  const reasons = [`API ${api} was never called by this principal`];
  const principal: Scope = { name: e.enrich.principal, profile: p, unusual: [['api', 'api', api, `${api} (${e.eventSource})`]] };
  const account: Scope = { name: e.accountId, profile: acct, unusual: [] };
  let s = 0;
  const net = netOf(e);
  const netSeen = frequencyBefore(p, 'net', net, day);
  if (netSeen === 'UNSEEN') { s += 2; reasons.push(`network ${netText(e)} was never used by this principal`); principal.unusual.push(['net', 'asnOrg', net, netText(e)]); } else if (netSeen === 'RARE') { s += 1; reasons.push(`network ${netText(e)} is rarely used by this principal`); principal.unusual.push(['net', 'asnOrg', net, netText(e)]); }
  const ua = e.enrich.uaFamily;
  if (ua && seen(p, 'ua', ua) === 0) { s += 2; reasons.push(`user-agent family ${ua} was never used by this principal`); principal.unusual.push(['ua', 'userAgent', ua, ua]); }
  const cc = e.enrich.country;
  if (cc && seen(p, 'cc', cc) === 0) { s += 1; reasons.push(`country ${cc} was never seen for this principal`); principal.unusual.push(['cc', 'country', cc, cc]); }
  // without an unusual network, client or country a new API is routine (a pipeline growing)
  if (s === 0) return undefined;
  if (mature(acct, learningDays) && seen(acct, 'api', api) === 0) { s += 1; reasons.push(`API ${api} was never called in account ${e.accountId}`); account.unusual.push(['api', 'api', api, api]); }
  if (mature(org, learningDays) && seen(org, 'api', api) === 0) { s += 1; reasons.push(`API ${api} was never called in the organisation`); }
  if (account.unusual.length && acct) {
    if (seen(acct, 'net', net) === 0) account.unusual.push(['net', 'asnOrg', net, netText(e)]);
    if (ua && seen(acct, 'ua', ua) === 0) account.unusual.push(['ua', 'userAgent', ua, ua]);
  }
  const organization: Scope = { name: ORG_ALL, profile: org, unusual: mature(org, learningDays) && seen(org, 'api', api) === 0 ? [['api', 'api', api, api]] : [] };
  return { score: s, reasons, scopes: [principal, account, organization], frequencies: frequencies(e, p, acct, org) };
}

/**
 * How often each value of the call was seen before today at each level (GuardDuty's buckets):
 * the principal and its account for every feature, the organisation for the API name.
 */
function frequencies(e: CloudTrailEvent, p: Profile, acct: Profile | undefined, org: Profile | undefined): Record<string, Record<string, string>> {
  const day = dayOf(e.time);
  const values: [feature: string, label: string, value: string][] = [['api', 'api', e.eventName], ['net', 'asnOrg', netOf(e)],
    ['ua', 'userAgent', e.enrich.uaFamily], ['cc', 'country', e.enrich.country], ['type', 'userType', e.identity.type ?? '']];
  const of = (q: Profile | undefined, only?: string) => Object.fromEntries(values.filter(([f, , v]) => v !== '' && (!only || f === only))
    .map(([f, label, v]) => [label, q ? frequencyBefore(q, f, v, day) : 'UNSEEN']));
  return { principal: of(p), account: of(acct), organization: of(org, 'api') };
}

export const iamAnomaly = defineDetector({
  id: 'iam-anomaly',
  description: 'API calls unusual for the principal, its account and organisation (behaviour baselines)',
  kinds: ['cloudtrail'],
  findingTypes: (Object.keys(TACTIC_APIS) as Tactic[]).map((t) => `${t}:IAMUser/AnomalousBehavior`),
  onEvent(e, ctx) {
    const principal = e.enrich.principal;
    if (principal === '' || e.enrich.dataEvent) return;
    const st = stores(ctx);
    const day = dayOf(e.time);
    const org = e.enrich.orgId || ORG_ALL;
    const tactic = TACTIC_OF.get(e.eventName);
    if (tactic !== undefined) {
      const c = baselineConfig();
      const p = st.principals.get(principal);
      if (mature(p, c.learningDays)) {
        const r = score(e, p, st.accounts.get(e.accountId), st.orgs.get(org), c.learningDays);
        if (r && r.score >= c.minScore) emit(e, tactic, r, ctx.emit);
      }
    }
    // the account and organisation profiles observe every event of their principals, so an event
    // with nothing new for its principal (the common repeat: same API, network, client, day) has
    // nothing new for them either; they still see each principal's first event of every day
    if (!learn(st.principals, principal, e, day, 'principal')) return;
    learn(st.accounts, e.accountId, e, day, 'account');
    learn(st.orgs, org, e, day, 'org');
  },
});

function emit(e: CloudTrailEvent, tactic: Tactic, r: Scored, out: (c: FindingCandidate) => void): void {
  const who = e.identity.arn ?? e.enrich.principal;
  out({
    ...fromCloudTrail(e),
    type: `${tactic}:IAMUser/AnomalousBehavior`,
    severity: TACTIC_SEVERITY[tactic],
    key: `${e.enrich.principal}|${tactic}`,
    resourceRole: 'TARGET',
    resource: accessKeyResource(e),
    action: apiCallAction(e),
    title: `The API ${e.eventName} was invoked in an unusual way by ${userNameOf(e) || 'a principal'}.`,
    description: `APIs commonly used in ${tactic} tactics were invoked by ${who} in a way this principal had not shown before: `
      + `${r.reasons.join('; ')}.`,
    additionalInfo: {
      profile: e.enrich.principal,
      tactic,
      score: r.score,
      reasons: r.reasons,
      unusual: Object.fromEntries(r.scopes[0].unusual.map(([, label, , text]) => [label, text])),
      frequencies: r.frequencies,
    },
    detection: anomalyDetection(r.scopes, dayOf(e.time)),
  });
}
