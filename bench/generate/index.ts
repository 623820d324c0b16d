/**
 * Datasets for the benchmark: generates each log type once per (kind, size, seed, generator
 * code) under <out>/data/, and reuses it on later runs. A dataset is complete only when its
 * manifest exists (written last); the manifest sits beside the folder so a scan of the folder
 * reads log objects only.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCloudTrail } from './cloudtrail.js';
import { generateDns } from './dns.js';
import type { Written } from './output.js';
import { generateVpcFlow } from './vpcflow.js';

export type BenchKind = 'cloudtrail' | 'vpcflow' | 'dns';
export const BENCH_KINDS: readonly BenchKind[] = ['cloudtrail', 'vpcflow', 'dns'];

export interface Manifest {
  kind: BenchKind;
  records: number;
  seed: number;
  /** Hash of the generator code: data from older generator code is regenerated. */
  generator: string;
  written: Written;
  /** Injected attacks: finding type → distinct findings Vigil should raise. */
  expected: Record<string, number>;
  generateMs: number;
}

export interface Dataset { dir: string; manifest: Manifest; reused: boolean }

const GENERATORS = { cloudtrail: generateCloudTrail, vpcflow: generateVpcFlow, dns: generateDns };

/** A hash of bench/prng.ts and bench/generate/*.ts. */
export function generatorHash(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [join(here, '..', 'prng.ts'), ...readdirSync(here).filter((f) => f.endsWith('.ts')).sort().map((f) => join(here, f))];
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

export function ensureDataset(outRoot: string, kind: BenchKind, records: number, seed: number, regenerate = false): Dataset {
  const dir = join(outRoot, 'data', `${kind}-${records}-s${seed}`);
  const manifestPath = `${dir}.manifest.json`;
  const generator = generatorHash();
  if (!regenerate && existsSync(manifestPath) && existsSync(dir)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (m.generator === generator) return { dir, manifest: m, reused: true };
  }
  rmSync(manifestPath, { force: true });
  rmSync(dir, { recursive: true, force: true });
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const t0 = performance.now();
  const { written, expected } = GENERATORS[kind](tmp, records, seed);
  renameSync(tmp, dir);
  const manifest: Manifest = { kind, records, seed, generator, written, expected, generateMs: Math.round(performance.now() - t0) };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { dir, manifest, reused: false };
}
