/**
 * PROOF_POINT: Proofpoint Emerging Threats (ET) Intelligence reputation lists, CSV.
 *
 * Accepted layout (CSV as described in csv.ts), one indicator per row:
 *   ip,category,score              IP reputation (`ip, category, score` with spaces is fine)
 *   198.51.100.23,1,127
 *   domain,category,score          domain reputation
 *   c2.evil.example,CnC,96
 * The header row is optional. With one, the indicator column is `ip` or `domain` (also
 * `ipaddress`, `domainname`, `host`) and `category` / `score` are found by name, extra columns
 * (`first_seen`, `last_seen`, `ports`, …) ignored; without one, columns are indicator, category,
 * score. Either kind of indicator may appear on any row. The score, when present, must be a whole
 * number (otherwise the row is not in this layout and is reported). Threat name: the category —
 * an ET category number becomes its ET name (1 → `CnC`, 4 → `Drop`, 21 → `Scanner`, …) from the
 * table below, an unknown number becomes `category <n>`, and a category given as a name is kept.
 */
import { emitIndicator } from '../ip-text.js';
import type { IndicatorSink, ListFormatParser } from '../types.js';
import { clip, parseExpected, URL_PATH_WITHOUT_HOST } from './common.js';
import { findColumn, forEachCsvRecord, headerKey } from './csv.js';

/**
 * ET Intelligence reputation categories, as listed in Proofpoint's category appendix for its ET
 * reputation products. Numbers missing here (8, 11, 12, 14, 18, 22, 32, 36) are not in that
 * list; they map to `category <n>` rather than a guessed name.
 */
export const ET_CATEGORIES: Readonly<Record<number, string>> = {
  1: 'CnC', 2: 'Bot', 3: 'Spam', 4: 'Drop', 5: 'SpywareCnC', 6: 'OnlineGaming', 7: 'DriveBySrc',
  9: 'ChatServer', 10: 'TorNode', 13: 'Compromised', 15: 'P2P', 16: 'Proxy', 17: 'IPCheck',
  19: 'Utility', 20: 'DDoSTarget', 21: 'Scanner', 23: 'Brute_Forcer', 24: 'FakeAV', 25: 'DynDNS',
  26: 'Undesirable', 27: 'AbusedTLD', 28: 'SelfSignedSSL', 29: 'Blackhole', 30: 'RemoteAccessService',
  31: 'P2PCnC', 33: 'Parking', 34: 'VPN', 35: 'EXE_Source', 37: 'Mobile_CnC', 38: 'Mobile_Spyware_CnC',
  39: 'Skype_SuperNode', 40: 'Bitcoin_Related', 41: 'DDoSAttacker',
};

const WHOLE = /^\d+$/;

/** The threat name for an ET category cell. */
export function etCategoryName(cell: string): string | undefined {
  const c = cell.trim();
  if (!c) return undefined;
  if (!WHOLE.test(c)) return c;
  return ET_CATEGORIES[Number(c)] ?? `category ${Number(c)}`;
}

const INDICATOR_COLUMNS = ['ip', 'ipaddress', 'domain', 'domainname', 'host'];

export const proofPointParser: ListFormatParser = {
  format: 'PROOF_POINT',
  parse(text: string, sink: IndicatorSink): void {
    let cols: { value: number; category: number; score: number } | undefined;
    forEachCsvRecord(text, (f, line) => {
      if (!cols) {
        const keys = f.map(headerKey);
        const value = findColumn(keys, INDICATOR_COLUMNS);
        if (value >= 0 && parseExpected(f[value], 'ip-or-domain').kind === 'invalid') {
          cols = { value, category: findColumn(keys, ['category']), score: findColumn(keys, ['score']) };
          return;
        }
        cols = { value: 0, category: 1, score: 2 };
      }
      const value = f[cols.value] ?? '';
      const score = cols.score >= 0 ? (f[cols.score] ?? '').trim() : '';
      if (score && !WHOLE.test(score)) { sink.error(line, `score is not a number: ${clip(score)}`); return; }
      const p = parseExpected(value, 'ip-or-domain');
      if (p.kind === 'no-host') { sink.skip(URL_PATH_WITHOUT_HOST); return; }
      emitIndicator(p, sink, cols.category >= 0 ? etCategoryName(f[cols.category] ?? '') : undefined, line);
    }, (line, message) => sink.error(line, message));
  },
};
