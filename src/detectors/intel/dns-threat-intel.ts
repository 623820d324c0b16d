/**
 * EC2 findings from DNS queries for domains (or subdomains of domains) on threat lists, and
 * for domains answered with a black-holed address. The list's declared purpose decides the type:
 *
 * | purpose               | type                                           |
 * |-----------------------|------------------------------------------------|
 * | command-and-control   | Backdoor:EC2/C&CActivity.B!DNS (High)          |
 * | cryptomining          | CryptoCurrency:EC2/BitcoinTool.B!DNS (High)    |
 * | blackhole             | Trojan:EC2/BlackholeTraffic!DNS (Medium)       |
 * | drop-point            | Trojan:EC2/DropPoint!DNS (Medium)              |
 * | drive-by              | Trojan:EC2/DriveBySourceTraffic!DNS (High)     |
 * | phishing              | Trojan:EC2/PhishingDomainRequest!DNS (High)    |
 * | custom, malicious     | Impact:EC2/MaliciousDomainRequest.Custom (Medium) |
 *
 * One finding per type, instance and listed domain.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { dnsAction, dnsInstanceResource, dnsResourceKey } from '../common/network.js';
import { describeLists, hitsByType, threatDetails } from './common.js';

const TYPES: Record<string, { type: string; severity: number; what: string }> = {
  'command-and-control': { type: 'Backdoor:EC2/C&CActivity.B!DNS', severity: SEVERITY.High, what: 'a known command and control server' },
  'cryptomining': { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', severity: SEVERITY.High, what: 'a domain associated with cryptocurrency mining' },
  'blackhole': { type: 'Trojan:EC2/BlackholeTraffic!DNS', severity: SEVERITY.Medium, what: 'a domain redirected to a black hole' },
  'drop-point': { type: 'Trojan:EC2/DropPoint!DNS', severity: SEVERITY.Medium, what: 'a known drop point for stolen data' },
  'drive-by': { type: 'Trojan:EC2/DriveBySourceTraffic!DNS', severity: SEVERITY.High, what: 'a known source of drive-by download attacks' },
  'phishing': { type: 'Trojan:EC2/PhishingDomainRequest!DNS', severity: SEVERITY.High, what: 'a domain involved in phishing attacks' },
  'custom': { type: 'Impact:EC2/MaliciousDomainRequest.Custom', severity: SEVERITY.Medium, what: 'a domain on a custom threat list' },
  'malicious': { type: 'Impact:EC2/MaliciousDomainRequest.Custom', severity: SEVERITY.Medium, what: 'a domain on a threat list' },
};

export const dnsThreatIntel = defineDetector({
  id: 'dns-threat-intel',
  description: 'DNS queries for domains on threat lists, or answered with black-holed addresses',
  kinds: ['dns'],
  findingTypes: [...new Set(Object.values(TYPES).map((t) => t.type))],
  onEvent(e, ctx) {
    const d = e.enrich;
    if (d.intel === 0 && d.answerIntel === 0) return;
    const intel = ctx.services.intel.threat;
    const groups = hitsByType(d.intel ? intel.hits(d.intel) : [], (p) => TYPES[p]?.type);
    // an answer on a blackhole list means the domain was sinkholed, whatever list names the domain
    if (d.answerIntel) {
      const sinks = intel.hits(d.answerIntel).filter((h) => h.list.purpose === 'blackhole');
      if (sinks.length) groups.set(TYPES.blackhole.type, [...(groups.get(TYPES.blackhole.type) ?? []), ...sinks]);
    }
    const name = e.instanceId || e.srcAddr;
    for (const [type, hits] of groups) {
      const t = Object.values(TYPES).find((x) => x.type === type)!;
      const details = threatDetails(hits);
      const indicator = d.intelIndicator || e.queryName;
      ctx.emit({
        type,
        severity: t.severity,
        accountId: e.accountId,
        region: e.region,
        time: e.time,
        key: `${dnsResourceKey(e)}|${indicator}`,
        resourceRole: 'ACTOR',
        resource: dnsInstanceResource(e),
        action: dnsAction(e),
        threatIntelligenceDetails: details,
        title: `EC2 instance ${name} is querying ${t.what}.`,
        description: `EC2 instance ${name} queried ${e.queryName}${indicator !== e.queryName ? ` (a subdomain of ${indicator})` : ''}, `
          + `which is on ${describeLists(details)}.`,
        additionalInfo: { domain: e.queryName, listedDomain: indicator, threatListName: details[0]?.threatListName },
      });
    }
  },
});
