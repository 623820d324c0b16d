/**
 * The catalogue of reasons an input record or object is rejected. Every rejection is counted
 * under one of these codes with a sample, shown in the scan summary and, later, in ingestion
 * health. Codes are stable (scripts read them from `--json`); the hint says what to do.
 */

export const BAD_REASONS = {
  'gzip-corrupt': 'the gzip stream is corrupt or cut short; records decompressed before the damage were kept — re-fetch the object',
  'read-error': 'the object could not be read (permissions, vanished file); check access and rescan',
  'empty-object': 'the object is empty; nothing to read',
  'unknown-type': 'the log type could not be recognised from the path or content; pass --type cloudtrail|vpcflow|dns',
  'json-truncated': 'the JSON ends mid-record (file cut short); the records before it were kept',
  'json-invalid': 'a record is not valid JSON',
  'not-json': 'bytes that are not JSON where a record should start (binary junk?)',
  'record-shape': 'valid JSON that lacks the fields this log type must have',
  'bad-time': 'the event time is missing or cannot be parsed',
  'line-too-long': 'a line is longer than the 1 MiB limit for line-based logs',
  'flow-field-count': 'a flow log line has a different number of fields than its header',
  'flow-field-invalid': 'a flow log field has a value that is not valid for it (port, protocol, number…)',
} as const;

export type BadReason = keyof typeof BAD_REASONS;

/** Where a sample of bad input came from, for the user to look at. */
export interface BadSample {
  object: string;
  /** 1-based line (line formats) or record index (JSON documents), when known. */
  position?: number;
  /** A short excerpt of the offending input or the error text. */
  excerpt: string;
}

/** Cuts an excerpt to something printable in a summary. */
export function excerpt(s: string, max = 160): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '\uFFFD');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
