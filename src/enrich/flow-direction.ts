/**
 * Works out, for each flow record, which address belongs to the monitored interface (local)
 * and who opened the connection, and publishes it on `event.enrich`:
 *
 * 1. Local side: the v5 `flow-direction` field when present; otherwise the address this
 *    interface has been seen with most (every record of an ENI carries its own address on one
 *    side, remote peers vary), learned per interface in keyed state; for an interface's first
 *    records, the private side of a private/public pair, else the destination.
 * 2. Initiator: TCP flags when the record has them (SYN without ACK = the source opened it);
 *    otherwise the service-port side (a well-known port facing an ephemeral one) is the
 *    responder. INBOUND = the remote opened the connection to the instance.
 */
import { defineEnricher } from '../engine/index.js';
import { isNonPublicV4, isPublicIp } from '../core/index.js';

/** Per interface: the addresses seen (IPv4 as numbers, IPv6 as text) and how often. */
interface Learned { a: (number | string)[]; n: number[]; w: number }

const MAX_ADDRS = 6;

/**
 * Ports that are services even though they are above 1023 — including a few in the ephemeral
 * range (Hadoop/EMR 50070, common C2 team-server ports) that the port heuristic would otherwise
 * take for the client side.
 */
const SERVICE_PORTS = new Set([1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 8080, 8443, 9200, 9300, 11211, 27017,
  50000, 50050, 50070, 50075, 50090]);

function serviceRank(port: number): number {
  if (port < 0) return 0;
  if (port < 1024) return 3;
  if (SERVICE_PORTS.has(port)) return 2;
  if (port < 32768) return 1;
  return 0; // ephemeral range
}

function bump(l: Learned, addr: number | string): number {
  const i = l.a.indexOf(addr);
  if (i >= 0) return ++l.n[i];
  if (l.a.length < MAX_ADDRS) { l.a.push(addr); l.n.push(1); return 1; }
  // replace the least-seen address: remote peers churn, the interface's own address stays
  let min = 0;
  for (let j = 1; j < l.n.length; j++) if (l.n[j] < l.n[min]) min = j;
  l.a[min] = addr; l.n[min] = 1;
  return 1;
}


export const flowDirection = defineEnricher({
  id: 'flow-direction',
  kinds: ['vpcflow'],
  enrich(e, ctx) {
    let srcIsLocal: boolean;
    if (e.flowDirection === 'egress') srcIsLocal = true;
    else if (e.flowDirection === 'ingress') srcIsLocal = false;
    else {
      const learned = ctx.state<Learned>('interface-addresses', { maxEntries: 200_000, ttlMs: 7 * 86_400_000 });
      const key = e.interfaceId || e.accountId;
      let l = learned.get(key);
      if (!l) { l = { a: [], n: [], w: 0 }; learned.set(key, l); }
      const ns = bump(l, e.srcIp4 >= 0 ? e.srcIp4 : e.srcAddr), nd = bump(l, e.dstIp4 >= 0 ? e.dstIp4 : e.dstAddr);
      if ((++l.w & 255) === 0) learned.set(key, l); // refresh recency now and then, not on every record
      if (ns !== nd) srcIsLocal = ns > nd;
      else {
        const sp = e.srcIp4 >= 0 ? !isNonPublicV4(e.srcIp4) : isPublicIp(e.srcAddr);
        const dp = e.dstIp4 >= 0 ? !isNonPublicV4(e.dstIp4) : isPublicIp(e.dstAddr);
        srcIsLocal = sp !== dp ? !sp : false;
      }
    }
    const en = e.enrich;
    en.srcIsLocal = srcIsLocal;
    if (srcIsLocal) {
      en.localPort = e.srcPort; en.remotePort = e.dstPort; en.localIp4 = e.srcIp4; en.remoteIp4 = e.dstIp4;
      en.remotePublic = e.dstIp4 >= 0 ? !isNonPublicV4(e.dstIp4) : isPublicIp(e.dstAddr);
    } else {
      en.localPort = e.dstPort; en.remotePort = e.srcPort; en.localIp4 = e.dstIp4; en.remoteIp4 = e.srcIp4;
      en.remotePublic = e.srcIp4 >= 0 ? !isNonPublicV4(e.srcIp4) : isPublicIp(e.srcAddr);
    }
    // who opened the connection
    let srcInitiated: boolean | undefined;
    if (e.protocol === 6 && e.tcpFlags !== 0) {
      const syn = (e.tcpFlags & 2) !== 0, ack = (e.tcpFlags & 16) !== 0;
      if (syn && !ack) srcInitiated = true;
      else if (syn && ack) srcInitiated = false;
    }
    if (srcInitiated === undefined) {
      const rs = serviceRank(e.srcPort), rd = serviceRank(e.dstPort);
      srcInitiated = rs === rd ? e.srcPort > e.dstPort : rd > rs;
    }
    en.direction = srcInitiated === srcIsLocal ? 'OUTBOUND' : 'INBOUND';
  },
});
