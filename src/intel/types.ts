/**
 * Threat intelligence vocabulary: list definitions (GuardDuty's ThreatIntelSet/IPSet and entity
 * sets), what each list's entries mean (its threat purpose, declared per list, never guessed
 * from the name), and the sink format parsers write indicators into.
 */

/** GuardDuty's list formats. */
export const LIST_FORMATS = ['TXT', 'STIX', 'OTX_CSV', 'ALIEN_VAULT', 'PROOF_POINT', 'FIRE_EYE'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** GuardDuty's list statuses. */
export type ListStatus = 'INACTIVE' | 'ACTIVATING' | 'ACTIVE' | 'DEACTIVATING' | 'ERROR' | 'DELETE_PENDING' | 'DELETED';

/** THREAT lists raise findings; TRUSTED lists (GuardDuty's IPSet / trusted entity set) silence them. */
export type ListRole = 'THREAT' | 'TRUSTED';

/**
 * What a threat list's entries are, which decides the finding type a match raises. `custom` is a
 * user's own list (the `.Custom` types); the others are the curated kinds GuardDuty's own
 * intelligence uses (C&C, mining, blackhole, drop point, phishing, drive-by, Tor, scanners, malicious).
 */
export const THREAT_PURPOSES = ['custom', 'malicious', 'command-and-control', 'cryptomining', 'blackhole', 'drop-point',
  'phishing', 'drive-by', 'tor-exit', 'tor-relay', 'scanner', 'abused-domain'] as const;
export type ThreatPurpose = (typeof THREAT_PURPOSES)[number];

/**
 * Where indicators go as a parser reads them. Primitive arguments on purpose: a 10-million-line
 * list must not become 10 million objects. `line` is 1-based, for error reports.
 */
export interface IndicatorSink {
  /** IPv4 as an unsigned 32-bit number; prefix 32 for a single address; port -1 when none. */
  ipv4(addr: number, prefix: number, port: number, threat: string | undefined): void;
  /** IPv6 in canonical expanded lower-case hex (32 chars, no colons); prefix 128 for one address. */
  ipv6(hex: string, prefix: number, port: number, threat: string | undefined): void;
  /** A domain, lower-case, no trailing dot; matches itself and its subdomains. */
  domain(name: string, threat: string | undefined): void;
  /** A line (or element) that could not be used. Parsing goes on. */
  error(line: number, message: string): void;
  /** An indicator skipped for a reason that is not an error (expired, unsupported type such as URL or hash). */
  skip(reason: string): void;
}

export interface ParseListOptions {
  /** Epoch ms "now", for STIX `valid_until`. */
  now: number;
}

/** A list format parser. Streams are not needed: list files are capped (default 512 MiB). */
export interface ListFormatParser {
  readonly format: ListFormat;
  parse(text: string, sink: IndicatorSink, opts: ParseListOptions): void;
}
