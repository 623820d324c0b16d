/**
 * Which Panther rules (panther-labs/panther-analysis, Apache-2.0) say the same thing as one of
 * our GuardDuty finding types, decided rule by rule from the rule logic and its tests. A rule
 * is mapped only where its positives are positives of the type and its negatives are not;
 * where Panther looks at more than the type covers, `scope` narrows the mapping, and where a
 * single Panther test expects something GuardDuty would not, `overrides` says so (and why).
 *
 * Judging an event against a mapping (eval/panther.ts):
 * - in scope, expected (after overrides) true  → the type must be raised (hit, else miss);
 * - expected false (in or out of scope)        → the type must not be raised (else false finding);
 * - out of scope, expected true                → not judged (Panther alerts on something else);
 * - override expected null                     → not judged (the test does not decide the type).
 * Mappings to types a later issue builds are kept here too; they are reported as pending.
 */

export interface PantherTest {
  rule_id: string;
  test_name: string;
  expected: boolean;
  log: Record<string, unknown>;
}

export interface Mapping {
  rule: string;
  type: string;
  /** Why the rule corresponds to the type. */
  why: string;
  /** Where Panther's rule is broader or narrower than the GuardDuty type. */
  differs?: string;
  scope?: { describe: string; test: (log: Record<string, unknown>) => boolean };
  /** By Panther test name: the expectation under GuardDuty semantics, and why it differs. */
  overrides?: Record<string, { expected: boolean | null; why: string }>;
}

const named = (...names: string[]) => (log: Record<string, unknown>) => names.includes(String(log.eventName));

const ROOT = 'Policy:IAMUser/RootCredentialUsage';
const TRAIL_OFF = 'Stealth:IAMUser/CloudTrailLoggingDisabled';
const S3_LOGGING_OFF = 'Stealth:S3/ServerAccessLoggingDisabled';

