/**
 * Behaviour profiles: for one scope (a principal, an account, an organisation) how often each
 * value of each feature (API name, ASN, country, user-agent family, identity type, S3 bucket…)
 * was seen. Designed for the per-event path:
 *  - a feature is a plain object value → one number packing (days seen, last day seen), a small
 *    integer V8 stores unboxed, so a repeat on the same day is one property read and no write;
 *  - features are capped (the stalest value goes when a new one arrives at the cap);
 *  - everything is plain JSON, so the keyed state store snapshots and restores it as is.
 * Frequencies follow GuardDuty's buckets over the profile's span: FREQUENT (about weekly or more),
 * INFREQUENT (a few times a month), RARE (less than that), UNSEEN (never).
 */

export const DAY_MS = 86_400_000;
const DAY_BITS = 32_768; // days since 1970 fit in 15 bits until 2059

export type Feature = Record<string, number>;

export interface Profile {
  /** First and last event time (ms). */
  f: number;
  l: number;
  /** Days with activity, and the last of them (day number). */
  d: number;
  ld: number;
  /** Feature name → value → packed (days seen × 2^15 + last day). */
  x: Record<string, Feature>;
  /** Feature name → number of values held (so the cap needs no counting). */
  n: Record<string, number>;
  /** Features that reached their cap without eviction (wide scopes): unseen values there are not news. */
  s?: Record<string, 1>;
}

export type Subtype = 'FREQUENT' | 'INFREQUENT' | 'RARE' | 'UNSEEN';

export interface AnomalyObject {
  profileType: 'FREQUENCY';
  profileSubtype: Subtype;
  observations: { text: string[] };
}

export function newProfile(time: number): Profile {
  return { f: time, l: time, d: 0, ld: -1, x: {}, n: {} };
}

export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** Days this value was seen (0 = never). */
export function daysSeen(p: Profile, feature: string, value: string | number): number {
  const v = p.x[feature]?.[value];
  return v === undefined ? 0 : Math.floor(v / DAY_BITS);
}

/**
 * Days this value was seen before `day` (today's sightings do not count): what a burst of calls
 * is compared with, so an attacker's new network is still new at the burst's tenth call.
 */
export function daysBefore(p: Profile, feature: string, value: string | number, day: number): number {
  const v = p.x[feature]?.[value];
  if (v === undefined) return p.s?.[feature] ? 1 : 0;
  const days = Math.floor(v / DAY_BITS);
  return v % DAY_BITS === day ? days - 1 : days;
}

/** The subtype of a value as of the start of `day`. */
export function frequencyBefore(p: Profile, feature: string, value: string | number, day: number): Subtype {
  return subtype(daysBefore(p, feature, value, day), spanDays(p));
}

/**
 * Records one observation of `value` on `day`. Returns true when the profile changed (a new value
 * or a new day for it), so callers refresh the state entry only then. At the cap, a principal's
 * profile (`evict`) drops its stalest value — rare, and a scan of at most `cap` values; a wide
 * scope (account, organisation) stops adding values instead and marks the feature saturated, so a
 * busy account never pays a scan per event.
 */
export function observe(p: Profile, feature: string, value: string | number, day: number, cap: number, evict = true): boolean {
  let f = p.x[feature];
  if (!f) { p.x[feature] = f = {}; p.n[feature] = 0; }
  const v = f[value];
  if (v !== undefined) {
    // days only move forward: an event older than the value's last day (files of another region
    // or account read later) may or may not be a new day for it, so it never counts twice
    if (day <= v % DAY_BITS) return false;
    f[value] = (Math.floor(v / DAY_BITS) + 1) * DAY_BITS + day;
    return true;
  }
  if (p.n[feature] >= cap) {
    if (!evict) {
      if (p.s?.[feature]) return false;
      (p.s ??= {})[feature] = 1;
      return true;
    }
    let stalest = '', oldest = Infinity;
    for (const k in f) {
      const last = f[k] % DAY_BITS;
      if (last < oldest) { oldest = last; stalest = k; }
    }
    delete f[stalest];
    p.n[feature]--;
  }
  f[value] = DAY_BITS + day;
  p.n[feature]++;
  return true;
}

/** Marks the profile active at `time`; true when a new day began. */
export function touch(p: Profile, time: number, day: number): boolean {
  if (time > p.l) p.l = time;
  if (time < p.f) p.f = time;
  if (day <= p.ld) return false;
  p.ld = day;
  p.d++;
  return true;
}

/** Span of the profile in days (at least 1). */
export function spanDays(p: Profile): number {
  return Math.max(1, (p.l - p.f) / DAY_MS);
}

/** GuardDuty's frequency bucket for a value seen on `days` days of a profile spanning `span` days. */
export function subtype(days: number, span: number): Subtype {
  if (days === 0) return 'UNSEEN';
  const perWeek = (days * 7) / Math.max(span, 7);
  if (perWeek >= 1) return 'FREQUENT';
  const perMonth = (days * 30) / Math.max(span, 30);
  return perMonth >= 2 ? 'INFREQUENT' : 'RARE';
}

/** The subtype of a value in a profile. */
export function frequency(p: Profile, feature: string, value: string | number): Subtype {
  return subtype(daysSeen(p, feature, value), spanDays(p));
}

/** The usual values of a feature, most-seen first, as "value (seen on N of M days)" texts grouped by subtype. */
export function usual(p: Profile, feature: string, label: (v: string) => string = (v) => v, max = 5): AnomalyObject[] {
  const f = p.x[feature];
  if (!f) return [];
  const span = spanDays(p);
  const rows = Object.entries(f).map(([k, v]) => [k, Math.floor(v / DAY_BITS)] as const).sort((a, b) => b[1] - a[1]).slice(0, max);
  const by = new Map<Subtype, string[]>();
  for (const [k, days] of rows) {
    const s = subtype(days, span);
    if (!by.has(s)) by.set(s, []);
    by.get(s)!.push(`${label(k)} (seen on ${days} of ${Math.ceil(span)} days)`);
  }
  return [...by].map(([s, text]) => ({ profileType: 'FREQUENCY', profileSubtype: s, observations: { text } }));
}

/** The anomaly object for one observed value. */
export function unusualObject(p: Profile | undefined, feature: string, value: string | number, text: string, day: number): AnomalyObject {
  const days = p ? daysBefore(p, feature, value, day) : 0;
  const s = p ? subtype(days, spanDays(p)) : 'UNSEEN';
  return { profileType: 'FREQUENCY', profileSubtype: s, observations: { text: [days ? `${text} (seen on ${days} days before)` : `${text} (never seen before)`] } };
}

/** Profile is past its learning period (event time covered, in days). */
export function mature(p: Profile | undefined, learningDays: number): p is Profile {
  return p !== undefined && p.l - p.f >= learningDays * DAY_MS;
}
