/**
 * The catalogue of reasons an input record or object is rejected. Every rejection is counted
 * under one of these codes with a sample, shown in the scan summary and, later, in ingestion
 * health. Codes are stable (scripts read them from `--json`); the hint says what to do.
 */

export const BAD_REASONS = {
  'gzip-corrupt': 'the gzip stream is corrupt or cut short; records decompressed before the damage were kept — re-fetch the object',
  'gzip-trailing-data': 'bytes after the last complete gzip member are not gzip; everything before them was read, the rest counted here',
  'read-error': 'the object could not be read (permissions, vanished file); check access and rescan',
  'unknown-type': 'the log type could not be recognised from the path or content; pass --type cloudtrail|vpcflow|dns',
  'object-too-large': 'the object decompresses to more than the object limit (VIGIL_MAX_OBJECT_BYTES); what came before the limit was read',
  'compression-ratio': 'the object decompresses to more than VIGIL_MAX_COMPRESSION_RATIO times its stored size (a gzip bomb?); what came before was read',
  'json-truncated': 'the JSON ends mid-record (file cut short); the records before it were kept',
  'json-invalid': 'a record is not valid JSON; reading went on at the next record',
  'not-json': 'bytes that are not JSON where a record should start (binary junk?); reading went on at the next record',
  'record-too-large': 'a record is larger than the record limit (VIGIL_MAX_RECORD_BYTES); it was skipped, the next ones were read',
  'too-deep': 'a record nests objects/arrays deeper than the depth limit (VIGIL_MAX_DEPTH); it was skipped',
  'record-shape': 'valid JSON that lacks the fields this log type must have',
  'field-type': 'a field has a type this log type never carries (an array where an account id belongs, a boolean where an ARN belongs…); the record was skipped',
  'field-too-long': 'a string is longer than the string limit (VIGIL_MAX_STRING_LENGTH) or than its field allows; the record was skipped',
  'bad-time': 'the event time is missing, cannot be parsed, or lies outside 2000–2099',
  'line-too-long': 'a line is longer than the line limit for line-based logs (VIGIL_MAX_LINE_BYTES, 1 MiB)',
  'flow-field-count': 'a flow log line has a different number of fields than its header',
  'flow-field-invalid': 'a flow log field has a value that is not valid for it (port, protocol, number, time…)',
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

/**
 * A short, safe description of any parsed JSON value for a sample: never recurses deeper than a
 * few levels and never builds more than `max` characters, so a hostile value (a million-deep
 * array, a 100 MB string) cannot blow the stack or the heap while being reported.
 */
export function excerptValue(v: unknown, max = 120): string {
  let out = '';
  const put = (s: string) => { if (out.length < max) out += s.length > max - out.length ? s.slice(0, max - out.length) : s; };
  const walk = (x: unknown, depth: number) => {
    if (out.length >= max) return;
    if (x === null || typeof x !== 'object') { put(typeof x === 'string' ? JSON.stringify(x.length > max ? x.slice(0, max) : x) : String(x)); return; }
    if (depth >= 3) { put(Array.isArray(x) ? '[…]' : '{…}'); return; }
    if (Array.isArray(x)) {
      put('[');
      for (let i = 0; i < x.length && out.length < max; i++) { if (i) put(','); walk(x[i], depth + 1); }
      put(']');
      return;
    }
    put('{');
    let first = true;
    for (const k in x) {
      if (out.length >= max) break;
      if (!first) put(',');
      first = false;
      put(JSON.stringify(k.length > 40 ? k.slice(0, 40) : k) + ':');
      walk((x as Record<string, unknown>)[k], depth + 1);
    }
    put('}');
  };
  walk(v, 0);
  return excerpt(out, max);
}
