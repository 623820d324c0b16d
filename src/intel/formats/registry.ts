/**
 * The list format parsers by GuardDuty format name (ThreatIntelSetFormat / IpSetFormat).
 */
import type { ListFormat, ListFormatParser } from '../types.js';
import { alienVaultParser } from './alien-vault.js';
import { fireEyeParser } from './fire-eye.js';
import { otxCsvParser } from './otx-csv.js';
import { proofPointParser } from './proof-point.js';
import { stixParser } from './stix.js';
import { txtParser } from './txt.js';

export const LIST_FORMAT_PARSERS: Record<ListFormat, ListFormatParser> = {
  TXT: txtParser,
  STIX: stixParser,
  OTX_CSV: otxCsvParser,
  ALIEN_VAULT: alienVaultParser,
  PROOF_POINT: proofPointParser,
  FIRE_EYE: fireEyeParser,
};

export function parserForFormat(format: ListFormat): ListFormatParser {
  const p = LIST_FORMAT_PARSERS[format];
  if (!p) throw new Error(`unknown list format: ${String(format)}`);
  return p;
}
