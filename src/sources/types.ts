/**
 * Sources yield objects (a file, later an S3 object or a stream batch) with an identity used for
 * checkpointing. A source never parses: it only says where bytes are and opens them.
 */
import type { Readable } from 'node:stream';

export interface SourceObject {
  /** Stable name for the user and for samples (a path or URI). */
  readonly uri: string;
  /** The path or key that S3 layout hints and type detection read. */
  readonly key: string;
  readonly size: number;
  /** Opens the raw (possibly compressed) bytes. */
  open(): Readable;
  /** Reads `length` bytes at `offset` (for magic numbers and fingerprints). */
  readRange(offset: number, length: number): Promise<Buffer>;
}
