/**
 * UnauthorizedAccess:EC2/MetadataDNSRebind (High): an instance resolved a domain whose answer
 * is the instance metadata service (169.254.169.254, or fd00:ec2::254 over IPv6). Software on
 * the instance that fetches that domain would be steered at IMDS (DNS rebinding, SSRF).
 * AWS's own names for IMDS (`instance-data`, `*.internal`) are not findings.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY, ipv6ToHex } from '../../core/index.js';
import { dnsAction, dnsInstanceResource, dnsResourceKey } from '../common/network.js';

const IMDS_V4 = '169.254.169.254';
const IMDS_V6 = ipv6ToHex('fd00:ec2::254');

/** Is an answer the metadata service, in any spelling of the IPv6 address? */
function isImds(rdata: string): boolean {
  return rdata === IMDS_V4 || (rdata.includes(':') && ipv6ToHex(rdata) === IMDS_V6);
}

function legitimateImdsName(name: string): boolean {
  return name === 'instance-data' || name.endsWith('.internal') || name === 'metadata.google.internal';
}

export const metadataDnsRebind = defineDetector({
  id: 'metadata-dns-rebind',
  description: 'domains resolving to the instance metadata service (DNS rebinding)',
  kinds: ['dns'],
  findingTypes: ['UnauthorizedAccess:EC2/MetadataDNSRebind'],
  onEvent(e, ctx) {
    const answers = e.answers;
    let hit = '';
    for (let i = 0; i < answers.length; i++) {
      const r = answers[i]?.Rdata;
      if (typeof r === 'string' && isImds(r)) { hit = r; break; }
    }
    if (!hit || legitimateImdsName(e.queryName)) return;
    const name = e.instanceId || e.srcAddr;
    ctx.emit({
      type: 'UnauthorizedAccess:EC2/MetadataDNSRebind',
      severity: SEVERITY.High,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: `${dnsResourceKey(e)}|${e.queryName}`,
      resourceRole: 'TARGET',
      resource: dnsInstanceResource(e),
      action: dnsAction(e),
      title: `EC2 instance ${name} is querying a domain that resolves to the EC2 metadata IP address.`,
      description: `${name} queried ${e.queryName}, which resolved to ${hit}, the instance metadata service. `
        + 'An application on the instance that fetches this domain can be tricked into reading instance metadata, including credentials (DNS rebinding).',
      additionalInfo: { domain: e.queryName, answer: hit },
    });
  },
});
