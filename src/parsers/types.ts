/**
 * The parser contract. A parser is pure: decompressed bytes in, typed events out, bad records
 * counted with a reason. It never throws past `push`/`end` for bad input and never drops a record
 * silently: every byte ends up in an event, a bad-record count, or a skip count.
 */
import type { BadReason, LogKind, VigilEvent } from '../core/index.js';
import type { KeyHints } from './key-layout.js';
import type { ParseLimits } from './limits.js';

export interface ParseSink {
  /** One good event. The event may be reused by the parser after this call returns. */
  event(e: VigilEvent): void;
  /** One bad record (or a bad stretch of an object). */
  bad(reason: BadReason, position: number | undefined, excerpt: string): void;
  /** A record that is valid but carries nothing to detect on (NODATA, SKIPDATA, digest…). */
  skipped(reason: string, n?: number): void;
}

export interface ParseOptions {
  /** Where the object came from (path or URI), for samples. */
  objectName: string;
  /** Account/region/kind read off the S3 key layout, when the path follows it. */
  hints: KeyHints;
  /** Region to use when neither the record nor the path names one. */
  defaultRegion: string;
  /** VPC flow: field list to use when the object has no header line. */
  flowFields?: string[];
  /** Record, line, depth and string limits (DEFAULT_LIMITS when omitted). */
  limits?: ParseLimits;
}

export interface ParserSession {
  /** Feeds the next decompressed chunk. Chunks split records anywhere. */
  push(chunk: Buffer): void;
  /**
   * True once the parser has seen enough to know the rest of the object holds nothing it can
   * read (it said why through `bad`): the reader stops instead of decompressing the rest.
   */
  readonly hopeless?: boolean;
  /** No more bytes. `aborted` is true when the reader failed (corrupt gzip): drop the partial tail quietly. */
  end(aborted: boolean): void;
}

export interface Parser {
  readonly kind: LogKind;
  /** How sure (0–1) the parser is that an object with this path and first bytes is its format. */
  sniff(path: string, head: Buffer): number;
  open(opts: ParseOptions, sink: ParseSink): ParserSession;
}
