/**
 * VPC Flow Logs parser (text, versions 2–8). A hand-written byte scanner: each line is cut at
 * single spaces, numbers are read straight from the bytes, and only the string fields detectors
 * use become strings (repeated values such as the account and interface reuse the last string).
 * One event object is reused for every line (see the event contract in core/events.ts).
 */
import { excerpt } from '../../core/index.js';
import { FlowRecord } from './record.js';
import type { Parser, ParseOptions, ParseSink, ParserSession } from '../types.js';
import { LineSplitter, skipTimestampPrefix } from '../lines.js';
import { isEventTimeMs } from '../time.js';
import { DEFAULT_FIELDS, F, FLOW_FIELDS, parseHeader, normaliseFieldName } from './fields.js';

const DASH = 45;
const SPACE = 32;
const ADDRESS_FIELDS = new Set<number>([F.SrcAddr, F.DstAddr, F.PktSrcAddr, F.PktDstAddr]);
/** No flow field is longer (ARNs of v7 ECS fields are the longest, ~200 bytes). */
const MAX_FIELD = 512;

/**
 * Interns short byte runs as strings: a direct-mapped cache keyed by a hash of the bytes, so a
 * value seen recently (the account, an interface, an instance's own address) costs a hash and a
 * compare instead of a Buffer copy and a new string. A collision just replaces the slot.
 */
class StringCache {
  private strs: string[] | null = null; // allocated on first use: most fields never need one
  /** The value returned last: consecutive lines usually repeat it (same account, same interface). */
  private last = '';

  constructor(private readonly bits: number) {}

  get(buf: Buffer, s: number, e: number): string {
    const n = e - s;
    const last = this.last;
    if (last.length === n) {
      let i = 0;
      while (i < n && last.charCodeAt(i) === buf[s + i]) i++;
      if (i === n) return last;
    }
    return (this.last = this.lookup(buf, s, e));
  }

  private lookup(buf: Buffer, s: number, e: number): string {
    const strs = this.strs ??= new Array<string>(1 << this.bits).fill('');
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 16)) & (strs.length - 1);
    const cached = strs[slot];
    const n = e - s;
    if (cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[s + i]) i++;
      if (i === n) return cached;
    }
    const str = buf.toString('latin1', s, e);
    strs[slot] = str;
    return str;
  }
}

class FlowSession implements ParserSession {
  private fields: F[];
  private sawHeader = false;
  private readonly ev = new FlowRecord();
  // ids repeat from line to line; addresses too (every record of an interface carries its own)
  private readonly caches: StringCache[] = Array.from({ length: 32 }, (_, f) => new StringCache(ADDRESS_FIELDS.has(f) ? 12 : 10));
  private readonly lines: LineSplitter;
  private readonly region: string;
  private readonly defaultAccount: string;

