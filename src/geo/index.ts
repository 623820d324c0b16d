/**
 * @module geo
 * Where an address is: its ASN and AS organisation, its country, and whether it is one of AWS's
 * published addresses (with region and service when the ranges carry them). The data ships in
 * data/geo/ (see docs/cloudtrail-behaviour.md for sources, licences and update commands) and
 * loads on the first lookup of a public address, so runs that never meet one never pay for it.
 *
 * Replacements, read when the tables load:
 *   VIGIL_AWS_IP_RANGES      an AWS ip-ranges.json file used instead of data/geo/aws.vgeo
 *   VIGIL_GEOIP_ASN_MMDB     a MaxMind-format ASN database (GeoLite2-ASN, ip-location-db asn-mmdb…)
 *   VIGIL_GEOIP_COUNTRY_MMDB a MaxMind-format country or city database
 *   VIGIL_GEO_DIR            a folder holding asn.vgeo / country.vgeo / aws.vgeo
 * Lookups are cached per address text (the same callers recur), so the hot path is one Map get.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTable, RangeTable } from './table.js';
import { encodeAwsRanges, fromIpRanges, type AwsRangeValue, type IpRangesJson } from './aws-ranges.js';
import { MmdbReader } from './mmdb.js';

export interface GeoInfo {
  /** Autonomous system number, 0 when unknown. */
  asn: number;
  asnOrg: string;
  /** ISO 3166-1 alpha-2, '' when unknown. */
  country: string;
  /** The address is in AWS's published ranges. */
  aws: boolean;
  awsRegion: string;
  awsService: string;
}

export const NO_GEO: GeoInfo = Object.freeze({ asn: 0, asnOrg: '', country: '', aws: false, awsRegion: '', awsService: '' });

export interface GeoSources { asn: string; country: string; aws: string }

type AsnValue = [asn: number, org: string];

export class GeoData {
  private readonly cache = new Map<string, GeoInfo>();
  constructor(
    private readonly asn: { lookup(ip: string): AsnValue | undefined },
    private readonly country: { lookup(ip: string): string | undefined },
    private readonly aws: RangeTable<AwsRangeValue>,
    readonly sources: GeoSources,
  ) {}

  /** Geo facts of an address text; NO_GEO for anything that is not an address. Cached. */
  lookup(ip: string): GeoInfo {
    let g = this.cache.get(ip);
    if (g) return g;
    const a = this.asn.lookup(ip), c = this.country.lookup(ip), w = this.aws.lookup(ip);
    g = a || c || w
      ? { asn: a?.[0] ?? 0, asnOrg: a?.[1] ?? '', country: c ?? '', aws: w !== undefined, awsRegion: w?.[0] ?? '', awsService: w?.[1] ?? '' }
      : NO_GEO;
    if (this.cache.size >= 100_000) this.cache.clear();
    this.cache.set(ip, g);
    return g;
  }
}

const DATA = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'data', 'geo');

/** A user's MaxMind database when its path is set, else the shipped table; with a line saying which. */
function lookupTable<V>(mmdbPath: string | undefined, shipped: string, pick: (r: MmdbReader, ip: string) => V | undefined): { table: { lookup(ip: string): V | undefined }; source: string } {
  if (mmdbPath) {
    const r = new MmdbReader(readFileSync(mmdbPath));
    return { table: { lookup: (ip) => pick(r, ip) }, source: `${mmdbPath} (${r.databaseType})` };
  }
  const t = decodeTable<V>(readFileSync(shipped));
  return { table: t, source: `${t.header.source} ${t.header.version}, ${t.header.licence}` };
}

/** Loads the tables (environment replacements first, else the shipped data). */
export function loadGeo(env: NodeJS.ProcessEnv = process.env): GeoData {
  const dir = env.VIGIL_GEO_DIR || DATA;
  const asn = lookupTable<AsnValue>(env.VIGIL_GEOIP_ASN_MMDB, join(dir, 'asn.vgeo'), (r, ip) => r.asn(ip));
  const country = lookupTable<string>(env.VIGIL_GEOIP_COUNTRY_MMDB, join(dir, 'country.vgeo'), (r, ip) => r.country(ip));
  let aws: RangeTable<AwsRangeValue>;
  if (env.VIGIL_AWS_IP_RANGES) {
    const b = fromIpRanges(JSON.parse(readFileSync(env.VIGIL_AWS_IP_RANGES, 'utf8')) as IpRangesJson);
    // one code path for shipped and user-supplied ranges: encode, then decode
    aws = decodeTable<AwsRangeValue>(encodeAwsRanges(b, 'AWS ip-ranges.json (VIGIL_AWS_IP_RANGES)', b.version, 'published by AWS'));
  } else aws = decodeTable<AwsRangeValue>(readFileSync(join(dir, 'aws.vgeo')));
  return new GeoData(asn.table, country.table, aws, { asn: asn.source, country: country.source, aws: `${aws.header.source} ${aws.header.version}` });
}

let shared: GeoData | undefined;

/** The process-wide tables, loaded on first use. */
export function geo(): GeoData {
  return (shared ??= loadGeo());
}

/** Replaces the process-wide tables (tests, or a caller that loaded its own). */
export function setGeo(g: GeoData | undefined): void {
  shared = g;
}

const names = new Map<string, string>();
let display: Intl.DisplayNames | undefined;

/** English country name for an ISO code ('' when unknown). */
export function countryName(code: string): string {
  if (!code) return '';
  let n = names.get(code);
  if (n === undefined) {
    try { n = (display ??= new Intl.DisplayNames(['en'], { type: 'region' })).of(code) ?? code; } catch { n = code; }
    names.set(code, n);
  }
  return n;
}
