/**
 * CloudTrail parser: `{"Records":[…]}` files (S3 delivery, gzip or not), JSON arrays of events,
 * JSON lines of single events (CloudWatch Logs exports, with or without a timestamp prefix),
 * EventBridge envelopes and CloudWatch Logs subscription batches.
 *
 * Fast path: a document up to FAST_LIMIT is parsed whole with one `JSON.parse` — the measured
 * ceiling. Larger documents, JSON lines, and documents that fail to parse whole (truncated,
 * one damaged record) go through the record scanner, so memory stays bounded and one bad
 * record costs only itself.
 */
import type { Parser, ParseOptions, ParseSink, ParserSession } from '../types.js';
import { JsonRecordScanner } from '../json-scanner.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { emitCloudTrailValue } from './normalize.js';
import { excerpt } from '../../core/index.js';

/**
 * Documents up to this size (and up to the record limit, so that no record of a whole-parsed
 * document can be over it) take the fast path. Above it, memory for one whole-document parse
 * (text + objects, about 5× the bytes) is more than a parser should hold: the scanner reads
 * record by record instead.
 */
export const FAST_LIMIT = 16 << 20;
/** An object whose first this-many bytes hold no record at all is not CloudTrail: stop reading it. */
const HOPELESS_AFTER = 16 << 20;

class CloudTrailSession implements ParserSession {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private scanner: JsonRecordScanner | null = null;
  private decided = false;
  private seen = 0;
  hopeless = false;
  private readonly fastLimit: number;

  constructor(private readonly opts: ParseOptions, private readonly sink: ParseSink) {
    this.fastLimit = Math.min(FAST_LIMIT, (opts.limits ?? DEFAULT_LIMITS).maxRecordBytes);
  }

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.scanner) {
      this.scanner.push(chunk);
      if (this.seen >= HOPELESS_AFTER && this.scanner.recordsOpened === 0) this.hopeless = true;
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (!this.decided) {
      // JSON lines never parse whole: stream them from the start.
      const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
      const first = firstNonWs(head);
      if (first < 0) return;
      this.decided = true;
      const c = head[first];
      if (c !== 91 && !(c === 123 && looksLikeWrapper(head, first))) { this.startScanner(); return; }
    }
    if (this.buffered > this.fastLimit) this.startScanner();
  }

  end(aborted: boolean): void {
    if (!this.scanner) {
      if (this.buffered === 0) return;
      const text = (this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)).toString('utf8');
      let doc: unknown;
      try { doc = JSON.parse(text); } catch { doc = undefined; }
      if (doc !== undefined) {
        this.chunks = [];
        const records = Array.isArray(doc) ? doc : isWrapper(doc) ? doc.Records : undefined;
        if (records) for (let i = 0; i < records.length; i++) emitCloudTrailValue(records[i], i + 1, this.opts, this.sink, !Array.isArray(doc));
        else emitCloudTrailValue(doc, 1, this.opts, this.sink);
        return;
      }
      this.startScanner(); // salvage record by record
    }
    const scanner = this.scanner!;
    const state = scanner.end();
    if (state === 'truncated' && !aborted) this.sink.bad('json-truncated', undefined, excerpt(scanner.pendingExcerpt() || 'document not closed'));
  }

  private startScanner(): void {
    const { opts, sink } = this;
    const limits = opts.limits ?? DEFAULT_LIMITS;
    this.scanner = new JsonRecordScanner({
      record(buf, start, end, index) {
        let v: unknown;
        try { v = JSON.parse(buf.toString('utf8', start, end)); } catch (e) {
          sink.bad('json-invalid', index, excerpt(`${(e as Error).message}: ${buf.toString('utf8', start, Math.min(end, start + 100))}`));
          return false;
        }
        emitCloudTrailValue(v, index, opts, sink);
        return true;
      },
      bad(reason, text, index) { sink.bad(reason, index, excerpt(text)); },
    }, limits);
    const chunks = this.chunks;
    this.chunks = [];
    this.buffered = 0;
    for (const c of chunks) this.scanner.push(c);
  }
}

function isWrapper(doc: unknown): doc is { Records: unknown[] } {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { Records?: unknown }).Records);
}

function firstNonWs(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

function looksLikeWrapper(b: Buffer, at: number): boolean {
  return /^\{\s*"Records"\s*:/.test(b.toString('latin1', at, at + 64));
}

export const cloudTrailParser: Parser = {
  kind: 'cloudtrail',
  sniff(path, head) {
    const text = head.toString('utf8', 0, Math.min(head.length, 4096));
    if (/^\s*\{\s*"Records"\s*:/.test(text)) return 1;
    if (/"eventVersion"\s*:|"eventSource"\s*:\s*"[a-z0-9-]+\.amazonaws\.com"/.test(text)) return 0.9;
    if (/"detail-type"\s*:\s*"AWS (API Call|Console Sign In) via CloudTrail"/.test(text)) return 0.9;
    if (/"digestStartTime"\s*:/.test(text)) return 0.8;
    if (/cloudtrail/i.test(path) && /^\s*[[{]/.test(text)) return 0.5;
    return 0;
  },
  open: (opts, sink) => new CloudTrailSession(opts, sink),
};
