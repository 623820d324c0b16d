/**
 * Finds complete JSON records in a byte stream without parsing them, so each record can be
 * handed to `JSON.parse` alone and a damaged record costs only itself. It understands the three
 * container shapes AWS logs come in:
 *
 *   {"Records":[ {…}, {…} ]}      CloudTrail S3 delivery: each array element is a record
 *   [ {…}, {…} ]                  JSON array of events (CloudTrail console/API exports)
 *   {…}\n{…}\n                    JSON lines / concatenated objects (CloudWatch Logs exports,
 *                                 EventBridge envelopes); an ISO timestamp prefix is skipped
 *
 * Bytes are scanned once; strings are skipped with native `indexOf`. Only a record that
 * straddles a chunk boundary is copied. Memory is bounded by the largest record (capped).
 */
import { skipTimestampPrefix } from './lines.js';

export const MAX_RECORD = 64 << 20;

export interface RecordHandler {
  /** A complete top-level record: bytes [start, end) of buf. `index` counts records from 1. */
  record(buf: Buffer, start: number, end: number, index: number): void;
  /** Something that is not a JSON record where one should start. */
  junk(excerpt: string, index: number): void;
  /** A record larger than MAX_RECORD was skipped. */
  tooLarge(index: number): void;
}

const WS = new Uint8Array(256);
WS[32] = WS[9] = WS[10] = WS[13] = 1;

const enum Mode { Top, Wrapper, Array }

export class JsonRecordScanner {
  private carry: Buffer | null = null;
  /** Offset in the concatenated buffer where scanning resumes. */
  private resume = 0;
  private mode = Mode.Top;
  /** Depth inside the current record (0 = between records). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private recordStart = -1;
  private index = 0;
  private skippingLarge = false;
  private containerOpen = false;
  private closingWrapper = false;

  constructor(private readonly h: RecordHandler) {}

  push(chunk: Buffer): void {
    let buf: Buffer;
    let pos: number;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      pos = this.resume;
      this.carry = null;
    } else {
      buf = chunk;
      pos = 0;
    }
    this.scan(buf, pos, false);
  }

  /** Returns 'clean', 'truncated' (ended inside a record or container) or 'partial-peek'. */
  end(): 'clean' | 'truncated' {
    if (this.carry) {
      const buf = this.carry;
      this.carry = null;
      this.scan(buf, this.resume, true);
    }
    return this.depth > 0 || this.containerOpen || this.carry ? 'truncated' : 'clean';
  }

  /** The first bytes of the record being read when the stream stopped (for the truncation sample). */
  pendingExcerpt(): string {
    return this.carry ? this.carry.subarray(Math.max(0, this.recordStart), Math.max(0, this.recordStart) + 120).toString('utf8') : '';
  }

