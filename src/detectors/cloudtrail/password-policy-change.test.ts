import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { passwordPolicyChange } from './password-policy-change.js';

function run(records: object[]) {
  return detect([{ kind: 'cloudtrail', text: cloudTrailFile(records) }], { detectors: [passwordPolicyChange] }).candidates;
}

const CIS = {
  minimumPasswordLength: 14, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true,
  requireLowercaseCharacters: true, allowUsersToChangePassword: true, maxPasswordAge: 90, passwordReusePrevention: 24, hardExpiry: false,
};

/** UpdateAccountPasswordPolicy as IAM logs it: the parameters given, nothing else. */
const update = (requestParameters: Record<string, unknown>, over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 'iam.amazonaws.com', eventName: 'UpdateAccountPasswordPolicy', readOnly: false, requestParameters, sourceIPAddress: '81.2.69.160',
  userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off command/iam.update-account-password-policy',
  ...over,
});
const remove = (over: Record<string, unknown> = {}) => ctRecord({
  eventSource: 'iam.amazonaws.com', eventName: 'DeleteAccountPasswordPolicy', eventTime: '2026-03-02T10:55:00Z', readOnly: false,
  requestParameters: null, sourceIPAddress: '81.2.69.160', ...over,
});

test('one weakened setting against the previous policy is Low, with the change in the evidence', () => {
  const out = run([update(CIS), update({ ...CIS, minimumPasswordLength: 10 })]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Stealth:IAMUser/PasswordPolicyChange');
  assert.equal(c.severity, 2);
  assert.equal(c.resourceRole, 'TARGET');
  assert.equal(c.resource.resourceType, 'AccessKey');
  assert.equal(c.resource.accessKeyDetails?.accessKeyId, 'AKIAEXAMPLEKEY000001');
  assert.equal(c.resource.accessKeyDetails?.userName, 'alice');
  assert.equal(c.action.awsApiCallAction?.api, 'UpdateAccountPasswordPolicy');
  assert.equal(c.action.awsApiCallAction?.serviceName, 'iam.amazonaws.com');
  assert.equal(c.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4, '81.2.69.160');
  assert.deepEqual(c.additionalInfo, { weakened: [{ setting: 'minimumPasswordLength', from: 14, to: 10 }], comparedWith: 'previous policy' });
});

test('two or three weakened settings are Medium', () => {
  const [c] = run([update(CIS), update({ ...CIS, requireSymbols: false, requireNumbers: false })]);
  assert.equal(c.severity, 5);
  assert.deepEqual((c.additionalInfo?.weakened as { setting: string }[]).map((w) => w.setting), ['requireSymbols', 'requireNumbers']);
});

test('four or more points (a length under 8 counts twice) are High', () => {
  // length 14 → 6 scores 2, symbols and reuse history 1 each
  const [c] = run([update(CIS), update({ ...CIS, minimumPasswordLength: 6, requireSymbols: false, passwordReusePrevention: 0 })]);
  assert.equal(c.severity, 8);
  assert.deepEqual(c.additionalInfo?.weakened, [
    { setting: 'minimumPasswordLength', from: 14, to: 6 },
    { setting: 'requireSymbols', from: true, to: false },
    { setting: 'passwordReusePrevention', from: 24, to: 0 },
  ]);
});

test('a longer expiry, or none at all, is a weakening', () => {
  const out = run([update(CIS), update({ ...CIS, maxPasswordAge: 365 }), update({ ...CIS, maxPasswordAge: 365 }), update({ ...CIS, maxPasswordAge: 0 })]);
  assert.deepEqual(out.map((c) => c.additionalInfo?.weakened), [
    [{ setting: 'maxPasswordAge', from: 90, to: 365 }],
    [{ setting: 'maxPasswordAge', from: 365, to: 0 }],
  ]);
});

test('with no earlier policy seen, the new one is compared with the CIS baseline', () => {
  const [c] = run([update({ ...CIS, passwordReusePrevention: 12 })]);
  assert.equal(c.severity, 2);
  assert.deepEqual(c.additionalInfo, { weakened: [{ setting: 'passwordReusePrevention', from: 24, to: 12 }], comparedWith: 'CIS baseline' });
  // parameters left out take IAM's API defaults (length 6, reuse allowed): below CIS on both counts;
  // complexity and expiry are not CIS items any more, so they are not held against a first-seen policy
  const [bare] = run([update({ minimumPasswordLength: 6, allowUsersToChangePassword: true })]);
  assert.equal(bare.severity, 5);
  assert.deepEqual((bare.additionalInfo?.weakened as { setting: string }[]).map((w) => w.setting), ['minimumPasswordLength', 'passwordReusePrevention']);
});

test('deleting the policy is Medium and lists what the IAM default loses', () => {
  const out = run([update(CIS), remove()]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.severity, 5);
  assert.equal(c.action.awsApiCallAction?.api, 'DeleteAccountPasswordPolicy');
  assert.equal(c.title, 'Account password policy was deleted.');
  assert.equal(c.additionalInfo?.comparedWith, 'previous policy');
  assert.deepEqual((c.additionalInfo?.weakened as { setting: string }[]).map((w) => w.setting), [
    'minimumPasswordLength', 'requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters', 'maxPasswordAge', 'passwordReusePrevention',
  ]);
});

test('silent when the policy is strengthened or restated, and for failed calls', () => {
  const weak = { minimumPasswordLength: 8, requireSymbols: false, requireNumbers: true, requireUppercaseCharacters: false, requireLowercaseCharacters: true, allowUsersToChangePassword: true, maxPasswordAge: 0, passwordReusePrevention: 0 };
  const out = run([
    update(CIS),
    update(CIS), // the same policy applied again
    update({ ...CIS, minimumPasswordLength: 16, maxPasswordAge: 60 }), // stronger
    update(weak, { errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform: iam:UpdateAccountPasswordPolicy' }),
    remove({ errorCode: 'AccessDenied' }),
  ]);
  assert.deepEqual(out, []);
});

test('a failed update or delete does not replace the remembered policy', () => {
  const strong = { ...CIS, minimumPasswordLength: 16, maxPasswordAge: 60 };
  const out = run([
    update(strong),
    update({ ...CIS, minimumPasswordLength: 8, requireSymbols: false }, { errorCode: 'AccessDenied' }),
    remove({ errorCode: 'NoSuchEntity' }),
    update(CIS), // weaker than `strong` in two settings
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0].severity, 5);
  assert.deepEqual(out[0].additionalInfo?.weakened, [
    { setting: 'minimumPasswordLength', from: 16, to: 14 },
    { setting: 'maxPasswordAge', from: 60, to: 90 },
  ]);
});

test('a first policy that meets the CIS baseline is silent, and later weakenings compare with it, not the baseline', () => {
  const out = run([update({ ...CIS, minimumPasswordLength: 20 }), update({ ...CIS, minimumPasswordLength: 16 })]);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].additionalInfo?.weakened, [{ setting: 'minimumPasswordLength', from: 20, to: 16 }]);
});
