/**
 * A CI-sized folder of many small log objects (for the continuous-ingestion kill test and the
 * latency bench): the bench generators' CloudTrail, VPC flow and Route 53 data with their
 * injected attacks, cut into small files whose sorted names follow the generators' order.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { generateCloudTrail } from '../../bench/generate/cloudtrail.js';
import { generateVpcFlow } from '../../bench/generate/vpcflow.js';
import { generateDns } from '../../bench/generate/dns.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p)); else out.push(p);
  }
  return out;
}

export interface LogFolderSizes { cloudtrail: number; vpcflow: number; dns: number; perFile: { cloudtrail: number; vpcflow: number; dns: number } }

export const CI_SIZES: LogFolderSizes = { cloudtrail: 4000, vpcflow: 30000, dns: 6000, perFile: { cloudtrail: 50, vpcflow: 1000, dns: 500 } };

/**
 * Writes the cut files into `out` (gzip), returns their paths in sorted order. `layout: 'flat'`
 * (default): one folder of `ct-…`, `flow-…`, `dns-…` files; `'aws'`: under the generators' AWS key
 * layout (`AWSLogs/<account>/<product>/…`), each cut named after its source file, so the accounts
 * are in the keys (a cluster's partitions).
 */
export function makeLogFolder(out: string, sizes: LogFolderSizes = CI_SIZES, seed = 7, layout: 'flat' | 'aws' = 'flat'): string[] {
  const tmp = `${out}.gen`;
  rmSync(tmp, { recursive: true, force: true });
  generateCloudTrail(join(tmp, 'ct'), sizes.cloudtrail, seed);
  generateVpcFlow(join(tmp, 'flow'), sizes.vpcflow, seed);
  generateDns(join(tmp, 'dns'), sizes.dns, seed);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const emit = (name: string, body: string, from?: string, part?: number) => {
    if (layout === 'aws' && from) {
      const rel = relative(tmp, from).split(sep).slice(1).join(sep).replace(/(\.json\.gz|\.log\.gz)$/, (ext) => `-${String(part).padStart(4, '0')}${ext}`);
      name = rel;
    }
    const p = join(out, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, gzipSync(body));
    written.push(p);
  };
  let n = 0;
  for (const f of files(join(tmp, 'ct'))) {
    const recs = (JSON.parse(gunzipSync(readFileSync(f)).toString()) as { Records: unknown[] }).Records;
    for (let i = 0; i < recs.length; i += sizes.perFile.cloudtrail) emit(`ct-${String(n++).padStart(5, '0')}.json.gz`, JSON.stringify({ Records: recs.slice(i, i + sizes.perFile.cloudtrail) }), f, i / sizes.perFile.cloudtrail);
  }
  n = 0;
  for (const f of files(join(tmp, 'flow'))) {
    const lines = gunzipSync(readFileSync(f)).toString().split('\n').filter(Boolean);
    const [header, ...rest] = lines;
    for (let i = 0; i < rest.length; i += sizes.perFile.vpcflow) emit(`flow-${String(n++).padStart(5, '0')}.log.gz`, [header, ...rest.slice(i, i + sizes.perFile.vpcflow)].join('\n') + '\n', f, i / sizes.perFile.vpcflow);
  }
  n = 0;
  for (const f of files(join(tmp, 'dns'))) {
    const lines = gunzipSync(readFileSync(f)).toString().split('\n').filter(Boolean);
    for (let i = 0; i < lines.length; i += sizes.perFile.dns) emit(`dns-${String(n++).padStart(5, '0')}.log.gz`, lines.slice(i, i + sizes.perFile.dns).join('\n') + '\n', f, i / sizes.perFile.dns);
  }
  rmSync(tmp, { recursive: true, force: true });
  return written.sort();
}
