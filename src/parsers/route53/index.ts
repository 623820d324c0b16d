/**
 * Route 53 Resolver query logs: one JSON object per line (S3 or CloudWatch Logs delivery,
 * optionally with a CloudWatch export timestamp prefix). Fields used: query_timestamp,
 * query_name, query_type, rcode, answers, srcaddr, srcport, transport, srcids.instance,
 * vpc_id, account_id, region. See docs/logs/route53.md.
 */
import type { DnsEvent } from '../../core/index.js';
import { excerpt } from '../../core/index.js';
import type { Parser, ParseOptions, ParseSink, ParserSession } from '../types.js';
import { LineSplitter, skipTimestampPrefix } from '../lines.js';
import { parseIsoTime } from '../time.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

class DnsSession implements ParserSession {
  private readonly lines: LineSplitter;

  constructor(private readonly opts: ParseOptions, private readonly sink: ParseSink) {
    this.lines = new LineSplitter(
      (buf, s, e, n) => this.line(buf, s, e, n),
      (n, head) => sink.bad('line-too-long', n, excerpt(head.toString('latin1'))),
    );
  }

  push(chunk: Buffer): void { this.lines.push(chunk); }
  end(aborted: boolean): void { if (!aborted) this.lines.end(); }

  private line(buf: Buffer, s: number, e: number, lineNo: number): void {
    s = skipTimestampPrefix(buf, s, e);
    while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
    if (s >= e) return;
    if (buf[s] !== 123) { this.sink.bad('not-json', lineNo, excerpt(buf.toString('latin1', s, Math.min(e, s + 120)))); return; }
    let rec: Json;
    try {
      rec = JSON.parse(buf.toString('utf8', s, e)) as Json;
    } catch (err) {
      const text = buf.toString('utf8', s, Math.min(e, s + 100));
      this.sink.bad(buf[e - 1] === 125 ? 'json-invalid' : 'json-truncated', lineNo, excerpt(`${(err as Error).message}: ${text}`));
      return;
    }
    this.record(rec, lineNo);
  }

  private record(rec: Json, lineNo: number): void {
    if (typeof rec !== 'object' || rec === null || typeof rec.query_name !== 'string') {
      this.sink.bad('record-shape', lineNo, 'no query_name: ' + excerpt(JSON.stringify(rec)));
      return;
    }
    const time = parseIsoTime(rec.query_timestamp);
    if (Number.isNaN(time)) {
      this.sink.bad('bad-time', lineNo, `query_timestamp ${JSON.stringify(rec.query_timestamp)}`);
      return;
    }
    let name = rec.query_name.toLowerCase();
    if (name.endsWith('.')) name = name.slice(0, -1);
    const srcids = (typeof rec.srcids === 'object' && rec.srcids !== null ? rec.srcids : {}) as Json;
    const ev: DnsEvent = {
      kind: 'dns',
      time,
      accountId: str(rec.account_id) || this.opts.hints.accountId || '',
      region: str(rec.region) || this.opts.hints.region || this.opts.defaultRegion,
      queryName: name,
      queryType: str(rec.query_type),
      rcode: str(rec.rcode),
      answers: Array.isArray(rec.answers) ? rec.answers : [],
      srcAddr: str(rec.srcaddr),
      srcPort: Number(rec.srcport ?? -1),
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
