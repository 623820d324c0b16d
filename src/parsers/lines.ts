/**
 * Splits a stream of chunks into lines without copying complete lines: `onLine` gets the buffer
 * and byte offsets. Only a line that straddles two chunks is copied. Lines longer than the limit
 * are reported once and skipped, so a binary blob without newlines cannot exhaust memory.
 * Line ends may be LF, CRLF or CR alone (old Mac tools): the first 4 KiB decide for the object.
 */

export const MAX_LINE = 1 << 20;

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

const LF = 10, CR = 13;
/** Bytes looked at before deciding the line-end style. */
const DECIDE_AFTER = 4096;

export class LineSplitter {
  private carry: Buffer | null = null;
  private lineNo = 0;
  private skippingLong = false;
  /** The line-end byte: LF, or CR once the first line end is a CR without LF. */
  private sep = LF;
  private decided = false;
  private pending: Buffer[] = [];
  private pendingLen = 0;

  constructor(private readonly onLine: LineHandler, private readonly onTooLong: (lineNo: number, head: Buffer) => void, private readonly maxLine = MAX_LINE) {}

  push(chunk: Buffer): void {
    if (!this.decided) {
      const head = this.decide(chunk, false);
      if (!head) return;
      chunk = head;
    }
    const sep = this.sep;
    let buf = chunk;
    let pos = 0;
    if (this.carry) {
      const nl = chunk.indexOf(sep);
      if (nl < 0) {
        this.appendCarry(chunk);
        return;
      }
      buf = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      this.emit(buf, 0, buf.length - 1);
      buf = chunk;
      pos = nl + 1;
    } else if (this.skippingLong) {
      const nl = chunk.indexOf(sep);
      if (nl < 0) return;
      this.skippingLong = false;
      pos = nl + 1;
    }
    const len = buf.length;
    while (pos < len) {
      const nl = buf.indexOf(sep, pos);
      if (nl < 0) {
        this.appendCarry(buf.subarray(pos));
        return;
      }
      this.emit(buf, pos, nl);
      pos = nl + 1;
    }
  }

  end(): void {
    if (!this.decided) {
      const head = this.decide(Buffer.alloc(0), true);
      if (head) this.push(head);
    }
    if (this.carry && this.carry.length > 0) this.emit(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  /**
   * CR-only line ends when the first DECIDE_AFTER bytes (or the whole object, if shorter) hold
   * CRs and no LF at all: a stray CR in an LF file (damage, a value with a CR) must not turn the
   * whole file into one line. Until then the bytes are held; returns them once decided.
   */
  private decide(chunk: Buffer, final: boolean): Buffer | undefined {
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    const head = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    if (head.indexOf(LF) >= 0) this.sep = LF;
    else if (this.pendingLen >= DECIDE_AFTER || final) this.sep = head.indexOf(CR) >= 0 ? CR : LF;
    else { this.pending = [head]; return undefined; }
    this.decided = true;
    this.pending = [];
    return head;
  }

  private appendCarry(part: Buffer): void {
    const next = this.carry ? Buffer.concat([this.carry, part]) : Buffer.from(part);
    if (next.length > this.maxLine) {
      this.lineNo++;
      this.onTooLong(this.lineNo, next.subarray(0, 200));
      this.carry = null;
      this.skippingLong = true;
      return;
    }
    this.carry = next;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end > start && buf[end - 1] === CR) end--; // CRLF
    if (end > start) this.onLine(buf, start, end, this.lineNo);
  }
}

/**
 * CloudWatch Logs exports prefix each line with an ISO-8601 timestamp and a space
 * (`2024-05-01T12:00:00.000Z {...}`). Returns the offset after such a prefix, or `start`.
 */
export function skipTimestampPrefix(buf: Buffer, start: number, end: number): number {
  // YYYY-MM-DDT… up to the first space, only when it looks like a timestamp.
  if (end - start < 21 || buf[start + 4] !== 45 || buf[start + 7] !== 45 || buf[start + 10] !== 84) return start;
  const c0 = buf[start];
  if (c0 < 48 || c0 > 57) return start;
  const sp = buf.indexOf(32, start);
  if (sp < 0 || sp >= end || sp - start > 35) return start;
  return sp + 1;
}
