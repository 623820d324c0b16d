/**
 * Which API calls belong to which adversary tactic, for the AnomalousBehavior types: an unusual
 * call of an API listed here raises `<Tactic>:IAMUser/AnomalousBehavior` (management events) and
 * S3 object-level calls map to the S3 AnomalousBehavior categories. The tables start from the
 * examples GuardDuty documents per type and add the calls the same tactic uses in practice; the
 * full tables are in docs/cloudtrail-behaviour.md. Role-policy changes count as Persistence (a
 * backdoored role), user and group permission grants as PrivilegeEscalation. Calls a rule type
 * already reports (StopLogging, DeleteTrail, S3 server-access-logging and Block Public Access
 * changes) are left out.
 */
import { SEVERITY } from '../../core/index.js';

export type Tactic = 'CredentialAccess' | 'DefenseEvasion' | 'Discovery' | 'Exfiltration' | 'Impact' | 'InitialAccess' | 'Persistence' | 'PrivilegeEscalation';

export const TACTIC_SEVERITY: Record<Tactic, number> = {
  CredentialAccess: SEVERITY.Medium,
  DefenseEvasion: SEVERITY.Medium,
  Discovery: SEVERITY.Low,
  Exfiltration: SEVERITY.High,
  Impact: SEVERITY.High,
  InitialAccess: SEVERITY.Medium,
  Persistence: SEVERITY.Medium,
  PrivilegeEscalation: SEVERITY.Medium,
};

export const TACTIC_APIS: Record<Tactic, readonly string[]> = {
  CredentialAccess: ['GetPasswordData', 'GetSecretValue', 'BatchGetSecretValue', 'GenerateDbAuthToken', 'GetParameter', 'GetParameters',
    'GetParametersByPath', 'GetClusterCredentials', 'GetClusterCredentialsWithIAM', 'RetrieveEnvironmentInfo', 'GetSAMLProvider'],
  // StopLogging and DeleteTrail are left to the Stealth:IAMUser/CloudTrailLoggingDisabled rule
  DefenseEvasion: ['UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'DeleteFlowLogs', 'DeleteDetector',
    'UpdateDetector', 'DeleteMembers', 'DisassociateMembers', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
    'CreateIPSet', 'UpdateIPSet', 'DeleteThreatIntelSet', 'UpdateThreatIntelSet', 'DisableAlarmActions', 'DeleteAlarms',
    'DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig', 'LeaveOrganization', 'DeleteLogGroup', 'DeleteLogStream',
    'DeleteSubscriptionFilter', 'StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule',
    'DisableSecurityHub', 'BatchDisableStandards', 'DisableEbsEncryptionByDefault', 'DeleteWebACL', 'DisableOrganizationAdminAccount',
    'DeleteRuleGroup', 'UpdateOrganizationConfiguration'],
  Discovery: ['DescribeInstances', 'DescribeInstanceAttribute', 'DescribeInstanceInformation', 'GetRolePolicy', 'GetUserPolicy', 'ListAccessKeys',
    'ListUsers', 'ListRoles', 'ListGroups', 'ListPolicies', 'ListAttachedUserPolicies', 'ListAttachedRolePolicies', 'ListUserPolicies',
    'ListRolePolicies', 'GetAccountAuthorizationDetails', 'GetAccountSummary', 'GetPolicyVersion', 'ListBuckets', 'GetBucketPolicy',
    'GetBucketAcl', 'DescribeSecurityGroups', 'DescribeVpcs', 'DescribeSubnets', 'DescribeSnapshots', 'DescribeImages', 'DescribeVolumes',
    'DescribeKeyPairs', 'DescribeDBInstances', 'DescribeDBSnapshots', 'ListSecrets', 'DescribeParameters', 'ListFunctions20150331',
    'GetFunction20150331v2', 'ListClusters', 'DescribeClusters', 'ListTrails', 'DescribeTrails', 'GetDetector', 'ListDetectors',
    'ListIdentities', 'ListHostedZones', 'DescribeRegions', 'GetCallerIdentity', 'ListOrganizationalUnitsForParent', 'ListAccounts'],
  Exfiltration: ['PutBucketReplication', 'CreateSnapshot', 'CopySnapshot', 'ModifySnapshotAttribute', 'ModifyImageAttribute', 'CreateImage',
    'CopyImage', 'CreateStoreImageTask', 'ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute', 'CreateDBSnapshot',
    'CopyDBSnapshot', 'CreateDBClusterSnapshot', 'RestoreDBInstanceFromDBSnapshot', 'RestoreDBClusterFromSnapshot', 'StartExportTask',
    'CreateExportTask', 'SharedSnapshotCopyInitiated'],
  Impact: ['DeleteSecurityGroup', 'UpdateUser', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'DeleteBucket', 'DeleteDBInstance',
    'DeleteDBCluster', 'ModifyDBInstance', 'TerminateInstances', 'StopInstances', 'DeleteVolume', 'DeleteSnapshot', 'ScheduleKeyDeletion',
    'DisableKey', 'DeleteUser', 'DeleteRole', 'DeleteFunction20150331', 'RunInstances', 'InvokeModel', 'InvokeModelWithResponseStream',
    'PutFoundationModelEntitlement', 'CreateFoundationModelAgreement', 'PutUseCaseForModelAccess', 'PutBucketLifecycle',
    'PutBucketLifecycleConfiguration', 'DeleteBackupVault', 'DeleteRecoveryPoint', 'PutBucketEncryption'],
  InitialAccess: ['StartSession', 'ResumeSession', 'GetAuthorizationToken', 'GetSessionToken', 'GetSigninToken'],
  Persistence: ['CreateAccessKey', 'ImportKeyPair', 'CreateKeyPair', 'ModifyInstanceAttribute', 'CreateUser', 'CreateLoginProfile', 'CreateRole',
    'UpdateAssumeRolePolicy', 'AttachRolePolicy', 'PutRolePolicy', 'CreateInstanceProfile', 'AddRoleToInstanceProfile',
    'AddPermission20150331', 'AddPermission20150331v2', 'CreateFunction20150331', 'UpdateFunctionCode20150331v2',
    'UpdateFunctionConfiguration20150331v2', 'PublishLayerVersion20181031', 'AddLayerVersionPermission20181031', 'CreateTrustAnchor',
    'CreateProfile', 'GetFederationToken', 'UploadSSHPublicKey', 'CreateServiceSpecificCredential', 'CreateOpenIDConnectProvider',
    'CreateSAMLProvider', 'UpdateSAMLProvider', 'CreateVirtualMFADevice', 'EnableMFADevice'],
  PrivilegeEscalation: ['AssociateIamInstanceProfile', 'ReplaceIamInstanceProfileAssociation', 'AddUserToGroup', 'PutUserPolicy',
    'PutGroupPolicy', 'AttachUserPolicy', 'AttachGroupPolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'UpdateLoginProfile',
    'DetachUserPolicy', 'PutUserPermissionsBoundary', 'DeleteUserPermissionsBoundary', 'DeleteRolePermissionsBoundary'],
};

