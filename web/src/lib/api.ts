/**
 * The GuardDuty API as the console uses it: every call SigV4-signed with the signed-in key,
 * errors turned into ApiError naming the operation, the status and GuardDuty's message.
 */
import { signedHeaders, type Credentials } from './sigv4.js';
import type { FindingCriteria } from './criteria.js';

export class ApiError extends Error {
  constructor(readonly operation: string, readonly status: number, readonly type: string, message: string) {
    super(message);
  }
  /** One line for the page: what failed and why. */
  get summary(): string {
    return this.status ? `${this.operation} failed (${this.status} ${this.type}): ${this.message}` : `${this.operation} failed: ${this.message}`;
  }
}

export interface Finding {
  id: string; arn?: string; type: string; title: string; description: string; severity: number;
  accountId: string; region: string; createdAt: string; updatedAt: string;
  resource: Record<string, unknown> & { resourceType: string };
  service: Record<string, unknown> & { archived?: boolean; count?: number; eventFirstSeen?: string; eventLastSeen?: string; userFeedback?: string };
  [k: string]: unknown;
}

export interface SortCriteria { attributeName: string; orderBy: 'ASC' | 'DESC' }
export type ListKind = 'ipset' | 'threatintelset';
export interface Whoami { accessKeyId: string; accountId: string; role: string; isAdmin: boolean; canWrite: boolean; adminAccountId: string }
export interface StatsRow { key?: string; totalFindings: number; lastGeneratedAt?: number; [k: string]: unknown }

type Json = Record<string, unknown>;

export class GuardDuty {
  constructor(readonly credentials: Credentials, readonly region: string, readonly origin: string) {}

