/** GuardDuty severity bands: numeric 1.0–10.0 mapped to four levels. */

export type SeverityLevel = 'Low' | 'Medium' | 'High' | 'Critical';

/** The numbers Vigil uses for each level's default (GuardDuty publishes ranges, not defaults). */
export const SEVERITY = { Low: 2, Medium: 5, High: 8, Critical: 9 } as const;

export function severityLevel(n: number): SeverityLevel {
  if (n >= 9) return 'Critical';
  if (n >= 7) return 'High';
  if (n >= 4) return 'Medium';
  return 'Low';
}

export function parseSeverityLevel(s: string): SeverityLevel | undefined {
  const k = s.trim().toLowerCase();
  return (['Low', 'Medium', 'High', 'Critical'] as const).find((l) => l.toLowerCase() === k);
}

/** Inclusive-exclusive numeric range of a level, for store queries. */
export function severityRange(level: SeverityLevel): [number, number] {
  switch (level) {
    case 'Low': return [0, 4];
    case 'Medium': return [4, 7];
    case 'High': return [7, 9];
    case 'Critical': return [9, 11];
  }
}