/** API name → tactic (management events). */
export const TACTIC_OF: ReadonlyMap<string, Tactic> = new Map(
  (Object.entries(TACTIC_APIS) as [Tactic, readonly string[]][]).flatMap(([t, apis]) => apis.map((a) => [a, t] as const)),
);

/** S3 object-level (data event) calls by anomaly category. */
export type S3Category = 'Discovery' | 'Read' | 'Write' | 'Delete' | 'Permission';

export const S3_CATEGORY_APIS: Record<S3Category, readonly string[]> = {
  Discovery: ['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'ListParts', 'GetObjectAcl', 'GetObjectAttributes',
    'GetObjectTagging', 'GetObjectLegalHold', 'GetObjectRetention', 'HeadObject', 'HeadBucket'],
  Read: ['GetObject', 'SelectObjectContent', 'GetObjectTorrent'],
  Write: ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'PutObjectTagging',
    'RestoreObject'],
  Delete: ['DeleteObject', 'DeleteObjects', 'DeleteObjectTagging', 'AbortMultipartUpload'],
  Permission: ['PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention'],
};

export const S3_CATEGORY_OF: ReadonlyMap<string, S3Category> = new Map(
  (Object.entries(S3_CATEGORY_APIS) as [S3Category, readonly string[]][]).flatMap(([c, apis]) => apis.map((a) => [a, c] as const)),
);

/** The S3 AnomalousBehavior type and severity of each category. */
export const S3_ANOMALY_TYPE: Record<S3Category, { type: string; severity: number }> = {
  Discovery: { type: 'Discovery:S3/AnomalousBehavior', severity: SEVERITY.Low },
  Read: { type: 'Exfiltration:S3/AnomalousBehavior', severity: SEVERITY.High },
  Write: { type: 'Impact:S3/AnomalousBehavior.Write', severity: SEVERITY.Medium },
  Delete: { type: 'Impact:S3/AnomalousBehavior.Delete', severity: SEVERITY.High },
  Permission: { type: 'Impact:S3/AnomalousBehavior.Permission', severity: SEVERITY.High },
};
