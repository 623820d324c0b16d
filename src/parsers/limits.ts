/**
 * The limits that keep parsing bounded whatever the input: no record, line, string, nesting or
 * object can make a parser use more than a few times these sizes in memory, and whatever goes
 * over a limit is rejected with its reason code (src/core/bad-input.ts), not read.
 *
 * The defaults are far above anything AWS writes (a CloudTrail record is at most a few hundred
 * KB, a flow line a few hundred bytes, a DNS query line a few KB) and small enough that one
 * hostile object costs seconds and tens of MB. `vigil scan`/`serve` can change them through the
 * VIGIL_MAX_* environment variables (docs/logs/bad-input.md).
 */
import { envNumber } from '../core/env.js';

export interface ParseLimits {
  /** Largest JSON record (CloudTrail element or JSON line) parsed, bytes. */
  maxRecordBytes: number;
  /** Deepest nesting of objects/arrays inside one record. */
  maxDepth: number;
  /** Longest string value anywhere in a record, characters. */
  maxStringLength: number;
  /** Longest line of a line-based log (VPC flow, Route 53), bytes. */
  maxLineBytes: number;
  /** Most decompressed bytes read from one object; the rest is not read. */
  maxObjectBytes: number;
  /**
   * Largest decompressed ÷ compressed ratio, checked once an object has produced 64 MiB: a
   * gzip bomb (10 GiB of zeros is about 1000:1) is stopped there. Real logs compress 5–30:1.
   */
  maxCompressionRatio: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxRecordBytes: 16 << 20,
  maxDepth: 64,
  maxStringLength: 256 << 10,
  maxLineBytes: 1 << 20,
  maxObjectBytes: 16 * 2 ** 30,
  maxCompressionRatio: 200,
});

/** Bytes an object must produce before the compression ratio is judged. */
export const RATIO_CHECK_AFTER = 64 << 20;

/** The limits in force: the defaults, with VIGIL_MAX_* environment overrides. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ParseLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxRecordBytes: atLeast(env, 'VIGIL_MAX_RECORD_BYTES', d.maxRecordBytes, 1024),
    maxDepth: atLeast(env, 'VIGIL_MAX_DEPTH', d.maxDepth, 4),
    maxStringLength: atLeast(env, 'VIGIL_MAX_STRING_LENGTH', d.maxStringLength, 256),
    maxLineBytes: atLeast(env, 'VIGIL_MAX_LINE_BYTES', d.maxLineBytes, 1024),
    maxObjectBytes: atLeast(env, 'VIGIL_MAX_OBJECT_BYTES', d.maxObjectBytes, 1024),
    maxCompressionRatio: atLeast(env, 'VIGIL_MAX_COMPRESSION_RATIO', d.maxCompressionRatio, 2),
  };
}

function atLeast(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number): number {
  const n = envNumber(env, name, dflt);
  if (n < min) throw new Error(`${name} must be at least ${min}, got ${n}`);
  return n;
}
