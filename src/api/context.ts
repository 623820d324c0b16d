/**
 * What every route handler gets: the store, the caller, and the rules of visibility —
 * which detector belongs to whom and which accounts' findings a caller may see.
 */
import type { Store } from '../store/index.js';
import type { IntelManager } from '../intel/manager.js';
import type { ServeConfig } from './config.js';
import type { Principal } from './auth/principals.js';
import { detectorIdFor } from '../findings/index.js';
import { badRequest, denied } from './errors.js';

export interface DetectorDoc {
  detectorId: string;
  accountId: string;
  region: string;
  status: 'ENABLED' | 'DISABLED';
  findingPublishingFrequency: 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';
  dataSources: Record<string, unknown>;
  features: { name: string; status: 'ENABLED' | 'DISABLED'; additionalConfiguration?: { name: string; status: string }[] }[];
  createdAt: string;
  updatedAt: string;
}

export interface MemberDoc {
  accountId: string;
  administratorId: string;
  email: string;
  relationshipStatus: string;
  invitedAt?: string;
  updatedAt: string;
  invitationId?: string;
}

export interface OrgConfig { autoEnable: boolean; autoEnableOrganizationMembers: 'NEW' | 'ALL' | 'NONE'; s3DataEvents: boolean }

export const DEFAULT_ORG: OrgConfig = { autoEnable: true, autoEnableOrganizationMembers: 'ALL', s3DataEvents: false };

export class ApiContext {
  /** Continuous ingestion and notifiers of `vigil serve` (src/app/ingest), when running. */
  continuous?: { view(): unknown };

  constructor(readonly store: Store, readonly config: ServeConfig, readonly intel: IntelManager, readonly startedAt = Date.now()) {}

  get adminAccountId(): string { return this.config.adminAccountId; }

  now(): string { return new Date().toISOString(); }

  async orgConfig(): Promise<OrgConfig> {
    return (await this.store.getDoc<OrgConfig>('org-config', this.adminAccountId)) ?? DEFAULT_ORG;
  }

  /** The administrator's explicit members (CreateMembers / invitations), any status. */
  async explicitMembers(): Promise<MemberDoc[]> {
    return this.store.listDocs<MemberDoc>('member', this.adminAccountId);
  }

  /**
   * Accounts whose findings a caller sees. The administrator: itself, members it enabled, and —
   * with the organisation's auto-enable set to ALL (the default) — every account whose logs were
   * scanned. Anyone else: their own account.
   */
  async visibleAccounts(p: Principal, region: string): Promise<string[]> {
    if (!p.isAdmin) return [p.accountId];
    const accounts = new Set([this.adminAccountId]);
    const org = await this.orgConfig();
    const members = await this.explicitMembers();
    for (const m of members) if (m.relationshipStatus === 'Enabled') accounts.add(m.accountId);
    if (org.autoEnableOrganizationMembers !== 'NONE') {
      const removed = new Set(members.filter((m) => m.relationshipStatus === 'Removed' || m.relationshipStatus === 'Disabled').map((m) => m.accountId));
      for (const a of await this.store.findingAccounts(region)) if (!removed.has(a)) accounts.add(a);
    }
    return [...accounts].sort();
  }

  /**
   * Like visibleAccounts, for store queries: undefined when the caller sees every account of the
   * region (the administrator with auto-enable ALL and nobody removed), so no account filter is needed.
   */
  async accountFilter(p: Principal, region: string): Promise<string[] | undefined> {
    if (p.isAdmin && (await this.orgConfig()).autoEnableOrganizationMembers !== 'NONE'
      && !(await this.explicitMembers()).some((m) => m.relationshipStatus === 'Removed' || m.relationshipStatus === 'Disabled')) return undefined;
    return this.visibleAccounts(p, region);
  }

  async detector(id: string): Promise<DetectorDoc | undefined> {
    return this.store.getDoc<DetectorDoc>('detector', id);
  }

  /** The caller's own detector by id, or GuardDuty's error when it is not theirs or does not exist. */
  async ownDetector(p: Principal, id: string, region: string): Promise<DetectorDoc> {
    if (!/^[A-Za-z0-9]{1,300}$/.test(id)) throw badRequest('The request is rejected because the input detectorId is not valid.');
    const d = await this.detector(id);
    if (!d || d.accountId !== p.accountId || d.region !== region) {
      throw badRequest('The request is rejected because the input detectorId is not owned by the current account.');
    }
    return d;
  }

  requireAdmin(p: Principal, what: string): void {
    if (!p.isAdmin) throw denied(`Only the administrator account can ${what}.`);
  }

  /** Creates the detector of an account and region if it does not exist yet (same id scans use). */
  async ensureDetector(accountId: string, region: string): Promise<DetectorDoc> {
    const id = detectorIdFor(accountId, region);
    const existing = await this.detector(id);
    if (existing) return existing;
    const now = this.now();
    const d: DetectorDoc = {
      detectorId: id, accountId, region, status: 'ENABLED', findingPublishingFrequency: 'SIX_HOURS',
      dataSources: {}, features: [{ name: 'CLOUD_TRAIL', status: 'ENABLED' }, { name: 'DNS_LOGS', status: 'ENABLED' }, { name: 'FLOW_LOGS', status: 'ENABLED' },
        { name: 'S3_DATA_EVENTS', status: 'DISABLED' }], createdAt: now, updatedAt: now,
    };
    await this.store.putDoc('detector', id, accountId, d);
    return d;
  }

  arn(region: string, accountId: string, rest: string): string {
    return `arn:aws:guardduty:${region}:${accountId}:${rest}`;
  }

  /** Tags of any taggable resource live here, by ARN. */
  async tagsOf(arn: string): Promise<Record<string, string>> {
    return (await this.store.getDoc<Record<string, string>>('tags', arn)) ?? {};
  }

  async setTags(arn: string, accountId: string, tags: Record<string, string> | undefined): Promise<void> {
    if (tags && Object.keys(tags).length) await this.store.putDoc('tags', arn, accountId, tags);
    else await this.store.deleteDoc('tags', arn);
  }
}
