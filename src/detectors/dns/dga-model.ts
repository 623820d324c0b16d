/**
 * The DGA model: logistic regression over features of a registered domain's label (the part
 * under its public suffix: `xoqneaxi` of `xoqneaxi.ru`). Trained by scripts/train-dga.ts on
 * labelled DGA families and popular domains; the weights ship in data/dga-model.json (weights
 * only, no training names). Nothing is downloaded at run time.
 *
 * Features (all computed in one pass over the label, no allocation but the n-gram hashing):
 *  - dense: length, Shannon entropy, vowel / consonant / digit / hyphen ratios, longest consonant
 *    run, longest digit run, distinct characters / length, digit↔letter switches, how unusual the
 *    TLD is for popular names, and the mean log-likelihood of the label's character bigrams
 *    under the benign bigram table (how "pronounceable" it is);
 *  - sparse: character 2- and 3-grams (with ^ and $ marking the ends), hashed into NGRAM_BUCKETS.
 */
import { readFileSync } from 'node:fs';
import { registeredDomain, tldOf } from '../../intel/domains.js';

export const NGRAM_BUCKETS = 4096;
export const DENSE_NAMES = ['bias', 'length', 'entropy', 'vowels', 'consonants', 'digits', 'hyphens', 'consonantRun', 'digitRun',
  'distinct', 'switches', 'tldRarity', 'bigramLogLik'] as const;
export const DENSE = DENSE_NAMES.length;

export interface DgaModel {
  version: 1;
  /** Weights: DENSE dense features, then NGRAM_BUCKETS hashed n-grams. */
  w: number[];
  /** Benign bigram log-probabilities, 38×38 (a–z, 0–9, '-', boundary), row-major. */
  bigram: number[];
  /** Log-odds of the TLD among benign names (unknown TLDs use `tldDefault`). */
  tld: Record<string, number>;
  tldDefault: number;
  /** Score at or above which a label is reported (chosen on the evaluation split for precision). */
  threshold: number;
  /** Figures on the held-back split, for the documentation. */
  eval?: Record<string, unknown>;
}

const A = 38; // alphabet: 0–25 letters, 26–35 digits, 36 hyphen, 37 boundary

function code(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 48 && c <= 57) return 26 + c - 48;
  if (c === 45) return 36;
  return 37;
}

function isVowel(k: number): boolean {
  return k === 0 || k === 4 || k === 8 || k === 14 || k === 20 || k === 24; // a e i o u y
}

/** The label a name is scored on: its registered domain minus the suffix. */
export function scoredLabel(name: string): { label: string; tld: string; registered: string } {
  const registered = registeredDomain(name);
  const dot = registered.indexOf('.');
  return { label: dot < 0 ? registered : registered.slice(0, dot), tld: tldOf(name), registered };
}

const counts = new Int32Array(A);

/**
 * Fills `dense` (length DENSE) and returns the hashed n-gram buckets (with repeats) of a label.
 * `bigram` may be omitted while training the bigram table itself.
 */
export function features(label: string, tld: string, model: Pick<DgaModel, 'bigram' | 'tld' | 'tldDefault'> | undefined, dense: Float64Array): number[] {
  const n = label.length;
  counts.fill(0);
  let vowels = 0, digits = 0, hyphens = 0, cRun = 0, cMax = 0, dRun = 0, dMax = 0, switches = 0, prevKind = -1, distinct = 0, ll = 0;
  const grams: number[] = [];
  let p2 = 37, p1 = 37; // boundary
  for (let i = 0; i <= n; i++) {
    const k = i < n ? code(label.charCodeAt(i)) : 37;
    if (i < n) {
      if (counts[k]++ === 0) distinct++;
      const kind = k < 26 ? 0 : k < 36 ? 1 : 2;
      if (kind === 0 && isVowel(k)) { vowels++; cRun = 0; } else if (kind === 0) { cRun++; if (cRun > cMax) cMax = cRun; } else cRun = 0;
      if (kind === 1) { digits++; dRun++; if (dRun > dMax) dMax = dRun; } else dRun = 0;
      if (kind === 2) hyphens++;
      if (prevKind >= 0 && kind !== prevKind && kind !== 2 && prevKind !== 2) switches++;
      prevKind = kind;
    }
    if (model) ll += model.bigram[p1 * A + k];
    grams.push((p1 * A + k) % NGRAM_BUCKETS);
    if (i > 0) grams.push((((p2 * A + p1) * A + k) * 2654435761 >>> 0) % NGRAM_BUCKETS);
    p2 = p1; p1 = k;
  }
  let h = 0;
  for (let k = 0; k < A; k++) if (counts[k]) { const p = counts[k] / n; h -= p * Math.log2(p); }
  dense[0] = 1;
  dense[1] = n / 16;
  dense[2] = h / 4;
  dense[3] = n ? vowels / n : 0;
  dense[4] = n ? (n - vowels - digits - hyphens) / n : 0;
  dense[5] = n ? digits / n : 0;
  dense[6] = n ? hyphens / n : 0;
  dense[7] = cMax / 4;
  dense[8] = dMax / 4;
  dense[9] = n ? distinct / n : 0;
  dense[10] = n ? switches / n : 0;
  dense[11] = model ? -(model.tld[tld] ?? model.tldDefault) : 0;
  dense[12] = model ? -ll / (n + 1) / 4 : 0;
  return grams;
}

const scratch = new Float64Array(DENSE);

/** Probability (0–1) that a label is algorithmically generated. */
export function scoreLabel(model: DgaModel, label: string, tld: string): number {
  const grams = features(label, tld, model, scratch);
  let z = 0;
  for (let i = 0; i < DENSE; i++) z += model.w[i] * scratch[i];
  for (const g of grams) z += model.w[DENSE + g];
  return 1 / (1 + Math.exp(-z));
}

let loaded: DgaModel | undefined;

/** The shipped model (data/dga-model.json), loaded once. */
export function dgaModel(): DgaModel {
  return (loaded ??= JSON.parse(readFileSync(new URL('../../../data/dga-model.json', import.meta.url), 'utf8')) as DgaModel);
}
