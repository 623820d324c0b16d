/**
 * Impact:EC2/MaliciousDomainRequest.Reputation (High), BitcoinDomainRequest.Reputation (High),
 * AbusedDomainRequest.Reputation (Medium) and SuspiciousDomainRequest.Reputation (Low): DNS
 * queries for names the reputation model (src/intel/reputation.ts) scores as bad. "First seen"
 * is remembered per account in keyed state, and only counts once the account has a day of DNS
 * history (so the first scan of a new environment does not flag everything as new). Queries
 * already matched by a threat list are left to the list-based detector.
 * One finding per type, instance and registered domain.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { dnsAction, dnsInstanceResource, dnsResourceKey } from '../common/network.js';
import { reputation, scorable } from '../../intel/reputation.js';
import { registeredDomain } from '../../intel/domains.js';

const SEVERITIES: Record<string, number> = {
  'Impact:EC2/MaliciousDomainRequest.Reputation': SEVERITY.High,
  'Impact:EC2/BitcoinDomainRequest.Reputation': SEVERITY.High,
  'Impact:EC2/AbusedDomainRequest.Reputation': SEVERITY.Medium,
  'Impact:EC2/SuspiciousDomainRequest.Reputation': SEVERITY.Low,
};
const WHAT: Record<string, string> = {
  'Impact:EC2/MaliciousDomainRequest.Reputation': 'a domain with a reputation for malicious activity',
  'Impact:EC2/BitcoinDomainRequest.Reputation': 'a low-reputation domain associated with cryptocurrency mining',
  'Impact:EC2/AbusedDomainRequest.Reputation': 'a low-reputation domain under a commonly abused service',
  'Impact:EC2/SuspiciousDomainRequest.Reputation': 'a suspicious, rarely seen domain',
};
const LEARNING_MS = 86_400_000;

export const dnsReputation = defineDetector({
  id: 'dns-reputation',
  description: 'DNS queries for low-reputation domains (scored: abused providers, mining names, abused TLDs, random labels, first seen, sinkhole answers)',
  kinds: ['dns'],
  findingTypes: Object.keys(SEVERITIES),
  onEvent(e, ctx) {
    // every query counts towards the account's DNS history, scored or not
    const since = ctx.state<number>('history-start', { ttlMs: 400 * 86_400_000, maxEntries: 100_000 });
    let start = since.get(e.accountId);
    if (start === undefined || e.time < start) since.set(e.accountId, (start = e.time));
    if (e.enrich.intel !== 0) return; // a list already named it
    const name = e.queryName;
    if (!scorable(name)) return;
    const registered = registeredDomain(name);
    const seen = ctx.state<number>('seen-domains', { ttlMs: 30 * 86_400_000, maxEntries: 500_000 });
    const key = `${e.accountId}|${registered}`;
    const known = seen.get(key) !== undefined;
    seen.set(key, e.time);
    const firstSeen = !known && e.time - start >= LEARNING_MS;
    const answers: string[] = [];
    for (const a of e.answers) if (typeof a?.Rdata === 'string' && (a.Type === 'A' || a.Type === 'AAAA')) answers.push(a.Rdata);
    const r = reputation(name, firstSeen, answers);
    if (!r.type) return;
    const who = e.instanceId || e.srcAddr;
    ctx.emit({
      type: r.type,
      severity: SEVERITIES[r.type],
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: `${dnsResourceKey(e)}|${r.registered}`,
      resourceRole: 'ACTOR',
      resource: dnsInstanceResource(e),
      action: dnsAction(e),
      title: `EC2 instance ${who} is querying ${WHAT[r.type]}.`,
      description: `EC2 instance ${who} queried ${name}. Its reputation score is ${r.score} from: ${r.features.join(', ')} (see the reputation model in the documentation).`,
      additionalInfo: { domain: name, registeredDomain: r.registered, reputation: { score: r.score, features: r.features } },
    });
  },
});
