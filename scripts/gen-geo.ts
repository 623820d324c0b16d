/**
 * Regenerates the shipped ASN and country tables (data/geo/asn.vgeo, data/geo/country.vgeo) from
 * the ip-location-db npm packages:
 *   @ip-location-db/asn                     CC BY 4.0 (RouteViews, DB-IP, NRO) → ASN + AS organisation
 *   @ip-location-db/geo-whois-asn-country   CC0 1.0                            → country
 * The packages are fetched with the ordinary npm client (`npm pack`, into a temporary folder);
 * nothing is added to node_modules. Pass `--from DIR` to read the CSVs from a folder instead
 * (asn-ipv4-num.csv, asn-ipv6.csv, geo-whois-asn-country-ipv4-num.csv, geo-whois-asn-country-ipv6.csv).
 *
 *   npm run gen:geo                      # the pinned versions below
 *   npm run gen:geo -- --version latest  # newest published data
 *   npm run gen:geo -- --from ./csv
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTable, v6Key, type Range } from '../src/geo/table.js';

const PINNED = '2.3.2026061719';
const OUT = join(import.meta.dirname, '..', 'data', 'geo');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Splits one CSV line (quoted fields may hold commas and doubled quotes). */
function csv(line: string): string[] {
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function lines(path: string): string[][] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map(csv);
}

/** Fetches one package with `npm pack` and returns the folder of its files. */
function fetchPackage(name: string, version: string, tmp: string): { dir: string; version: string } {
  const spec = `${name}@${version}`;
  const file = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const dir = join(tmp, file.replace(/\.tgz$/, ''));
  mkdirSync(dir);
  execFileSync('tar', ['xzf', join(tmp, file), '-C', dir]);
  const pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as { version: string };
  return { dir: join(dir, 'package'), version: pkg.version };
}

/** IPv6 rows are text (first,last,…); IPv4 rows are numeric. */
function v6Range(first: string, last: string): [number, number] | undefined {
  const a = v6Key(first), b = v6Key(last);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : [a, b];
}

function main(): void {
  const from = arg('--from');
  const version = arg('--version') ?? PINNED;
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-geo-'));
  try {
    const asnPkg = from ? { dir: from, version: 'local' } : fetchPackage('@ip-location-db/asn', version, tmp);
    const ccPkg = from ? { dir: from, version: 'local' } : fetchPackage('@ip-location-db/geo-whois-asn-country', version, tmp);
    const find = (dir: string, name: string) => {
      const f = readdirSync(dir).find((x) => x === name);
      if (!f) throw new Error(`${name} not found in ${dir}`);
      return join(dir, f);
    };

    // ASN: values are [asn, organisation]
    const asnValues: [number, string][] = [];
    const asnIndex = new Map<string, number>();
    const asnOf = (asn: number, org: string) => {
      const k = `${asn}|${org}`;
      let i = asnIndex.get(k);
      if (i === undefined) { i = asnValues.push([asn, org]) - 1; asnIndex.set(k, i); }
      return i;
    };
    const a4: Range[] = lines(find(asnPkg.dir, 'asn-ipv4-num.csv')).map((r) => [Number(r[0]), Number(r[1]), asnOf(Number(r[2]), r[3] ?? '')]);
    const a6: Range[] = [];
    for (const r of lines(find(asnPkg.dir, 'asn-ipv6.csv'))) {
      const k = v6Range(r[0], r[1]);
      if (k) a6.push([k[0], k[1], asnOf(Number(r[2]), r[3] ?? '')]);
    }
    const asnSource = 'ip-location-db asn (RouteViews, DB-IP IP to ASN Lite, NRO)';
    const asn = encodeTable({ kind: 'asn', source: asnSource, version: asnPkg.version, licence: 'CC-BY-4.0', values: asnValues }, a4, a6);

    // country: values are ISO 3166-1 alpha-2 codes
    const ccValues: string[] = [];
    const ccIndex = new Map<string, number>();
    const ccOf = (cc: string) => {
      let i = ccIndex.get(cc);
      if (i === undefined) { i = ccValues.push(cc) - 1; ccIndex.set(cc, i); }
      return i;
    };
    const c4: Range[] = lines(find(ccPkg.dir, 'geo-whois-asn-country-ipv4-num.csv')).map((r) => [Number(r[0]), Number(r[1]), ccOf(r[2])]);
    const c6: Range[] = [];
    for (const r of lines(find(ccPkg.dir, 'geo-whois-asn-country-ipv6.csv'))) {
      const k = v6Range(r[0], r[1]);
      if (k) c6.push([k[0], k[1], ccOf(r[2])]);
    }
    const country = encodeTable({ kind: 'country', source: 'ip-location-db geo-whois-asn-country', version: ccPkg.version, licence: 'CC0-1.0', values: ccValues }, c4, c6);

    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'asn.vgeo'), asn);
    writeFileSync(join(OUT, 'country.vgeo'), country);
    console.log(`asn: ${a4.length} IPv4 + ${a6.length} IPv6 ranges, ${asnValues.length} ASNs → ${(asn.length / 1e6).toFixed(2)} MB`);
    console.log(`country: ${c4.length} IPv4 + ${c6.length} IPv6 ranges → ${(country.length / 1e6).toFixed(2)} MB`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
