/**
 * List validation: parse a list file in its declared format and report what it would load,
 * without building an index. For the API/CLI to show before a list is activated.
 *
 * status: `valid` (entries loaded, no errors), `partial` (entries loaded, some lines in error),
 * `invalid` (nothing loaded — a malformed document, only bad lines, or no entries at all, such
 * as an empty or comment-only file). `ok` is true unless the status is `invalid`.
 */
import { parserForFormat } from './formats/registry.js';
import type { ListFormat } from './types.js';

export type ListValidationStatus = 'valid' | 'partial' | 'invalid';

export interface ListValidation {
  format: ListFormat;
  status: ListValidationStatus;
  ok: boolean;
  /** Everything loaded: the sum of the five counts below. */
  entries: number;
  /** Single IPv4 addresses (no port). */
  ipv4: number;
  /** IPv4 CIDR blocks (prefix shorter than 32). */
  ipv4Cidrs: number;
  /** IPv6 addresses and blocks (no port). */
  ipv6: number;
  domains: number;
  /** `ip:port` entries, IPv4 or IPv6. */
  ipPort: number;
  /** Entries passed over for a reason that is not an error (expired, unsupported type, …), by reason. */
  skipped: Record<string, number>;
  /** Every error, in the order found. */
  errors: { line: number; message: string }[];
  errorCount: number;
}

export function validateList(text: string, format: ListFormat, now = Date.now()): ListValidation {
  const r: ListValidation = {
    format, status: 'invalid', ok: false, entries: 0,
    ipv4: 0, ipv4Cidrs: 0, ipv6: 0, domains: 0, ipPort: 0, skipped: {}, errors: [], errorCount: 0,
  };
  const error = (line: number, message: string) => { r.errors.push({ line, message }); };
  try {
    parserForFormat(format).parse(text, {
      ipv4: (_addr, prefix, port) => { if (port >= 0) r.ipPort++; else if (prefix === 32) r.ipv4++; else r.ipv4Cidrs++; },
      ipv6: (_hex, _prefix, port) => { if (port >= 0) r.ipPort++; else r.ipv6++; },
      domain: () => { r.domains++; },
      error,
      skip: (reason) => { r.skipped[reason] = (r.skipped[reason] ?? 0) + 1; },
    }, { now });
  } catch (e) {
    // parsers are written not to throw on bad input; this is a safety net, not a code path
    error(1, `list could not be parsed: ${(e as Error).message}`);
  }
  r.errorCount = r.errors.length;
  r.entries = r.ipv4 + r.ipv4Cidrs + r.ipv6 + r.domains + r.ipPort;
  r.status = r.entries === 0 ? 'invalid' : r.errorCount === 0 ? 'valid' : 'partial';
  r.ok = r.status !== 'invalid';
  return r;
}
