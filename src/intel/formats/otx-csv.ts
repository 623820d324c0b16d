/**
 * OTX_CSV: the CSV export of an AlienVault OTX pulse.
 *
 * Accepted layout (CSV as described in csv.ts):
 *   Indicator type,Indicator,Description
 *   IPv4,198.51.100.23,"Scanner, seen on port 22"
 *   domain,c2.evil.example,Loader C2
 *   URL,http://dl.evil.example/a.bin,
 * The header row is optional; when present its columns are found by name (case and punctuation
 * ignored: `Indicator type`/`type`, `Indicator`, `Description`), so extra columns or another order
 * work; without it the order above is assumed. Used types (case-insensitive): IPv4, IPv6, CIDR
 * (address or network), domain, hostname (domain), URL and URI (host; a URI that is only a path is
 * skipped as "url path without host"). Other OTX types (FileHash-MD5/SHA1/SHA256/PEHASH/IMPHASH,
 * email, FilePath, Mutex, CVE, YARA, JA3, …) are skipped as "unsupported indicator type: <type>".
 * Threat name: the Description, whitespace collapsed, when not empty. A row with an empty type or
 * indicator, or a value that is not what its type says, is an error.
 */
import { emitIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser } from '../types.js';
import { parseExpected, URL_PATH_WITHOUT_HOST, type Expect } from './common.js';
import { findColumn, forEachCsvRecord, headerKey, threatText } from './csv.js';

const TYPES: Record<string, Expect> = {
  ipv4: 'ip', ipv6: 'ip', cidr: 'ip', domain: 'domain', hostname: 'domain', url: 'url', uri: 'url',
};

export const otxCsvParser: ListFormatParser = {
  format: 'OTX_CSV',
  parse(text: string, sink: IndicatorSink): void {
    let cols: { type: number; value: number; description: number } | undefined;
    forEachCsvRecord(text, (f, line) => {
      if (!cols) {
        const keys = f.map(headerKey);
        const type = findColumn(keys, ['indicatortype', 'type']);
        if (type >= 0) {
          cols = { type, value: findColumn(keys, ['indicator', 'value']), description: findColumn(keys, ['description']) };
          if (cols.value < 0) { sink.error(line, 'header has no "Indicator" column'); cols = { type, value: type + 1, description: -1 }; }
          return;
        }
        cols = { type: 0, value: 1, description: 2 };
      }
      const type = (f[cols.type] ?? '').trim();
      const value = (f[cols.value] ?? '').trim();
      if (!type || !value) { sink.error(line, !type ? 'missing indicator type' : 'missing indicator'); return; }
      const expect = TYPES[type.toLowerCase()];
      if (!expect) { sink.skip(`unsupported indicator type: ${type}`); return; }
      const p = parseExpected(value, expect);
      if (p.kind === 'no-host') { sink.skip(URL_PATH_WITHOUT_HOST); return; }
      emitIndicator(p, sink, cols.description >= 0 ? threatText(f[cols.description]) : undefined, line);
    }, (line, message) => sink.error(line, message));
  },
};
