/**
 * `npm run bench`: generates (or reuses) seeded CloudTrail, VPC flow and Route 53 Resolver
 * logs, then measures, in interleaved rounds, each log type's ceiling and Vigil's parse stage
 * and full scan, each in its own process. Prints tables and writes <out>/results.json.
 * Exit code 1 when the data or the findings are wrong (an injected attack not detected, bad
 * records, detector errors); timings never fail the run. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, recordsFor } from './args.js';
import { ensureDataset, type BenchKind, type Dataset, type Manifest } from './generate/index.js';
import type { Measurement, Mode } from './protocol.js';
import { MODE_LABEL, printReport } from './report.js';
import { measure } from './spawn.js';
import { si } from './stats.js';
import { summarize } from './summarize.js';
import { printIntelBench, runIntelBench, type IntelBench } from './intel/run.js';
import { printApiBench, runApiBench, type ApiBench } from './api/run.js';
import { printBaselineBench, runBaselineBench, type BaselineBench } from './baseline/run.js';
import { printBehaviorBench, runBehaviorBench, type BehaviorBench } from './behavior/run.js';
import { printLatencyBench, runLatencyBench, type LatencyBench } from './latency/run.js';
import { SOAK_SMOKE, printSoakBench, runSoakBench, type SoakBench } from './soak/run.js';
import { printHostileBench, runHostileBench, type HostileBench } from './hostile/run.js';
import { printSlowClients, runSlowClients, type SlowClientsResult } from './slow-clients.js';
import { printClusterSim, runClusterSim, type ClusterSim } from './cluster/sim.js';
import { printClusterThroughput, runClusterThroughput, type ClusterThroughput } from './cluster/throughput.js';
import { printStorePgBench, runStorePgBench, type StorePgBench } from './store-pg/run.js';
import { printStartupBench, runStartupBench, type StartupBench } from './startup.js';
import { printDuckdbBench, runDuckdbBench, type DuckdbBench } from './duckdb/run.js';

function modesFor(kind: BenchKind, selected: Mode[]): Mode[] {
  return selected.filter((m) => m !== 'ceiling-json' || kind === 'dns');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });

  const datasets: (Dataset & { kind: BenchKind })[] = [];
  for (const kind of args.kinds) {
    const records = recordsFor(args, kind);
    process.stderr.write(`data: ${kind} ${records.toLocaleString('en-US')} records (seed ${args.seed}) … `);
    const d = ensureDataset(out, kind, records, args.seed, args.regenerate);
    process.stderr.write(`${d.reused ? 'reused' : `generated in ${(d.manifest.generateMs / 1000).toFixed(1)} s`}\n`);
    datasets.push({ ...d, kind });
  }
  const manifests: Partial<Record<BenchKind, Manifest>> = Object.fromEntries(datasets.map((d) => [d.kind, d.manifest]));

  const samples: Measurement[] = [];
  for (let run = 0; run < args.runs; run++) {
    for (const d of datasets) {
      const modes = modesFor(d.kind, args.modes);
      // rotate the order each round so no measurement always runs first
      const order = modes.map((_, i) => modes[(i + run) % modes.length]);
      for (const mode of order) {
        process.stderr.write(`run ${run + 1}/${args.runs} ${d.kind} ${MODE_LABEL[mode]} … `);
        const m = await measure(mode, d.kind, d.dir, { pin: args.pin, nodeArgs: args.nodeArgs });
        process.stderr.write(`${(m.wallMs / 1000).toFixed(2)} s, ${si(m.records / (m.wallMs / 1000))} records/s, ${m.maxRssMb.toFixed(0)} MB\n`);
        samples.push(m);
      }
    }
  }

  let intel: IntelBench | undefined;
  if (args.intel) {
    const sizes = args.smoke ? { ipv4: 100_000, cidrs: 10_000, domains: 10_000, queries: 1_000_000 } : { ipv4: 10_000_000, cidrs: 1_000_000, domains: 1_000_000, queries: 20_000_000 };
    process.stderr.write(`intel matcher: ${sizes.ipv4.toLocaleString('en-US')} IPv4 + ${sizes.cidrs.toLocaleString('en-US')} CIDR + ${sizes.domains.toLocaleString('en-US')} domains … `);
    intel = await runIntelBench(sizes, out, args.smoke ? 1 : Math.max(5, args.runs));
    process.stderr.write(`${(intel.loadMs / 1000).toFixed(1)} s to load\n`);
  }

  let api: ApiBench | undefined;
  if (args.apiFindings) {
    process.stderr.write(`api: seeding ${args.apiFindings.toLocaleString('en-US')} findings and serving them … `);
    api = await runApiBench(out, args.apiFindings, args.smoke ? 1 : 5);
    process.stderr.write(`done\n`);
  }

  let baseline: BaselineBench | undefined;
  if (args.baselineEvents) baseline = await runBaselineBench(args.baselineEvents, args.baselinePrincipals, args.seed, args.nodeArgs);

  let behavior: BehaviorBench | undefined;
  if (args.behaviorFlows) behavior = await runBehaviorBench(args.behaviorFlows, args.behaviorInstances, args.seed, args.nodeArgs);

  let latency: LatencyBench | undefined;
  if (args.latencyFiles) {
    process.stderr.write(`latency: ${args.latencyFiles} files into a watched folder … `);
    latency = await runLatencyBench(out, args.latencyFiles);
    process.stderr.write('done\n');
  }

  let soak: SoakBench | undefined;
  if (args.soakMinutes) soak = await runSoakBench({ ...(args.smoke ? SOAK_SMOKE : {}), ...args.soak, minutes: args.soakMinutes, seed: args.seed });

  let hostile: HostileBench | undefined;
  if (args.hostile) hostile = await runHostileBench(out, args.smoke);

  let slowClients: SlowClientsResult | undefined;
  if (args.slowClients) {
    process.stderr.write(`slow clients: ${args.slowClients} hostile connections against vigil serve … `);
    slowClients = await runSlowClients(args.slowClients);
    process.stderr.write('done\n');
  }

  let clusterSim: ClusterSim | undefined;
  if (args.clusterSim) clusterSim = runClusterSim(args.smoke ? [128, 1024] : undefined, args.smoke ? [1.1] : undefined);

  let storePg: StorePgBench | undefined;
  if (args.storePgFindings) storePg = await runStorePgBench(args.storePgFindings, args.storePgFindings >= 1_000_000 ? 20 : 200, undefined, args.storePgOnly); // 20 repeats a query at 1M+ (its p99 is then the slowest)

  let cluster: ClusterThroughput | undefined;
  if (args.cluster) {
    const sizes = { cloudtrail: args.records.cloudtrail ?? 200_000, vpcflow: args.records.vpcflow ?? 1_000_000, dns: args.records.dns ?? 300_000 };
    process.stderr.write(`cluster: 1 and 2 vigil workers over ${Object.values(sizes).reduce((n, x) => n + x, 0).toLocaleString('en-US')} records … `);
    cluster = await runClusterThroughput(out, sizes, args.seed, args.clusterStore);
    process.stderr.write('done\n');
  }

  let duckdb: DuckdbBench | undefined;
  if (args.duckdb) {
    const sets = args.duckdbKinds.map((kind) => datasets.find((d) => d.kind === kind) ?? { ...ensureDataset(out, kind, recordsFor(args, kind), args.seed, args.regenerate), kind });
    duckdb = await runDuckdbBench(sets, args.runs, { pin: args.pin, nodeArgs: args.nodeArgs, existing: samples, optional: args.smoke });
  }

  let startup: StartupBench | undefined;
  if (args.startup) startup = await runStartupBench(args.smoke ? 3 : Math.max(5, args.runs));

  const summary = summarize(samples, manifests);
  const meta = `Vigil benchmark: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), seed ${args.seed}, `
    + `${args.runs} run${args.runs > 1 ? 's' : ''}${args.pin ? `, pinned to CPU ${args.pin}` : ''}${args.nodeArgs.length ? `, node ${args.nodeArgs.join(' ')}` : ''}`;
  const print = args.json ? () => undefined : (s: string) => console.log(s);
  print('');
  if (samples.length && !args.json) printReport(summary, manifests, datasets, meta);
  if (intel) print(`\n${printIntelBench(intel)}`);
  if (api) print(`\n${printApiBench(api)}`);
  if (baseline) print(`\n${printBaselineBench(baseline)}`);
  if (behavior) print(`\n${printBehaviorBench(behavior)}`);
  if (latency) print(`\n${printLatencyBench(latency)}`);
  if (soak) print(`\n${printSoakBench(soak)}`);
  if (hostile) print(`\n${printHostileBench(hostile)}`);
  if (slowClients) print(`\n${printSlowClients(slowClients)}`);
  if (clusterSim) print(`\n${printClusterSim(clusterSim)}`);
  if (cluster) print(`\n${printClusterThroughput(cluster)}`);
  if (storePg) print(`\n${printStorePgBench(storePg)}`);
  if (startup) print(`\n${printStartupBench(startup)}`);
  if (duckdb) print(`\n${printDuckdbBench(duckdb)}`);
  const resultsPath = join(out, 'results.json');
  const results = {
    generatedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    args, datasets: manifests, summary, samples, intel, api, baseline, behavior, latency, soak, hostile, slowClients, clusterSim, cluster, storePg, startup, duckdb,
  };
  writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  if (args.json) console.log(JSON.stringify(results, null, 2));
  else console.log(`\nresults: ${resultsPath}`);
  return summary.problems.length > 0 || (soak?.problems.length ?? 0) > 0 || (startup?.problems.length ?? 0) > 0 || (duckdb?.problems.length ?? 0) > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
