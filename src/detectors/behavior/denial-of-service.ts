/**
 * Backdoor:EC2/DenialOfService.{Tcp,Udp,Dns,UdpOnTcpPorts,UnusualProtocol} (High): an instance
 * floods one public host. Per instance, over a 5-minute window of event time, packets and bytes
 * the instance sent to each public IPv4 host are summed by traffic class; a target is reported
 * once per window when
 *   - packets ≥ VIGIL_DOS_MIN_PPS × 60 (default 120,000) and the rate over the records' span
 *     (at least a minute) ≥ VIGIL_DOS_MIN_PPS, and
 *   - the packets are flood-sized: TCP ≤ 200 bytes on average (SYN/ACK floods; a bulk upload
 *     fills its packets), UDP ≤ 1,000 bytes (a VPN or QUIC upload fills them).
 * TCP connections the remote side opened (the instance answering clients) are not counted.
 * Classes: TCP → .Tcp; UDP/TCP to port 53 → .Dns; UDP to a port that only TCP services use
 * (22, 80, 3389…) → .UdpOnTcpPorts; other UDP → .Udp; any other IP protocol except tunnels
 * (GRE, ESP, AH, IP-in-IP, 6in4) → .UnusualProtocol (ICMP floods land here; no packet-size test).
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY, intToIpv4 } from '../../core/index.js';
import { networkAction } from '../common/network.js';
import { protocolName } from '../common/ports.js';
import { instanceBaselineConfig } from './config.js';
import { instanceKey, instanceResource } from './resource.js';

export const DOS = { windowMs: 5 * 60_000, maxTargets: 256, tcpMaxAvgBytes: 200, udpMaxAvgBytes: 1_000 };
const FLOOD_STATE = { ttlMs: DOS.windowMs * 2, maxEntries: 200_000 };

const TYPES = ['Backdoor:EC2/DenialOfService.Tcp', 'Backdoor:EC2/DenialOfService.Udp', 'Backdoor:EC2/DenialOfService.Dns',
  'Backdoor:EC2/DenialOfService.UdpOnTcpPorts', 'Backdoor:EC2/DenialOfService.UnusualProtocol'] as const;
const TCP = 0, UDP = 1, DNS = 2, UDP_ON_TCP = 3, UNUSUAL = 4;

/** Ports only TCP services listen on: UDP traffic to them is not a conversation. (443 is QUIC, 53 DNS: not here.) */
const TCP_ONLY_PORTS = new Set([21, 22, 23, 25, 80, 110, 143, 445, 587, 993, 995, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017]);
/** Tunnels carry other traffic at any volume: GRE, ESP, AH, IP-in-IP, IPv6-in-IPv4. */
const TUNNELS = new Set([4, 41, 47, 50, 51]);

/** Per target: packets, bytes, earliest start, latest end (ms), remote port, reported (0/1). */
type Target = [number, number, number, number, number, number];
/** Per instance: window start, target keys (address + class × 2^32) and their sums (parallel arrays, reused). */
interface Flood { s: number; k: number[]; t: Target[] }

function classOf(proto: number, port: number): number {
  if (proto === 6) return port === 53 ? DNS : TCP;
  if (proto === 17) return port === 53 ? DNS : TCP_ONLY_PORTS.has(port) ? UDP_ON_TCP : UDP;
  return TUNNELS.has(proto) || proto < 0 ? -1 : UNUSUAL;
}

export const denialOfService = defineDetector({
  id: 'denial-of-service',
  description: 'an instance flooding one public host with small TCP/UDP/DNS packets or an unusual protocol',
  kinds: ['vpcflow'],
  findingTypes: [...TYPES],
  onEvent(e, ctx) {
    const en = e.enrich;
    if (!en.srcIsLocal || !en.remotePublic || en.remoteIp4 < 0) return;
    // TCP the remote side opened is a server answering its clients, not a flood it sends
    if (e.protocol === 6 && en.direction === 'INBOUND') return;
    const cls = classOf(e.protocol, en.remotePort);
    if (cls < 0) return;
    const key = instanceKey(e);
    if (!key) return;
    const floods = ctx.state<Flood>('floods', FLOOD_STATE);
    let f = floods.get(key);
    if (!f) { f = { s: e.time, k: [], t: [] }; floods.set(key, f); } else if (e.time - f.s > DOS.windowMs) {
      f.s = e.time; f.k.length = 0; f.t.length = 0;
      floods.set(key, f);
    }
    const ip = en.remoteIp4;
    const slot = ip + cls * 4_294_967_296;
    const n = f.k.length;
    const i = n > 0 && f.k[n - 1] === slot ? n - 1 : f.k.indexOf(slot);
    let tg: Target;
    if (i >= 0) tg = f.t[i]; else {
      if (f.k.length >= DOS.maxTargets) return;
      tg = [0, 0, e.time, e.end, en.remotePort, 0];
      f.k.push(slot); f.t.push(tg);
    }
    tg[0] += e.packets; tg[1] += e.bytes;
    if (e.time < tg[2]) tg[2] = e.time;
    if (e.end > tg[3]) tg[3] = e.end;
    if (tg[5]) return;
    const minPps = instanceBaselineConfig().dosMinPps;
    if (tg[0] < minPps * 60) return;
    const seconds = Math.max(60, (tg[3] - tg[2]) / 1000);
    const pps = tg[0] / seconds, avg = tg[1] / tg[0];
    if (pps < minPps) return;
    if ((cls === TCP && avg > DOS.tcpMaxAvgBytes) || ((cls === UDP || cls === UDP_ON_TCP || cls === DNS) && e.protocol === 17 && avg > DOS.udpMaxAvgBytes)) return;
    tg[5] = 1;
    floods.set(key, f);
    const name = e.instanceId || e.interfaceId, addr = intToIpv4(ip), type = TYPES[cls];
    const what = cls === DNS ? 'DNS' : cls === UNUSUAL ? protocolName(e.protocol) : cls === UDP_ON_TCP ? `UDP to TCP port ${en.remotePort}` : protocolName(e.protocol);
    ctx.emit({
      type, severity: SEVERITY.High, accountId: e.accountId, region: e.region, time: e.time,
      key: `${key}|${addr}`, resourceRole: 'ACTOR', resource: instanceResource(e), action: networkAction(e),
      title: `EC2 instance ${name} is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the ${what} protocol.`,
      description: `EC2 instance ${name} sent ${tg[0]} packets (${tg[1]} bytes, ${Math.round(avg)} bytes per packet) of ${what} traffic to ${addr} `
        + `over ${Math.round(seconds)} seconds (${Math.round(pps)} packets/s; threshold ${minPps}). The instance may be compromised and part of a botnet.`,
      additionalInfo: { target: addr, protocol: protocolName(e.protocol), remotePort: en.remotePort, packets: tg[0], bytes: tg[1], seconds: Math.round(seconds), packetsPerSecond: Math.round(pps), avgPacketBytes: Math.round(avg), minPacketsPerSecond: minPps },
    });
  },
});
