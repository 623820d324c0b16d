/**
 * Child-process entry: runs ONE workload (a ceiling, Vigil's parse stage or Vigil's full scan)
 * over one dataset folder and prints a single `BENCH_RESULT {json}` line: counts, wall and CPU
 * time of the timed part, GC time, peak RSS of the process, and other processes' CPU meanwhile.
 * One process per measurement keeps peak RSS per workload and the runs independent.
 *
 *   node --import tsx bench/measure.ts <mode> <kind> <dir>
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { ceilingCloudTrail, ceilingJsonLines, ceilingLines } from './workloads/ceiling.js';
import { listObjects } from './workloads/files.js';
import type { WorkloadResult } from './workloads/types.js';
import { vigilParse } from './workloads/vigil-parse.js';
import { prepareScan } from './workloads/vigil-scan.js';
import { OtherCpu } from './noise.js';
import type { BenchKind } from './generate/index.js';
import { MODES, RESULT_MARK, type Measurement, type Mode } from './protocol.js';

async function main(): Promise<void> {
  const [mode, kind, dir] = process.argv.slice(2) as [Mode, BenchKind, string];
  if (!MODES.includes(mode) || !dir) throw new Error('usage: measure.ts <mode> <kind> <dir>');

  let prepared: Awaited<ReturnType<typeof prepareScan>> | undefined;
  let work: () => WorkloadResult | Promise<WorkloadResult>;
  if (mode === 'scan' || mode === 'scan-2t') {
    prepared = await prepareScan(dir, kind, mode === 'scan-2t' ? 2 : 1);
    work = prepared.run;
  } else if (mode === 'parse') {
    work = () => vigilParse(dir, kind);
  } else {
    const files = listObjects(dir);
    if (mode === 'ceiling-json') work = () => ceilingJsonLines(files);
    else work = () => (kind === 'cloudtrail' ? ceilingCloudTrail(files) : ceilingLines(files));
  }

  let gcMs = 0;
  const gc = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
  gc.observe({ entryTypes: ['gc'] });
  const other = new OtherCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const otherCpuMs = other.stop();
  await new Promise((r) => setTimeout(r, 20)); // let the last GC entries arrive
  gc.disconnect();
  await prepared?.cleanup();

  const m: Measurement = {
    mode, kind, ...result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, gcMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024, otherCpuMs,
  };
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(m)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