  private scan(buf: Buffer, pos: number, final: boolean): void {
    const len = buf.length;
    while (pos < len) {
      if (this.depth > 0) {
        pos = this.scanRecord(buf, pos);
        if (pos < 0) {
          // ran out inside the record: keep it for the next chunk
          this.keep(buf, this.recordStart, len);
          return;
        }
        continue;
      }
      const c = buf[pos];
      if (WS[c] === 1 || c === 44) { pos++; continue; } // whitespace, comma between records
      if (c === 123) { // '{'
        if (this.mode === Mode.Top) {
          // A CloudTrail wrapper? Needs a little lookahead.
          const w = this.peekWrapper(buf, pos, final);
          if (w === -2) { this.keep(buf, pos, len); return; }
          if (w >= 0) { this.mode = Mode.Wrapper; this.containerOpen = true; pos = w; continue; }
        }
        this.recordStart = pos;
        this.index++;
        this.depth = 1;
        pos++;
        continue;
      }
      if (c === 91 && this.mode === Mode.Top) { this.mode = Mode.Array; this.containerOpen = true; pos++; continue; } // '['
      if (c === 93 && this.mode !== Mode.Top) { // ']' closes the array (and, for a wrapper, '}' follows)
        if (this.mode === Mode.Wrapper) this.closingWrapper = true; // the wrapper's '}' is still to come
        else this.containerOpen = false;
        this.mode = Mode.Top;
        pos++;
        continue;
      }
      if (c === 125 && this.closingWrapper) { this.closingWrapper = false; this.containerOpen = false; pos++; continue; }
      // Not the start of a record: a timestamp prefix (CloudWatch export) or junk up to the line end.
      const nl = buf.indexOf(10, pos);
      const lineEnd = nl < 0 ? len : nl;
      if (nl < 0 && !final) { this.keep(buf, pos, len); return; }
      const after = skipTimestampPrefix(buf, pos, lineEnd);
      if (after > pos && buf[after] === 123) { pos = after; continue; }
      this.index++;
      this.h.junk(buf.toString('latin1', pos, Math.min(lineEnd, pos + 120)), this.index);
      pos = lineEnd + 1;
    }
    // a record that opened on the chunk's last byte: keep its start for the next chunk
    if (this.depth > 0) this.keep(buf, this.recordStart, len);
  }
  /**
   * Scans inside a record from pos. Returns the position after the record when it closes,
   * or -1 when the buffer ends first (state is kept for the next chunk).
   */
  private scanRecord(buf: Buffer, pos: number): number {
    const len = buf.length;
    let depth = this.depth;
    if (this.inString) {
      // resume a string cut by the chunk boundary
      while (pos < len) {
        const c = buf[pos++];
        if (this.escaped) { this.escaped = false; continue; }
        if (c === 92) { this.escaped = true; continue; }
        if (c === 34) { this.inString = false; break; }
      }
      if (this.inString) return -1;
    }
    while (pos < len) {
      const c = buf[pos];
      if (c === 34) {
        // skip the string with native search; a quote preceded by an odd run of backslashes is escaped
        let q = pos + 1;
        for (;;) {
          q = buf.indexOf(34, q);
          if (q < 0) { this.inString = true; this.escaped = endsWithOddBackslashes(buf, len); this.depth = depth; return -1; }
          let b = q - 1, n = 0;
          while (buf[b] === 92) { n++; b--; }
          if ((n & 1) === 0) break;
          q++;
        }
        pos = q + 1;
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          this.depth = 0;
          const start = this.recordStart;
          this.recordStart = -1;
          if (this.skippingLarge) { this.skippingLarge = false; this.h.tooLarge(this.index); }
          else this.h.record(buf, start, pos + 1, this.index);
          return pos + 1;
        }
      }
      pos++;
    }
    this.depth = depth;
    return -1;
  }

  /**
   * At a top-level '{': is it `{"Records":[`? Returns the offset after '[' if so, -1 if not,
   * -2 if the buffer ends before we can tell.
   */
  private peekWrapper(buf: Buffer, pos: number, final: boolean): number {
    const len = buf.length;
    let p = pos + 1;
    const skipWs = () => { while (p < len && WS[buf[p]] === 1) p++; };
    skipWs();
    const key = '"Records"';
    if (p + key.length > len) return final ? -1 : (len - pos > 4096 ? -1 : -2);
    if (buf.toString('latin1', p, p + key.length) !== key) return -1;
    p += key.length;
    skipWs();
    if (p >= len) return final ? -1 : -2;
    if (buf[p] !== 58) return -1; // ':'
    p++;
    skipWs();
    if (p >= len) return final ? -1 : -2;
    return buf[p] === 91 ? p + 1 : -1;
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (this.depth > 0 && to - from > MAX_RECORD) {
      // drop what we have of an oversized record and skip to its end
      this.skippingLarge = true;
      this.carry = Buffer.alloc(0);
      this.recordStart = 0;
      this.resume = 0;
      return;
    }
    this.carry = Buffer.from(buf.subarray(from, to));
    this.resume = this.depth > 0 ? to - from : 0;
    if (this.depth > 0) this.recordStart = 0;
  }
}

function endsWithOddBackslashes(buf: Buffer, len: number): boolean {
  let n = 0, b = len - 1;
  while (b >= 0 && buf[b] === 92) { n++; b--; }
  return (n & 1) === 1;
}
