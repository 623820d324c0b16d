/**
 * ALIEN_VAULT: the AlienVault IP reputation format (`reputation.data`).
 *
 * Accepted layout, one address per line, fields separated by `#`:
 *   ip#reliability#risk#activity#country#city#latitude,longitude#flags
 *   198.51.100.23#4#2#Malicious Host#DE#Nürnberg#49.4478,11.0683#11
 * Only the address is required; it must be an IPv4 or IPv6 address (a CIDR or `ip:port` is
 * accepted as well, a domain is not). Reliability and risk, when present, must be whole numbers
 * (anything else means the line is not in this layout and is reported). The remaining fields are
 * not used. Threat name: the activity field (`Malicious Host`, `Scanning Host;Spamming`, …) when
 * not empty. Blank lines and lines starting with `#` (an empty address) are skipped; LF or CRLF.
 */
import { emitIndicator, parseIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser } from '../types.js';
import { clip } from './common.js';

const WHOLE = /^\d+$/;

/**
 * Parses the lines of `text` (the whole list, or a run of whole lines of it, see stream.ts),
 * numbering them after `line`; a BOM is skipped only when `atStart`. Returns the last line's number.
 */
export function parseAlienVaultLines(text: string, sink: IndicatorSink, line: number, atStart: boolean): number {
  const n = text.length;
  let pos = atStart && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const raw = text.slice(pos, end).trim();
    pos = end + 1;
    line++;
    if (!raw || raw.startsWith('#')) continue;
    const f = raw.split('#');
    const reliability = f[1]?.trim(), risk = f[2]?.trim();
    if (reliability && !WHOLE.test(reliability)) { sink.error(line, `reliability is not a number: ${clip(reliability)}`); continue; }
    if (risk && !WHOLE.test(risk)) { sink.error(line, `risk is not a number: ${clip(risk)}`); continue; }
    const p = parseIndicator(f[0]);
    if (p.kind === 'domain') { sink.error(line, `not an IP address: ${clip(f[0])}`); continue; }
    emitIndicator(p, sink, f[3]?.trim() || undefined, line);
  }
  return line;
}

export const alienVaultParser: ListFormatParser = {
  format: 'ALIEN_VAULT',
  parse(text: string, sink: IndicatorSink): void {
    parseAlienVaultLines(text, sink, 0, true);
  },
};
