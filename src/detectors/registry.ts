/**
 * Every detector Vigil runs, one line each. Adding a detector is one file (with its test beside
 * it) plus one line here; a test checks that each declared finding type is in the catalogue.
 */
import type { Detector } from '../engine/index.js';
import { rootCredentialUsage } from './cloudtrail/root-credential-usage.js';
import { cloudTrailLoggingDisabled } from './cloudtrail/cloudtrail-logging-disabled.js';
import { passwordPolicyChange } from './cloudtrail/password-policy-change.js';
import { pentestUserAgent } from './cloudtrail/pentest-user-agent.js';
import { s3BlockPublicAccess } from './cloudtrail/s3-block-public-access.js';
import { s3BucketPublicAccess } from './cloudtrail/s3-bucket-public-access.js';
import { s3AccessLoggingDisabled } from './cloudtrail/s3-access-logging-disabled.js';
import { bedrockLoggingDisabled } from './cloudtrail/bedrock-logging-disabled.js';
import { bruteForce } from './vpcflow/brute-force.js';
import { portscan } from './vpcflow/portscan.js';
import { portSweep } from './vpcflow/port-sweep.js';
import { metadataDnsRebind } from './dns/metadata-dns-rebind.js';
import { flowThreatIntel } from './intel/flow-threat-intel.js';
import { portProbe } from './intel/port-probe.js';
import { torRelay } from './intel/tor-relay.js';
import { dnsThreatIntel } from './intel/dns-threat-intel.js';
import { cloudTrailThreatIntel } from './intel/cloudtrail-threat-intel.js';
import { dnsReputation } from './intel/dns-reputation.js';
import { s3ThreatIntel } from './intel/s3-threat-intel.js';
import { s3PentestUserAgent } from './cloudtrail/s3-pentest-user-agent.js';
import { iamAnomaly } from './anomaly/iam-anomaly.js';
import { s3Anomaly } from './anomaly/s3-anomaly.js';
import { credentialExfiltration } from './anomaly/credential-exfiltration.js';
import { consoleLogin } from './anomaly/console-login.js';
import { attackSequence } from './anomaly/attack-sequence.js';
import { networkBaseline } from './behavior/network-baseline.js';
import { denialOfService } from './behavior/denial-of-service.js';
import { dgaDomainRequest } from './dns/dga.js';
import { dnsDataExfiltration } from './dns/dns-exfiltration.js';

export const DETECTORS: readonly Detector[] = [
  rootCredentialUsage,
  cloudTrailLoggingDisabled,
  passwordPolicyChange,
  pentestUserAgent,
  s3BlockPublicAccess,
  s3BucketPublicAccess,
  s3AccessLoggingDisabled,
  bedrockLoggingDisabled,
  bruteForce,
  portscan,
  portSweep,
  metadataDnsRebind,
  flowThreatIntel,
  portProbe,
  torRelay,
  dnsThreatIntel,
  cloudTrailThreatIntel,
  dnsReputation,
  s3ThreatIntel,
  s3PentestUserAgent,
  iamAnomaly,
  s3Anomaly,
  credentialExfiltration,
  consoleLogin,
  networkBaseline,
  denialOfService,
  dgaDomainRequest,
  dnsDataExfiltration,
  attackSequence, // last: correlates the findings of the detectors above (onFinding)
];
