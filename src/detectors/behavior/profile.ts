/**
 * Per-instance network profiles: what an instance has done on the network towards public hosts,
 * kept in keyed state (plain JSON, persisted with every checkpoint) and bounded per instance:
 *
 * | field | what | bound |
 * |---|---|---|
 * | `p`  | remote ports of connections the instance opened (key protocol×65536+port) | maxPorts, then "wide" (`ps`) |
 * | `pr` | IP protocols it sent | 256 |
 * | `r`  | public DNS resolvers it queried (port 53) | maxResolvers, then "wide" (`rs`) |
 * | `h`, `t` | DNS-over-HTTPS servers (443 to a known DoH address), DNS-over-TLS servers (853) | maxResolvers each |
 * | `pa`/`pd` | peers: 64 hashed slots (address, days seen); a collision replaces | 64 |
 * | `va`/`vb` | bytes sent per public peer in the current hour (parallel arrays, reused) | 64 peers |
 * | `vm`, `vtm` | largest completed hourly volume to one peer, and to all public peers | 2 numbers |
 *
 * Frequencies are packed like the CloudTrail profiles: days seen × 2^15 + last day seen, so a
 * repeat on the same day is one read and no write.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const DAY_BITS = 32_768;
export const PEER_SLOTS = 64;
const MAX_HOUR_PEERS = 64;

export type Freq = Record<string, number>;

export interface NetProfile {
  /** First and last event time (ms), days with activity and the last of them. */
  f: number; l: number; d: number; ld: number;
  p: Freq; pn: number; ps?: 1;
  pr: Freq;
  r: Freq; rn: number; rs?: 1;
  h: Freq; hn: number;
  t: Freq; tn: number;
  pa: number[]; pd: number[];
  /** Volume: current hour, peers and bytes sent to each this hour, peers reported this hour. */
  vh: number; va: number[]; vb: number[]; vx: number[];
  /** Bytes to all public peers this hour; largest completed hour to one peer and in total. */
  vt: number; vm: number; vtm: number;
  /** Spambot window: start, distinct SMTP hosts, reported. */
  ss: number; sv: number[]; sx: number;
  /** NetworkPortUnusual findings raised on day `ud` (capped per day). */
  ud: number; un: number;
}

export function newProfile(time: number): NetProfile {
  return {
    f: time, l: time, d: 0, ld: -1, p: {}, pn: 0, pr: {}, r: {}, rn: 0, h: {}, hn: 0, t: {}, tn: 0,
    pa: new Array<number>(PEER_SLOTS).fill(-1), pd: new Array<number>(PEER_SLOTS).fill(0),
    vh: Math.floor(time / HOUR_MS), va: [], vb: [], vx: [], vt: 0, vm: 0, vtm: 0, ss: 0, sv: [], sx: 0, ud: -1, un: 0,
  };
}

export function dayOf(time: number): number { return Math.floor(time / DAY_MS); }

/** Marks activity; true when a new day began (the caller then refreshes the state entry). */
export function touch(p: NetProfile, time: number, day: number): boolean {
  if (time > p.l) p.l = time;
  if (time < p.f) p.f = time;
  if (day <= p.ld) return false; // days only move forward: a late record of an earlier day is not a new day
  p.ld = day;
  p.d++;
  return true;
}

/** The profile has observed long enough (learning period of event time, and at least two active days). */
export function mature(p: NetProfile, time: number, learningMs: number): boolean {
  return learningMs <= 0 || (time - p.f >= learningMs && p.d >= 2);
}

/** Days a value was seen before `day` (today's sightings do not count). */
export function daysBefore(f: Freq, value: number, day: number): number {
  const v = f[value];
  if (v === undefined) return 0;
  const days = Math.floor(v / DAY_BITS);
  return v % DAY_BITS === day ? days - 1 : days;
}

export function daysOf(packed: number): number { return Math.floor(packed / DAY_BITS); }

/**
 * Records `value` on `day` in a capped frequency map. Returns 1 for a value never seen, 2 for a
 * known value on a new day, 0 otherwise, and -1 when the map is full (the value is not kept).
 */
export function observe(f: Freq, value: number, day: number, size: number, cap: number): number {
  const v = f[value];
  if (v !== undefined) {
    if (v % DAY_BITS >= day) return 0; // same day, or a late record of an earlier one
    f[value] = (Math.floor(v / DAY_BITS) + 1) * DAY_BITS + day;
    return 2;
  }
  if (size >= cap) return -1;
  f[value] = DAY_BITS + day;
  return 1;
}

function slot(ip: number): number { return Math.imul(ip, 0x9e3779b1) >>> 26; }

/** Records a peer; returns how many days it was seen before `day` (0 = new, or lost to a collision). */
export function observePeer(p: NetProfile, ip: number, day: number): number {
  const s = slot(ip);
  if (p.pa[s] !== ip) { p.pa[s] = ip; p.pd[s] = DAY_BITS + day; return 0; }
  const v = p.pd[s];
  const days = Math.floor(v / DAY_BITS);
  if (v % DAY_BITS === day) return days - 1;
  if (v % DAY_BITS > day) return days;
  p.pd[s] = (days + 1) * DAY_BITS + day;
  return days;
}

/** Days a peer was seen before `day` (as far as its slot remembers). */
export function peerDays(p: NetProfile, ip: number, day: number): number {
  const s = slot(ip);
  if (p.pa[s] !== ip) return 0;
  const v = p.pd[s], days = Math.floor(v / DAY_BITS);
  return v % DAY_BITS === day ? days - 1 : days;
}

/** Moves the volume window to `hour`, folding the hour that ends into the learned maxima (hours that raised a finding are not learned). */
export function rollHour(p: NetProfile, hour: number): void {
  if (hour <= p.vh) return;
  p.vh = hour;
  const n = p.va.length;
  if (n === 0) { p.vt = 0; return; }
  let top = 0;
  for (let i = 0; i < n; i++) if (p.vb[i] > top && (p.vx.length === 0 || !p.vx.includes(p.va[i]))) top = p.vb[i];
  if (top > p.vm) p.vm = top;
  if (p.vx.length === 0 && p.vt > p.vtm) p.vtm = p.vt;
  p.va.length = 0; p.vb.length = 0; p.vx.length = 0; p.vt = 0;
}

/** Adds bytes sent to a peer in the current hour; returns the hour's total to that peer (-1 when the hour tracks too many peers). */
export function addBytes(p: NetProfile, ip: number, bytes: number): number {
  p.vt += bytes;
  const i = p.va.indexOf(ip);
  if (i >= 0) return (p.vb[i] += bytes);
  if (p.va.length >= MAX_HOUR_PEERS) return -1;
  p.va.push(ip); p.vb.push(bytes);
  return bytes;
}

/** The most-seen values of a frequency map, as "value (seen on N of M days)" texts. */
export function usualValues(f: Freq, label: (v: number) => string, activeDays: number, except = -1, max = 5): string[] {
  return Object.entries(f).map(([k, v]) => [Number(k), daysOf(v)] as const).filter(([k]) => k !== except).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, max)
    .map(([k, d]) => `${label(k)} (seen on ${d} of ${activeDays} days)`);
}

/** GuardDuty's frequency bucket for a value seen on `days` of `span` days. */
export function subtype(days: number, span: number): 'FREQUENT' | 'INFREQUENT' | 'RARE' | 'UNSEEN' {
  if (days <= 0) return 'UNSEEN';
  if ((days * 7) / Math.max(span, 7) >= 1) return 'FREQUENT';
  return (days * 30) / Math.max(span, 30) >= 2 ? 'INFREQUENT' : 'RARE';
}
