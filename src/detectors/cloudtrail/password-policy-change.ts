/**
 * Stealth:IAMUser/PasswordPolicyChange, graded: the account password policy was deleted or
 * weakened. The new policy is compared with the last one seen for the account (kept in keyed
 * state); with no earlier policy seen, with the CIS AWS Foundations baseline. Each weakened
 * setting scores 1 (2 for a minimum length under 8); 1 → Low, 2–3 → Medium, 4+ → High.
 * Deleting the policy is Medium. A change that weakens nothing raises nothing.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, succeeded } from '../common/cloudtrail.js';

export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  /** 0 = never expires */
  maxPasswordAge: number;
  /** 0 = reuse allowed */
  passwordReusePrevention: number;
}

/**
 * CIS AWS Foundations Benchmark (v1.5 and later): at least 14 characters and no reuse of the last
 * 24 passwords. Later versions dropped the complexity and 90-day-expiry items (NIST SP 800-63B
 * advises against both), so a first-seen policy is only judged on length and reuse.
 */
export const CIS_BASELINE: PasswordPolicy = {
  minimumPasswordLength: 14, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false,
  requireLowercaseCharacters: false, maxPasswordAge: 0, passwordReusePrevention: 24,
};

/** What IAM applies when no policy is set. */
const IAM_DEFAULT: PasswordPolicy = {
  minimumPasswordLength: 8, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false,
  requireLowercaseCharacters: false, maxPasswordAge: 0, passwordReusePrevention: 0,
};

export function policyFrom(p: Record<string, unknown> | null | undefined): PasswordPolicy {
  const num = (k: string, d: number) => (typeof p?.[k] === 'number' ? (p[k] as number) : Number(p?.[k] ?? d) || d);
  const flag = (k: string) => p?.[k] === true || p?.[k] === 'true';
  return {
    minimumPasswordLength: num('minimumPasswordLength', 6),
    requireSymbols: flag('requireSymbols'),
    requireNumbers: flag('requireNumbers'),
    requireUppercaseCharacters: flag('requireUppercaseCharacters'),
    requireLowercaseCharacters: flag('requireLowercaseCharacters'),
    maxPasswordAge: num('maxPasswordAge', 0),
    passwordReusePrevention: num('passwordReusePrevention', 0),
  };
}

export interface Weakening { setting: keyof PasswordPolicy; from: number | boolean; to: number | boolean }

export function weakenings(before: PasswordPolicy, after: PasswordPolicy): Weakening[] {
  const out: Weakening[] = [];
  if (after.minimumPasswordLength < before.minimumPasswordLength) out.push({ setting: 'minimumPasswordLength', from: before.minimumPasswordLength, to: after.minimumPasswordLength });
  for (const k of ['requireSymbols', 'requireNumbers', 'requireUppercaseCharacters', 'requireLowercaseCharacters'] as const) {
    if (before[k] && !after[k]) out.push({ setting: k, from: true, to: false });
  }
  // a longer (or no) expiry and a smaller reuse history are weaker
  const age = (n: number) => (n === 0 ? Infinity : n);
  if (age(after.maxPasswordAge) > age(before.maxPasswordAge)) out.push({ setting: 'maxPasswordAge', from: before.maxPasswordAge, to: after.maxPasswordAge });
  if (after.passwordReusePrevention < before.passwordReusePrevention) out.push({ setting: 'passwordReusePrevention', from: before.passwordReusePrevention, to: after.passwordReusePrevention });
  return out;
}

export function gradeWeakenings(w: Weakening[], after: PasswordPolicy): number {
  const score = w.length + (w.some((x) => x.setting === 'minimumPasswordLength') && after.minimumPasswordLength < 8 ? 1 : 0);
  if (score === 0) return 0;
  if (score === 1) return SEVERITY.Low;
  if (score <= 3) return SEVERITY.Medium;
  return SEVERITY.High;
}

export const passwordPolicyChange = defineDetector({
  id: 'password-policy-change',
  description: 'account password policy deleted or weakened, graded by how much weaker',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'], eventSources: ['iam.amazonaws.com'] },
  findingTypes: ['Stealth:IAMUser/PasswordPolicyChange'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    const known = ctx.state<PasswordPolicy>('last-policy', { ttlMs: 3650 * 86_400_000, maxEntries: 100_000 });
    const previous = known.get(e.accountId);
    const before = previous ?? CIS_BASELINE;
    let severity: number;
    let changes: Weakening[];
    let summary: string;
    if (e.eventName === 'DeleteAccountPasswordPolicy') {
      known.set(e.accountId, IAM_DEFAULT);
      changes = weakenings(before, IAM_DEFAULT);
      severity = SEVERITY.Medium;
      summary = 'The account password policy was deleted; IAM defaults (8 characters, no complexity, no expiry) now apply.';
    } else {
      const after = policyFrom(e.raw.requestParameters);
      known.set(e.accountId, after);
      changes = weakenings(before, after);
      severity = gradeWeakenings(changes, after);
      if (severity === 0) return;
      summary = `The account password policy was weakened (${changes.map((c) => `${c.setting} ${c.from} → ${c.to}`).join(', ')})`
        + (previous ? '.' : ' compared with the CIS baseline; no earlier policy was seen for this account.');
    }
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'Stealth:IAMUser/PasswordPolicyChange',
      severity,
      key: 'password-policy',
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e),
      title: e.eventName === 'DeleteAccountPasswordPolicy' ? 'Account password policy was deleted.' : 'Account password policy was weakened.',
      description: summary,
      additionalInfo: { weakened: changes, comparedWith: previous ? 'previous policy' : 'CIS baseline' },
    });
  },
});
