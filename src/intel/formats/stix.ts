/**
 * STIX: GuardDuty's STIX list format. The document kind is detected from its first character:
 * `<` → STIX 1.x XML (stix1.ts), `{` or `[` → STIX 2.0/2.1 JSON (stix2.ts); anything else, an empty
 * file, or a document that does not parse as a whole is one error at line 1 and loads nothing.
 * The accepted layout of each kind is described in its own file.
 *
 * Both kinds feed a StixCollector, which de-duplicates: the same address or domain often appears
 * several times in one document (an indicator and the observed-data it was based on, or an
 * observable referenced by several indicators). Each distinct indicator value is emitted once per
 * distinct threat name; a value seen only in bare observables is emitted once without a threat
 * name; and a value that only appears in bare observables and in indicators that were skipped
 * (expired, not yet valid, revoked) is not emitted, so an observable copy cannot bring an expired
 * indicator back.
 */
import { emitIndicator, type ParsedIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser, ParseListOptions } from '../types.js';
import { parseExpected, URL_PATH_WITHOUT_HOST, type Expect } from './common.js';
import { parseStix1 } from './stix1.js';
import { parseStix2 } from './stix2.js';

type Usable = Exclude<ParsedIndicator, { kind: 'invalid' }>;

function keyOf(p: Usable): string {
  switch (p.kind) {
    case 'ipv4': return `4 ${p.addr}/${p.prefix} ${p.port}`;
    case 'ipv6': return `6 ${p.hex}/${p.prefix} ${p.port}`;
    default: return `d ${p.name}`;
  }
}

export class StixCollector {
  private readonly found = new Map<string, { p: Usable; threats: Set<string | undefined>; fromIndicator: boolean }>();
  private readonly suppressed = new Set<string>();

  constructor(private readonly sink: IndicatorSink) {}

  /**
   * One value from a document. `fromIndicator` is false for a bare observable. `line` is only
   * called when the value is reported as an error; `label` (an object path) prefixes that message.
   */
  add(raw: string, expect: Expect, threat: string | undefined, fromIndicator: boolean, line: () => number, label: string): void {
    const p = parseExpected(raw, expect);
    if (p.kind === 'no-host') { this.sink.skip(URL_PATH_WITHOUT_HOST); return; }
    if (p.kind === 'invalid') { this.sink.error(line(), `${label}: ${p.message}`); return; }
    const key = keyOf(p);
    let entry = this.found.get(key);
    if (!entry) this.found.set(key, (entry = { p, threats: new Set(), fromIndicator: false }));
    entry.threats.add(threat);
    if (fromIndicator) entry.fromIndicator = true;
  }

  /** A value of a skipped indicator: bare observables with the same value are not emitted. */
  suppress(raw: string, expect: Expect): void {
    const p = parseExpected(raw, expect);
    if (p.kind !== 'invalid' && p.kind !== 'no-host') this.suppressed.add(keyOf(p));
  }

  /** Emits everything collected. */
  flush(): void {
    for (const [key, { p, threats, fromIndicator }] of this.found) {
      if (!fromIndicator && this.suppressed.has(key)) continue;
      let named = false;
      for (const t of threats) if (t !== undefined) { named = true; emitIndicator(p, this.sink, t, 0); }
      if (!named) emitIndicator(p, this.sink, undefined, 0);
    }
    this.found.clear();
  }
}

export const stixParser: ListFormatParser = {
  format: 'STIX',
  parse(text: string, sink: IndicatorSink, opts: ParseListOptions): void {
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (i < text.length && /\s/.test(text[i])) i++;
    const c = text[i];
    if (c === undefined) { sink.error(1, 'empty document'); return; }
    const collector = new StixCollector(sink);
    if (c === '<') parseStix1(text, sink, collector, opts.now);
    else if (c === '{' || c === '[') parseStix2(text, sink, collector, opts.now);
    else { sink.error(1, 'not a STIX document: expected STIX 1.x XML or STIX 2.x JSON'); return; }
    collector.flush();
  },
};
