/**
 * Trojan:EC2/DGADomainRequest.B and Trojan:EC2/DGADomainRequest.C!DNS (High): queries for
 * algorithmically generated domains, scored by the DGA model (dga-model.ts, trained by
 * scripts/train-dga.ts). The registered domain's label is scored; names under popular domains,
 * AWS and internal suffixes, reverse zones and labels shorter than 6 characters are not.
 *  - .B: one query whose name scores at or above the model threshold. One finding per instance
 *    (occurrences aggregate; the latest domain is shown).
 *  - .C!DNS: the DGA pattern over time: ≥ 5 distinct such registered domains from one instance
 *    within 30 minutes, most of them NXDOMAIN (malware walking its generated list until one
 *    resolves). One finding per instance.
 * Queries a threat list already named are left to the list-based detector.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY, type DnsEvent } from '../../core/index.js';
import { dnsAction, dnsResourceKey } from '../common/network.js';
import { scorable } from '../../intel/reputation.js';
import { dgaModel, scoreLabel, scoredLabel } from './dga-model.js';
import { dnsResource } from '../behavior/resource.js';

export const DGA = { minLabel: 6, burstWindowMs: 30 * 60_000, burstDomains: 5, burstNxShare: 0.5 };

/** Scores of registered domains (a pure function of the name, memoised; cleared when full). */
const memo = new Map<string, number>();

export function dgaScore(name: string): { registered: string; score: number } {
  const { label, tld, registered } = scoredLabel(name);
  let s = memo.get(registered);
  if (s === undefined) {
    s = label.length < DGA.minLabel || /^\d+$/.test(label) ? 0 : scoreLabel(dgaModel(), label, tld);
    if (memo.size >= 50_000) memo.clear();
    memo.set(registered, s);
  }
  return { registered, score: s };
}

/** Burst window per instance: start, distinct DGA domains (up to the threshold), NXDOMAIN count, reported. */
interface Burst { s: number; d: string[]; nx: number; hit: boolean }

function emit(e: DnsEvent, type: string, key: string, title: string, description: string, info: Record<string, unknown>) {
  return {
    type, severity: SEVERITY.High, accountId: e.accountId, region: e.region, time: e.time, key,
    resourceRole: 'ACTOR' as const, resource: dnsResource(e), action: dnsAction(e), title, description, additionalInfo: info,
  };
}

export const dgaDomainRequest = defineDetector({
  id: 'dga-domain-request',
  description: 'queries for algorithmically generated domains (DGA model), single names and bursts',
  kinds: ['dns'],
  findingTypes: ['Trojan:EC2/DGADomainRequest.B', 'Trojan:EC2/DGADomainRequest.C!DNS'],
  onEvent(e, ctx) {
    if (e.enrich.intel !== 0) return;
    const name = e.queryName;
    if (!scorable(name)) return;
    const { registered, score } = dgaScore(name);
    const model = dgaModel();
    if (score < model.threshold) return;
    const who = e.instanceId || e.srcAddr;
    const key = dnsResourceKey(e);
    const rounded = Math.round(score * 1000) / 1000;
    ctx.emit(emit(e, 'Trojan:EC2/DGADomainRequest.B', key,
      `EC2 instance ${who} is querying algorithmically generated domains.`,
      `EC2 instance ${who} queried ${name}; the DGA model scores its registered domain ${registered} ${rounded} (threshold ${model.threshold}). `
      + 'Malware generates such names to find its command and control server.',
      { domain: name, registeredDomain: registered, dgaScore: rounded, threshold: model.threshold, rcode: e.rcode }));

    const bursts = ctx.state<Burst>('bursts', { ttlMs: DGA.burstWindowMs * 2, maxEntries: 100_000 });
    let b = bursts.get(key);
    if (!b || e.time - b.s > DGA.burstWindowMs) b = { s: e.time, d: [], nx: 0, hit: false };
    if (!b.hit && !b.d.includes(registered)) {
      b.d.push(registered);
      if (e.rcode === 'NXDOMAIN') b.nx++;
      if (b.d.length >= DGA.burstDomains && b.nx >= b.d.length * DGA.burstNxShare) {
        b.hit = true;
        ctx.emit(emit(e, 'Trojan:EC2/DGADomainRequest.C!DNS', key,
          `EC2 instance ${who} is querying many algorithmically generated domains.`,
          `EC2 instance ${who} queried ${b.d.length} algorithmically generated domains within ${DGA.burstWindowMs / 60_000} minutes, `
          + `${b.nx} of them non-existent: the pattern of malware walking its domain generation list.`,
          { domains: [...b.d], nxdomain: b.nx, windowMinutes: DGA.burstWindowMs / 60_000, threshold: model.threshold }));
      }
    }
    bursts.set(key, b);
  },
});
