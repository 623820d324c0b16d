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
 * straddles a chunk boundary is copied.
 *
 * Damage costs only the damaged record. After a record that does not parse, junk where a record
 * should start, or a record that never closes, the scanner resynchronises at the next *record
 * start*: the next `{"eventVersion"` (CloudTrail writes it first in every record; the first key
 * of the first good record is learned too, for other shapes), or in JSON lines the next line.
 * A bare `"eventVersion"` with real quotes cannot occur inside a JSON string (its quotes would
 * be escaped), so a match is a record start.
 *
 * Memory is bounded by the record limit whatever the input: a record over `maxRecordBytes` or
 * nested deeper than `maxDepth` is skipped without being kept, junk is dropped as it is read.
 */
import { skipTimestampPrefix } from './lines.js';
import { DEFAULT_LIMITS } from './limits.js';

export interface ScannerLimits { maxRecordBytes: number; maxDepth: number }

export type ScannerReject = 'not-json' | 'record-too-large' | 'too-deep' | 'json-invalid';

export interface RecordHandler {
  /**
   * A complete top-level record: bytes [start, end) of buf. `index` counts records from 1.
   * Returns false when the bytes are not valid JSON (the handler reports that itself): the
   * scanner then resynchronises at the next record start inside them.
   */
  record(buf: Buffer, start: number, end: number, index: number): boolean;
  /** Input the scanner rejects itself: junk between records, a record over a limit, a record that never closed. */
  bad(reason: ScannerReject, excerpt: string, index: number): void;
}

const WS = new Uint8Array(256);
WS[32] = WS[9] = WS[10] = WS[13] = 1;

const enum Container { None, Array, Wrapper }
const enum Skip { None, Record, Junk }

const TOO_DEEP = -2;
const DEFAULT_MARKER = Buffer.from('"eventVersion"');
/** Bytes of a junk run kept at a chunk end, so a record start cut by the boundary is still found. */
const MARKER_TAIL = 80;

export class JsonRecordScanner {
  private carry: Buffer | null = null;
  /** Offset in the concatenated buffer where scanning resumes. */
  private resume = 0;
  private container = Container.None;
  private closingWrapper = false;
  /** Depth inside the current record (0 = between records). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private recordStart = -1;
  private index = 0;
  /** Records whose opening brace was found (junk does not count): 0 after megabytes means "not JSON records". */
  recordsOpened = 0;
  private skip = Skip.None;
  private markers: Buffer[] = [DEFAULT_MARKER];
  private learned = false;
  private readonly limits: ScannerLimits;

  constructor(private readonly h: RecordHandler, limits: Partial<ScannerLimits> = {}) {
    this.limits = { maxRecordBytes: limits.maxRecordBytes ?? DEFAULT_LIMITS.maxRecordBytes, maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth };
  }

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

  /** Ends the stream: 'truncated' when it stopped inside a record or an unclosed container. */
  end(): 'clean' | 'truncated' {
    if (this.carry) {
      const buf = this.carry;
      this.carry = null;
      this.scan(buf, this.resume, true);
    }
    const inRecord = this.depth > 0 && this.skip === Skip.None;
    return inRecord || (this.container !== Container.None && this.skip === Skip.None) ? 'truncated' : 'clean';
  }

  /** The first bytes of the record being read when the stream stopped (for the truncation sample). */
  pendingExcerpt(): string {
    return this.pending;
  }

  private pending = '';
  /** Where skipping resumes after scanRecord returned TOO_DEEP. */
  private deepAt = 0;

