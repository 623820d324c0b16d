/**
 * Regenerates data/geo/aws.vgeo, the AWS address ranges the enricher uses to tell whether an API
 * caller is inside AWS (and, with AWS's own file, which service and region).
 *
 *   npm run gen:aws-ranges                              # fetch https://ip-ranges.amazonaws.com/ip-ranges.json
 *   npm run gen:aws-ranges -- --file ip-ranges.json     # a copy of AWS's file
 *   npm run gen:aws-ranges -- --misp list.json          # a MISP warninglist (amazon-aws, CC0): ranges only
 *
 * The shipped snapshot was built with --misp from MISP warninglists `amazon-aws` (CC0-1.0), which
 * aggregates AWS's ip-ranges.json without service and region; run the first form to get them.
 * At run time VIGIL_AWS_IP_RANGES=<ip-ranges.json> replaces the snapshot without regenerating.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAwsRanges, fromCidrList, fromIpRanges, type IpRangesJson } from '../src/geo/aws-ranges.js';

const URL_DEFAULT = 'https://ip-ranges.amazonaws.com/ip-ranges.json';
const OUT = join(import.meta.dirname, '..', 'data', 'geo', 'aws.vgeo');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const misp = arg('--misp');
  const file = arg('--file');
  let bytes: Buffer;
  let summary: string;
  if (misp) {
    const doc = JSON.parse(readFileSync(misp, 'utf8')) as { name?: string; version?: number; list: string[] };
    const built = fromCidrList(doc.list);
    bytes = encodeAwsRanges(built, 'MISP warninglists amazon-aws (from AWS ip-ranges.json)', String(doc.version ?? ''), 'CC0-1.0');
    summary = `${built.v4.length} IPv4 + ${built.v6.length} IPv6 prefixes (no region/service)`;
  } else {
    let doc: IpRangesJson;
    if (file) doc = JSON.parse(readFileSync(file, 'utf8')) as IpRangesJson;
    else {
      const res = await fetch(arg('--url') ?? URL_DEFAULT);
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      doc = (await res.json()) as IpRangesJson;
    }
    const built = fromIpRanges(doc);
    bytes = encodeAwsRanges(built, 'AWS ip-ranges.json', built.version, 'published by AWS');
    summary = `${built.v4.length} IPv4 + ${built.v6.length} IPv6 prefixes, ${built.values.length} region/service pairs`;
  }
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, bytes);
  console.log(`${summary} → ${OUT} (${bytes.length} bytes)`);
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
