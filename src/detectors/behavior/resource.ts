/**
 * The Instance resource of network-behaviour findings: the flow/DNS builders of detectors/common,
 * plus what the user's inventory says about the instance (type, image, zone, tags).
 */
import type { DnsEvent, FlowEvent, Resource } from '../../core/index.js';
import { dnsInstanceResource, flowInstanceResource } from '../common/network.js';
import { inventoryByInstance } from '../../enrich/instance-identity.js';

function withInventory(r: Resource): Resource {
  const d = r.instanceDetails;
  const info = d?.instanceId ? inventoryByInstance(d.instanceId) : undefined;
  if (!d || !info) return r;
  if (info.instanceType) d.instanceType = info.instanceType;
  if (info.imageId) d.imageId = info.imageId;
  if (info.availabilityZone) d.availabilityZone = info.availabilityZone;
  if (info.tags) d.tags = info.tags;
  return r;
}

export function instanceResource(e: FlowEvent): Resource { return withInventory(flowInstanceResource(e)); }
export function dnsResource(e: DnsEvent): Resource { return withInventory(dnsInstanceResource(e)); }

/** The key a flow finding aggregates on and baselines are kept by: the instance, else the interface. */
export function instanceKey(e: FlowEvent): string { return e.instanceId || e.interfaceId; }