  constructor(private readonly opts: ParseOptions, private readonly sink: ParseSink) {
    this.region = opts.hints.region || opts.defaultRegion;
    this.defaultAccount = opts.hints.accountId || '';
    this.fields = this.setFields((opts.flowFields ?? DEFAULT_FIELDS).map((n) => FLOW_FIELDS[normaliseFieldName(n)] ?? F.Ignore));
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
    const c0 = buf[s];
    if (c0 >= 97 && c0 <= 122 || c0 === 36) { // a letter or '$': a header line, or data that starts with an id
      const h = parseHeader(buf.toString('latin1', s, e));
      if (h) { this.fields = this.setFields(h); this.sawHeader = true; return; }
    }
    const ev = this.ev;
    const fields = this.fields;
    const nf = fields.length;
    // Fields the format does not carry keep the defaults resetFields() gave them; every field it
    // carries is assigned below on every line (a '-' assigns the default), so nothing is stale.
    ev.enrich.intel = 0; ev.enrich.trusted = false;
    let status = 0; // 0 OK, 1 NODATA, 2 SKIPDATA
    let pos = s;
    let i = 0;
    for (; i < nf && pos <= e; i++) {
      let end = pos;
      while (end < e && buf[end] !== SPACE) end++; // fields are short: a loop beats a native indexOf call
      if (end - pos > MAX_FIELD) return this.invalid(buf, s, e, lineNo, `field ${i + 1} longer than ${MAX_FIELD} bytes`);
      const f = fields[i];
      if (f !== F.Ignore) {
        const dash = end - pos === 1 && buf[pos] === DASH;
        switch (f) {
          case F.Version: ev.version = dash ? 0 : readUint(buf, pos, end); break;
          case F.AccountId: ev.accountId = dash ? this.defaultAccount : this.caches[f].get(buf, pos, end); break;
          case F.InterfaceId: ev.interfaceId = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.SrcAddr:
            ev.srcIp4 = dash ? -1 : readIpv4(buf, pos, end);
            ev.srcText = ev.srcIp4 >= 0 || dash ? '' : this.caches[f].get(buf, pos, end);
            break;
          case F.DstAddr:
            ev.dstIp4 = dash ? -1 : readIpv4(buf, pos, end);
            ev.dstText = ev.dstIp4 >= 0 || dash ? '' : this.caches[f].get(buf, pos, end);
            break;
          case F.SrcPort: ev.srcPort = dash ? -1 : readUint(buf, pos, end); if (ev.srcPort > 65535) return this.invalid(buf, s, e, lineNo, 'srcport'); break;
          case F.DstPort: ev.dstPort = dash ? -1 : readUint(buf, pos, end); if (ev.dstPort > 65535) return this.invalid(buf, s, e, lineNo, 'dstport'); break;
          case F.Protocol: ev.protocol = dash ? -1 : readUint(buf, pos, end); if (ev.protocol > 255) return this.invalid(buf, s, e, lineNo, 'protocol'); break;
          case F.Packets: ev.packets = dash ? 0 : readUint(buf, pos, end); break;
          case F.Bytes: ev.bytes = dash ? 0 : readUint(buf, pos, end); break;
          case F.Start: ev.time = dash ? 0 : readUint(buf, pos, end) * 1000; break;
          case F.End: ev.end = dash ? 0 : readUint(buf, pos, end) * 1000; break;
          case F.Action:
            if (dash) ev.action = '';
            else if (buf[pos] === 65 && end - pos === 6) ev.action = 'ACCEPT';
            else if (buf[pos] === 82 && end - pos === 6) ev.action = 'REJECT';
            else return this.invalid(buf, s, e, lineNo, 'action');
            break;
          case F.LogStatus:
            if (buf[pos] === 79) status = 0; // OK
            else if (buf[pos] === 78) status = 1; // NODATA
            else if (buf[pos] === 83) status = 2; // SKIPDATA
            else if (!dash) return this.invalid(buf, s, e, lineNo, 'log-status');
            break;
          case F.VpcId: ev.vpcId = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.SubnetId: ev.subnetId = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.InstanceId: ev.instanceId = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.TcpFlags: ev.tcpFlags = dash ? 0 : readUint(buf, pos, end); break;
          case F.PktSrcAddr: ev.pktSrcAddr = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.PktDstAddr: ev.pktDstAddr = dash ? '' : this.caches[f].get(buf, pos, end); break;
          case F.Region: ev.region = dash ? this.region : this.caches[f].get(buf, pos, end); break;
          case F.FlowDirection: ev.flowDirection = dash ? '' : this.caches[f].get(buf, pos, end); break;
          default: break;
        }
      }
      pos = end + 1;
    }
    // one NaN check per line rather than per field: readUint returns NaN for any non-digit
    if (Number.isNaN(ev.srcPort + ev.dstPort + ev.protocol + ev.packets + ev.bytes + ev.time + ev.end + ev.version + ev.tcpFlags)) {
      return this.invalid(buf, s, e, lineNo, nanField(ev));
    }
    if (i < nf || pos <= e) {
      this.sink.bad('flow-field-count', lineNo, excerpt(`expected ${nf} fields${this.sawHeader ? ' (from the header)' : ''}: ${buf.toString('latin1', s, e)}`));
      return;
    }
    if (status === 1) { this.sink.skipped('nodata'); return; }
    if (status === 2) { this.sink.skipped('skipdata'); return; }
    if (ev.time === 0 || (ev.srcIp4 < 0 && ev.srcText === '' && ev.dstIp4 < 0 && ev.dstText === '')) {
      this.sink.bad('flow-field-invalid', lineNo, excerpt(`no start time or addresses: ${buf.toString('latin1', s, e)}`));
      return;
    }
    if (!isEventTimeMs(ev.time) || (ev.end !== 0 && !isEventTimeMs(ev.end))) {
      this.sink.bad('flow-field-invalid', lineNo, excerpt(`start/end outside 2000–2099: ${buf.toString('latin1', s, e)}`));
      return;
    }
    this.sink.event(ev);
  }

