/** Command-line flags of `npm run bench -- …`. */
import type { BenchKind } from './generate/index.js';
import { BENCH_KINDS } from './generate/index.js';
import { MODES, type Mode } from './protocol.js';

export interface BenchArgs {
  /** Records per log type; undefined = the default for the size class. */
  records: Partial<Record<BenchKind, number>>;
  runs: number;
  kinds: BenchKind[];
  modes: Mode[];
  seed: number;
  out: string;
  smoke: boolean;
  regenerate: boolean;
  /** Pin the measured processes to this CPU (taskset). */
  pin?: string;
  /** Extra flags for the measured node processes. */
  nodeArgs: string[];
  /** Run the threat-intel matcher benchmark (bench/intel/matcher.ts). */
  intel: boolean;
  /** Run the API benchmark (bench/api): `vigil serve` over this many stored findings; 0 = off. */
  apiFindings: number;
  /** Run the behaviour-baseline benchmark (bench/baseline) over this many events; 0 = off. */
  baselineEvents: number;
  baselinePrincipals: number;
  /** Run the network-behaviour benchmark (bench/behavior) over this many flows; 0 = off. */
  behaviorFlows: number;
  behaviorInstances: number;
  /** Run the continuous-ingestion latency benchmark (bench/latency) over this many files; 0 = off. */
  latencyFiles: number;
  /** Run the soak (bench/soak) for this many minutes; 0 = off. */
  soakMinutes: number;
  /** Run the hostile-object workload (bench/hostile/). */
  hostile: boolean;
  /** Hostile slow HTTP clients against vigil serve (bench/slow-clients.ts); 0 = off, never in --smoke. */
  slowClients: number;
  /** Cluster simulation (bench/cluster/sim.ts): pure computation, fast. */
  clusterSim: boolean;
  /** Cluster throughput with 1 and 2 `vigil worker`s (bench/cluster/throughput.ts); never in --smoke. */
  cluster: boolean;
  /** Store of the cluster throughput run (default: a SQLite file per run). */
  clusterStore?: string;
  /** Store benchmark (bench/store-pg): findings written to SQLite and PostgreSQL; 0 = off, never in --smoke. */
  storePgFindings: number;
  /** Only PostgreSQL in the store workload (the 10M run, where SQLite alone takes about an hour). */
  storePgOnly?: boolean;
  soak: { speed?: number; sampleSeconds?: number; tickSeconds?: number; toleranceMbPerHour?: number; heapSnapshots?: boolean; keep?: boolean; prune?: boolean };
  /** Start-up benchmark (bench/startup.ts): vigil --help, --version, types and a sample scan against node -e 0. */
  startup: boolean;
  /** Print results.json on stdout instead of the tables. */
  json: boolean;
  /** DuckDB side by side (bench/duckdb): the same files with SQL, 1 and 2 threads, against Vigil's scan; not in the default run, in --smoke on the smoke data. */
  duckdb: boolean;
  /** Log types of the DuckDB comparison (default all three). */
  duckdbKinds: BenchKind[];
}

export const DEFAULT_RECORDS: Record<BenchKind, number> = { cloudtrail: 1_000_000, vpcflow: 1_000_000, dns: 1_000_000 };
export const SMOKE_RECORDS: Record<BenchKind, number> = { cloudtrail: 3_000, vpcflow: 20_000, dns: 5_000 };

