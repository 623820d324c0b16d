/**
 * The baseline workload of `npm run bench` (`--only baseline`): N CloudTrail events of P
 * principals over two weeks (bench/baseline/measure.ts), each mode in its own process —
 *   gen  the records built and normalised only (the generator's cost, subtracted below),
 *   off  every detector and enricher except the behaviour ones,
 *   on   all of them (profiles per principal, account and organisation).
 * Reports events per CPU-second with baselines on and off (after subtracting `gen`; CPU time,
 * since the machine may be shared), their ratio and the CPU the baselines add per event, the heap
 * they hold per principal (after a forced GC), the persisted snapshot size and the findings raised
 * on this random (benign-by-construction) activity.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runResultChild } from '../spawn.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface BaselineRun {
  mode: 'gen' | 'off' | 'on'; events: number; principals: number; wallMs: number; cpuMs: number; heapHeldMb: number; maxRssMb: number;
  snapshotBytes: number; findings: number; byType: Record<string, number>; namespaces: { namespace: string; entries: number; evicted: number }[];
}

export interface BaselineBench {
  events: number; principals: number; seed: number;
  runs: Record<'gen' | 'off' | 'on', BaselineRun>;
  /** Events per CPU-second of the pipeline without the generator's cost (CPU time: the machine may be shared). */
  offEventsPerSec: number; onEventsPerSec: number; ratio: number;
  bytesPerPrincipal: number; snapshotBytes: number; snapshotBytesPerPrincipal: number;
  principalProfiles: number;
}

function one(mode: BaselineRun['mode'], events: number, principals: number, seed: number, nodeArgs: string[]): Promise<BaselineRun> {
  return runResultChild<BaselineRun>(`baseline ${mode}`, ['--expose-gc', '--import', 'tsx', ...nodeArgs], join(HERE, 'measure.ts'), [mode, String(events), String(principals), String(seed)]);
}

export async function runBaselineBench(events: number, principals: number, seed: number, nodeArgs: string[] = [], progress = (s: string) => process.stderr.write(s)): Promise<BaselineBench> {
  const runs = {} as BaselineBench['runs'];
  for (const mode of ['gen', 'off', 'on'] as const) {
    progress(`baseline ${mode}: ${events.toLocaleString('en-US')} events, ${principals.toLocaleString('en-US')} principals … `);
    runs[mode] = await one(mode, events, principals, seed, nodeArgs);
    progress(`${(runs[mode].wallMs / 1000).toFixed(1)} s\n`);
  }
  const net = (r: BaselineRun) => Math.max(1, r.cpuMs - runs.gen.cpuMs);
  const offEventsPerSec = events / (net(runs.off) / 1000), onEventsPerSec = events / (net(runs.on) / 1000);
  const principalProfiles = runs.on.namespaces.find((n) => n.namespace === 'iam-anomaly/principals')?.entries ?? 0;
  return {
    events, principals, seed, runs, offEventsPerSec, onEventsPerSec, ratio: onEventsPerSec / offEventsPerSec,
    bytesPerPrincipal: ((runs.on.heapHeldMb - runs.off.heapHeldMb) * 1e6) / principals,
    snapshotBytes: runs.on.snapshotBytes, snapshotBytesPerPrincipal: runs.on.snapshotBytes / principals, principalProfiles,
  };
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

export function printBaselineBench(r: BaselineBench): string {
  const rows = [
    ['events / principals', `${r.events.toLocaleString('en-US')} CloudTrail events (management and S3 data) of ${r.principals.toLocaleString('en-US')} principals over 14 days`],
    ['events/CPU-s, baselines off', `${k(r.offEventsPerSec)} (every other detector and enricher; generator cost subtracted; ${k(r.events / (r.runs.off.cpuMs / 1000))} with it)`],
    ['events/CPU-s, baselines on', `${k(r.onEventsPerSec)} (on ÷ off = ${r.ratio.toFixed(2)}×; ${k(r.events / (r.runs.on.cpuMs / 1000))} with the generator)`],
    ['CPU added per event', `${(((r.runs.on.cpuMs - r.runs.off.cpuMs) * 1000) / r.events).toFixed(1)} µs`],
    ['CPU time gen / off / on', `${(r.runs.gen.cpuMs / 1000).toFixed(1)} s / ${(r.runs.off.cpuMs / 1000).toFixed(1)} s / ${(r.runs.on.cpuMs / 1000).toFixed(1)} s (wall ${(r.runs.gen.wallMs / 1000).toFixed(1)} / ${(r.runs.off.wallMs / 1000).toFixed(1)} / ${(r.runs.on.wallMs / 1000).toFixed(1)} s)`],
    ['heap held by baselines', `${(r.runs.on.heapHeldMb - r.runs.off.heapHeldMb).toFixed(0)} MB = ${r.bytesPerPrincipal.toFixed(0)} B per principal (after GC)`],
    ['peak RSS off / on', `${r.runs.off.maxRssMb.toFixed(0)} MB / ${r.runs.on.maxRssMb.toFixed(0)} MB`],
    ['persisted snapshot', `${(r.snapshotBytes / 1e6).toFixed(1)} MB = ${r.snapshotBytesPerPrincipal.toFixed(0)} B per principal (JSON, all detector state)`],
    ['principal profiles kept', `${r.principalProfiles.toLocaleString('en-US')}`],
    ['findings on this random activity', `${r.runs.on.findings} with baselines (${Object.entries(r.runs.on.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}), ${r.runs.off.findings} without`],
  ];
  const w = Math.max(...rows.map(([a]) => a.length));
  return ['Behaviour baselines (one process per mode)', ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`)].join('\n');
}
