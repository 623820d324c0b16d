/**
 * Trains the DGA model (src/detectors/dns/dga-model.ts) and writes data/dga-model.json.
 *
 *   npm run train:dga [-- --data ../shared/data/dns/dga-andrewaeva-1000domains] [--out data/dga-model.json]
 *
 * Positives: the DGA family lists (`*_1000.txt` except alexa). Negatives: data/popular-domains.txt
 * (Cloudflare top 10k, CC0) and the set's alexa_1000.txt. Every name goes to one split by a hash
 * of the name: 70% train, 10% validation (chooses the threshold: the lowest score with precision
 * ≥ 0.98 on validation), 20% held back for the figures printed and stored in the model's `eval`.
 * Only weights and tables are written, never the names (the DGA lists carry no licence).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DENSE, DENSE_NAMES, NGRAM_BUCKETS, features, scoredLabel, scoreLabel, type DgaModel } from '../src/detectors/dns/dga-model.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(opt('--data', join(root, '../shared/data/dns/dga-andrewaeva-1000domains')));
const out = resolve(opt('--out', join(root, 'data/dga-model.json')));

interface Sample { name: string; label: string; tld: string; y: 0 | 1; family: string; split: 'train' | 'val' | 'test' }

function splitOf(name: string): Sample['split'] {
  const b = createHash('sha256').update(name).digest()[0];
  return b < 179 ? 'train' : b < 205 ? 'val' : 'test';
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim().toLowerCase()).filter((l) => l && !l.startsWith('#') && l.includes('.'));
}

const samples: Sample[] = [];
const seen = new Set<string>();
function add(name: string, y: 0 | 1, family: string): void {
  if (seen.has(name)) return;
  seen.add(name);
  const { label, tld } = scoredLabel(name);
  if (!label) return;
  samples.push({ name, label, tld, y, family, split: splitOf(name) });
}
for (const f of readdirSync(dataDir).filter((f) => f.endsWith('.txt')).sort()) {
  const family = f.replace(/_1000\.txt$/, '');
  for (const n of lines(join(dataDir, f))) add(n, family === 'alexa' ? 0 : 1, family);
}
for (const n of lines(join(root, 'data/popular-domains.txt'))) add(n, 0, 'popular');

const train = samples.filter((s) => s.split === 'train');
const val = samples.filter((s) => s.split === 'val');
const test = samples.filter((s) => s.split === 'test');

// benign bigram table (Laplace-smoothed) and TLD log-odds, from the training split only
const A = 38;
const big = new Float64Array(A * A).fill(1);
const enc = (c: number) => (c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? 26 + c - 48 : c === 45 ? 36 : 37);
const tldCount = new Map<string, [number, number]>();
for (const s of train) {
  const t = tldCount.get(s.tld) ?? [0, 0];
  t[s.y]++;
  tldCount.set(s.tld, t);
  if (s.y !== 0) continue;
  let p = 37;
  for (let i = 0; i <= s.label.length; i++) { const k = i < s.label.length ? enc(s.label.charCodeAt(i)) : 37; big[p * A + k]++; p = k; }
}
const bigram: number[] = [];
for (let r = 0; r < A; r++) {
  let sum = 0;
  for (let c = 0; c < A; c++) sum += big[r * A + c];
  for (let c = 0; c < A; c++) bigram.push(+Math.log(big[r * A + c] / sum).toFixed(3));
}
const nb = train.filter((s) => s.y === 0).length, nd = train.length - nb;
const tld: Record<string, number> = {};
for (const [t, [b, d]] of tldCount) if (b + d >= 5) tld[t] = +Math.max(-2, Math.min(2, Math.log(((b + 1) / (nb + 2)) / ((d + 1) / (nd + 2))))).toFixed(3); // clamped: a TLD is a hint, not a verdict
const model: DgaModel = { version: 1, w: new Array(DENSE + NGRAM_BUCKETS).fill(0), bigram, tld, tldDefault: 0, threshold: 0.5 };

// logistic regression, full-batch Adam with L2
const X = train.map((s) => { const d = new Float64Array(DENSE); const g = features(s.label, s.tld, model, d); return { d, g, y: s.y }; });
const P = DENSE + NGRAM_BUCKETS;
const w = new Float64Array(P), m = new Float64Array(P), v = new Float64Array(P), grad = new Float64Array(P);
const lr = 0.05, l2 = 1e-4, b1 = 0.9, b2 = 0.999;
const pos = X.filter((x) => x.y === 1).length, neg = X.length - pos;
const cw = [X.length / (2 * neg), X.length / (2 * pos)]; // balance the classes
for (let epoch = 1; epoch <= 300; epoch++) {
  grad.fill(0);
  let loss = 0;
  for (const x of X) {
    let z = 0;
    for (let i = 0; i < DENSE; i++) z += w[i] * x.d[i];
    for (const g of x.g) z += w[DENSE + g];
    const p = 1 / (1 + Math.exp(-z));
    loss -= cw[x.y] * (x.y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
    const e = cw[x.y] * (p - x.y);
    for (let i = 0; i < DENSE; i++) grad[i] += e * x.d[i];
    for (const g of x.g) grad[DENSE + g] += e;
  }
  for (let i = 0; i < P; i++) {
    const gi = grad[i] / X.length + (i > 0 ? l2 * w[i] : 0);
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    w[i] -= lr * (m[i] / (1 - b1 ** epoch)) / (Math.sqrt(v[i] / (1 - b2 ** epoch)) + 1e-8);
  }
  if (epoch % 50 === 0) console.error(`epoch ${epoch} loss ${(loss / X.length).toFixed(4)}`);
}
model.w = Array.from(w, (x) => +x.toFixed(4));

// threshold: lowest score whose validation precision is at least 0.98
const valScores = val.map((s) => ({ p: scoreLabel(model, s.label, s.tld), y: s.y })).sort((a, b) => b.p - a.p);
let tp = 0, fp = 0, threshold = 0.99;
for (const s of valScores) {
  if (s.y) tp++; else fp++;
  if (tp / (tp + fp) >= 0.98) threshold = s.p;
}
model.threshold = +Math.max(0.5, Math.min(threshold, 0.99)).toFixed(4);

function figures(set: Sample[]) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  const fam: Record<string, { n: number; hit: number }> = {};
  const falsePositives: string[] = [];
  for (const s of set) {
    const hit = scoreLabel(model, s.label, s.tld) >= model.threshold;
    (fam[s.family] ??= { n: 0, hit: 0 }).n++;
    if (hit) fam[s.family].hit++;
    if (s.y && hit) tp++; else if (s.y) fn++; else if (hit) { fp++; falsePositives.push(s.name); } else tn++;
  }
  const precision = tp / Math.max(1, tp + fp), recall = tp / Math.max(1, tp + fn);
  return {
    n: set.length, tp, fp, fn, tn,
    precision: +precision.toFixed(4), recall: +recall.toFixed(4), f1: +(2 * precision * recall / Math.max(1e-9, precision + recall)).toFixed(4),
    byFamily: Object.fromEntries(Object.entries(fam).sort().map(([k, f]) => [k, { n: f.n, flagged: f.hit, rate: +(f.hit / f.n).toFixed(3) }])),
    falsePositiveCount: falsePositives.length,
  };
}
const evalFigures = { split: { train: train.length, validation: val.length, test: test.length }, threshold: model.threshold, test: figures(test), train: figures(train) };
model.eval = { ...evalFigures, train: { precision: evalFigures.train.precision, recall: evalFigures.train.recall, f1: evalFigures.train.f1 } };
writeFileSync(out, JSON.stringify(model) + '\n');
console.log(JSON.stringify({ features: DENSE_NAMES, ngramBuckets: NGRAM_BUCKETS, ...evalFigures }, null, 2));
console.error(`wrote ${out}`);
