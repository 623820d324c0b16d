/**
 * The catalogue of GuardDuty finding types Vigil knows: default severity, data source, the
 * resource type a finding names, and which issue builds it. `docs/finding-types.md` is generated
 * from this table (scripts/gen-docs.ts), and a test checks that every type a registered detector
 * declares is in it and marked implemented.
 */
import { SEVERITY } from './severity.js';

export type DataSource = 'CloudTrail' | 'VPC flow' | 'DNS' | 'CloudTrail S3 data';

export interface FindingTypeInfo {
  type: string;
  severity: number;
  source: DataSource;
  resourceType: 'Instance' | 'AccessKey' | 'S3Bucket';
  /** The issue that builds it (2 = core). */
  issue: number;
}

const L = SEVERITY.Low, M = SEVERITY.Medium, H = SEVERITY.High, C = SEVERITY.Critical;

function t(type: string, severity: number, source: DataSource, issue: number): FindingTypeInfo {
  const resourceType = type.includes(':EC2/') ? 'Instance' : type.includes(':S3/') ? 'S3Bucket' : 'AccessKey';
  return { type, severity, source, resourceType, issue };
}

export const FINDING_TYPES: readonly FindingTypeInfo[] = [
  // EC2, from VPC flow logs
  t('UnauthorizedAccess:EC2/SSHBruteForce', L, 'VPC flow', 2),
  t('UnauthorizedAccess:EC2/RDPBruteForce', L, 'VPC flow', 2),
  t('Impact:EC2/WinRMBruteForce', L, 'VPC flow', 2),
  t('Recon:EC2/Portscan', M, 'VPC flow', 2),
  t('Impact:EC2/PortSweep', H, 'VPC flow', 2),
  t('UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', M, 'VPC flow', 3),
  t('UnauthorizedAccess:EC2/TorClient', H, 'VPC flow', 3),
  t('UnauthorizedAccess:EC2/TorRelay', H, 'VPC flow', 3),
  t('Backdoor:EC2/C&CActivity.B', H, 'VPC flow', 3),
  t('CryptoCurrency:EC2/BitcoinTool.B', H, 'VPC flow', 3),
  t('Trojan:EC2/BlackholeTraffic', M, 'VPC flow', 3),
  t('Trojan:EC2/DropPoint', M, 'VPC flow', 3),
  t('Recon:EC2/PortProbeUnprotectedPort', L, 'VPC flow', 3),
  t('Recon:EC2/PortProbeEMRUnprotectedPort', H, 'VPC flow', 3),
  t('Behavior:EC2/NetworkPortUnusual', M, 'VPC flow', 4),
  t('Behavior:EC2/TrafficVolumeUnusual', M, 'VPC flow', 4),
  t('Backdoor:EC2/Spambot', M, 'VPC flow', 4),
  t('DefenseEvasion:EC2/UnusualDNSResolver', M, 'VPC flow', 4),
  t('DefenseEvasion:EC2/UnusualDoHActivity', M, 'VPC flow', 4),
  t('DefenseEvasion:EC2/UnusualDoTActivity', M, 'VPC flow', 4),
  t('Backdoor:EC2/DenialOfService.Tcp', H, 'VPC flow', 4),
  t('Backdoor:EC2/DenialOfService.Udp', H, 'VPC flow', 4),
  t('Backdoor:EC2/DenialOfService.Dns', H, 'VPC flow', 4),
  t('Backdoor:EC2/DenialOfService.UdpOnTcpPorts', H, 'VPC flow', 4),
  t('Backdoor:EC2/DenialOfService.UnusualProtocol', H, 'VPC flow', 4),
  // EC2, from DNS query logs
  t('UnauthorizedAccess:EC2/MetadataDNSRebind', H, 'DNS', 2),
  t('Backdoor:EC2/C&CActivity.B!DNS', H, 'DNS', 3),
  t('CryptoCurrency:EC2/BitcoinTool.B!DNS', H, 'DNS', 3),
  t('Trojan:EC2/BlackholeTraffic!DNS', M, 'DNS', 3),
  t('Trojan:EC2/DriveBySourceTraffic!DNS', H, 'DNS', 3),
  t('Trojan:EC2/DropPoint!DNS', M, 'DNS', 3),
  t('Trojan:EC2/PhishingDomainRequest!DNS', H, 'DNS', 3),
  t('Impact:EC2/MaliciousDomainRequest.Custom', M, 'DNS', 3),
  t('Impact:EC2/AbusedDomainRequest.Reputation', M, 'DNS', 3),
  t('Impact:EC2/BitcoinDomainRequest.Reputation', H, 'DNS', 3),
  t('Impact:EC2/MaliciousDomainRequest.Reputation', H, 'DNS', 3),
  t('Impact:EC2/SuspiciousDomainRequest.Reputation', L, 'DNS', 3),
  t('Trojan:EC2/DNSDataExfiltration', H, 'DNS', 4),
  t('Trojan:EC2/DGADomainRequest.B', H, 'DNS', 4),
  t('Trojan:EC2/DGADomainRequest.C!DNS', H, 'DNS', 4),
  // IAM, from CloudTrail management events
  t('Policy:IAMUser/RootCredentialUsage', L, 'CloudTrail', 2),
  t('Policy:IAMUser/ShortTermRootCredentialUsage', L, 'CloudTrail', 2),
  t('Stealth:IAMUser/CloudTrailLoggingDisabled', L, 'CloudTrail', 2),
  t('Stealth:IAMUser/PasswordPolicyChange', L, 'CloudTrail', 2),
  t('PenTest:IAMUser/KaliLinux', M, 'CloudTrail', 2),
  t('PenTest:IAMUser/ParrotLinux', M, 'CloudTrail', 2),
  t('PenTest:IAMUser/PentooLinux', M, 'CloudTrail', 2),
  t('DefenseEvasion:IAMUser/BedrockLoggingDisabled', M, 'CloudTrail', 2),
  t('Recon:IAMUser/MaliciousIPCaller', M, 'CloudTrail', 3),
  t('Recon:IAMUser/MaliciousIPCaller.Custom', M, 'CloudTrail', 3),
  t('Recon:IAMUser/TorIPCaller', M, 'CloudTrail', 3),
  t('UnauthorizedAccess:IAMUser/MaliciousIPCaller', M, 'CloudTrail', 3),
  t('UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom', M, 'CloudTrail', 3),
  t('UnauthorizedAccess:IAMUser/TorIPCaller', M, 'CloudTrail', 3),
  t('CredentialAccess:IAMUser/AnomalousBehavior', M, 'CloudTrail', 5),
  t('DefenseEvasion:IAMUser/AnomalousBehavior', M, 'CloudTrail', 5),
  t('Discovery:IAMUser/AnomalousBehavior', L, 'CloudTrail', 5),
  t('Exfiltration:IAMUser/AnomalousBehavior', H, 'CloudTrail', 5),
  t('Impact:IAMUser/AnomalousBehavior', H, 'CloudTrail', 5),
  t('InitialAccess:IAMUser/AnomalousBehavior', M, 'CloudTrail', 5),
  t('Persistence:IAMUser/AnomalousBehavior', M, 'CloudTrail', 5),
  t('PrivilegeEscalation:IAMUser/AnomalousBehavior', M, 'CloudTrail', 5),
  t('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', H, 'CloudTrail', 5),
  t('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS', H, 'CloudTrail', 5),
  t('UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS', H, 'CloudTrail', 5),
  t('UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B', M, 'CloudTrail', 5),
  // S3, from CloudTrail management events
  t('Policy:S3/AccountBlockPublicAccessDisabled', L, 'CloudTrail', 2),
  t('Policy:S3/BucketBlockPublicAccessDisabled', L, 'CloudTrail', 2),
  t('Policy:S3/BucketPublicAccessGranted', H, 'CloudTrail', 2),
  t('Policy:S3/BucketAnonymousAccessGranted', H, 'CloudTrail', 2),
  t('Stealth:S3/ServerAccessLoggingDisabled', L, 'CloudTrail', 2),
  // S3, from CloudTrail S3 data events
  t('Discovery:S3/AnomalousBehavior', L, 'CloudTrail S3 data', 5),
  t('Exfiltration:S3/AnomalousBehavior', H, 'CloudTrail S3 data', 5),
  t('Impact:S3/AnomalousBehavior.Delete', H, 'CloudTrail S3 data', 5),
  t('Impact:S3/AnomalousBehavior.Permission', H, 'CloudTrail S3 data', 5),
  t('Impact:S3/AnomalousBehavior.Write', M, 'CloudTrail S3 data', 5),
  t('Discovery:S3/MaliciousIPCaller', H, 'CloudTrail S3 data', 5),
  t('Discovery:S3/MaliciousIPCaller.Custom', H, 'CloudTrail S3 data', 5),
  t('Discovery:S3/TorIPCaller', M, 'CloudTrail S3 data', 5),
  t('Exfiltration:S3/MaliciousIPCaller', H, 'CloudTrail S3 data', 5),
  t('Impact:S3/MaliciousIPCaller', H, 'CloudTrail S3 data', 5),
  t('PenTest:S3/KaliLinux', M, 'CloudTrail S3 data', 5),
  t('PenTest:S3/ParrotLinux', M, 'CloudTrail S3 data', 5),
  t('PenTest:S3/PentooLinux', M, 'CloudTrail S3 data', 5),
  t('UnauthorizedAccess:S3/MaliciousIPCaller.Custom', H, 'CloudTrail S3 data', 5),
  t('UnauthorizedAccess:S3/TorIPCaller', H, 'CloudTrail S3 data', 5),
  // attack sequences: correlation of the findings and calls of one credential
  t('AttackSequence:IAM/CompromisedCredentials', C, 'CloudTrail', 5),
  t('AttackSequence:S3/CompromisedData', C, 'CloudTrail S3 data', 5),
];

const BY_TYPE = new Map(FINDING_TYPES.map((f) => [f.type, f]));

export function findingTypeInfo(type: string): FindingTypeInfo | undefined {
  return BY_TYPE.get(type);
}