  private scan(buf: Buffer, pos: number, final: boolean): void {
    const len = buf.length;
    for (;;) {
      if (pos >= len) {
        // a record that opened on the last byte, or cut by the chunk end: keep it
        if (this.depth > 0 && this.skip === Skip.None) {
          const m = this.keepRecord(buf, len, final);
          if (m >= 0) { pos = m; continue; }
        }
        return;
      }
      if (this.skip === Skip.Record) { pos = this.skipRecord(buf, pos); continue; }
      if (this.skip === Skip.Junk) { pos = this.skipJunk(buf, pos, final); continue; }
      if (this.depth > 0) {
        const close = this.scanRecord(buf, pos, len);
        pos = close >= 0 ? this.closeRecord(buf, close) : close === TOO_DEEP ? this.deepAt : len;
        continue;
      }
      const c = buf[pos];
      if (WS[c] === 1 || c === 44) { pos++; continue; } // whitespace, comma between records
      if (c === 123) { // '{'
        if (this.container === Container.None) {
          // A CloudTrail wrapper? Needs a little lookahead.
          const w = peekWrapper(buf, pos, final);
          if (w === -2) { this.keepTop(buf, pos); return; }
          if (w >= 0) { this.container = Container.Wrapper; pos = w; continue; }
        }
        this.recordStart = pos;
        this.index++;
        this.recordsOpened++;
        this.depth = 1;
        pos++;
        continue;
      }
      if (c === 91 && this.container === Container.None) { this.container = Container.Array; pos++; continue; } // '['
      if (c === 93 && this.container !== Container.None && !this.closingWrapper) { // ']' closes the array (a wrapper's '}' follows)
        if (this.container === Container.Wrapper) this.closingWrapper = true;
        else this.container = Container.None;
        pos++;
        continue;
      }
      if (c === 125 && this.closingWrapper) { this.closingWrapper = false; this.container = Container.None; pos++; continue; }
      // Not the start of a record: a CloudWatch export timestamp prefix, or junk.
      if (!final && len - pos < 40 && buf.indexOf(10, pos) < 0) { this.keepTop(buf, pos); return; }
      const nl = buf.indexOf(10, pos);
      const after = skipTimestampPrefix(buf, pos, nl < 0 ? len : nl);
      if (after > pos && buf[after] === 123) { pos = after; continue; }
      this.index++;
      this.h.bad('not-json', buf.toString('latin1', pos, Math.min(len, pos + 120)), this.index);
      this.skip = Skip.Junk;
      pos++;
    }
  }

  /**
   * Scans inside a record from pos up to `limit`. Returns the offset of the closing bracket;
   * -1 when `limit` comes first (depth and string state are kept for the next call); TOO_DEEP
   * when the record went over the depth limit (it is now skipped from `deepAt` on).
   */
  private scanRecord(buf: Buffer, pos: number, limit: number): number {
    let depth = this.depth;
    if (this.inString) {
      // resume a string cut by the chunk boundary
      while (pos < limit) {
        const c = buf[pos++];
        if (this.escaped) { this.escaped = false; continue; }
        if (c === 92) { this.escaped = true; continue; }
        if (c === 34) { this.inString = false; break; }
      }
      if (this.inString) return -1;
    }
    const maxDepth = this.limits.maxDepth + 1; // the record itself is depth 1
    while (pos < limit) {
      const c = buf[pos];
      if (c === 34) {
        // skip the string with native search; a quote preceded by an odd run of backslashes is escaped
        let q = pos + 1;
        for (;;) {
          q = buf.indexOf(34, q);
          if (q < 0 || q >= limit) { this.inString = true; this.escaped = endsWithOddBackslashes(buf, limit); this.depth = depth; return -1; }
          let b = q - 1, n = 0;
          while (buf[b] === 92) { n++; b--; }
          if ((n & 1) === 0) break;
          q++;
        }
        pos = q + 1;
        continue;
      }
      if (c === 123 || c === 91) {
        if (++depth > maxDepth && this.skip === Skip.None) {
          this.depth = depth;
          this.h.bad('too-deep', `nested deeper than ${this.limits.maxDepth} levels: ${buf.toString('latin1', this.recordStart, Math.min(this.recordStart + 80, limit))}`, this.index);
          this.skip = Skip.Record;
          this.recordStart = -1;
          this.deepAt = pos + 1;
          return TOO_DEEP;
        }
      } else if (c === 125 || c === 93) {
        if (--depth === 0) { this.depth = 0; return pos; }
      }
      pos++;
    }
    this.depth = depth;
    return -1;
  }

  /** The record [recordStart, close] is complete: hand it over (or reject it), return where scanning goes on. */
  private closeRecord(buf: Buffer, close: number): number {
    const start = this.recordStart;
    const end = close + 1;
    this.recordStart = -1;
    if (end - start > this.limits.maxRecordBytes) {
      this.h.bad('record-too-large', `${end - start} bytes (limit ${this.limits.maxRecordBytes}): ${buf.toString('latin1', start, start + 80)}`, this.index);
      return end;
    }
    if (this.h.record(buf, start, end, this.index)) {
      if (!this.learned) this.learnMarker(buf, start, end);
      return end;
    }
    // not JSON: a damaged record may have swallowed the start of the next ones
    const m = this.findStart(buf, start + 1, end);
    return m >= 0 ? m : end;
  }

