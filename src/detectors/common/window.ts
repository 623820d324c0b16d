/**
 * A distinct-count window for threshold heuristics (brute force, scans, sweeps): counts distinct
 * values (ports, peers) seen for one key within `windowMs` of event time, capped at the
 * threshold so memory per key stays small. Stored as plain JSON in keyed state.
 */

export interface DistinctWindow {
  /** Window start, epoch ms. */
  s: number;
  /** Distinct values seen, up to the threshold. */
  v: (number | string)[];
  /** Records counted (not distinct) in the window. */
  n: number;
  /** The window already raised its finding. */
  hit: boolean;
}

/**
 * Adds a value at time t. Returns true exactly once per window: when the distinct count
 * reaches `threshold`. Records older than the window start (late logs) still count.
 */
export function addDistinct(w: DistinctWindow, t: number, value: number | string, windowMs: number, threshold: number): boolean {
  if (t - w.s > windowMs) { w.s = t; w.v = []; w.n = 0; w.hit = false; }
  w.n++;
  if (w.hit) return false;
  if (!w.v.includes(value)) w.v.push(value);
  if (w.v.length >= threshold) { w.hit = true; return true; }
  return false;
}

export function newWindow(t: number): DistinctWindow {
  return { s: t, v: [], n: 0, hit: false };
}