export const USAGE = `npm run bench -- [flags]
  --records N        records per log type (default 1000000; also --records-cloudtrail/-vpcflow/-dns N)
  --runs N           interleaved runs per measurement (default 3; medians and min–max are reported)
  --only LIST        comma-separated: cloudtrail,vpcflow,dns (aliases ct, flow, route53), intel (the list matcher)
                     and api (vigil serve over stored findings), baseline (behaviour baselines on vs off),
                     behavior (per-instance network baselines on vs off), latency (watched folder → finding → notification),
                     soak (vigil serve --watch under steady load: memory, lag and API latency over time),
                     hostile (peak memory and time of vigil scan on a gzip bomb, 1 GB lines, a 1M-deep array),
                     slow-clients (500 slow HTTP clients against vigil serve: memory and a good client's p99; not in --smoke),
                     cluster (records/s with 1 and 2 vigil workers on a private nats-server; not in --smoke),
                     cluster-sim (1,000 skewed accounts on 100 workers: balance and partitions moved on a loss and a join),
                     store-pg (findings write rate and ListFindings p50/p99 on SQLite and PostgreSQL; not in --smoke),
                     startup (vigil --help, --version, types and a scan of samples/ against node -e 0),
                     duckdb (DuckDB with 1 and 2 threads and SQL for the same findings on the same files, against
                     Vigil's scan at equal threads; only when named, and in --smoke)
  --duckdb-kinds LIST  log types of the duckdb workload (default cloudtrail,vpcflow,dns)
  --cluster-store URL  store of the cluster workload (default a SQLite file; postgres://… for PostgreSQL)
  --store-pg-only    the store-pg workload on PostgreSQL only
  --store-pg-findings N  findings of the store-pg workload (default 100000, about a minute; 10000000 for the 10M run;
                     on the PostgreSQL of VIGIL_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres)
  --api-findings N   findings stored for the API workload (default 1000000; --smoke 20000)
  --baseline-events N, --baseline-principals N
                     size of the baseline workload (default 5000000 events of 50000 principals; --smoke 50000 of 2000)
  --behavior-flows N, --behavior-instances N
                     size of the behavior workload (default 2000000 flows of 10000 instances; --smoke 40000 of 1000)
  --latency-files N  files landing in the watched folder for the latency workload (default 200; --smoke 20)
  --minutes N        soak duration (default 2; --smoke 0.2; a verdict on memory needs ≥ 10)
  --soak-speed X     soak load as a multiple of the bench's nominal rate (default 2; see bench/README.md)
  --soak-sample-seconds N, --soak-tick-seconds N
                     soak sampling period (default 5) and file period per log type (default 5)
  --soak-tolerance N memory counts as flat when RSS and heap grow at most N MB/hour over the second half (default 10)
  --soak-heap-snapshots  heap snapshots of the server at the end of warm-up and at the end (kept, with the folder)
  --soak-keep        keep the soak's temporary folder (database, logs)
  --soak-prune       delete each file once the server has read it (the folder holds only unread files)
  --json             print results.json on stdout instead of the tables
  --modes LIST       measurements: ceiling,ceiling-json,parse,scan,scan-2t (default all)
  --seed N           generator seed (default 1)
  --out DIR          data and results folder (default bench/.data)
  --regen            regenerate the data even if it exists
  --pin CPU          run measured processes on one CPU (taskset -c CPU)
  --node-args "…"    extra flags for the measured node processes (e.g. --max-semi-space-size=64)
  --smoke            tiny sizes and 1 run (used by the test suite)`;

const ALIASES: Record<string, BenchKind> = { ct: 'cloudtrail', cloudtrail: 'cloudtrail', flow: 'vpcflow', vpcflow: 'vpcflow', vpc: 'vpcflow', dns: 'dns', route53: 'dns' };

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${v}`);
  return n;
}

function positiveNumber(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got ${v}`);
  return n;
}

