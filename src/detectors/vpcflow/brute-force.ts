/**
 * UnauthorizedAccess:EC2/SSHBruteForce, UnauthorizedAccess:EC2/RDPBruteForce and
 * Impact:EC2/WinRMBruteForce: many short connections from one host to another's SSH (22),
 * RDP (3389) or WinRM (5985/5986) port. Counted per (instance, remote host, port) as distinct
 * client source ports — new connections — among TCP records of at most MAX_PACKETS packets
 * (a long interactive session repeats one source port and carries many packets), within WINDOW.
 *
 * - Instance as TARGET (a remote host attacks it): Low. Only ACCEPTed connections count;
 *   rejected ones never reached the service (the security group stopped them).
 * - Instance as ACTOR (it attacks a remote host): High. Accepted or rejected both count.
 * One finding per instance and role; the latest attacker/victim is in the details.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey, networkAction } from '../common/network.js';
import { addDistinct, newWindow, type DistinctWindow } from '../common/window.js';

export const BRUTE_FORCE = { windowMs: 10 * 60_000, minConnections: 20, maxPackets: 40 };

const SERVICES: Record<number, { type: string; name: string }> = {
  22: { type: 'UnauthorizedAccess:EC2/SSHBruteForce', name: 'SSH' },
  3389: { type: 'UnauthorizedAccess:EC2/RDPBruteForce', name: 'RDP' },
  5985: { type: 'Impact:EC2/WinRMBruteForce', name: 'WinRM' },
  5986: { type: 'Impact:EC2/WinRMBruteForce', name: 'WinRM' },
};

export const bruteForce = defineDetector({
  id: 'brute-force',
  description: 'SSH, RDP and WinRM brute force against or from an instance',
  kinds: ['vpcflow'],
  findingTypes: ['UnauthorizedAccess:EC2/SSHBruteForce', 'UnauthorizedAccess:EC2/RDPBruteForce', 'Impact:EC2/WinRMBruteForce'],
  onEvent(e, ctx) {
    if (e.protocol !== 6) return;
    const en = e.enrich;
    const inbound = en.direction === 'INBOUND';
    const servicePort = inbound ? en.localPort : en.remotePort;
    const svc = SERVICES[servicePort];
    if (!svc) return;
    // count the client's half of each connection only (the record whose source is the client)
    const clientIsSource = inbound ? !en.srcIsLocal : en.srcIsLocal;
    if (!clientIsSource || e.packets > BRUTE_FORCE.maxPackets) return;
    if (inbound && e.action !== 'ACCEPT') return;
    const windows = ctx.state<DistinctWindow>('windows', { ttlMs: BRUTE_FORCE.windowMs * 2, maxEntries: 200_000 });
    const key = `${e.interfaceId}|${en.remoteAddr}|${servicePort}`;
    let w = windows.get(key);
    if (!w) w = newWindow(e.time);
    const clientPort = inbound ? en.remotePort : en.localPort;
    const hit = addDistinct(w, e.time, clientPort, BRUTE_FORCE.windowMs, BRUTE_FORCE.minConnections);
    windows.set(key, w);
    if (!hit) return;
    const role = inbound ? 'TARGET' : 'ACTOR';
    const resourceName = e.instanceId || e.interfaceId;
    ctx.emit({
      type: svc.type,
      severity: inbound ? SEVERITY.Low : SEVERITY.High,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: `${role}|${flowResourceKey(e)}`,
      resourceRole: role,
      resource: flowInstanceResource(e),
      action: networkAction(e),
      title: inbound ? `${svc.name} brute force attacks against ${resourceName}.` : `${resourceName} is performing ${svc.name} brute force attacks.`,
      description: inbound
        ? `${resourceName} has been involved in ${svc.name} brute force attacks from ${en.remoteAddr}: ${w.v.length} new connections to port ${servicePort} within ${BRUTE_FORCE.windowMs / 60_000} minutes. Brute force attacks are used to gain unauthorized access to the instance by guessing the ${svc.name} password.`
        : `${resourceName} opened ${w.v.length} new ${svc.name} connections to ${en.remoteAddr} port ${servicePort} within ${BRUTE_FORCE.windowMs / 60_000} minutes. This can mean the instance is compromised and used to attack other hosts.`,
      additionalInfo: { connections: w.v.length, windowMinutes: BRUTE_FORCE.windowMs / 60_000, port: servicePort },
    });
  },
});
