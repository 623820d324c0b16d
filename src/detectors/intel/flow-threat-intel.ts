/**
 * EC2 findings from VPC flows whose remote address is on a threat list. The list's declared
 * purpose decides the type; the direction decides whether it counts and the resource role:
 *
 * | purpose                     | type                                         | counted when                        |
 * |-----------------------------|----------------------------------------------|-------------------------------------|
 * | command-and-control         | Backdoor:EC2/C&CActivity.B (High)             | the instance connects out           |
 * | cryptomining                | CryptoCurrency:EC2/BitcoinTool.B (High)       | the instance connects out           |
 * | blackhole                   | Trojan:EC2/BlackholeTraffic (Medium)          | the instance connects out           |
 * | drop-point                  | Trojan:EC2/DropPoint (Medium)                 | the instance connects out           |
 * | tor-exit, tor-relay         | UnauthorizedAccess:EC2/TorClient (High)       | the instance connects out           |
 * | custom                      | UnauthorizedAccess:EC2/MaliciousIPCaller.Custom (Medium) | out, or an accepted inbound connection |
 * | malicious                   | UnauthorizedAccess:EC2/MaliciousIPCaller.Custom (Medium) | the instance connects out  |
 *
 * "Connects out" counts attempts the security group rejected too (`blocked: true`): the instance
 * still tried. Inbound traffic from scanners and generic bad-reputation addresses is the port
 * probe detector's business; rejected inbound traffic never raises anything. Only the record
 * sent by the side that opened the connection counts, so a connection is one occurrence.
 * One finding per type, instance and list: a sweep across a listed /16 is one finding whose count
 * is the number of connections and whose details show the latest address.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey, networkAction } from '../common/network.js';
import { describeLists, hitsByType, threatDetails } from './common.js';

const OUTBOUND: Record<string, { type: string; severity: number; what: string }> = {
  'command-and-control': { type: 'Backdoor:EC2/C&CActivity.B', severity: SEVERITY.High, what: 'a known command and control server' },
  'cryptomining': { type: 'CryptoCurrency:EC2/BitcoinTool.B', severity: SEVERITY.High, what: 'an address associated with cryptocurrency mining' },
  'blackhole': { type: 'Trojan:EC2/BlackholeTraffic', severity: SEVERITY.Medium, what: 'a black-holed (sinkholed) address' },
  'drop-point': { type: 'Trojan:EC2/DropPoint', severity: SEVERITY.Medium, what: 'a known drop point for stolen credentials and data' },
  'tor-exit': { type: 'UnauthorizedAccess:EC2/TorClient', severity: SEVERITY.High, what: 'a Tor network node' },
  'tor-relay': { type: 'UnauthorizedAccess:EC2/TorClient', severity: SEVERITY.High, what: 'a Tor network node' },
  'custom': { type: 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', severity: SEVERITY.Medium, what: 'an address on a custom threat list' },
  'malicious': { type: 'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', severity: SEVERITY.Medium, what: 'an address on a threat list' },
};
const INBOUND_ACCEPTED: Record<string, (typeof OUTBOUND)[string]> = { custom: OUTBOUND.custom };
const ALL = [...new Set(Object.values(OUTBOUND).map((t) => t.type))];

export const flowThreatIntel = defineDetector({
  id: 'flow-threat-intel',
  description: 'instance traffic with addresses on threat lists (C&C, mining, blackhole, drop point, Tor, custom)',
  kinds: ['vpcflow'],
  findingTypes: ALL,
  onEvent(e, ctx) {
    const en = e.enrich;
    if (en.intel === 0) return;
    const outbound = en.direction === 'OUTBOUND';
    // one occurrence per connection: the opener's record
    if (outbound ? !en.srcIsLocal : en.srcIsLocal) return;
    if (!outbound && e.action !== 'ACCEPT') return;
    const table = outbound ? OUTBOUND : INBOUND_ACCEPTED;
    const groups = hitsByType(ctx.services.intel.threat.hits(en.intel), (p) => table[p]?.type);
    for (const [type, hits] of groups) {
      const t = Object.values(table).find((x) => x.type === type)!;
      const details = threatDetails(hits);
      const name = e.instanceId || e.interfaceId;
      const role = outbound ? 'ACTOR' : 'TARGET';
      ctx.emit({
        type,
        severity: t.severity,
        accountId: e.accountId,
        region: e.region,
        time: e.time,
        key: `${flowResourceKey(e)}|${details.map((d) => d.threatListName).join(',')}`,
        resourceRole: role,
        resource: flowInstanceResource(e),
        action: networkAction(e),
        threatIntelligenceDetails: details,
        title: outbound ? `EC2 instance ${name} is communicating with ${t.what}.` : `${t.what[0].toUpperCase()}${t.what.slice(1)} connected to EC2 instance ${name}.`,
        description: `EC2 instance ${name} ${outbound ? `${e.action === 'REJECT' ? 'tried to connect' : 'connected'} to` : 'accepted a connection from'} `
          + `${en.remoteAddr} port ${outbound ? en.remotePort : en.localPort}, which is on ${describeLists(details)}.`,
        additionalInfo: { threatListName: details[0]?.threatListName, threatName: details[0]?.threatNames?.[0] },
      });
    }
  },
});
