/**
 * VPC Flow Logs fields, versions 2–8. The header line of an S3-delivered file names the fields
 * in order (`${field}` format strings, hyphenated; Parquet and some tools use underscores).
 * `docs/logs/vpcflow.md` documents each field and what Vigil does with it.
 */

export const enum F {
  Ignore, Version, AccountId, InterfaceId, SrcAddr, DstAddr, SrcPort, DstPort, Protocol,
  Packets, Bytes, Start, End, Action, LogStatus, VpcId, SubnetId, InstanceId, TcpFlags,
  Type, PktSrcAddr, PktDstAddr, Region, FlowDirection,
}

/** Field name → slot. Fields Vigil does not use yet are known (so a header with them is valid) but ignored. */
export const FLOW_FIELDS: Record<string, F> = {
  'version': F.Version,
  'account-id': F.AccountId,
  'interface-id': F.InterfaceId,
  'srcaddr': F.SrcAddr,
  'dstaddr': F.DstAddr,
  'srcport': F.SrcPort,
  'dstport': F.DstPort,
  'protocol': F.Protocol,
  'packets': F.Packets,
  'bytes': F.Bytes,
  'start': F.Start,
  'end': F.End,
  'action': F.Action,
  'log-status': F.LogStatus,
  // v3
  'vpc-id': F.VpcId,
  'subnet-id': F.SubnetId,
  'instance-id': F.InstanceId,
  'tcp-flags': F.TcpFlags,
  'type': F.Type,
  'pkt-srcaddr': F.PktSrcAddr,
  'pkt-dstaddr': F.PktDstAddr,
  // v4
  'region': F.Region,
  'az-id': F.Ignore,
  // v5
  'sublocation-type': F.Ignore,
  'sublocation-id': F.Ignore,
  'pkt-src-aws-service': F.Ignore,
  'pkt-dst-aws-service': F.Ignore,
  'flow-direction': F.FlowDirection,
  'traffic-path': F.Ignore,
  // v7 (ECS)
  'ecs-cluster-arn': F.Ignore,
  'ecs-cluster-name': F.Ignore,
  'ecs-container-instance-arn': F.Ignore,
  'ecs-container-instance-id': F.Ignore,
  'ecs-container-id': F.Ignore,
  'ecs-second-container-id': F.Ignore,
  'ecs-service-name': F.Ignore,
  'ecs-task-definition-arn': F.Ignore,
  'ecs-task-arn': F.Ignore,
  'ecs-task-id': F.Ignore,
  // v8
  'reject-reason': F.Ignore,
  // v6? (resource-type for Transit Gateway logs) and anything newer is tolerated via normalisation below
};

/** The default format (version 2), used when an object has no header and no --flow-fields. */
export const DEFAULT_FIELDS = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
  'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];

export function normaliseFieldName(name: string): string {
  return name.trim().replace(/^\$\{(.*)\}$/, '$1').replace(/_/g, '-').toLowerCase();
}

/** Parses a header line (or a `${a} ${b}` format string); undefined when it is not one. */
export function parseHeader(line: string): F[] | undefined {
  const names = line.trim().split(/\s+/).map(normaliseFieldName);
  if (names.length < 2 || !names.includes('srcaddr') && !names.includes('version') && !names.includes('interface-id')) return undefined;
  if (!names.every((n) => /^[a-z][a-z0-9-]*$/.test(n))) return undefined;
  return names.map((n) => FLOW_FIELDS[n] ?? F.Ignore);
}