export const CLOUDTRAIL_MAPPINGS: readonly Mapping[] = [
  {
    // Panther: successful StopLogging or DeleteTrail. That is GuardDuty's trigger too.
    rule: 'AWS.CloudTrail.Stopped', type: TRAIL_OFF,
    why: 'successful StopLogging / DeleteTrail: a trail was turned off',
    differs: 'GuardDuty also raises the type when the bucket a trail delivers to is deleted; Panther does not',
  },
  {
    // A list of ten "security configuration" APIs; only two of them switch a trail off.
    rule: 'AWS.CloudTrail.SecurityConfigurationChange', type: TRAIL_OFF,
    why: 'its StopLogging / DeleteTrail events are trail shut-offs',
    differs: 'broader: also Config, GuardDuty, flow-log, EventBridge and EBS-encryption changes; has a user allow-list',
    scope: { describe: 'eventName StopLogging or DeleteTrail', test: named('StopLogging', 'DeleteTrail') },
  },
  {
    // Same list: DeleteAccountPublicAccessBlock removes account-level Block Public Access.
    rule: 'AWS.CloudTrail.SecurityConfigurationChange', type: 'Policy:S3/AccountBlockPublicAccessDisabled',
    why: 'its DeleteAccountPublicAccessBlock events remove account-level S3 Block Public Access',
    differs: 'broader (see above); no test exercises DeleteAccountPublicAccessBlock, so only its negatives are judged',
    scope: { describe: 'eventName DeleteAccountPublicAccessBlock', test: named('DeleteAccountPublicAccessBlock') },
  },
  {
    // Root identity, successful, not invokedBy a service, not an AwsServiceEvent: GuardDuty's
    // definition, except for Panther's allow-list and its read-only test.
    rule: 'AWS.Root.Activity', type: ROOT,
    why: 'a successful request made with root credentials, not by a service on root\'s behalf',
    differs: 'narrower: Panther allow-lists CreateServiceLinkedRole and its read-only test expects no alert',
    overrides: {
      'Root Activity - CreateServiceLinkedRole': { expected: true, why: 'Panther allow-lists this API; GuardDuty has no such exception — root credentials made the call' },
      'Root Read-Only Enumeration': { expected: true, why: 'GuardDuty raises the type for any request made with root credentials, read-only ones included' },
    },
  },
  {
    // Successful root console sign-in: root credentials in use.
    rule: 'AWS.Console.RootLogin', type: ROOT,
    why: 'a successful root console sign-in is a use of root credentials (GuardDuty: API ConsoleLogin invoked using root credentials)',
  },
  {
    // Root creating an access key for itself is a root request; so is creating one for a user.
    rule: 'AWS.CloudTrail.RootAccessKeyCreated', type: ROOT,
    why: 'CreateAccessKey called with root credentials',
    differs: 'narrower: Panther only wants keys for root itself',
    overrides: {
      'Root Created Access Key For User': { expected: true, why: 'root credentials made the call even though the key is for an IAM user' },
    },
  },
  {
    // Successful DeleteBucketPublicAccessBlock on s3.amazonaws.com.
    rule: 'AWS.S3.DeletePublicAccessBlock', type: 'Policy:S3/BucketBlockPublicAccessDisabled',
    why: 'bucket-level Block Public Access configuration deleted',
    differs: 'narrower: GuardDuty also raises it for PutBucketPublicAccessBlock turning settings off',
  },
  {
    // Successful PutBucketLogging without a LoggingEnabled element.
    rule: 'AWS.S3.DisableBucketLogging', type: S3_LOGGING_OFF,
    why: 'PutBucketLogging that leaves server access logging off',
  },
  {
    // Versioning, MFA delete and logging changes; only the logging part is our type.
    rule: 'AWS.S3.SecurityControlDisabling', type: S3_LOGGING_OFF,
    why: 'its PutBucketLogging events turn server access logging off',
    differs: 'broader: also versioning suspended and MFA delete disabled, which GuardDuty has no type for',
    scope: { describe: 'eventName PutBucketLogging', test: named('PutBucketLogging') },
  },
  {
    rule: 'AWS.Bedrock.DeleteModelInvocationLoggingConfiguration', type: 'DefenseEvasion:IAMUser/BedrockLoggingDisabled',
    why: 'Bedrock model invocation logging configuration deleted',
  },
  {
    // Internet-accessible resource policies across ten services; only S3 bucket policies are ours.
    rule: 'AWS.CloudTrail.ResourceMadePublic', type: 'Policy:S3/BucketAnonymousAccessGranted',
    why: 'a bucket policy that lets anyone (Principal "*", no restricting condition) access the bucket',
    differs: 'broader: ECR, KMS, SQS/SNS, Secrets Manager, Glacier and Elasticsearch policies too; Panther judges policies with policyuniverse',
    scope: {
      describe: 'S3 PutBucketPolicy events',
      test: (log) => log.eventName === 'PutBucketPolicy' && log.eventSource === 's3.amazonaws.com',
    },
  },
  {
    // Instance-role credentials used from outside EC2.
    rule: 'AWS.CloudTrail.IMDSCredentialExfiltration', type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    why: 'EC2 instance-role session credentials used from a public address that is not the instance',
    differs: 'Panther uses an allow-list of AWS service sources; GuardDuty compares with the instance\'s own addresses',
    overrides: {
      'IMDS Credentials Used From Amazon.com ASN Source IP': { expected: null, why: 'an Amazon-owned source address would be InstanceCredentialExfiltration.InsideAWS, not OutsideAWS' },
    },
  },
  {
    // Two successful sign-ins of one user too far apart for the time between them. Panther keeps
    // the previous sign-in in its cache (a test mock, absent from the exported tests), so only
    // the CloudTrail tests are run and only the negatives can be judged on one event.
    rule: 'Standard.ImpossibleTravel.Login', type: 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
    why: 'successful console sign-ins of one user from places too far apart for the time between them',
    differs: 'Panther computes travel speed from geolocation; GuardDuty (and Vigil) look for different geographies within a short window',
    scope: { describe: 'CloudTrail ConsoleLogin events', test: named('ConsoleLogin') },
    overrides: {
      'CloudTrail ConsoleLogin with history': { expected: null, why: 'the earlier sign-in is a Panther cache mock that the exported test does not carry; one event cannot show two geographies' },
    },
  },
];

/**
 * Rules considered and left unmapped, with the reason — printed so a reader can challenge them.
 * Every other rule has no GuardDuty counterpart at all (discovery, RDS, KMS, SES, Lambda…).
 */
