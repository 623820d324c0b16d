/**
 * Impact:EC2/PortSweep (High): an instance probes the same port on many public hosts within
 * WINDOW (at most MAX_PACKETS packets per record: probes, not conversations). A web crawler or
 * API client that completes its connections does not count, nor do UDP traceroute probes, DNS
 * resolution (port 53) or NTP (123); a worm or a scanner hunting for open SSH/Redis/Docker ports does.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey, networkAction } from '../common/network.js';
import { isTracerouteProbe, portName } from '../common/ports.js';
import { addDistinct, newWindow, type DistinctWindow } from '../common/window.js';

export const PORT_SWEEP = { windowMs: 10 * 60_000, minHosts: 32, maxPackets: 4 };

export const portSweep = defineDetector({
  id: 'port-sweep',
  description: 'an instance probing one port across many public hosts',
  kinds: ['vpcflow'],
  findingTypes: ['Impact:EC2/PortSweep'],
  onEvent(e, ctx) {
    if ((e.protocol !== 6 && e.protocol !== 17) || e.packets > PORT_SWEEP.maxPackets) return;
    const en = e.enrich;
    if (en.direction !== 'OUTBOUND' || !en.remotePublic || !en.srcIsLocal || en.remotePort < 0) return;
    // traceroute probes, and clients of protocols that talk to many servers by design
    // (a recursive resolver queries many name servers; NTP pools rotate)
    if (isTracerouteProbe(e.protocol, en.remotePort) || en.remotePort === 53 || en.remotePort === 123) return;
    const windows = ctx.state<DistinctWindow>('windows', { ttlMs: PORT_SWEEP.windowMs * 2, maxEntries: 200_000 });
    const key = `${e.interfaceId}|${e.protocol}|${en.remotePort}`;
    let w = windows.get(key);
    if (!w) w = newWindow(e.time);
    const hit = addDistinct(w, e.time, en.remoteAddr, PORT_SWEEP.windowMs, PORT_SWEEP.minHosts);
    windows.set(key, w);
    if (!hit) return;
    const name = e.instanceId || e.interfaceId;
    ctx.emit({
      type: 'Impact:EC2/PortSweep',
      severity: SEVERITY.High,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: `${flowResourceKey(e)}|${en.remotePort}`,
      resourceRole: 'ACTOR',
      resource: flowInstanceResource(e),
      action: networkAction(e),
      title: `EC2 instance ${name} is performing a port sweep on port ${en.remotePort}.`,
      description: `EC2 instance ${name} probed port ${en.remotePort} (${portName(en.remotePort)}) on ${w.v.length} public hosts `
        + `within ${PORT_SWEEP.windowMs / 60_000} minutes. The instance may be compromised and looking for vulnerable services.`,
      additionalInfo: { hostsProbed: w.v.length, sampleHosts: (w.v as string[]).slice(0, 10), port: en.remotePort },
    });
  },
});
