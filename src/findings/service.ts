/**
 * The findings service: the one path every detector's candidates take.
 * submit (hot path, synchronous): fingerprint → fold into the batch's pending occurrences.
 * flush (per checkpoint, async): read the stored findings those ids name → aggregate →
 * apply suppression rules (ARCHIVE filters, by rank) → hand the result to the commit.
 */
import type { Finding, FindingCandidate } from '../core/index.js';
import { findingTypeInfo } from '../core/index.js';
import type { FilterRecord, Store } from '../store/types.js';
import { addOccurrence, mergeFinding, type PendingOccurrences } from './build.js';
import { compileCriteria } from './criteria.js';
import { findingId } from './fingerprint.js';

export interface FlushResult {
  findings: Finding[];
  created: Finding[];
  updated: Finding[];
  suppressed: number;
}

interface CompiledFilter { name: string; test: (f: Finding) => boolean }

export class FindingsService {
  private pending = new Map<string, PendingOccurrences>();
  private suppression: CompiledFilter[] = [];
  /** Candidates whose type is not in the catalogue (a detector bug): counted, not stored. */
  unknownTypes = new Map<string, number>();

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  /**
   * Loads the ARCHIVE filters (suppression rules), lowest rank first. `scopeOf` says which
   * findings a rule may touch (findings/scope.ts); by default those of its own detector.
   */
  setFilters(filters: FilterRecord[], scopeOf: (f: FilterRecord) => (x: Finding) => boolean = (f) => (x) => x.service.detectorId === f.detectorId): void {
    this.suppression = filters
      .filter((f) => f.action === 'ARCHIVE')
      .sort((a, b) => a.rank - b.rank)
      .map((f) => {
        const inScope = scopeOf(f);
        const matches = compileCriteria(f.findingCriteria);
        return { name: f.name, test: (x: Finding) => inScope(x) && matches(x) };
      });
  }

  submit(c: FindingCandidate): void {
    if (!findingTypeInfo(c.type)) {
      this.unknownTypes.set(c.type, (this.unknownTypes.get(c.type) ?? 0) + 1);
      return;
    }
    const id = findingId(c.accountId, c.region, c.type, c.key);
    this.pending.set(id, addOccurrence(this.pending.get(id), c, id));
  }

  get pendingCount(): number { return this.pending.size; }

  /** Merges the pending occurrences with what the store holds; clears the batch. */
  async flush(store: Store): Promise<FlushResult> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const result: FlushResult = { findings: [], created: [], updated: [], suppressed: 0 };
    if (batch.length === 0) return result;
    const existing = new Map<string, Finding>();
    for (let i = 0; i < batch.length; i += 500) {
      for (const f of await store.getFindings(batch.slice(i, i + 500).map((p) => p.id))) existing.set(f.id, f);
    }
    const now = this.now();
    for (const p of batch) {
      const before = existing.get(p.id);
      const f = mergeFinding(before, p, now);
      if (this.suppressed(f)) {
        if (!f.service.archived) result.suppressed++;
        f.service.archived = true;
      } else if (before && p.lastSeen >= Date.parse(before.service.eventLastSeen)) {
        // a new occurrence brings a manually archived finding back, as in GuardDuty
        f.service.archived = false;
      }
      result.findings.push(f);
      (before ? result.updated : result.created).push(f);
    }
    return result;
  }

  private suppressed(f: Finding): boolean {
    for (const r of this.suppression) if (r.test(f)) return true;
    return false;
  }
}
