/**
 * Corpus 1: Stratus Red Team detonation logs (DataDog/stratus-red-team, Apache-2.0). Each
 * technique file is scanned alone, into its own store, so every finding belongs to one
 * technique. LABELS.json names the GuardDuty finding each technique should raise; a label may
 * name several types, a type a later issue builds, a type outside the catalogue, or no native
 * type at all. Implemented types are scored (hit / miss); the rest are listed as pending. Any
 * stored finding of a type the file's label does not name is a false finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, Tally, scanIsolated, typeStatus, type CorpusResult, type Item, type Pending } from './common.js';

export const STRATUS_DIR = join(DATA, 'cloudtrail/stratus-red-team-detonation-logs');

interface Label { technique: string; events: number; expected_finding: string }

/** GuardDuty type names in a free-text label ("A + B", "A (if anomalous) / custom …"). */
export function typesInLabel(label: string): string[] {
  return [...label.matchAll(/\b([A-Z][A-Za-z]+:[A-Za-z0-9]+\/[A-Za-z0-9.!&]+)/g)].map((m) => m[1]);
}

export async function runStratus(): Promise<CorpusResult> {
  const labels = JSON.parse(readFileSync(join(STRATUS_DIR, 'LABELS.json'), 'utf8')) as Record<string, Label>;
  const tally = new Tally();
  const misses: Item[] = [], falseFindings: Item[] = [], pending: Pending[] = [];
  const detail: (string | number)[][] = [];
  let records = 0, bad = 0;

  for (const [file, label] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
    const { report, findings } = await scanIsolated(join(STRATUS_DIR, file));
    records += report.ingest.recordTotal;
    bad += report.ingest.badTotal;
    const expected = typesInLabel(label.expected_finding);
    const found = new Set(findings.map((f) => f.type));
    const where = label.technique;
    const scored: string[] = [];
    if (expected.length === 0) pending.push({ type: '(none)', status: 'no-native-type', where, note: label.expected_finding });
    for (const type of expected) {
      const st = typeStatus(type);
      if (st.status !== 'implemented') {
        pending.push({ type, status: st.status, issue: st.issue, where });
        continue;
      }
      scored.push(type);
      tally.expect(type, found.has(type));
      if (!found.has(type)) misses.push({ type, where, detail: `${report.ingest.recordTotal} events scanned, no ${type} finding` });
    }
    for (const f of findings) {
      if (expected.includes(f.type)) continue;
      tally.falseFinding(f.type);
      falseFindings.push({ type: f.type, where, detail: `${f.title} (${f.service.count}×)` });
    }
    const outcome = scored.length === 0 ? 'pending' : scored.every((t) => found.has(t)) ? 'hit' : 'MISS';
    detail.push([where.replace(/^aws\./, ''), report.ingest.recordTotal, label.expected_finding.slice(0, 60), outcome,
      findings.map((f) => `${f.type}${expected.includes(f.type) ? '' : ' (FALSE)'}`).join(', ') || '-']);
  }
  if (records !== Object.values(labels).reduce((n, l) => n + l.events, 0) || bad > 0) {
    misses.push({ type: '(parser)', where: 'stratus', detail: `${records} events read, ${bad} rejected; LABELS.json counts ${Object.values(labels).reduce((n, l) => n + l.events, 0)}` });
  }

  return {
    id: 'stratus',
    title: 'Stratus Red Team detonation logs (CloudTrail, one store per technique)',
    rows: tally.rows(),
    misses, falseFindings, otherFindings: [], pending,
    notes: [
      `${Object.keys(labels).length} technique files, ${records} events read, ${bad} rejected by the parser.`,
      'Every event carries a stratus-red-team user agent; no detector may key on it.',
    ],
    detail: { head: ['technique', 'events', 'label (expected_finding)', 'outcome', 'findings'], rows: detail },
    extra: { files: Object.keys(labels).length, records, bad },
  };
}
