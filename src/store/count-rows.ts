/**
 * The overview counts (`countFindings`) from rows of (type, severity, archived, n), as both stores
 * group them: SQLite over its findings, PostgreSQL over its finding_totals.
 */
import { severityLevel, type SeverityLevel } from '../core/index.js';
import type { StoreCounts } from './types.js';

export function countsFromRows(rows: Iterable<Record<string, unknown>>): StoreCounts {
  const bySeverity: Record<SeverityLevel, number> = { Low: 0, Medium: 0, High: 0, Critical: 0 };
  const byType: Record<string, number> = {};
  let total = 0, archived = 0;
  for (const r of rows) {
    const n = r.n as number;
    total += n;
    if (r.archived) archived += n;
    bySeverity[severityLevel(r.severity as number)] += n;
    byType[r.type as string] = (byType[r.type as string] ?? 0) + n;
  }
  return { total, archived, bySeverity, byType };
}
