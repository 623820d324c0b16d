/**
 * Recon:EC2/Portscan (Medium): an instance opens probe-like connections (at most MAX_PACKETS
 * packets, TCP or UDP) to many distinct ports of one remote host within WINDOW. The remote may
 * be private: scanning the inside of the VPC is lateral movement and matters as much. UDP
 * traceroute probes (ports 33434–33534) are not counted.
 * One finding per scanning instance; the latest target host is in the details.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey, networkAction } from '../common/network.js';
import { isTracerouteProbe } from '../common/ports.js';
import { addDistinct, newWindow, type DistinctWindow } from '../common/window.js';

export const PORTSCAN = { windowMs: 5 * 60_000, minPorts: 25, maxPackets: 4 };

export const portscan = defineDetector({
  id: 'portscan',
  description: 'an instance probing many ports of one remote host',
  kinds: ['vpcflow'],
  findingTypes: ['Recon:EC2/Portscan'],
  onEvent(e, ctx) {
    if ((e.protocol !== 6 && e.protocol !== 17) || e.packets > PORTSCAN.maxPackets) return;
    const en = e.enrich;
    if (en.direction !== 'OUTBOUND' || !en.srcIsLocal || en.remotePort < 0) return;
    if (isTracerouteProbe(e.protocol, en.remotePort)) return;
    const windows = ctx.state<DistinctWindow>('windows', { ttlMs: PORTSCAN.windowMs * 2, maxEntries: 200_000 });
    const key = `${e.interfaceId}|${en.remoteAddr}`;
    let w = windows.get(key);
    if (!w) w = newWindow(e.time);
    const hit = addDistinct(w, e.time, en.remotePort, PORTSCAN.windowMs, PORTSCAN.minPorts);
    windows.set(key, w);
    if (!hit) return;
    const name = e.instanceId || e.interfaceId;
    ctx.emit({
      type: 'Recon:EC2/Portscan',
      severity: SEVERITY.Medium,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: flowResourceKey(e),
      resourceRole: 'ACTOR',
      resource: flowInstanceResource(e),
      action: networkAction(e),
      title: `Unusual outbound communication seen from EC2 instance ${name} to remote host ${en.remoteAddr}.`,
      description: `EC2 instance ${name} is performing outbound port scans against remote host ${en.remoteAddr}: `
        + `${w.v.length} distinct ports probed within ${PORTSCAN.windowMs / 60_000} minutes. The instance may be compromised and used for reconnaissance.`,
      additionalInfo: { portsProbed: w.v.length, samplePorts: (w.v as number[]).slice(0, 10), windowMinutes: PORTSCAN.windowMs / 60_000 },
    });
  },
});
