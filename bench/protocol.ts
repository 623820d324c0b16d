/** What the harness (bench/run.ts) and the measuring child (bench/measure.ts) exchange. */
import type { BenchKind } from './generate/index.js';
import type { WorkloadResult } from './workloads/types.js';

export const MODES = ['ceiling', 'ceiling-json', 'parse', 'scan', 'scan-2t'] as const;
export type Mode = (typeof MODES)[number];

export interface Measurement extends WorkloadResult {
  mode: Mode;
  kind: BenchKind;
  wallMs: number;
  cpuMs: number;
  gcMs: number;
  maxRssMb: number;
  otherCpuMs?: number;
}

/** The child prints its result on one stdout line starting with this. */
export const RESULT_MARK = 'BENCH_RESULT ';