export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { records: {}, runs: 3, kinds: [...BENCH_KINDS], modes: [...MODES], seed: 1, out: 'bench/.data', smoke: false, regenerate: false, nodeArgs: [], intel: true, apiFindings: 1_000_000, baselineEvents: 5_000_000, baselinePrincipals: 50_000, behaviorFlows: 2_000_000, behaviorInstances: 10_000, latencyFiles: 200, soakMinutes: 2, hostile: true, slowClients: 500, clusterSim: true, cluster: true, storePgFindings: 100_000, startup: true, soak: {}, json: false, duckdb: false, duckdbKinds: [...BENCH_KINDS] };
  let apiGiven: number | undefined;
  let baselineGiven: number | undefined, principalsGiven: number | undefined;
  let flowsGiven: number | undefined, instancesGiven: number | undefined;
  let latencyGiven: number | undefined;
  let minutesGiven: number | undefined;
  let runsGiven = false;
  let storePgGiven: number | undefined;
  let onlyGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--records': { const n = positiveInt(flag, value()); for (const k of BENCH_KINDS) a.records[k] = n; break; }
      case '--records-cloudtrail': a.records.cloudtrail = positiveInt(flag, value()); break;
      case '--records-vpcflow': a.records.vpcflow = positiveInt(flag, value()); break;
      case '--records-dns': a.records.dns = positiveInt(flag, value()); break;
      case '--runs': a.runs = positiveInt(flag, value()); runsGiven = true; break;
      case '--only': {
        const names = value().split(',').map((k) => k.trim().toLowerCase());
        a.intel = names.includes('intel');
        if (!names.includes('api')) a.apiFindings = 0;
        if (!names.includes('baseline')) a.baselineEvents = 0;
        if (!names.includes('behavior') && !names.includes('behaviour')) a.behaviorFlows = 0;
        if (!names.includes('latency')) a.latencyFiles = 0;
        if (!names.includes('soak')) a.soakMinutes = 0;
        a.hostile = names.includes('hostile');
        if (!names.includes('slow-clients')) a.slowClients = 0;
        a.clusterSim = names.includes('cluster-sim');
        a.cluster = names.includes('cluster');
        if (!names.includes('store-pg')) a.storePgFindings = 0;
        a.startup = names.includes('startup');
        a.duckdb = names.includes('duckdb');
        onlyGiven = true;
        a.kinds = names.filter((k) => !['intel', 'api', 'baseline', 'behavior', 'behaviour', 'latency', 'soak', 'hostile', 'slow-clients', 'cluster', 'cluster-sim', 'store-pg', 'startup', 'duckdb'].includes(k)).map((k) => {
          const kind = ALIASES[k];
          if (!kind) throw new Error(`unknown workload ${k} (cloudtrail, vpcflow, dns, intel, api, baseline, behavior, latency, soak, hostile, slow-clients, cluster, cluster-sim, store-pg, startup, duckdb)`);
          return kind;
        });
        break;
      }
      case '--modes': a.modes = value().split(',').map((m) => {
        if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${m} (${MODES.join(', ')})`);
        return m as Mode;
      }); break;
      case '--api-findings': apiGiven = positiveInt(flag, value()); break;
      case '--baseline-events': baselineGiven = positiveInt(flag, value()); break;
      case '--baseline-principals': principalsGiven = positiveInt(flag, value()); break;
      case '--behavior-flows': flowsGiven = positiveInt(flag, value()); break;
      case '--behavior-instances': instancesGiven = positiveInt(flag, value()); break;
      case '--latency-files': latencyGiven = positiveInt(flag, value()); break;
      case '--minutes': case '--soak-minutes': minutesGiven = positiveNumber(flag, value()); break;
      case '--soak-speed': a.soak.speed = positiveNumber(flag, value()); break;
      case '--soak-sample-seconds': a.soak.sampleSeconds = positiveNumber(flag, value()); break;
      case '--soak-tick-seconds': a.soak.tickSeconds = positiveNumber(flag, value()); break;
      case '--soak-tolerance': a.soak.toleranceMbPerHour = positiveNumber(flag, value()); break;
      case '--soak-heap-snapshots': a.soak.heapSnapshots = true; break;
      case '--soak-keep': a.soak.keep = true; break;
      case '--soak-prune': a.soak.prune = true; break;
      case '--json': a.json = true; break;
      case '--duckdb-kinds': a.duckdbKinds = value().split(',').map((k) => {
        const kind = ALIASES[k.trim().toLowerCase()];
        if (!kind) throw new Error(`unknown log type ${k} for --duckdb-kinds (cloudtrail, vpcflow, dns)`);
        return kind;
      }); break;
      case '--cluster-store': a.clusterStore = value(); break;
      case '--store-pg-only': a.storePgOnly = true; break;
      case '--store-pg-findings': storePgGiven = positiveInt(flag, value()); break;
      case '--seed': a.seed = positiveInt(flag, value()); break;
      case '--out': a.out = value(); break;
      case '--regen': a.regenerate = true; break;
      case '--pin': a.pin = value(); break;
      case '--node-args': a.nodeArgs = value().split(/\s+/).filter(Boolean); break;
      case '--smoke': a.smoke = true; break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${argv[i]}\n${USAGE}`);
    }
  }
  if (a.smoke && !runsGiven) a.runs = 1;
  if (a.smoke && !onlyGiven) a.duckdb = true; // DuckDB on the smoke data, pairing with the smoke's own scans: a few seconds
  if (a.smoke) a.slowClients = 0; // its timeouts take ~50 s: never part of the smoke run
  if (a.smoke) a.cluster = false; // worker processes and a nats-server: the cluster tests cover it
  if (a.smoke) a.storePgFindings = 0; // needs PostgreSQL and takes a minute: the store tests cover it
  else if (a.storePgFindings) a.storePgFindings = storePgGiven ?? a.storePgFindings;
  if (a.apiFindings) a.apiFindings = apiGiven ?? (a.smoke ? 20_000 : 1_000_000);
  if (a.baselineEvents) {
    a.baselineEvents = baselineGiven ?? (a.smoke ? 50_000 : 5_000_000);
    a.baselinePrincipals = principalsGiven ?? (a.smoke ? 2_000 : 50_000);
  }
  if (a.latencyFiles) a.latencyFiles = latencyGiven ?? (a.smoke ? 20 : 200);
  if (a.soakMinutes) a.soakMinutes = minutesGiven ?? (a.smoke ? 0.2 : 2);
  if (a.behaviorFlows) {
    a.behaviorFlows = flowsGiven ?? (a.smoke ? 40_000 : 2_000_000);
    a.behaviorInstances = instancesGiven ?? (a.smoke ? 1_000 : 10_000);
  }
  return a;
}

export function recordsFor(a: BenchArgs, kind: BenchKind): number {
  return a.records[kind] ?? (a.smoke ? SMOKE_RECORDS : DEFAULT_RECORDS)[kind];
}
