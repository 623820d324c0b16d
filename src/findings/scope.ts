/**
 * Which findings a detector's suppression rules apply to. A member's rules cover its own
 * account; the administrator's rules cover every account it administers in that region, as
 * GuardDuty applies an administrator's suppression rules to its members' findings. The
 * administrator account is recorded by `vigil serve` (document `admin/admin`); without one,
 * each detector's rules cover its own account.
 */
import type { Finding } from '../core/index.js';
import type { FilterRecord, Store } from '../store/index.js';

interface DetectorRef { accountId: string; region: string }
interface MemberRef { accountId: string; relationshipStatus: string }

export async function filterScopes(store: Store, filters: FilterRecord[]): Promise<(f: FilterRecord) => (x: Finding) => boolean> {
  const admin = (await store.getDoc<{ accountId: string }>('admin', 'admin'))?.accountId;
  const removed = new Set(admin ? (await store.listDocs<MemberRef>('member', admin))
    .filter((m) => m.relationshipStatus === 'Removed' || m.relationshipStatus === 'Disabled').map((m) => m.accountId) : []);
  const detectors = new Map<string, DetectorRef | undefined>();
  for (const f of filters) if (!detectors.has(f.detectorId)) detectors.set(f.detectorId, await store.getDoc<DetectorRef>('detector', f.detectorId));
  return (filter) => {
    const d = detectors.get(filter.detectorId);
    if (!d) return (x) => x.service.detectorId === filter.detectorId;
    if (d.accountId === admin) return (x) => x.region === d.region && !removed.has(x.accountId);
    return (x) => x.region === d.region && x.accountId === d.accountId;
  };
}
