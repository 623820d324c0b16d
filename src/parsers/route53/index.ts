/**
 * Route 53 Resolver query logs: one JSON object per line (S3 or CloudWatch Logs delivery,
 * optionally with a CloudWatch export timestamp prefix). Fields used: query_timestamp,
 * query_name, query_type, rcode, answers, srcaddr, srcport, transport, srcids.instance,
 * vpc_id, account_id, region. See docs/logs/route53.md.
 */
import type { DnsAnswer, DnsEvent } from '../../core/index.js';
import { excerpt, excerptValue } from '../../core/index.js';
import type { Parser, ParseOptions, ParseSink, ParserSession } from '../types.js';
import { LineSplitter, skipTimestampPrefix } from '../lines.js';
import { parseEventTime } from '../time.js';
import { DEFAULT_LIMITS, type ParseLimits } from '../limits.js';
import { checkFields, checkObjects, checkTree, fieldSpec, isObject, T, type Json, type Rejection } from '../json-check.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The fields of a query log record and the type each must have (docs/logs/route53.md). */
const FIELDS: Record<string, T> = fieldSpec({
  version: T.Str, account_id: T.Acct, region: T.Str, vpc_id: T.Str, query_timestamp: T.Str, query_name: T.Str,
  query_type: T.Str, query_class: T.Str, rcode: T.Str, answers: T.Arr, srcaddr: T.Str, srcport: T.Port,
  transport: T.Str, srcids: T.Obj, firewall_rule_action: T.Str, firewall_rule_group_id: T.Str, firewall_domain_list_id: T.Str,
});
const SRCIDS: Record<string, T> = fieldSpec({ instance: T.Str, resolver_endpoint: T.Str, resolver_network_interface: T.Str });
const ANSWER: Record<string, T> = fieldSpec({ Rdata: T.Str, Type: T.Str, Class: T.Str });
/** DNS names are at most 253 characters; logs of hostile queries may hold a little more. */
const QUERY_NAME_MAX = 1024;

/** Checks and normalises a query log record in place (the contract of cloudtrail/validate.ts). */
export function validateDnsRecord(rec: Json, limits: ParseLimits): Rejection | undefined {
  const r = checkFields(rec, FIELDS, '');
  if (r) return r;
  if (typeof rec.query_name === 'string' && rec.query_name.length > QUERY_NAME_MAX) {
    return { reason: 'field-too-long', detail: `query_name: ${rec.query_name.length} characters (limit ${QUERY_NAME_MAX})` };
  }
  if (rec.srcids) { const x = checkFields(rec.srcids as Json, SRCIDS, 'srcids.'); if (x) return x; }
  return checkObjects(rec.answers as unknown[] | undefined, ANSWER, 'answers') ?? checkTree(rec, limits);
}

class DnsSession implements ParserSession {
  private readonly lines: LineSplitter;

  constructor(private readonly opts: ParseOptions, private readonly sink: ParseSink) {
    this.lines = new LineSplitter(
      (buf, s, e, n) => this.line(buf, s, e, n),
      (n, head) => sink.bad('line-too-long', n, excerpt(head.toString('latin1'))),
      opts.limits?.maxLineBytes,
    );
  }

  push(chunk: Buffer): void { this.lines.push(chunk); }
  end(aborted: boolean): void { if (!aborted) this.lines.end(); }

  private line(buf: Buffer, s: number, e: number, lineNo: number): void {
    s = skipTimestampPrefix(buf, s, e);
    while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
    if (s >= e) return;
    if (buf[s] !== 123) { this.sink.bad('not-json', lineNo, excerpt(buf.toString('latin1', s, Math.min(e, s + 120)))); return; }
    let rec: unknown;
    try {
      rec = JSON.parse(buf.toString('utf8', s, e));
    } catch (err) {
      const text = buf.toString('utf8', s, Math.min(e, s + 100));
      this.sink.bad(buf[e - 1] === 125 ? 'json-invalid' : 'json-truncated', lineNo, excerpt(`${(err as Error).message}: ${text}`));
      return;
    }
    this.record(rec, lineNo);
  }

  private record(rec: unknown, lineNo: number): void {
    if (!isObject(rec) || typeof rec.query_name !== 'string') {
      this.sink.bad('record-shape', lineNo, 'no query_name: ' + excerptValue(rec));
      return;
    }
    const rejected = validateDnsRecord(rec, this.opts.limits ?? DEFAULT_LIMITS);
    if (rejected) {
      this.sink.bad(rejected.reason, lineNo, excerpt(`${rejected.detail} in ${rec.query_name.slice(0, 80)}`));
      return;
    }
    const time = parseEventTime(rec.query_timestamp);
    if (Number.isNaN(time)) {
      this.sink.bad('bad-time', lineNo, `query_timestamp ${excerptValue(rec.query_timestamp, 60)}`);
      return;
    }
    let name = rec.query_name.toLowerCase();
    if (name.endsWith('.')) name = name.slice(0, -1);
    const srcids = (rec.srcids ?? {}) as Json;
    const ev: DnsEvent = {
      kind: 'dns',
      time,
      accountId: str(rec.account_id) || this.opts.hints.accountId || '',
      region: str(rec.region) || this.opts.hints.region || this.opts.defaultRegion,
      queryName: name,
      queryType: str(rec.query_type),
      rcode: str(rec.rcode),
      answers: (rec.answers ?? []) as DnsAnswer[],
      srcAddr: str(rec.srcaddr),
      srcPort: (rec.srcport as number | undefined) ?? -1,
      vpcId: str(rec.vpc_id) || this.opts.hints.vpcId || '',
      instanceId: str(srcids.instance),
      transport: str(rec.transport),
      raw: rec,
      enrich: { intel: 0, trusted: false, intelIndicator: '', answerIntel: 0 },
    };
    this.sink.event(ev);
  }
}

export const route53Parser: Parser = {
  kind: 'dns',
  sniff(path, head) {
    const text = head.toString('utf8', 0, Math.min(head.length, 4096));
    if (/"query_name"\s*:/.test(text) && /"query_timestamp"\s*:/.test(text)) return 1;
    if (/"query_name"\s*:/.test(text)) return 0.8;
    if (/vpcdnsquerylogs|resolver/i.test(path) && /^\s*(\S+ )?\{/.test(text)) return 0.3;
    return 0;
  },
  open: (opts: ParseOptions, sink: ParseSink) => new DnsSession(opts, sink),
};
