/**
 * `npm run bench -- --only hostile`: peak memory and time of `vigil scan` on the hostile objects
 * the robustness work is judged by — 10 GiB of zeros gzipped (a gzip bomb), a 1 GB single line of
 * non-JSON under a CloudTrail key, a 1 GB JSON record (one string), and a million-deep JSON array.
 * Each runs in its own process (bench/hostile/child.ts). The files are made once under
 * `<out>/hostile/` (git ignores bench/.data) and reused; `--smoke` makes them 100× smaller.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { runResultChild } from '../spawn.js';
import { table } from '../table.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface HostileResult { name: string; file: string; sizeMb: number; wallMs: number; maxRssMb: number; startRssMb: number; records: number; reasons: Record<string, number>; bytesOut: number }
export interface HostileBench { results: HostileResult[] }

interface Spec { name: string; file: string; write: (out: NodeJS.WritableStream, scale: number) => Promise<void> }

const MB = 1 << 20;

async function pump(out: NodeJS.WritableStream, parts: Iterable<Buffer>): Promise<void> {
  for (const p of parts) if (!out.write(p)) await once(out, 'drain');
}
function* repeat(buf: Buffer, total: number): Generator<Buffer> {
  for (let n = 0; n < total; n += buf.length) yield n + buf.length <= total ? buf : buf.subarray(0, total - n);
}

const SPECS: Spec[] = [
  {
    name: '10 GiB of zeros, gzipped', file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/zeros.json.gz',
    write: async (out, scale) => {
      const gz = createGzip({ level: 1 });
      gz.pipe(out);
      await pump(gz, repeat(Buffer.alloc(4 * MB), Math.round(10 * 1024 * MB / scale)));
      gz.end();
      await once(out, 'finish');
    },
  },
  {
    name: '1 GB line of non-JSON', file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/line.json',
    write: async (out, scale) => { await pump(out, repeat(Buffer.alloc(4 * MB, 'a'), Math.round(1000 * MB / scale))); out.end(); await once(out, 'finish'); },
  },
  {
    name: '1 GB JSON record', file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/record.json',
    write: async (out, scale) => {
      await pump(out, [Buffer.from('{"Records":[{"eventVersion":"1.09","eventName":"ListUsers","x":"')]);
      await pump(out, repeat(Buffer.alloc(4 * MB, 'b'), Math.round(1000 * MB / scale)));
      await pump(out, [Buffer.from('"}]}')]);
      out.end();
      await once(out, 'finish');
    },
  },
  {
    name: '1M-deep JSON array', file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/deep.json',
    write: async (out, scale) => {
      const n = Math.round(1_000_000 / Math.sqrt(scale));
      await pump(out, [Buffer.alloc(n, '['), Buffer.alloc(n, ']')]);
      out.end();
      await once(out, 'finish');
    },
  },
];

export async function runHostileBench(outDir: string, smoke: boolean): Promise<HostileBench> {
  const scale = smoke ? 100 : 1;
  const root = join(outDir, 'hostile', smoke ? 'smoke' : 'full');
  const results: HostileResult[] = [];
  for (const spec of SPECS) {
    const path = join(root, spec.file);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      process.stderr.write(`hostile: writing ${spec.name} … `);
      const tmp = `${path}.partial`;
      await spec.write(createWriteStream(tmp), scale);
      renameSync(tmp, path);
      process.stderr.write('done\n');
    }
    process.stderr.write(`hostile: scan ${spec.name} … `);
    const r = await runResultChild<Omit<HostileResult, 'name' | 'file' | 'sizeMb'>>(spec.name, ['--import', 'tsx'], join(HERE, 'child.ts'), [path]);
    process.stderr.write(`${(r.wallMs / 1000).toFixed(1)} s, ${r.maxRssMb.toFixed(0)} MB\n`);
    results.push({ name: spec.name, file: spec.file, sizeMb: statSync(path).size / MB, ...r });
  }
  return { results };
}

export function printHostileBench(b: HostileBench): string {
  return 'Hostile objects (vigil scan, one process each; peak RSS includes ~80 MB of node + tsx)\n' + table(
    ['object', 'stored', 'decompressed', 'time', 'peak RSS', 'records', 'rejected as'],
    b.results.map((r) => [r.name, `${r.sizeMb.toFixed(1)} MB`, `${(r.bytesOut / MB).toFixed(0)} MB`, `${(r.wallMs / 1000).toFixed(1)} s`, `${r.maxRssMb.toFixed(0)} MB`, String(r.records),
      Object.entries(r.reasons).map(([k, v]) => `${k}×${v}`).join(', ') || '—']),
  );
}
