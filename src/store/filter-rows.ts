/**
 * A suppression rule as both stores keep it: one row of the `filters` table (criteria and tags as
 * JSON text), so SQLite and PostgreSQL read and write it alike.
 */
import type { FilterRecord } from './types.js';

/** The row's columns in order: detector_id, name, description, action, rank, criteria, tags. */
export function filterValues(f: FilterRecord): [string, string, string | null, string, number, string, string | null] {
  return [f.detectorId, f.name, f.description ?? null, f.action, f.rank, JSON.stringify(f.findingCriteria), f.tags ? JSON.stringify(f.tags) : null];
}

export function filterFromRow(r: Record<string, unknown>): FilterRecord {
  return {
    detectorId: r.detector_id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? undefined,
    action: r.action as FilterRecord['action'],
    rank: r.rank as number,
    findingCriteria: JSON.parse(r.criteria as string),
    tags: r.tags ? JSON.parse(r.tags as string) : undefined,
  };
}
