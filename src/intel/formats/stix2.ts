/**
 * STIX 2.0 / 2.1 JSON (part of the STIX format, see stix.ts).
 *
 * Accepted layout: a bundle `{"type": "bundle", "objects": [...]}` (any object with an `objects`
 * array, e.g. a TAXII envelope, is taken the same way), a bare array of STIX objects, or a single
 * STIX object. Used objects:
 *  - `indicator` with a STIX pattern (`pattern_type` absent or `stix`; other pattern languages are
 *    skipped as "pattern type: <x>"). Every comparison `<path> = '<string>'` in the pattern is taken,
 *    whatever the OR/AND/FOLLOWEDBY structure around it (so an AND is loosened to its parts), for
 *    these paths: `ipv4-addr:value`, `ipv6-addr:value` (also with ISSUBSET, meaning the CIDR),
 *    `domain-name:value`, `url:value` (its host), `network-traffic:dst_ref.value` (an IP or a domain),
 *    `domain-name:resolves_to_refs[*].value` (an IP). Other comparisons (hashes, file names,
 *    e-mail, ports, `!=`, `LIKE`, `MATCHES`) are ignored; an indicator with none of the above is
 *    skipped as "no IP or domain in pattern". `revoked: true` → skipped "revoked"; `valid_until` at
 *    or before now → skipped "expired"; `valid_from` after now → skipped "not-yet-valid"; an
 *    unparseable timestamp is an error. Threat name: `name`, else the first `indicator_types` entry,
 *    else the first `labels` entry that is not a machine tag (`misp:type="domain"`).
 *  - cyber observables `ipv4-addr`, `ipv6-addr`, `domain-name`, `url` (host) at the top level
 *    (2.1) or inside an `observed-data` object's `objects` dictionary (2.0), without a threat name.
 *    Other observable types are skipped as "unsupported observable: <type>"; `network-traffic` is
 *    passed over silently (its addresses are objects of their own).
 * Errors carry the line of the object's `"id"` in the document (line 1 when it has none).
 */
import type { IndicatorSink } from '../types.js';
import { clip, LineIndex, timestamp, type Expect } from './common.js';
import type { StixCollector } from './stix.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pattern object paths we can match, and what their value holds. */
const PATHS: Record<string, Expect> = {
  'ipv4-addr:value': 'ip',
  'ipv6-addr:value': 'ip',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'network-traffic:dst_ref.value': 'ip-or-domain',
  'domain-name:resolves_to_refs[*].value': 'ip',
};

const OBSERVABLES: Record<string, Expect> = { 'ipv4-addr': 'ip', 'ipv6-addr': 'ip', 'domain-name': 'domain', url: 'url' };

/** STIX 2.1 cyber-observable types we do not use (skipped with a reason rather than ignored). */
const OTHER_OBSERVABLES = new Set(['artifact', 'autonomous-system', 'directory', 'email-addr', 'email-message', 'file',
  'mac-addr', 'mutex', 'process', 'software', 'user-account', 'windows-registry-key', 'x509-certificate']);

export interface Comparison { path: string; op: '=' | 'ISSUBSET'; value: string }

const COMPARISON_HEAD = /(?:^|[\s[(])([a-z0-9-]+:\S+?)\s*(=|ISSUBSET)\s*$/;

/**
 * The `path = 'string'` and `path ISSUBSET 'string'` comparisons of a STIX pattern, in order.
 * String literals are read with their escapes (`\'`, `\\`), so quotes inside values cannot be
 * mistaken for the structure around them.
 */
export function stixComparisons(pattern: string): Comparison[] {
  const out: Comparison[] = [];
  let segment = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== "'") continue;
    let j = i + 1, value = '';
    while (j < pattern.length && pattern[j] !== "'") {
      if (pattern[j] === '\\' && j + 1 < pattern.length) j++;
      value += pattern[j++];
    }
    const m = COMPARISON_HEAD.exec(pattern.slice(segment, i));
    if (m) out.push({ path: m[1].replace(/\[\d+\]/g, '[*]'), op: m[2] as Comparison['op'], value });
    i = j;
    segment = j + 1;
  }
  return out;
}

const MACHINE_TAG = /^[\w.-]+:[^\s]/;

function threatName(o: Obj): string | undefined {
  if (typeof o.name === 'string' && o.name.trim()) return o.name.trim();
  for (const key of ['indicator_types', 'labels']) {
    const list = o[key];
    if (!Array.isArray(list)) continue;
    for (const l of list) if (typeof l === 'string' && l.trim() && !MACHINE_TAG.test(l)) return l.trim();
  }
  return undefined;
}

export function parseStix2(text: string, sink: IndicatorSink, out: StixCollector, now: number): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    sink.error(1, `not valid JSON: ${(e as Error).message}`);
    return;
  }
  const objects = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.objects) ? doc.objects : isObj(doc) && typeof doc.type === 'string' ? [doc] : undefined;
  if (!objects) { sink.error(1, 'not a STIX 2 document: no "objects" array and no "type"'); return; }

  const lines = new LineIndex(text);
  const lineOf = (id: unknown) => (): number => {
    if (typeof id !== 'string') return 1;
    const m = new RegExp(`"id"\\s*:\\s*${JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text);
    return m ? lines.lineAt(m.index) : 1;
  };

  const observable = (o: Obj, where: () => number) => {
    const type = o.type as string;
    const expect = OBSERVABLES[type];
    if (!expect) { if (OTHER_OBSERVABLES.has(type)) sink.skip(`unsupported observable: ${type}`); return; }
    if (typeof o.value !== 'string') { sink.error(where(), `${type} object without a string "value"`); return; }
    out.add(o.value, expect, undefined, false, where, type);
  };

  const indicator = (o: Obj, where: () => number) => {
    if (o.revoked === true) return inactive(o, 'revoked');
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') { sink.skip(`pattern type: ${String(o.pattern_type)}`); return; }
    if (typeof o.pattern !== 'string') { sink.error(where(), 'indicator without a "pattern"'); return; }
    for (const field of ['valid_until', 'valid_from'] as const) {
      if (o[field] !== undefined && Number.isNaN(timestamp(o[field]))) { sink.error(where(), `${field} is not a timestamp: ${clip(String(o[field]))}`); return; }
    }
    if (timestamp(o.valid_until) <= now) return inactive(o, 'expired');
    if (timestamp(o.valid_from) > now) return inactive(o, 'not-yet-valid');
    const threat = threatName(o);
    let used = 0;
    for (const c of stixComparisons(o.pattern)) {
      const expect = PATHS[c.path];
      if (!expect || (c.op === 'ISSUBSET' && expect !== 'ip' && expect !== 'ip-or-domain')) continue;
      used++;
      out.add(c.value, expect, threat, true, where, c.path);
    }
    if (used === 0) sink.skip('no IP or domain in pattern');
  };

  const inactive = (o: Obj, reason: string) => {
    sink.skip(reason);
    if (typeof o.pattern !== 'string') return;
    for (const c of stixComparisons(o.pattern)) {
      const expect = PATHS[c.path];
      if (expect) out.suppress(c.value, expect);
    }
  };

  for (const o of objects) {
    if (!isObj(o) || typeof o.type !== 'string') continue;
    const where = lineOf(o.id);
    if (o.type === 'indicator') indicator(o, where);
    else if (o.type === 'observed-data') {
      if (isObj(o.objects)) for (const inner of Object.values(o.objects)) if (isObj(inner) && typeof inner.type === 'string') observable(inner, where);
    } else observable(o, where);
  }
}