  async call<T = Json>(operation: string, method: string, path: string, o: { body?: unknown; query?: Record<string, string | undefined>; signed?: boolean } = {}): Promise<T> {
    const url = new URL(path, this.origin);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    let res: Response;
    try {
      const headers = o.signed === false ? {} : await signedHeaders({ method, url, body, region: this.region, credentials: this.credentials });
      res = await fetch(url, { method, headers, body, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(operation, 0, 'NetworkError', `the server did not answer (${(e as Error).message})`);
    }
    const text = await res.text();
    let json: Json = {};
    try { json = text ? JSON.parse(text) as Json : {}; } catch { /* not JSON: reported below */ }
    if (!res.ok) {
      const type = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? (json.__type as string | undefined) ?? 'Error';
      throw new ApiError(operation, res.status, type, (json.message as string | undefined) ?? (text.slice(0, 200) || res.statusText));
    }
    return json as T;
  }

  whoami() { return this.call<Whoami>('Whoami', 'GET', '/vigil/whoami'); }
  async detectorId(): Promise<string> {
    const r = await this.call<{ detectorIds: string[] }>('ListDetectors', 'GET', '/detector');
    if (!r.detectorIds?.length) throw new ApiError('ListDetectors', 0, 'NoDetector', `this account has no detector in ${this.region}: pick another region, or create one (aws guardduty create-detector --enable)`);
    return r.detectorIds[0];
  }

  listFindings(d: string, criteria: FindingCriteria | undefined, sort: SortCriteria | undefined, maxResults: number, nextToken?: string) {
    return this.call<{ findingIds: string[]; nextToken?: string }>('ListFindings', 'POST', `/detector/${d}/findings`,
      { body: { ...(criteria ? { findingCriteria: criteria } : {}), ...(sort ? { sortCriteria: sort } : {}), maxResults, ...(nextToken ? { nextToken } : {}) } });
  }
  async getFindings(d: string, ids: string[], sort?: SortCriteria): Promise<Finding[]> {
    if (!ids.length) return [];
    const r = await this.call<{ findings: Finding[] }>('GetFindings', 'POST', `/detector/${d}/findings/get`, { body: { findingIds: ids, ...(sort ? { sortCriteria: sort } : {}) } });
    return r.findings;
  }
  /** Counts how many findings match, by paging ListFindings up to `cap` (for previews). */
  async countFindings(d: string, criteria: FindingCriteria, cap = 1000): Promise<{ count: number; more: boolean }> {
    let count = 0, token: string | undefined;
    do {
      const r = await this.listFindings(d, criteria, undefined, 50, token);
      count += r.findingIds.length;
      token = r.nextToken || undefined;
    } while (token && count < cap);
    return { count, more: !!token };
  }
  statistics(d: string, body: Json) {
    return this.call<{ findingStatistics: Json }>('GetFindingsStatistics', 'POST', `/detector/${d}/findings/statistics`, { body });
  }
  archive(d: string, ids: string[], archive: boolean) {
    return this.call(archive ? 'ArchiveFindings' : 'UnarchiveFindings', 'POST', `/detector/${d}/findings/${archive ? 'archive' : 'unarchive'}`, { body: { findingIds: ids } });
  }
  feedback(d: string, ids: string[], feedback: 'USEFUL' | 'NOT_USEFUL') {
    return this.call('UpdateFindingsFeedback', 'POST', `/detector/${d}/findings/feedback`, { body: { findingIds: ids, feedback } });
  }

  async filters(d: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.call<{ filterNames: string[]; nextToken?: string }>('ListFilters', 'GET', `/detector/${d}/filter`, { query: { maxResults: '50', nextToken: token } });
      names.push(...r.filterNames);
      token = r.nextToken || undefined;
    } while (token);
    return names;
  }
  getFilter(d: string, name: string) {
    return this.call<{ name: string; description?: string; action: 'NOOP' | 'ARCHIVE'; rank: number; findingCriteria: FindingCriteria }>('GetFilter', 'GET', `/detector/${d}/filter/${encodeURIComponent(name)}`);
  }
  createFilter(d: string, f: { name: string; description?: string; action: string; rank?: number; findingCriteria: FindingCriteria }) {
    return this.call('CreateFilter', 'POST', `/detector/${d}/filter`, { body: f });
  }
  updateFilter(d: string, name: string, f: { description?: string; action?: string; rank?: number; findingCriteria?: FindingCriteria }) {
    return this.call('UpdateFilter', 'POST', `/detector/${d}/filter/${encodeURIComponent(name)}`, { body: f });
  }
  deleteFilter(d: string, name: string) { return this.call('DeleteFilter', 'DELETE', `/detector/${d}/filter/${encodeURIComponent(name)}`); }

  async lists(d: string, kind: ListKind): Promise<string[]> {
    const key = kind === 'ipset' ? 'ipSetIds' : 'threatIntelSetIds';
    const r = await this.call<Record<string, string[]>>(kind === 'ipset' ? 'ListIPSets' : 'ListThreatIntelSets', 'GET', `/detector/${d}/${kind}`, { query: { maxResults: '50' } });
    return r[key] ?? [];
  }
  getList(d: string, kind: ListKind, id: string) {
    return this.call<{ name: string; format: string; location: string; status: string }>(kind === 'ipset' ? 'GetIPSet' : 'GetThreatIntelSet', 'GET', `/detector/${d}/${kind}/${id}`);
  }
  createList(d: string, kind: ListKind, l: { name: string; format: string; location: string; activate: boolean }) {
    return this.call(kind === 'ipset' ? 'CreateIPSet' : 'CreateThreatIntelSet', 'POST', `/detector/${d}/${kind}`, { body: l });
  }
  updateList(d: string, kind: ListKind, id: string, change: { activate?: boolean }) {
    return this.call(kind === 'ipset' ? 'UpdateIPSet' : 'UpdateThreatIntelSet', 'POST', `/detector/${d}/${kind}/${id}`, { body: change });
  }
  deleteList(d: string, kind: ListKind, id: string) {
    return this.call(kind === 'ipset' ? 'DeleteIPSet' : 'DeleteThreatIntelSet', 'DELETE', `/detector/${d}/${kind}/${id}`);
  }
  intelTest(value: string) { return this.call<{ value: string; kind: string; trusted: string[]; threats: { list: string; purpose: string; threat: string | null }[]; note?: string; problems: string[] }>('IntelTest', 'GET', '/vigil/intel/test', { query: { value } }); }

  members(d: string) {
    return this.call<{ members: { accountId: string; email: string; relationshipStatus: string; invitedAt?: string; updatedAt?: string }[] }>('ListMembers', 'GET', `/detector/${d}/member`, { query: { onlyAssociated: 'false', maxResults: '50' } });
  }
  createMembers(d: string, accounts: { accountId: string; email: string }[]) {
    return this.call<{ unprocessedAccounts: { accountId: string; result: string }[] }>('CreateMembers', 'POST', `/detector/${d}/member`, { body: { accountDetails: accounts } });
  }
  inviteMembers(d: string, accountIds: string[]) {
    return this.call<{ unprocessedAccounts: { accountId: string; result: string }[] }>('InviteMembers', 'POST', `/detector/${d}/member/invite`, { body: { accountIds } });
  }
  invitations() { return this.call<{ invitations: { accountId: string; invitationId: string; relationshipStatus: string; invitedAt: string }[] }>('ListInvitations', 'GET', '/invitation'); }
  acceptInvitation(d: string, administratorId: string, invitationId: string) {
    return this.call('AcceptAdministratorInvitation', 'POST', `/detector/${d}/administrator`, { body: { administratorId, invitationId } });
  }
  declineInvitations(accountIds: string[]) { return this.call('DeclineInvitations', 'POST', '/invitation/decline', { body: { accountIds } }); }
  administrator(d: string) { return this.call<{ administrator?: { accountId: string; relationshipStatus: string; invitedAt?: string } }>('GetAdministratorAccount', 'GET', `/detector/${d}/administrator`); }
  organization(d: string) { return this.call<{ autoEnableOrganizationMembers?: string }>('DescribeOrganizationConfiguration', 'GET', `/detector/${d}/admin`); }

  ingestion() { return this.call<{ logTypes: Json[]; lists: Json[] }>('GetIngestion', 'GET', '/vigil/ingestion'); }
  ingestionSources() { return this.call<{ sources?: Json[]; notifiers?: Json[]; [k: string]: unknown }>('GetIngestionSources', 'GET', '/vigil/ingestion/sources'); }
  version() { return this.call<{ version: string; uptimeSeconds: number }>('GetVersion', 'GET', '/vigil/version', { signed: false }); }
}
