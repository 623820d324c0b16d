/** Runs one measurement in a fresh node process (bench/measure.ts) and returns its result. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchKind } from './generate/index.js';
import { RESULT_MARK, type Measurement, type Mode } from './protocol.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

export interface SpawnOptions { pin?: string; nodeArgs: string[] }

export function measure(mode: Mode, kind: BenchKind, dir: string, o: SpawnOptions): Promise<Measurement> {
  const nodeArgv = ['--import', 'tsx', ...o.nodeArgs, join(HERE, 'measure.ts'), mode, kind, dir];
  const [cmd, argv] = o.pin ? ['taskset', ['-c', o.pin, process.execPath, ...nodeArgv]] : [process.execPath, nodeArgv];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) {
        reject(new Error(`${mode} ${kind} failed (exit ${code}): ${err.trim().slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARK.length)) as Measurement);
    });
  });
}
