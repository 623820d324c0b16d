/**
 * Candidate → GuardDuty finding JSON, and the aggregation rule for a repeat: `count` grows,
 * `eventFirstSeen`/`eventLastSeen` widen, and the details (resource, action, evidence, severity,
 * title) show the latest occurrence by event time, as GuardDuty does.
 */
import type { Finding, FindingCandidate } from '../core/index.js';
import { detectorIdFor, findingId, partitionOf } from './fingerprint.js';

export function buildFinding(c: FindingCandidate, count: number, firstSeen: number, lastSeen: number, now: string): Finding {
  const id = findingId(c.accountId, c.region, c.type, c.key);
  const detectorId = detectorIdFor(c.accountId, c.region);
  const partition = partitionOf(c.region);
  const f: Finding = {
    schemaVersion: '2.0',
    accountId: c.accountId,
    region: c.region,
    partition,
    id,
    arn: `arn:${partition}:guardduty:${c.region}:${c.accountId}:detector/${detectorId}/finding/${id}`,
    type: c.type,
    title: c.title,
    description: c.description,
    severity: c.severity,
    createdAt: now,
    updatedAt: now,
    resource: c.resource,
    service: {
      serviceName: 'guardduty',
      detectorId,
      archived: false,
      count,
      eventFirstSeen: new Date(firstSeen).toISOString(),
      eventLastSeen: new Date(lastSeen).toISOString(),
      resourceRole: c.resourceRole,
      action: c.action,
      additionalInfo: { value: JSON.stringify(c.additionalInfo ?? {}), type: 'default' },
    },
  };
  if (c.threatIntelligenceDetails?.length) f.service.evidence = { threatIntelligenceDetails: c.threatIntelligenceDetails };
  if (c.detection) f.service.detection = c.detection;
  return f;
}

/** Occurrences of one finding gathered during a batch, before they meet the stored finding. */
export interface PendingOccurrences {
  id: string;
  /** The occurrence with the latest event time: its details win. */
  latest: FindingCandidate;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export function addOccurrence(p: PendingOccurrences | undefined, c: FindingCandidate, id: string): PendingOccurrences {
  const n = c.count ?? 1;
  if (!p) return { id, latest: c, count: n, firstSeen: c.time, lastSeen: c.time };
  p.count += n;
  if (c.time < p.firstSeen) p.firstSeen = c.time;
  if (c.time >= p.lastSeen) { p.lastSeen = c.time; p.latest = c; }
  return p;
}

/** Folds a batch's occurrences into the stored finding (or creates it). */
export function mergeFinding(existing: Finding | undefined, p: PendingOccurrences, now: string): Finding {
  if (!existing) return buildFinding(p.latest, p.count, p.firstSeen, p.lastSeen, now);
  const prevFirst = Date.parse(existing.service.eventFirstSeen);
  const prevLast = Date.parse(existing.service.eventLastSeen);
  const count = existing.service.count + p.count;
  const first = Math.min(prevFirst, p.firstSeen);
  if (p.lastSeen >= prevLast) {
    // the batch holds the latest occurrence: its details replace the stored ones
    const f = buildFinding(p.latest, count, first, p.lastSeen, now);
    f.createdAt = existing.createdAt;
    f.service.archived = existing.service.archived;
    if (existing.service.userFeedback) f.service.userFeedback = existing.service.userFeedback;
    return f;
  }
  // late, older occurrences only widen the counts
  return {
    ...existing,
    updatedAt: now,
    service: { ...existing.service, count, eventFirstSeen: new Date(first).toISOString() },
  };
}
