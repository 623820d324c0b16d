/**
 * Shared by the threat-intel detectors: turning a match id into GuardDuty's
 * `threatIntelligenceDetails` (one entry per list, with its threat names) and grouping the
 * matched lists by the finding type their declared purpose maps to.
 */
import type { ThreatIntelligenceDetail } from '../../core/index.js';
import type { IntelHit } from '../../intel/matcher/index.js';

export function threatDetails(hits: readonly IntelHit[]): ThreatIntelligenceDetail[] {
  const byList = new Map<string, ThreatIntelligenceDetail>();
  for (const h of hits) {
    let d = byList.get(h.list.id);
    if (!d) {
      d = { threatListName: h.list.name, threatNames: [] };
      if (h.list.sha256) d.threatFileSha256 = h.list.sha256;
      byList.set(h.list.id, d);
    }
    if (h.threat && !d.threatNames!.includes(h.threat)) d.threatNames!.push(h.threat);
  }
  return [...byList.values()];
}

/** Groups hits by the type `typeOf(purpose)` gives (undefined = no finding for that purpose). */
export function hitsByType(hits: readonly IntelHit[], typeOf: (purpose: string) => string | undefined): Map<string, IntelHit[]> {
  const out = new Map<string, IntelHit[]>();
  for (const h of hits) {
    const t = typeOf(h.list.purpose);
    if (!t) continue;
    const list = out.get(t);
    if (list) list.push(h); else out.set(t, [h]);
  }
  return out;
}

/** `"List A (threat1, threat2), List B"` for descriptions. */
export function describeLists(details: ThreatIntelligenceDetail[]): string {
  return details.map((d) => (d.threatNames?.length ? `${d.threatListName} (${d.threatNames.join(', ')})` : d.threatListName)).join(', ');
}
