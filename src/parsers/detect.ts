/**
 * Decides an object's log type: the S3 key layout first (it is authoritative), then each
 * parser's sniff of the first decompressed bytes. Returns undefined when nothing is sure enough.
 */
import type { LogKind } from '../core/index.js';
import type { KeyHints } from './key-layout.js';
import { PARSERS } from './registry.js';

export function detectKind(path: string, hints: KeyHints, head: Buffer): LogKind | undefined {
  if (hints.kind) return hints.kind;
  let best: LogKind | undefined;
  let score = 0.25;
  for (const p of PARSERS) {
    const s = p.sniff(path, head);
    if (s > score) { score = s; best = p.kind; }
  }
  return best;
}