export const CLOUDTRAIL_NOT_MAPPED: Record<string, string> = {
  'AWS.CloudTrail.Password.Policy.Discovery': 'reads the password policy (GetAccountPasswordPolicy); Stealth:IAMUser/PasswordPolicyChange is about deleting/weakening it — no Panther rule covers that',
  'AWS.CloudTrail.RootPasswordChanged': 'a changed root password is account recovery or hygiene, not "a request made with root credentials"; the reset flow needs no sign-in',
  'AWS.Console.RootLoginFailed': 'failed root sign-ins: RootCredentialUsage is for credentials that worked',
  'AWS.CloudTrail.EventSelectorsDisabled': 'trail still logging (fewer events); GuardDuty would only say DefenseEvasion:IAMUser/AnomalousBehavior, a learned-baseline type',
  'AWS.VPCFlow.LogsDeleted': 'no rule-based GuardDuty type; only the anomaly type DefenseEvasion:IAMUser/AnomalousBehavior',
  'AWS.CloudTrail.DNSLogsDeleted': 'no rule-based GuardDuty type; only the anomaly type DefenseEvasion:IAMUser/AnomalousBehavior',
  'AWS.S3.BucketPolicyModified': 'any bucket ACL/policy change, public or not; BucketAnonymous/PublicAccessGranted need the change to expose the bucket',
  'AWS.Console.LoginWithoutMFA': 'no GuardDuty type for a sign-in without MFA',
  'AWS.STS.GetCallerIdentity.TruffleHog': 'keys on the TruffleHog user agent; the PenTest types are about Kali/Parrot/Pentoo hosts',
  'AWS.CloudTrail.VPCE.ExternalPrincipal': 'a principal of another account through our VPC endpoint; InstanceCredentialExfiltration.InsideAWS is about our instance credentials used through another account\'s endpoint (the reverse)',
  'AWS.CloudTrail.VPCE.S3ExternalIP': 'an IAM user\'s (not an instance\'s) call through a VPC endpoint from a public address; no GuardDuty type',
  'AWS.SecretsManager.RetrieveSecrets': 'one GetSecretValue call; CredentialAccess:IAMUser/AnomalousBehavior needs the principal\'s baseline (scored on the Stratus background instead)',
  'AWS.S3.DeleteObjects': 'one DeleteObjects data event; Impact:S3/AnomalousBehavior.Delete needs the principal\'s S3 baseline',
};

/**
 * The evaluator's own reading of false-finding candidates seen so far (key:
 * `rule|test name|finding type`). Shown beside each candidate to help the person judging it;
 * candidates are counted whatever the assessment says.
 */
export const CANDIDATE_ASSESSMENTS: Record<string, string> = {
  'AWS.Console.RootLoginFailed|Successful Login|Policy:IAMUser/RootCredentialUsage':
    'looks correct: a successful root console sign-in; Panther\'s rule only wants failed ones',
  'AWS.CloudTrail.RootPasswordChanged|Root Password Change Failed|Policy:IAMUser/RootCredentialUsage':
    'looks false: PasswordUpdated answered "Failure" (also logged by the forgot-password flow, where nobody signed in); '
    + 'the detector only recognises failed ConsoleLogin / signin errorCode',
};

/** Route 53 Resolver rules (aws_vpcdns_rule_tests.jsonl). */
export const DNS_MAPPINGS: readonly Mapping[] = [
  {
    // Panther's list is mining pools and wallets; GuardDuty's BitcoinTool.B!DNS is "queried a
    // domain associated with cryptocurrency activity". Built by issue 3 (threat intelligence).
    rule: 'AWS.DNS.Crypto.Domain', type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
    why: 'an instance resolved a cryptocurrency mining domain',
    differs: 'Panther matches its own domain list; GuardDuty uses its threat intelligence',
  },
];

export const DNS_NOT_MAPPED: Record<string, string> = {
  'Standard.DNSBase64': 'one base64-looking label; Trojan:EC2/DNSDataExfiltration (issue 4) is judged over many queries, not one name',
};

/** VPC flow rules (aws_vpcflow_rule_tests.jsonl): none corresponds to one of our types. */
export const VPCFLOW_NOT_MAPPED: Record<string, string> = {
  'AWS.VPC.PortScanning': 'one egress flow to an uncommon port; Recon:EC2/Portscan needs many ports of one host',
  'AWS.VPC.SSHAllowedSignal': 'one accepted SSH connection from a public address; SSHBruteForce needs many new connections',
  'AWS.VPC.InboundPortBlacklist': 'site policy (port deny-list), no GuardDuty type',
  'AWS.VPC.InboundPortWhitelist': 'site policy (port allow-list), no GuardDuty type',
  'AWS.VPC.UnapprovedOutboundDNS': 'site policy (approved resolvers); DefenseEvasion:EC2/UnusualDNSResolver (issue 4) is learned, not a fixed list',
  'AWS.VPC.HealthyLogStatus': 'log delivery health (SKIPDATA), not a threat',
};
