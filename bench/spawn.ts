/** Runs one measurement in a fresh node process (bench/measure.ts) and returns its result. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchKind } from './generate/index.js';
import { RESULT_MARK, type Measurement, type Mode } from './protocol.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

export interface SpawnOptions { pin?: string; nodeArgs: string[] }

/**
 * Runs `node [nodeArgv] script args…` from the project root and resolves with the JSON of its
 * `BENCH_RESULT` line; rejects with the exit code and the end of stderr when it fails or prints none.
 */
export function runResultChild<T>(label: string, nodeArgv: string[], script: string, args: string[], pin?: string): Promise<T> {
  const full = [...nodeArgv, script, ...args];
  const [cmd, argv] = pin ? ['taskset', ['-c', pin, process.execPath, ...full]] : [process.execPath, full];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) reject(new Error(`${label} failed (exit ${code}): ${err.trim().slice(-2000)}`));
      else resolve(JSON.parse(line.slice(RESULT_MARK.length)) as T);
    });
  });
}

export function measure(mode: Mode, kind: BenchKind, dir: string, o: SpawnOptions): Promise<Measurement> {
  return runResultChild<Measurement>(`${mode} ${kind}`, ['--import', 'tsx', ...o.nodeArgs], join(HERE, 'measure.ts'), [mode, kind, dir], o.pin);
}