  /** Adopts a field order, giving every field the defaults (fields it lacks keep them for good). */
  private setFields(fields: F[]): F[] {
    const ev = this.ev;
    ev.version = 0; ev.accountId = this.defaultAccount; ev.interfaceId = ''; ev.srcIp4 = -1; ev.dstIp4 = -1; ev.srcText = ''; ev.dstText = '';
    ev.srcPort = -1; ev.dstPort = -1; ev.protocol = -1; ev.packets = 0; ev.bytes = 0; ev.time = 0; ev.end = 0;
    ev.action = ''; ev.vpcId = ''; ev.subnetId = ''; ev.instanceId = ''; ev.tcpFlags = 0; ev.pktSrcAddr = '';
    ev.pktDstAddr = ''; ev.flowDirection = ''; ev.region = this.region;
    return fields;
  }

  private invalid(buf: Buffer, s: number, e: number, lineNo: number, field: string): void {
    const text = buf.toString('latin1', s, e);
    // a value in the wrong place is usually a missing or extra field: say so
    const n = text.split(' ').length;
    if (n !== this.fields.length) this.sink.bad('flow-field-count', lineNo, excerpt(`expected ${this.fields.length} fields, got ${n}: ${text}`));
    else this.sink.bad('flow-field-invalid', lineNo, excerpt(`${field}: ${text}`));
  }
}

/** Dotted-quad IPv4 from bytes as an unsigned 32-bit number; -1 for anything else (IPv6). */
function readIpv4(buf: Buffer, s: number, e: number): number {
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + part; part = 0; digits = 0; dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? n * 256 + part : -1;
}

/** Unsigned decimal from bytes; NaN on any non-digit or empty input. */
function readUint(buf: Buffer, s: number, e: number): number {
  if (s >= e) return NaN;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

function nanField(ev: FlowRecord): string {
  const named: [string, number][] = [['version', ev.version], ['srcport', ev.srcPort], ['dstport', ev.dstPort], ['protocol', ev.protocol],
    ['packets', ev.packets], ['bytes', ev.bytes], ['start', ev.time], ['end', ev.end], ['tcp-flags', ev.tcpFlags]];
  return named.find(([, v]) => Number.isNaN(v))?.[0] ?? 'field';
}

export const vpcFlowParser: Parser = {
  kind: 'vpcflow',
  sniff(path, head) {
    const text = head.toString('latin1', 0, Math.min(head.length, 2048));
    const first = text.split(/\r\n|\r|\n/, 1)[0].trim();
    if (parseHeader(first)) return 1;
    if (/^(\S+ )?[2-8] (\d{12}|-) (eni-[0-9a-f]+|-) \S+ \S+ /.test(first)) return 0.9;
    if (/vpcflowlogs|flow-?log/i.test(path)) return 0.3;
    return 0;
  },
  open: (opts: ParseOptions, sink: ParseSink) => new FlowSession(opts, sink),
};