  /** Skipping a record over a limit: follow its brackets to its end, or stop at the next record start. */
  private skipRecord(buf: Buffer, pos: number): number {
    const m = this.findStart(buf, pos, buf.length);
    const close = this.scanRecord(buf, pos, m >= 0 ? m : buf.length);
    if (close >= 0) { this.skip = Skip.None; return close + 1; }
    if (m >= 0) { this.restart(); return m; }
    return buf.length;
  }

  /** Skipping junk: drop bytes up to the next record start (kept: a short tail that may hold one cut in two). */
  private skipJunk(buf: Buffer, pos: number, final: boolean): number {
    const m = this.findStart(buf, pos, buf.length);
    if (m >= 0) { this.skip = Skip.None; return m; }
    if (!final && buf.length - pos > 0) {
      const from = Math.max(pos, buf.length - MARKER_TAIL);
      this.carry = Buffer.from(buf.subarray(from));
      this.resume = 0;
    }
    return buf.length;
  }

  /** Back to "between records" after a resynchronisation. */
  private restart(): void {
    this.skip = Skip.None;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.recordStart = -1;
  }

  /**
   * The next record start in [from, to): a marker (`{"eventVersion"` …) or, outside a container
   * (JSON lines), the start of the next line, whichever comes first. -1 when none.
   */
  private findStart(buf: Buffer, from: number, to: number): number {
    let best = -1;
    if (this.container === Container.None) {
      const nl = buf.indexOf(10, from);
      if (nl >= 0 && nl + 1 < to) best = nl + 1;
    }
    for (const key of this.markers) {
      let i = from;
      for (;;) {
        const k = buf.indexOf(key, i);
        if (k < 0 || k >= to || (best >= 0 && k > best)) break;
        let b = k - 1;
        while (b >= from && WS[buf[b]] === 1) b--;
        if (b >= from && buf[b] === 123) { if (best < 0 || b < best) best = b; break; }
        i = k + 1;
      }
    }
    return best;
  }

  /** Learns the first key of the first good record as a second resynchronisation marker. */
  private learnMarker(buf: Buffer, start: number, end: number): void {
    this.learned = true;
    let p = start + 1;
    while (p < end && WS[buf[p]] === 1) p++;
    if (buf[p] !== 34) return;
    const q = buf.indexOf(34, p + 1);
    if (q < 0 || q >= end || q - p > 64) return;
    const key = buf.subarray(p, q + 1);
    if (!key.equals(DEFAULT_MARKER) && buf[q + 1] !== undefined) this.markers = [DEFAULT_MARKER, Buffer.from(key)];
  }

  /**
   * A record runs past the buffer: keep it for the next chunk. Returns where to resume scanning
   * instead (≥ 0) when the record is really a damaged one that swallowed the next record start —
   * found once it is over the record limit, or at the end of the stream.
   */
  private keepRecord(buf: Buffer, len: number, final: boolean): number {
    const start = this.recordStart;
    const over = len - start > this.limits.maxRecordBytes;
    if (over || final) {
      const m = this.findStart(buf, start + 1, len);
      if (m >= 0) {
        this.h.bad('json-invalid', `record not closed before the next one starts: ${buf.toString('latin1', start, start + 80)}`, this.index);
        this.restart();
        return m;
      }
    }
    if (over) {
      this.h.bad('record-too-large', `over ${this.limits.maxRecordBytes} bytes: ${buf.toString('latin1', start, start + 80)}`, this.index);
      this.skip = Skip.Record;
      this.recordStart = -1;
      this.carry = null;
      return -1;
    }
    this.pending = buf.toString('utf8', start, Math.min(len, start + 120));
    if (!final) {
      this.carry = Buffer.from(buf.subarray(start, len));
      this.resume = len - start;
      this.recordStart = 0;
    }
    return -1;
  }

  /** Top-level bytes that need more input to decide (a wrapper's first key, a timestamp prefix). */
  private keepTop(buf: Buffer, pos: number): void {
    this.carry = Buffer.from(buf.subarray(pos));
    this.resume = 0;
  }
}

/**
 * At a top-level '{': is it `{"Records":[`? Returns the offset after '[' if so, -1 if not,
 * -2 if the buffer ends before we can tell.
 */
function peekWrapper(buf: Buffer, pos: number, final: boolean): number {
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

function endsWithOddBackslashes(buf: Buffer, len: number): boolean {
  let n = 0, b = len - 1;
  while (b >= 0 && buf[b] === 92) { n++; b--; }
  return (n & 1) === 1;
}
