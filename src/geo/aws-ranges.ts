/**
 * AWS's published address ranges as a range table whose values are [region, service]. Built from
 * AWS's own `ip-ranges.json` (prefixes with region and service; where a prefix is listed under
 * AMAZON and a narrower service such as EC2, the narrower service wins) or from a plain CIDR list
 * such as the MISP warninglist `amazon-aws` (region and service unknown: '' and 'AMAZON').
 */
import { cidrRange, encodeTable, type Range } from './table.js';

export type AwsRangeValue = [region: string, service: string];

export interface IpRangesJson {
  syncToken?: string;
  createDate?: string;
  prefixes?: { ip_prefix?: string; region?: string; service?: string }[];
  ipv6_prefixes?: { ipv6_prefix?: string; region?: string; service?: string }[];
}

interface Built { values: AwsRangeValue[]; v4: Range[]; v6: Range[] }

function collect(entries: { cidr: string; region: string; service: string }[]): Built {
  const values: AwsRangeValue[] = [];
  const index = new Map<string, number>();
  const v4: Range[] = [], v6: Range[] = [];
  // AMAZON (the umbrella) first, so a service-specific listing of the same prefix overwrites it
  const ordered = [...entries].sort((a, b) => Number(b.service === 'AMAZON') - Number(a.service === 'AMAZON'));
  for (const e of ordered) {
    const r = cidrRange(e.cidr);
    if (!r) continue;
    const k = `${e.region}|${e.service}`;
    let i = index.get(k);
    if (i === undefined) { i = values.push([e.region, e.service]) - 1; index.set(k, i); }
    (r.v6 ? v6 : v4).push([r.first, r.last, i]);
  }
  return { values, v4, v6 };
}

/** From AWS's ip-ranges.json document. */
export function fromIpRanges(doc: IpRangesJson): Built & { version: string } {
  const entries = [
    ...(doc.prefixes ?? []).map((p) => ({ cidr: p.ip_prefix ?? '', region: p.region ?? '', service: p.service ?? 'AMAZON' })),
    ...(doc.ipv6_prefixes ?? []).map((p) => ({ cidr: p.ipv6_prefix ?? '', region: p.region ?? '', service: p.service ?? 'AMAZON' })),
  ];
  return { ...collect(entries), version: doc.syncToken ? `${doc.syncToken} (${doc.createDate ?? ''})` : doc.createDate ?? '' };
}

/** From a plain list of CIDRs known to be AWS's (no region or service). */
export function fromCidrList(cidrs: string[]): Built {
  return collect(cidrs.map((cidr) => ({ cidr, region: '', service: 'AMAZON' })));
}

/** The `.vgeo` bytes for a built table. */
export function encodeAwsRanges(b: Built, source: string, version: string, licence: string): Buffer {
  return encodeTable<AwsRangeValue>({ kind: 'aws', source, version, licence, values: b.values }, b.v4, b.v6);
}
