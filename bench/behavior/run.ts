/**
 * The network-behaviour workload of `npm run bench` (`--only behavior`): N VPC flow records of I
 * instances over ten days (bench/behavior/measure.ts), each mode in its own process —
 *   gen  the text built and parsed only (subtracted below),
 *   off  every detector and enricher except the network-behaviour ones,
 *   on   all of them (per-instance baselines, DoS windows, instance identity).
 * Reports flows/s with the baselines on and off, their ratio, the heap held per tracked instance
 * (after a forced GC), peak RSS, the persisted snapshot per instance and the findings raised on
 * this benign-by-construction traffic.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runResultChild } from '../spawn.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface BehaviorRun {
  mode: 'gen' | 'off' | 'on'; flows: number; instances: number; wallMs: number; heapHeldMb: number; maxRssMb: number;
  snapshotBytes: number; findings: number; byType: Record<string, number>; namespaces: { namespace: string; entries: number; evicted: number }[];
}

export interface BehaviorBench {
  flows: number; instances: number; seed: number;
  runs: Record<'gen' | 'off' | 'on', BehaviorRun>;
  offFlowsPerSec: number; onFlowsPerSec: number; ratio: number;
  bytesPerInstance: number; snapshotBytesPerInstance: number; profiles: number;
}

function one(mode: BehaviorRun['mode'], flows: number, instances: number, seed: number, nodeArgs: string[]): Promise<BehaviorRun> {
  return runResultChild<BehaviorRun>(`behavior ${mode}`, ['--expose-gc', '--import', 'tsx', ...nodeArgs], join(HERE, 'measure.ts'), [mode, String(flows), String(instances), String(seed)]);
}

export async function runBehaviorBench(flows: number, instances: number, seed: number, nodeArgs: string[] = [], progress = (s: string) => process.stderr.write(s)): Promise<BehaviorBench> {
  const runs = {} as BehaviorBench['runs'];
  for (const mode of ['gen', 'off', 'on'] as const) {
    progress(`behavior ${mode}: ${flows.toLocaleString('en-US')} flows, ${instances.toLocaleString('en-US')} instances … `);
    runs[mode] = await one(mode, flows, instances, seed, nodeArgs);
    progress(`${(runs[mode].wallMs / 1000).toFixed(1)} s\n`);
  }
  const net = (r: BehaviorRun) => Math.max(1, r.wallMs - runs.gen.wallMs);
  const offFlowsPerSec = flows / (net(runs.off) / 1000), onFlowsPerSec = flows / (net(runs.on) / 1000);
  const ns = (r: BehaviorRun, name: string) => r.namespaces.find((n) => n.namespace === name)?.entries ?? 0;
  return {
    flows, instances, seed, runs, offFlowsPerSec, onFlowsPerSec, ratio: onFlowsPerSec / offFlowsPerSec,
    bytesPerInstance: ((runs.on.heapHeldMb - runs.off.heapHeldMb) * 1e6) / instances,
    snapshotBytesPerInstance: (runs.on.snapshotBytes - runs.off.snapshotBytes) / instances,
    profiles: ns(runs.on, 'network-baseline/profiles'),
  };
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

export function printBehaviorBench(r: BehaviorBench): string {
  const rows = [
    ['flows / instances', `${r.flows.toLocaleString('en-US')} VPC flow records (v2 text, both sides of each connection) of ${r.instances.toLocaleString('en-US')} instances over 10 days`],
    ['flows/s, baselines off', `${k(r.offFlowsPerSec)} (every other detector and enricher; parse cost subtracted; ${k(r.flows / (r.runs.off.wallMs / 1000))} with it)`],
    ['flows/s, baselines on', `${k(r.onFlowsPerSec)} (on ÷ off = ${r.ratio.toFixed(2)}×; ${k(r.flows / (r.runs.on.wallMs / 1000))} with the parse)`],
    ['wall time gen / off / on', `${(r.runs.gen.wallMs / 1000).toFixed(1)} s / ${(r.runs.off.wallMs / 1000).toFixed(1)} s / ${(r.runs.on.wallMs / 1000).toFixed(1)} s`],
    ['heap held by baselines', `${(r.runs.on.heapHeldMb - r.runs.off.heapHeldMb).toFixed(1)} MB = ${r.bytesPerInstance.toFixed(0)} B per tracked instance (after GC)`],
    ['peak RSS gen / off / on', `${r.runs.gen.maxRssMb.toFixed(0)} MB / ${r.runs.off.maxRssMb.toFixed(0)} MB / ${r.runs.on.maxRssMb.toFixed(0)} MB`],
    ['persisted snapshot', `${((r.runs.on.snapshotBytes - r.runs.off.snapshotBytes) / 1e6).toFixed(1)} MB more = ${r.snapshotBytesPerInstance.toFixed(0)} B per instance (JSON)`],
    ['instance profiles kept', r.profiles.toLocaleString('en-US')],
    ['findings on this benign traffic', `${r.runs.on.findings} with baselines (${Object.entries(r.runs.on.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}), ${r.runs.off.findings} without`],
  ];
  const w = Math.max(...rows.map(([a]) => a.length));
  return ['Network behaviour baselines (one process per mode)', ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`)].join('\n');
}
