/**
 * FIRE_EYE: FireEye iSIGHT Threat Intelligence indicators, CSV export.
 *
 * Accepted layout (CSV as described in csv.ts): a header row, then one indicator record per row.
 * Columns are found by header name, case and punctuation ignored, in any order:
 *   IP address:  `ip`, `ipAddress`, `ipAddr`, `cidr`
 *   domain:      `domain`, `domainName`, `hostname`
 *   URL (host):  `url`
 *   threat name: `malwareFamily`, else `actor`
 * e.g. `reportId,title,ip,domain,url,networkType,malwareFamily,actor,md5,fuzzyHash,…`.
 * All other columns (report ids, hashes such as `md5`/`fuzzyHash`, `port`, `networkType`, email
 * fields, …) are ignored; a `port` column does not narrow the IP (the address matches on any port).
 * A row may carry several network indicators (an IP and a domain): each is used. A row with none
 * (a file-hash record) is skipped as "no IP, domain or URL in row". A header without any indicator
 * column is one error at its line and nothing is loaded; a missing header counts as that.
 */
import { emitIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser } from '../types.js';
import { parseExpected, URL_PATH_WITHOUT_HOST, type Expect } from './common.js';
import { findColumn, forEachCsvRecord, headerKey, threatText } from './csv.js';

const COLUMNS: [Expect, string[]][] = [
  ['ip', ['ip', 'ipaddress', 'ipaddr', 'cidr']],
  ['domain', ['domain', 'domainname', 'hostname']],
  ['url', ['url']],
];

export const fireEyeParser: ListFormatParser = {
  format: 'FIRE_EYE',
  parse(text: string, sink: IndicatorSink): void {
    let cols: { index: number; expect: Expect; name: string }[] | undefined;
    let threatCols: number[] = [];
    let dead = false;
    forEachCsvRecord(text, (f, line) => {
      if (dead) return;
      if (!cols) {
        const keys = f.map(headerKey);
        cols = [];
        for (const [expect, names] of COLUMNS) {
          for (let i = 0; i < keys.length; i++) if (names.includes(keys[i])) cols.push({ index: i, expect, name: f[i] });
        }
        if (cols.length === 0) {
          sink.error(line, 'no header row naming an ip, domain or url column');
          dead = true;
          return;
        }
        threatCols = [findColumn(keys, ['malwarefamily']), findColumn(keys, ['actor'])].filter((i) => i >= 0);
        return;
      }
      let threat: string | undefined;
      for (const i of threatCols) if ((threat = threatText(f[i]))) break;
      let used = 0;
      for (const c of cols) {
        const cell = (f[c.index] ?? '').trim();
        if (!cell) continue;
        used++;
        const p = parseExpected(cell, c.expect);
        if (p.kind === 'no-host') { sink.skip(URL_PATH_WITHOUT_HOST); continue; }
        emitIndicator(p.kind === 'invalid' ? { kind: 'invalid', message: `${c.name}: ${p.message}` } : p, sink, threat, line);
      }
      if (used === 0) sink.skip('no IP, domain or URL in row');
    }, (line, message) => { if (!dead) sink.error(line, message); });
  },
};
