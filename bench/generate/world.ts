/**
 * The shared setting the three generators draw from: a fixed 50-account organisation, its
 * regions, address helpers (private VPC ranges and globally routable public addresses) and the
 * start of the simulated day. Everything derives from the seed.
 */
import { Prng, weights } from '../prng.js';

/** Simulated data starts here (UTC). */
export const START_MS = Date.UTC(2026, 2, 2, 0, 0, 0);

export const REGIONS = weights([
  ['us-east-1', 50], ['us-west-2', 20], ['eu-west-1', 15], ['ap-southeast-2', 10], ['eu-central-1', 5],
] as const);

/** First octets of large, publicly routed blocks (cloud providers, CDNs, ISPs). */
const PUBLIC_FIRST_OCTETS = [3, 13, 18, 23, 31, 34, 35, 44, 46, 52, 54, 62, 78, 81, 91, 99, 104, 109, 128, 142, 151, 176, 185, 188, 193, 212];

export function accounts(seed: number, n = 50): string[] {
  const rng = new Prng(seed ^ 0xacc0);
  const out = new Set<string>();
  while (out.size < n) out.add(String(rng.range(100_000_000_000, 999_999_999_999)));
  return [...out];
}

export function publicIp(rng: Prng): string {
  return `${rng.pick(PUBLIC_FIRST_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

/** An address inside 10.<net>.0.0/16. */
export function privateIp(rng: Prng, net: number): string {
  return `10.${net}.${rng.range(0, 63)}.${rng.range(4, 254)}`;
}

export function pad2(n: number): string { return n < 10 ? `0${n}` : String(n); }

/** `2026-03-02T10:15:00Z` (whole seconds, as CloudTrail and Route 53 write them). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `2026/03/02` for S3 key prefixes. */
export function datePath(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}`;
}

/** `20260302T1015Z` as in AWS log file names. */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}Z`;
}
