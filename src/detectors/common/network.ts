/**
 * Building blocks for findings raised from VPC flow and DNS events: the Instance resource
 * (instance id when the log has it, else keyed by network interface) and the
 * NETWORK_CONNECTION / DNS_REQUEST actions.
 */
import type { Action, DnsEvent, FlowEvent, Resource } from '../../core/index.js';
import { ipDetails, isIpv6 } from '../../core/index.js';
import { portName, protocolName } from './ports.js';

export function flowInstanceResource(e: FlowEvent): Resource {
  const local = e.enrich.localAddr;
  return {
    resourceType: 'Instance',
    instanceDetails: {
      ...(e.instanceId ? { instanceId: e.instanceId } : {}),
      networkInterfaces: [{
        networkInterfaceId: e.interfaceId || undefined,
        ...(e.vpcId ? { vpcId: e.vpcId } : {}),
        ...(e.subnetId ? { subnetId: e.subnetId } : {}),
        ...(isIpv6(local) ? { ipv6Addresses: [local] } : { privateIpAddress: local }),
      }],
    },
  };
}

/** What a flow finding aggregates on: the instance, else the interface. */
export function flowResourceKey(e: FlowEvent): string {
  return e.instanceId || e.interfaceId || e.enrich.localAddr;
}

export function networkAction(e: FlowEvent): Action {
  const en = e.enrich;
  return {
    actionType: 'NETWORK_CONNECTION',
    networkConnectionAction: {
      blocked: e.action === 'REJECT',
      connectionDirection: en.direction,
      protocol: protocolName(e.protocol),
      localPortDetails: { port: en.localPort, portName: portName(en.localPort) },
      remotePortDetails: { port: en.remotePort, portName: portName(en.remotePort) },
      localIpDetails: ipDetails(en.localAddr),
      ...(e.interfaceId ? { localNetworkInterface: e.interfaceId } : {}),
      remoteIpDetails: ipDetails(en.remoteAddr),
    },
  };
}

export function dnsInstanceResource(e: DnsEvent): Resource {
  return {
    resourceType: 'Instance',
    instanceDetails: {
      ...(e.instanceId ? { instanceId: e.instanceId } : {}),
      networkInterfaces: [{
        ...(e.vpcId ? { vpcId: e.vpcId } : {}),
        ...(e.srcAddr ? (isIpv6(e.srcAddr) ? { ipv6Addresses: [e.srcAddr] } : { privateIpAddress: e.srcAddr }) : {}),
      }],
    },
  };
}

export function dnsResourceKey(e: DnsEvent): string {
  return e.instanceId || `${e.vpcId}/${e.srcAddr}`;
}

export function dnsAction(e: DnsEvent): Action {
  return {
    actionType: 'DNS_REQUEST',
    dnsRequestAction: {
      domain: e.queryName,
      protocol: e.transport || 'UDP',
      blocked: false,
      vpcOwnerAccountId: e.accountId,
    },
  };
}
