/**
 * STIX 1.1 / 1.2 XML (part of the STIX format, see stix.ts).
 *
 * Accepted layout: a well-formed XML document containing a `stix:STIX_Package` (namespace
 * prefixes are ignored, so any prefix binding works). Indicators (`stix:Indicator`,
 * `stixCommon:Indicator` inside incidents or related packages, nested composite indicators) and
 * bare observables (`stix:Observables`, incident `Related_Observables`) are both read; an
 * indicator's `indicator:Observable` may hold the object inline, through an
 * `Observable_Composition`, or as an `idref` to an observable defined elsewhere in the document.
 * Used CybOX object properties (`cybox:Properties`, told apart by `xsi:type`):
 *  - AddressObj: `Address_Value` with `category` ipv4-addr, ipv4-net, ipv6-addr, ipv6-net, cidr or
 *    none (other categories such as e-mail or mac are skipped as "unsupported address category")
 *  - DomainNameObj: `Value`; HostnameObj: `Hostname_Value`; URIObj: `Value` (its host)
 *  - SocketAddressObj: `IP_Address` / `Hostname`; NetworkConnectionObj: its `Destination_Socket_Address`
 * A value's `condition` must be `Equals` (or absent); other conditions are skipped as
 * "unsupported condition". `##comma##`-delimited value lists (CybOX `apply_condition`) are split.
 * Other object types are skipped as "unsupported object: <type>". Threat name: the enclosing
 * indicator's `indicator:Title` (bare observables have none). An indicator whose every
 * `Valid_Time_Position` window has ended is skipped as "expired", one whose windows all start
 * after now as "not-yet-valid". Errors carry the line where the `cybox:Properties` element starts.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IndicatorSink } from '../types.js';
import { LineIndex, timestamp, type Expect } from './common.js';
import type { StixCollector } from './stix.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Text of an element that may carry attributes (`{ '#text': …, '@_condition': … }`). */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isNode(v) && typeof v['#text'] === 'string') return v['#text'];
  return undefined;
}

interface Ctx {
  /** Inside an indicator (so referenced observables take its threat name). */
  indicator: boolean;
  threat?: string;
  /** Set when the enclosing indicator is skipped: its values only suppress observable copies. */
  inactive?: string;
}
const BARE: Ctx = { indicator: false };

/**
 * The object kind from `xsi:type`. With namespace prefixes removed, an object's own `type`
 * attribute (URIObj `type="URL"`, DomainNameObj `type="FQDN"`) lands on the same key and may
 * replace `xsi:type`, so those values are recognised too.
 */
function objectKind(node: Node): string {
  const raw = node['@_type'];
  const t = typeof raw === 'string' ? raw.slice(raw.indexOf(':') + 1) : '';
  switch (t) {
    case 'AddressObjectType': return 'address';
    case 'DomainNameObjectType': case 'FQDN': case 'TLD': return 'domain';
    case 'URIObjectType': case 'URL': case 'Domain Name': case 'General URN': return 'uri';
    case 'HostnameObjectType': return 'hostname';
    case 'SocketAddressObjectType': return 'socket';
    case 'NetworkConnectionObjectType': return 'connection';
  }
  if (!t && 'Address_Value' in node) return 'address';
  if (!t && 'Hostname_Value' in node) return 'hostname';
  return t || 'untyped';
}

const IP_CATEGORIES = new Set(['ipv4-addr', 'ipv4-net', 'ipv6-addr', 'ipv6-net', 'cidr']);

/** Validity of an indicator from its `Valid_Time_Position` windows: a skip reason, or undefined if valid now. */
function validity(ind: Node, now: number): string | undefined {
  let windows = 0, ended = 0, future = 0;
  for (const w of list(ind.Valid_Time_Position)) {
    if (!isNode(w)) continue;
    const start = timestamp(textOf(w.Start_Time)), end = timestamp(textOf(w.End_Time));
    if (Number.isNaN(start) && Number.isNaN(end)) continue;
    windows++;
    if (end <= now) ended++;
    else if (start > now) future++;
  }
  if (windows === 0 || ended + future < windows) return undefined;
  return future > 0 ? 'not-yet-valid' : 'expired';
}

