/**
 * The flow event the parser fills and reuses line after line. IPv4 addresses are kept as numbers
 * (parsed straight from the bytes); their text is only built when something reads `srcAddr` /
 * `dstAddr` (or the enrichment's `localAddr` / `remoteAddr`) — a finding, a state key — which
 * most records never need. IPv6 addresses keep their text.
 */
import type { FlowAction, FlowDirection, FlowEnrichment, FlowEvent } from '../../core/index.js';
import { intToIpv4 } from '../../core/index.js';

export class FlowRecord implements FlowEvent {
  readonly kind = 'vpcflow' as const;
  time = 0;
  accountId = '';
  region = '';
  version = 0;
  interfaceId = '';
  srcIp4 = -1;
  dstIp4 = -1;
  /** Address text: set by the parser for non-IPv4 addresses, or built on first read. */
  srcText = '';
  dstText = '';
  srcPort = -1;
  dstPort = -1;
  protocol = -1;
  packets = 0;
  bytes = 0;
  end = 0;
  action: FlowAction = '';
  vpcId = '';
  subnetId = '';
  instanceId = '';
  tcpFlags = 0;
  pktSrcAddr = '';
  pktDstAddr = '';
  flowDirection = '';
  readonly enrich: FlowSides = new FlowSides(this);

  get srcAddr(): string {
    if (this.srcText === '' && this.srcIp4 >= 0) this.srcText = intToIpv4(this.srcIp4);
    return this.srcText;
  }

  get dstAddr(): string {
    if (this.dstText === '' && this.dstIp4 >= 0) this.dstText = intToIpv4(this.dstIp4);
    return this.dstText;
  }

  /** A plain copy with every field as data (for keeping an event past its dispatch: tests, evidence). */
  toJSON(): FlowEvent {
    const { enrich, srcText: _s, dstText: _d, ...rest } = this;
    return { ...rest, srcAddr: this.srcAddr, dstAddr: this.dstAddr, enrich: enrich.toJSON() } as FlowEvent;
  }
}

export class FlowSides implements FlowEnrichment {
  direction: FlowDirection = 'UNKNOWN';
  srcIsLocal = false;
  localPort = -1;
  remotePort = -1;
  localIp4 = -1;
  remoteIp4 = -1;
  remotePublic = false;
  intel = 0;
  trusted = false;

  constructor(private readonly r: FlowRecord) {}

  get localAddr(): string { return this.srcIsLocal ? this.r.srcAddr : this.r.dstAddr; }
  get remoteAddr(): string { return this.srcIsLocal ? this.r.dstAddr : this.r.srcAddr; }

  toJSON(): FlowEnrichment {
    return {
      direction: this.direction, srcIsLocal: this.srcIsLocal, localAddr: this.localAddr, remoteAddr: this.remoteAddr,
      localPort: this.localPort, remotePort: this.remotePort, localIp4: this.localIp4, remoteIp4: this.remoteIp4,
      remotePublic: this.remotePublic, intel: this.intel, trusted: this.trusted,
    };
  }
}
