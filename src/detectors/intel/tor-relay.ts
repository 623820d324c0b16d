/**
 * UnauthorizedAccess:EC2/TorRelay (High): the instance works as a Tor relay — within WINDOW it
 * accepts connections from at least MIN_PEERS Tor nodes AND opens connections to at least
 * MIN_PEERS Tor nodes (relays forward traffic both ways). Tor users merely visiting a web server
 * only connect in, and a Tor client only connects out, so neither alone is a relay.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { flowInstanceResource, flowResourceKey, networkAction } from '../common/network.js';
import { threatDetails } from './common.js';

export const TOR_RELAY = { windowMs: 60 * 60_000, minPeers: 3 };
const TOR = new Set(['tor-exit', 'tor-relay']);

interface RelayWindow { s: number; inb: string[]; out: string[]; hit: boolean }

export const torRelay = defineDetector({
  id: 'tor-relay',
  description: 'an instance relaying Tor traffic (connections from and to several Tor nodes)',
  kinds: ['vpcflow'],
  findingTypes: ['UnauthorizedAccess:EC2/TorRelay'],
  onEvent(e, ctx) {
    const en = e.enrich;
    if (en.intel === 0) return;
    const outbound = en.direction === 'OUTBOUND';
    if (outbound ? !en.srcIsLocal : en.srcIsLocal || e.action !== 'ACCEPT') return;
    const hits = ctx.services.intel.threat.hits(en.intel).filter((h) => TOR.has(h.list.purpose));
    if (hits.length === 0) return;
    const state = ctx.state<RelayWindow>('peers', { ttlMs: TOR_RELAY.windowMs * 2, maxEntries: 100_000 });
    const key = e.interfaceId || en.localAddr;
    let w = state.get(key);
    if (!w || e.time - w.s > TOR_RELAY.windowMs) w = { s: e.time, inb: [], out: [], hit: false };
    const side = outbound ? w.out : w.inb;
    if (side.length < TOR_RELAY.minPeers && !side.includes(en.remoteAddr)) side.push(en.remoteAddr);
    state.set(key, w);
    if (w.hit || w.inb.length < TOR_RELAY.minPeers || w.out.length < TOR_RELAY.minPeers) return;
    w.hit = true;
    const name = e.instanceId || e.interfaceId;
    ctx.emit({
      type: 'UnauthorizedAccess:EC2/TorRelay',
      severity: SEVERITY.High,
      accountId: e.accountId,
      region: e.region,
      time: e.time,
      key: flowResourceKey(e),
      resourceRole: 'ACTOR',
      resource: flowInstanceResource(e),
      action: networkAction(e),
      threatIntelligenceDetails: threatDetails(hits),
      title: `EC2 instance ${name} is communicating with IP addresses on the Tor network, acting as a Tor relay.`,
      description: `EC2 instance ${name} accepted connections from Tor nodes (${w.inb.join(', ')}) and connected to Tor nodes (${w.out.join(', ')}) `
        + `within ${TOR_RELAY.windowMs / 60_000} minutes: it is relaying Tor traffic, which may be unauthorised use of the instance.`,
      additionalInfo: { inboundTorPeers: w.inb, outboundTorPeers: w.out },
    });
  },
});
