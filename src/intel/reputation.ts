/**
 * Domain reputation: a score built from features of the queried name and what the environment
 * has seen, used for GuardDuty's four `.Reputation` DNS types. Every feature and weight is here,
 * and a finding lists the features that fired (`additionalInfo.reputation`).
 *
 * | feature          | weight | fires when |
 * |------------------|--------|------------|
 * | dynamicDns       | 3 | the name is under a dynamic-DNS or tunnelling service (duckdns, no-ip, ngrok, …) |
 * | freeHosting      | 2 | the name is under a free web-hosting service (blogspot, weebly, azurewebsites, …) |
 * | cryptoName       | 3 | a label names mining (pool, xmr, stratum, nicehash, …) |
 * | abusedTld        | 2 | the TLD is among the most abused (tk, top, xyz, zip, …) |
 * | randomLooking    | 2 | a label of 12+ characters with high character entropy and few vowels among its letters |
 * | firstSeen        | 1 | the account never queried this registered domain before (after its first day of DNS logs) |
 * | sinkholeAnswer   | 5 | a public name answered with 0.0.0.0 or a loopback address (a DNS firewall or a sinkhole) |
 *
 * Popular registered domains (data/popular-domains.txt) and names under `.internal`, `.local`,
 * `amazonaws.com` and in-addr/ip6.arpa are never scored.
 *
 * Types, first match wins:
 *  1. MaliciousDomainRequest.Reputation (High): sinkholeAnswer, or score ≥ 8.
 *  2. BitcoinDomainRequest.Reputation (High): cryptoName and score ≥ 4.
 *  3. AbusedDomainRequest.Reputation (Medium): dynamicDns or freeHosting, and score ≥ 4.
 *  4. SuspiciousDomainRequest.Reputation (Low): score ≥ 4 and (randomLooking or abusedTld).
 */
import { ABUSED_TLDS, DYNAMIC_DNS, abusedProvider, popularDomains, registeredDomain, tldOf } from './domains.js';

export const WEIGHTS = { dynamicDns: 3, freeHosting: 2, cryptoName: 3, abusedTld: 2, randomLooking: 2, firstSeen: 1, sinkholeAnswer: 5 } as const;
export type Feature = keyof typeof WEIGHTS;

const CRYPTO = /(^|[.-])(x?pool|xmr|monero|minexmr|nanopool|nicehash|stratum|miners?|mining|hashvault|supportxmr|coinhive|cryptonight|ethermine|2miners|f2pool|viabtc|antpool|moneroocean|c3pool|herominers|unmineable|hashcash|cryptominer)([.-]|\d|$)/;
const NEVER = /(^|\.)(internal|local|localhost|arpa|amazonaws\.com|amazonaws\.com\.cn|aws|compute\.internal)$/;

export interface Reputation {
  registered: string;
  score: number;
  features: Feature[];
  type?: 'Impact:EC2/MaliciousDomainRequest.Reputation' | 'Impact:EC2/BitcoinDomainRequest.Reputation'
    | 'Impact:EC2/AbusedDomainRequest.Reputation' | 'Impact:EC2/SuspiciousDomainRequest.Reputation';
}

/** Shannon entropy of a label, bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) { const p = n / s.length; h -= p * Math.log2(p); }
  return h;
}

export function randomLooking(label: string): boolean {
  if (label.length < 12) return false;
  const letters = (label.match(/[a-z]/g) ?? []).length;
  const vowels = letters ? (label.match(/[aeiouy]/g) ?? []).length / letters : 0;
  const digits = (label.match(/\d/g) ?? []).length / label.length;
  return entropy(label) >= 3.3 && (vowels < 0.3 || digits > 0.25);
}

/** Whether a name is scored at all (popular and infrastructure names are not). */
export function scorable(name: string): boolean {
  return name.includes('.') && !NEVER.test(name) && !popularDomains().has(registeredDomain(name));
}

/**
 * Scores a query. `firstSeen` says whether the environment is new to the registered domain
 * (the caller keeps that memory); `answers` are the A/AAAA answers.
 */
export function reputation(name: string, firstSeen: boolean, answers: string[]): Reputation {
  const registered = registeredDomain(name);
  const features: Feature[] = [];
  const provider = abusedProvider(name);
  if (provider) features.push(DYNAMIC_DNS.has(provider) ? 'dynamicDns' : 'freeHosting');
  if (CRYPTO.test(name)) features.push('cryptoName');
  if (ABUSED_TLDS.has(tldOf(name))) features.push('abusedTld');
  const labels = name.split('.');
  if (labels.slice(0, -1).some(randomLooking)) features.push('randomLooking');
  if (firstSeen) features.push('firstSeen');
  if (answers.some((a) => a === '0.0.0.0' || a.startsWith('127.') || a === '::' || a === '::1')) features.push('sinkholeAnswer');
  const score = features.reduce((n, f) => n + WEIGHTS[f], 0);
  const has = (f: Feature) => features.includes(f);
  let type: Reputation['type'];
  if (has('sinkholeAnswer') || score >= 8) type = 'Impact:EC2/MaliciousDomainRequest.Reputation';
  else if (has('cryptoName') && score >= 4) type = 'Impact:EC2/BitcoinDomainRequest.Reputation';
  else if ((has('dynamicDns') || has('freeHosting')) && score >= 4) type = 'Impact:EC2/AbusedDomainRequest.Reputation';
  else if (score >= 4 && (has('randomLooking') || has('abusedTld'))) type = 'Impact:EC2/SuspiciousDomainRequest.Reputation';
  return { registered, score, features, type };
}
