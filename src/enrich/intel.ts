/**
 * Checks every event once against the threat and trusted lists and publishes the result on
 * `event.enrich`: `intel` (a match id, 0 = none) and `trusted`. What is looked up, as GuardDuty
 * does: the remote address of a flow and the caller address of an API call — public addresses
 * only, since lists never apply to private ones — and the query name of a DNS request (with its
 * parent domains) plus its public answer addresses. A trusted address wins over a threat list;
 * trusted IPs do not apply to DNS (only trusted domains do).
 */
import { defineEnricher } from '../engine/index.js';
import { ipv4ToInt, isPublicIp } from '../core/index.js';
import type { IntelIndex } from '../intel/matcher/index.js';

function ipMatch(index: IntelIndex, ip4: number, text: string, port: number): number {
  if (index.noIps) return 0;
  return ip4 >= 0 ? index.lookupV4(ip4, port) : index.lookupIp(text, port);
}

export const intelMatch = defineEnricher({
  id: 'intel',
  kinds: ['vpcflow', 'cloudtrail', 'dns'],
  enrich(e, ctx) {
    const { threat, trusted } = ctx.services.intel;
    const en = e.enrich;
    en.intel = 0;
    en.trusted = false;
    switch (e.kind) {
      case 'vpcflow': {
        const f = e.enrich;
        if (!f.remotePublic) return;
        // the address text is only built for IPv6 peers
        const text = f.remoteIp4 >= 0 ? '' : f.remoteAddr;
        en.trusted = ipMatch(trusted, f.remoteIp4, text, -1) !== 0;
        if (!en.trusted) en.intel = ipMatch(threat, f.remoteIp4, text, f.remotePort);
        return;
      }
      case 'cloudtrail': {
        const c = e.enrich;
        if (!c.callerIpPublic) return;
        const ip4 = ipv4ToInt(c.callerIp);
        en.trusted = ipMatch(trusted, ip4, c.callerIp, -1) !== 0;
        if (!en.trusted) en.intel = ipMatch(threat, ip4, c.callerIp, -1);
        return;
      }
      case 'dns': {
        const d = e.enrich;
        d.intelIndicator = '';
        d.answerIntel = 0;
        if (trusted.lookupDomain(e.queryName) !== 0) { en.trusted = true; return; }
        if (threat.isEmpty) return;
        const [id, indicator] = threat.matchDomain(e.queryName);
        d.intel = id;
        d.intelIndicator = indicator;
        if (threat.noIps) return;
        for (const a of e.answers) {
          const r = a?.Rdata;
          // like flow peers and callers: lists never apply to private answers (an internal name's 10.x address)
          if (typeof r !== 'string' || (a.Type !== 'A' && a.Type !== 'AAAA') || !isPublicIp(r)) continue;
          const m = threat.lookupIp(r);
          if (m !== 0) { d.answerIntel = m; break; }
        }
        return;
      }
    }
  },
});