export function parseStix1(text: string, sink: IndicatorSink, out: StixCollector, now: number): void {
  const check = XMLValidator.validate(text);
  if (check !== true) {
    sink.error(1, `not well-formed XML (line ${check.err.line}, column ${check.err.col}): ${check.err.msg}`);
    return;
  }
  if (!/<(?:[\w.-]+:)?STIX_Package[\s/>]/.test(text)) { sink.error(1, 'not a STIX 1.x document: no STIX_Package element'); return; }
  let doc: unknown;
  try {
    doc = new XMLParser({
      removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false,
      parseAttributeValue: false, captureMetaData: true, ignoreDeclaration: true, ignorePiTags: true,
    }).parse(text);
  } catch (e) {
    sink.error(1, `XML could not be read: ${(e as Error).message}`);
    return;
  }
  const lines = new LineIndex(text);
  const ids = new Map<string, Node>();
  const refs: [string, Ctx][] = [];
  // referenced observables are walked a second time: their skips were already counted
  let resolvingRefs = false;
  const skip = (reason: string) => { if (!resolvingRefs) sink.skip(reason); };

  const value = (v: unknown, expect: Expect, ctx: Ctx, where: () => number, label: string): void => {
    if (Array.isArray(v)) { for (const one of v) value(one, expect, ctx, where, label); return; }
    const t = textOf(v);
    if (t === undefined) { if (v !== undefined) sink.error(where(), `${label} has no text`); return; }
    const cond = isNode(v) ? v['@_condition'] : undefined;
    if (cond !== undefined && cond !== 'Equals') { skip(`unsupported condition: ${String(cond)}`); return; }
    for (const part of t.split('##comma##')) {
      if (!part.trim()) continue;
      if (ctx.inactive) out.suppress(part, expect);
      else out.add(part, expect, ctx.threat, ctx.indicator, where, label);
    }
  };

  const socket = (s: unknown, ctx: Ctx, where: () => number) => {
    if (!isNode(s)) return;
    for (const ip of list(s.IP_Address)) if (isNode(ip)) value(ip.Address_Value, 'ip', ctx, where, 'IP_Address');
    for (const h of list(s.Hostname)) if (isNode(h)) value(h.Hostname_Value, 'domain', ctx, where, 'Hostname');
  };

  const properties = (p: Node, ctx: Ctx) => {
    const offset = (p as Record<symbol, { startIndex?: number } | undefined>)[META]?.startIndex;
    const where = () => (offset === undefined ? 1 : lines.lineAt(offset));
    switch (objectKind(p)) {
      case 'address': {
        const cat = p['@_category'];
        if (cat !== undefined && !IP_CATEGORIES.has(String(cat))) { skip(`unsupported address category: ${String(cat)}`); return; }
        return value(p.Address_Value, 'ip', ctx, where, 'Address_Value');
      }
      case 'domain': return value(p.Value, 'domain', ctx, where, 'DomainName');
      case 'hostname': return value(p.Hostname_Value, 'domain', ctx, where, 'Hostname_Value');
      case 'uri': return value(p.Value, 'url', ctx, where, 'URI');
      case 'socket': return socket(p, ctx, where);
      case 'connection': return socket(p.Destination_Socket_Address, ctx, where);
      default: skip(`unsupported object: ${objectKind(p)}`);
    }
  };

  const walk = (node: unknown, key: string, ctx: Ctx): void => {
    if (Array.isArray(node)) { for (const n of node) walk(n, key, ctx); return; }
    if (!isNode(node)) return;
    let c = ctx;
    if (key === 'Indicator' && node['@_idref'] === undefined) {
      const title = textOf(node.Title)?.trim();
      c = { indicator: true, threat: title || ctx.threat, inactive: validity(node, now) ?? ctx.inactive };
      if (c.inactive && !ctx.inactive) sink.skip(c.inactive);
    } else if (key === 'Observable' || key === 'Object') {
      const idref = node['@_idref'], id = node['@_id'];
      if (typeof idref === 'string' && c.indicator && !resolvingRefs) refs.push([idref, c]);
      if (typeof id === 'string' && !resolvingRefs) ids.set(id, node);
    } else if (key === 'Properties') {
      properties(node, c);
      return;
    }
    for (const k in node) if (!k.startsWith('@_') && k !== '#text') walk(node[k], k, c);
  };

  walk(doc, '', BARE);
  resolvingRefs = true;
  for (const [idref, ctx] of refs) {
    const target = ids.get(idref);
    if (target) walk(target, 'Observable', ctx);
  }
}
