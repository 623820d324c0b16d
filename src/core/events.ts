/**
 * The typed events that parsers produce and detectors consume: one shape per log kind.
 *
 * Contract: an event handed to `onEvent` is only valid during that call. Parsers may reuse
 * event objects between records (the flow parser does), so a detector that keeps anything
 * copies the primitive fields it needs into its keyed state.
 */

export type LogKind = 'cloudtrail' | 'vpcflow' | 'dns';
export const LOG_KINDS: readonly LogKind[] = ['cloudtrail', 'vpcflow', 'dns'];

/** Fields every event has. Times are epoch milliseconds (event time, not wall time). */
export interface EventBase {
  readonly kind: LogKind;
  time: number;
  accountId: string;
  region: string;
}

/** The parts of a CloudTrail record detectors read; the record itself stays in `raw`. */
export interface CloudTrailUserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer?: { type?: string; principalId?: string; arn?: string; accountId?: string; userName?: string };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    assumedRoot?: string;
    ec2RoleDelivery?: string;
    sourceIdentity?: string;
  };
  [k: string]: unknown;
}

export interface CloudTrailRecord {
  eventVersion?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity?: CloudTrailUserIdentity;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  eventID?: string;
  eventType?: string;
  readOnly?: boolean;
  recipientAccountId?: string;
  vpcEndpointId?: string;
  additionalEventData?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface CloudTrailEvent extends EventBase {
  readonly kind: 'cloudtrail';
  eventSource: string;
  eventName: string;
  /** `sourceIPAddress` as logged: an IP, or a service name such as `ec2.amazonaws.com`. */
  sourceIp: string;
  userAgent: string;
  errorCode: string;
  identity: CloudTrailUserIdentity;
  raw: CloudTrailRecord;
  enrich: CloudTrailEnrichment;
}

/**
 * Fields every kind's enrichment has. `intel` is a match id in the threat-intel index (0 = no
 * match; detectors turn it into list names through `ctx.services.intel`); `trusted` means the
 * remote side is on a trusted list, and the engine then offers the event to no detector.
 */
export interface CommonEnrichment {
  intel: number;
  trusted: boolean;
}

/** Published by enrichers for CloudTrail events. */
export interface CloudTrailEnrichment extends CommonEnrichment {
  /** The caller IP when `sourceIPAddress` is an address (else ''). */
  callerIp: string;
  /** The caller is an AWS service acting for the principal (invokedBy / service-name source). */
  viaAwsService: boolean;
  /** Caller IP is globally routable. */
  callerIpPublic: boolean;
  /** ASN, AS organisation and country (ISO 3166 alpha-2) of the caller IP; 0 / '' when unknown. */
  asn: number;
  asnOrg: string;
  country: string;
  /** The caller IP is in AWS's published ranges; its region and service when the ranges name them (else ''). */
  callerInAws: boolean;
  awsRegion: string;
  awsService: string;
  /** User-agent family: 'aws-cli', 'boto3', 'sdk-go', 'sdk-js', 'sdk-java', 'terraform', 'console', 'aws-internal', …, 'other'; '' when none. */
  uaFamily: string;
  /**
   * Whose behaviour the call is, for baselines: the user ARN (IAM users, federated users, root);
   * for role sessions the role ARN (all sessions of a role share a profile), except IAM Identity
   * Center roles (AWSReservedSSO_*), whose session ARN names the person. '' for AWS services and accounts.
   */
  principal: string;
  /** Organisation id from an organisation trail's key layout (AWSLogs/o-…/); '' when the path does not say. */
  orgId: string;
  /** A data event (`eventCategory: Data`, e.g. S3 object-level calls). */
  dataEvent: boolean;
}

export type FlowAction = 'ACCEPT' | 'REJECT' | '';
export type FlowDirection = 'INBOUND' | 'OUTBOUND' | 'UNKNOWN';

export interface FlowEvent extends EventBase {
  readonly kind: 'vpcflow';
  version: number;
  interfaceId: string;
  /** Address text (IPv4 or IPv6); read it only when you need the text: it may be built on demand. */
  readonly srcAddr: string;
  readonly dstAddr: string;
  /** The addresses as unsigned 32-bit numbers when IPv4, else -1: compare and look up these. */
  srcIp4: number;
  dstIp4: number;
  srcPort: number;
  dstPort: number;
  /** IANA protocol number, -1 when absent. */
  protocol: number;
  packets: number;
  bytes: number;
  /** Flow window end, epoch ms (`time` is the start). */
  end: number;
  action: FlowAction;
  vpcId: string;
  subnetId: string;
  instanceId: string;
  tcpFlags: number;
  pktSrcAddr: string;
  pktDstAddr: string;
  /** `ingress`/`egress` from v5+ records, '' when absent. */
  flowDirection: string;
  enrich: FlowEnrichment;
}

/** Published by the flow-direction enricher (which side is the monitored interface) and the intel enricher. */
export interface FlowEnrichment extends CommonEnrichment {
  /** Who opened the connection: INBOUND = the remote side. */
  direction: FlowDirection;
  /** The record's source is the monitored interface (so the record was sent by it). */
  srcIsLocal: boolean;
  /** Address texts of the two sides (built on demand from the record). */
  readonly localAddr: string;
  readonly remoteAddr: string;
  localPort: number;
  remotePort: number;
  /** The sides' addresses as unsigned 32-bit numbers when IPv4, else -1. */
  localIp4: number;
  remoteIp4: number;
  remotePublic: boolean;
}

export interface DnsAnswer {
  Rdata?: string;
  Type?: string;
  Class?: string;
}

export interface DnsEvent extends EventBase {
  readonly kind: 'dns';
  /** Lower-case, without the trailing dot. */
  queryName: string;
  queryType: string;
  rcode: string;
  answers: DnsAnswer[];
  srcAddr: string;
  srcPort: number;
  vpcId: string;
  instanceId: string;
  transport: string;
  raw: Record<string, unknown>;
  enrich: DnsEnrichment;
}

/** Published by the intel enricher for DNS events. */
export interface DnsEnrichment extends CommonEnrichment {
  /** The listed domain that matched (the query name or one of its parents). */
  intelIndicator: string;
  /** Match id of the first answer address found on a list (0 = none). */
  answerIntel: number;
}

export type VigilEvent = CloudTrailEvent | FlowEvent | DnsEvent;
export type EventOf<K extends LogKind> = Extract<VigilEvent, { kind: K }>;
