/**
 * Corpus 1b: the Stratus Red Team detonations replayed on top of a benign background
 * (eval/stratus-background.ts): two weeks of ordinary activity in the same account, for the
 * same principals and the account's usual residents, then the detonation. Each technique is
 * scanned twice into fresh stores: the background alone (every finding there is a false
 * finding on benign activity) and background + detonation (findings that are new, or that grew,
 * belong to the detonation). A technique is detected when every expected type its label names
 * and Vigil implements is among the detonation's findings; other types on the detonation are
 * listed, not counted as false. No detector may key on the Stratus user agent: the background
 * never copies it, and nothing compares against it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Tally, scanIsolated, typeStatus, type CorpusResult, type Item, type Pending } from './common.js';
import { STRATUS_DIR, typesInLabel } from './stratus.js';
import { background, detonationInfo } from './stratus-background.js';

interface Label { technique: string; events: number; expected_finding: string }
type Rec = Record<string, unknown>;

function records(path: string): Rec[] {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Rec[] | { Records: Rec[] };
  return Array.isArray(doc) ? doc : doc.Records;
}

const dayPath = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '/');
const stamp = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '');

/** Writes CloudTrail files in the S3 key layout: one per day, the detonation day split around it. */
function writeTree(root: string, account: string, region: string, bg: Rec[], det: Rec[] | undefined, start: number): void {
  const byDay = new Map<string, { before: Rec[]; after: Rec[] }>();
  for (const r of bg) {
    const t = Date.parse(String(r.eventTime));
    const k = dayPath(t);
    if (!byDay.has(k)) byDay.set(k, { before: [], after: [] });
    (t < start ? byDay.get(k)!.before : byDay.get(k)!.after).push(r);
  }
  const dir = (k: string) => join(root, 'AWSLogs', account, 'CloudTrail', region, k);
  for (const [k, v] of byDay) {
    mkdirSync(dir(k), { recursive: true });
    const base = `${account}_CloudTrail_${region}_${k.replaceAll('/', '')}T0000Z`;
    if (v.before.length) writeFileSync(join(dir(k), `${base}_a-background.json`), JSON.stringify({ Records: v.before }));
    if (v.after.length) writeFileSync(join(dir(k), `${base}_c-background.json`), JSON.stringify({ Records: v.after }));
  }
  if (det) {
    const k = dayPath(start);
    mkdirSync(dir(k), { recursive: true });
    writeFileSync(join(dir(k), `${account}_CloudTrail_${region}_${stamp(start)}T0000Z_b-detonation.json`), JSON.stringify({ Records: det }));
  }
}

export async function runStratusOnBackground(o: { sameNetwork?: boolean } = {}): Promise<CorpusResult> {
  const labels = JSON.parse(readFileSync(join(STRATUS_DIR, 'LABELS.json'), 'utf8')) as Record<string, Label>;
  const tally = new Tally();
  const misses: Item[] = [], falseFindings: Item[] = [], otherFindings: Item[] = [], pending: Pending[] = [];
  const detail: (string | number)[][] = [];
  let bgEvents = 0, detected = 0, scoredTechniques = 0;
  const falseByType = new Map<string, number>();

  for (const [file, label] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
    const det = records(join(STRATUS_DIR, file));
    const info = detonationInfo(det);
    const seed = createHash('sha256').update(file).digest().readUInt32BE(0);
    const bg = background(info, seed, o);
    bgEvents += bg.length;
    const tmp = mkdtempSync(join(tmpdir(), 'vigil-eval-bg-'));
    try {
      writeTree(join(tmp, 'bg'), info.account, info.region, bg, undefined, info.start);
      writeTree(join(tmp, 'all'), info.account, info.region, bg, det, info.start);
      const base = await scanIsolated(join(tmp, 'bg'));
      const all = await scanIsolated(join(tmp, 'all'));
      const before = new Map(base.findings.map((f) => [f.id, f.service.count]));
      const onDetonation = all.findings.filter((f) => (before.get(f.id) ?? 0) < f.service.count);
      for (const f of base.findings) {
        tally.falseFinding(f.type);
        falseByType.set(f.type, (falseByType.get(f.type) ?? 0) + 1);
        falseFindings.push({ type: f.type, where: `${label.technique} background`, detail: `${f.title} (${f.service.count}×)` });
      }
      const expected = typesInLabel(label.expected_finding);
      const found = new Set(onDetonation.map((f) => f.type));
      const scored: string[] = [];
      if (expected.length === 0) pending.push({ type: '(none)', status: 'no-native-type', where: label.technique, note: label.expected_finding });
      for (const type of expected) {
        const st = typeStatus(type);
        if (st.status !== 'implemented') { pending.push({ type, status: st.status, issue: st.issue, where: label.technique }); continue; }
        scored.push(type);
        tally.expect(type, found.has(type));
        if (!found.has(type)) misses.push({ type, where: label.technique, detail: `${det.length} detonation events on ${bg.length} background events, no ${type}` });
      }
      for (const f of onDetonation) if (!expected.includes(f.type)) otherFindings.push({ type: f.type, where: label.technique, detail: f.title });
      const hit = scored.length > 0 && scored.every((t) => found.has(t));
      if (scored.length) { scoredTechniques++; if (hit) detected++; }
      detail.push([label.technique.replace(/^aws\./, ''), det.length, bg.length, scored.length === 0 ? 'pending' : hit ? 'hit' : 'MISS',
        [...found].map((t) => `${t}${expected.includes(t) ? '' : ' (other)'}`).join(', ') || '-', base.findings.length]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const days = 14;
  // the ablation's misses are the price of requiring an unusual context; they stay out of the per-type totals
  const rows = o.sameNetwork ? [] : tally.rows();
  if (o.sameNetwork) misses.length = 0;
  return {
    id: o.sameNetwork ? 'stratus-background-same-network' : 'stratus-background',
    title: o.sameNetwork
      ? 'Ablation: the same, with the people of each detonation working from its own address with an unrecognised client'
      : `Stratus Red Team detonations on a benign background (${days} days of ordinary activity per technique)`,
    rows,
    misses, falseFindings, otherFindings: o.sameNetwork ? [] : otherFindings, pending: o.sameNetwork ? [] : pending,
    notes: [
      `${Object.keys(labels).length} techniques; ${bgEvents} background events in all (about ${Math.round(bgEvents / Object.keys(labels).length)} per technique over ${days} days + the detonation day).`,
      `Detected: ${detected} of ${scoredTechniques} techniques whose label names an implemented type.`,
      `False findings on the background: ${[...falseByType].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}.`,
      'Findings of other types on detonation events are listed, not counted as false (they are raised on attack activity).',
    ],
    detail: { head: ['technique', 'detonation events', 'background events', 'outcome', 'findings on the detonation', 'false on background'], rows: detail },
    extra: { techniques: Object.keys(labels).length, scoredTechniques, detected, backgroundEvents: bgEvents, falseOnBackground: Object.fromEntries(falseByType) },
  };
}


