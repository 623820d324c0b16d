/**
 * Turns corpus results into the readable report (a table per corpus, the lists behind its
 * numbers, a final table per implemented finding type, and the expectations no current
 * detector can meet) and the totals that go into eval/.eval/results.json.
 */
import { FINDING_TYPES } from '../src/core/index.js';
import { IMPLEMENTED, type CorpusResult, type Item, type Pending, type TypeRow } from './common.js';

export interface Totals { rows: TypeRow[]; pending: (Pending & { count: number; places: string[] })[] }

export function totals(results: CorpusResult[]): Totals {
  const byType = new Map<string, TypeRow>();
  const row = (type: string) => {
    let t = byType.get(type);
    if (!t) byType.set(type, (t = { type, expected: 0, hits: 0, misses: 0, falseFindings: 0, candidates: 0 }));
    return t;
  };
  for (const t of FINDING_TYPES) if (IMPLEMENTED.has(t.type)) row(t.type);
  for (const r of results) {
    for (const x of r.rows) {
      const t = row(x.type);
      t.expected += x.expected; t.hits += x.hits; t.misses += x.misses; t.falseFindings += x.falseFindings;
      t.candidates = (t.candidates ?? 0) + (x.candidates ?? 0);
    }
  }
  const pending = new Map<string, Totals['pending'][number]>();
  for (const p of results.flatMap((r) => r.pending)) {
    const key = `${p.type}|${p.status}`;
    const e = pending.get(key) ?? { ...p, count: 0, places: [] };
    pending.set(key, e);
    e.count++;
    e.places.push(p.where);
  }
  const order: Record<string, number> = { 'not-yet-implemented': 0, 'not-in-catalogue': 1, 'no-native-type': 2 };
  return {
    rows: [...byType.values()],
    pending: [...pending.values()].sort((a, b) => order[a.status] - order[b.status] || (a.issue ?? 99) - (b.issue ?? 99) || a.type.localeCompare(b.type)),
  };
}

/** A plain aligned table: header, rule, rows; cells longer than `max` are cut with '…'. */
export function grid(head: string[], rows: (string | number)[][], max = 70): string {
  const cells = [head, ...rows.map((r) => r.map(String))].map((r) => r.map((c) => (c.length > max ? c.slice(0, max - 1) + '…' : c)));
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (/^\d+$/.test(c) ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  return [line(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function typeTable(rows: TypeRow[], withCandidates: boolean): string {
  const head = ['finding type', 'expected', 'hits', 'misses', 'false', ...(withCandidates ? ['candidates'] : [])];
  return grid(head, rows.map((r) => [r.type, r.expected, r.hits, r.misses, r.falseFindings, ...(withCandidates ? [r.candidates ?? 0] : [])]));
}

function list(title: string, items: Item[], max = 40): string[] {
  if (!items.length) return [];
  const out = [`${title} (${items.length}):`, ...items.slice(0, max).map((i) => `  - ${i.type} @ ${i.where}: ${i.detail}`)];
  if (items.length > max) out.push(`  … ${items.length - max} more in the JSON`);
  return out;
}

export function renderCorpus(r: CorpusResult): string {
  const out = [`\n=== ${r.title} ===`];
  if (r.detail) out.push(grid(r.detail.head, r.detail.rows), '');
  const withCandidates = r.rows.some((x) => x.candidates !== undefined);
  if (r.rows.length) out.push(typeTable(r.rows, withCandidates), '');
  for (const n of r.notes) out.push(n.startsWith('  ') ? n : `• ${n}`);
  out.push(...list('Misses', r.misses), ...list('FALSE findings', r.falseFindings), ...list('Other findings (neither expected nor false)', r.otherFindings, 15));
  const candidates = (r.extra?.candidates ?? []) as (Item & { assessment?: string })[];
  if (candidates.length) {
    out.push(`False-finding candidates — findings on Panther negatives of rules not mapped to the type; a person should judge each (${candidates.length}):`);
    for (const c of candidates) out.push(`  - ${c.type} @ ${c.where}: ${c.detail}\n      evaluator's reading: ${c.assessment ?? 'none yet'}`);
  }
  if (r.pending.length) out.push(`Expected but not implemented yet: ${r.pending.length} (listed at the end).`);
  for (const p of r.pending.filter((x) => x.note && x.status === 'not-yet-implemented')) out.push(`  ${p.type} (issue ${p.issue}) @ ${p.where}: ${p.note}`);
  return out.join('\n');
}

export function renderTotals(t: Totals): string {
  const out = ['\n=== All corpora, per implemented finding type ===', typeTable(t.rows, true), ''];
  const silent = t.rows.filter((r) => r.expected === 0 && r.falseFindings === 0 && !r.candidates).map((r) => r.type);
  if (silent.length) out.push(`• No corpus exercises these implemented types: ${silent.join(', ')}.`);
  out.push('• false = findings on events/traffic labelled as not that type; candidates = findings on Panther negatives of unmapped rules, to be judged.');
  out.push('\n=== Expected by a corpus, not implemented yet (not counted as misses) ===');
  out.push(grid(['type', 'status', 'issue', 'count', 'where'], t.pending.map((p) => {
    const places = [...new Set(p.places)];
    return [p.type, p.status, p.issue ?? '-', p.count, places.slice(0, 3).join(', ') + (places.length > 3 ? `, +${places.length - 3}` : '')];
  }), 80));
  return out.join('\n');
}
