/**
 * GuardDuty's finding JSON (wire form, camelCase), as in the GetFindings response and the
 * EventBridge `detail`. Only the members Vigil fills are typed precisely; the rest stay open.
 */

export interface RemoteIpDetails {
  ipAddressV4?: string;
  ipAddressV6?: string;
  city?: { cityName?: string };
  country?: { countryCode?: string; countryName?: string };
  geoLocation?: { lat?: number; lon?: number };
  organization?: { asn?: string; asnOrg?: string; isp?: string; org?: string };
}

export interface PortDetails { port: number; portName?: string }

export interface AwsApiCallAction {
  api: string;
  serviceName: string;
  callerType: string;
  errorCode?: string;
  userAgent?: string;
  remoteIpDetails?: RemoteIpDetails;
  domainDetails?: { domain?: string };
  remoteAccountDetails?: { accountId?: string; affiliated?: boolean };
  affectedResources?: Record<string, string>;
}

export interface NetworkConnectionAction {
  blocked: boolean;
  connectionDirection: 'INBOUND' | 'OUTBOUND' | 'UNKNOWN';
  protocol: string;
  localPortDetails?: PortDetails;
  remotePortDetails?: PortDetails;
  localIpDetails?: { ipAddressV4?: string; ipAddressV6?: string };
  localNetworkInterface?: string;
  remoteIpDetails?: RemoteIpDetails;
}

export interface DnsRequestAction {
  domain: string;
  domainWithSuffix?: string;
  protocol?: string;
  blocked?: boolean;
  vpcOwnerAccountId?: string;
}

export interface Action {
  actionType: 'AWS_API_CALL' | 'NETWORK_CONNECTION' | 'DNS_REQUEST' | 'PORT_PROBE';
  awsApiCallAction?: AwsApiCallAction;
  networkConnectionAction?: NetworkConnectionAction;
  dnsRequestAction?: DnsRequestAction;
  portProbeAction?: { blocked: boolean; portProbeDetails: unknown[] };
}

export interface AccessKeyDetails {
  accessKeyId?: string;
  principalId?: string;
  userName?: string;
  userType?: string;
}

export interface NetworkInterfaceDetails {
  networkInterfaceId?: string;
  vpcId?: string;
  subnetId?: string;
  privateIpAddress?: string;
  privateIpAddresses?: { privateIpAddress?: string; privateDnsName?: string }[];
  publicIp?: string;
  ipv6Addresses?: string[];
  securityGroups?: { groupId?: string; groupName?: string }[];
}

export interface InstanceDetails {
  instanceId?: string;
  instanceType?: string;
  availabilityZone?: string;
  imageId?: string;
  networkInterfaces?: NetworkInterfaceDetails[];
  tags?: { key: string; value: string }[];
  [k: string]: unknown;
}

export interface S3BucketDetail {
  arn?: string;
  name?: string;
  type?: string;
  publicAccess?: unknown;
  [k: string]: unknown;
}

export interface Resource {
  resourceType: string;
  accessKeyDetails?: AccessKeyDetails;
  instanceDetails?: InstanceDetails;
  s3BucketDetails?: S3BucketDetail[];
  [k: string]: unknown;
}

export interface ThreatIntelligenceDetail { threatListName?: string; threatNames?: string[]; threatFileSha256?: string }

export interface Service {
  serviceName: 'guardduty';
  detectorId: string;
  archived: boolean;
  count: number;
  eventFirstSeen: string;
  eventLastSeen: string;
  resourceRole: 'TARGET' | 'ACTOR';
  action: Action;
  evidence?: { threatIntelligenceDetails?: ThreatIntelligenceDetail[] };
  additionalInfo: { value: string; type: 'default' };
  userFeedback?: 'USEFUL' | 'NOT_USEFUL';
  featureName?: string;
  detection?: unknown;
}

export interface Finding {
  schemaVersion: '2.0';
  accountId: string;
  region: string;
  partition: string;
  id: string;
  arn: string;
  type: string;
  title: string;
  description: string;
  severity: number;
  createdAt: string;
  updatedAt: string;
  resource: Resource;
  service: Service;
  confidence?: number;
}
