import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../testing/harness.js';
import { defineDetector } from '../engine/index.js';
import type { CloudTrailEnrichment } from '../core/index.js';
import { roleSession } from '../testing/cloudtrail-history.js';
import { userAgentFamily } from './user-agent.js';

function enriched(records: object[], path?: string): CloudTrailEnrichment[] {
  const seen: CloudTrailEnrichment[] = [];
  const capture = defineDetector({ id: 'capture', description: 'test', kinds: ['cloudtrail'], findingTypes: [], onEvent(e) { seen.push({ ...e.enrich }); } });
  detect([{ kind: 'cloudtrail', text: cloudTrailFile(records), path }], { detectors: [capture] });
  return seen;
}

test('public callers get ASN, organisation, country and AWS-range membership; private and service callers none', () => {
  const [fr, aws, priv, svc] = enriched([
    ctRecord({ sourceIPAddress: '86.245.153.234' }),
    ctRecord({ sourceIPAddress: '54.239.28.85' }),
    ctRecord({ sourceIPAddress: '10.0.1.25', vpcEndpointId: 'vpce-0a1b2c3d4e5f60718' }),
    ctRecord({ sourceIPAddress: 'cloudformation.amazonaws.com', userAgent: 'cloudformation.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' } }),
  ]);
  assert.deepEqual([fr.asn, fr.asnOrg, fr.country, fr.callerInAws], [3215, 'Orange S.A.', 'FR', false]);
  assert.deepEqual([aws.asn, aws.country, aws.callerInAws, aws.awsService], [16509, 'US', true, 'AMAZON']);
  assert.deepEqual([priv.asn, priv.country, priv.callerInAws], [0, '', false]);
  assert.deepEqual([svc.asn, svc.principal, svc.uaFamily], [0, '', 'aws-internal']);
});

test('the baseline principal: user ARN; role ARN for role sessions; the session for Identity Center roles', () => {
  const [user, role, sso] = enriched([
    ctRecord(),
    ctRecord({ userIdentity: roleSession('ci-deploy', 'build-42') }),
    ctRecord({ userIdentity: roleSession('AWSReservedSSO_AdministratorAccess_3f2a1b', 'alice@example.com') }),
  ]);
  assert.equal(user.principal, 'arn:aws:iam::111122223333:user/alice');
  assert.equal(role.principal, 'arn:aws:iam::111122223333:role/ci-deploy');
  assert.equal(sso.principal, 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b/alice@example.com');
});

test('the organisation comes from an organisation trail\'s key layout; data events are marked', () => {
  const [org] = enriched([ctRecord({ eventCategory: 'Data' })], 'AWSLogs/o-abc123def4/111122223333/CloudTrail/us-east-1/2026/03/02/x.json');
  assert.equal(org.orgId, 'o-abc123def4');
  assert.equal(org.dataEvent, true);
  const [plain] = enriched([ctRecord()]);
  assert.deepEqual([plain.orgId, plain.dataEvent], ['', false]);
});

test('user-agent families name the client kind, not its version; unknown agents are "other"', () => {
  const cases: [string, string][] = [
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64', 'aws-cli'],
    ['Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0', 'boto3'],
    ['aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1', 'sdk-go'],
    ['aws-sdk-js/3.540.0 ua/2.0 os/linux lang/js md/nodejs#20.11.1 exec-env/AWS_Lambda_nodejs20.x', 'sdk-js'],
    ['aws-sdk-java/2.25.13 Linux/5.10', 'sdk-java'],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 aws-sdk-go/1.51.6', 'terraform'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36', 'console'],
    ['console.amazonaws.com', 'console'],
    ['AWS Internal', 'aws-internal'],
    ['ec2.amazonaws.com', 'aws-internal'],
    ['curl/8.5.0', 'http-client'],
    ['my-homegrown-tool/0.1', 'other'],
    ['', ''],
  ];
  for (const [ua, family] of cases) assert.equal(userAgentFamily(ua), family, ua);
});
