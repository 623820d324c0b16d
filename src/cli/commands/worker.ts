/**
 * `vigil worker`: one member of a cluster (docs/deploy.md). Connects to NATS JetStream, takes
 * its share of the partitions through leases, and runs the detection of each partition it owns
 * over the notices `vigil serve --nats` publishes, writing to the shared store. Any number run
 * side by side; one that dies is replaced by the others within the lease time. SIGTERM or SIGINT
 * finishes the batches in hand and hands every partition over at once. The flags are here (the
 * cluster flags shared with `vigil serve` and `vigil status` too); what it does is in
 * worker-run.ts, loaded when it runs.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { WorkerOptions } from './worker-run.js';

export const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export function clusterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--nats <url>', 'NATS server URL(s) with JetStream, comma-separated').env('VIGIL_NATS'))
    .addOption(new Option('--cluster-prefix <name>', 'names of the cluster\'s stream and buckets start with this').env('VIGIL_CLUSTER_PREFIX').default('vigil'))
    .addOption(new Option('--partitions <n>', 'partitions of a new cluster (an existing one keeps its own)').env('VIGIL_PARTITIONS').default('64'))
    .addOption(new Option('--lease-seconds <s>', 'lease time of a new cluster: a dead worker\'s partitions move within about this').env('VIGIL_LEASE_SECONDS').default('10'))
    .addOption(new Option('--replicas <n>', 'stream and bucket replicas of a new cluster (3 on a 3-node JetStream cluster)').env('VIGIL_NATS_REPLICAS').default('1'));
}

export interface ClusterFlags { nats?: string; clusterPrefix: string; partitions: string; leaseSeconds: string; replicas: string; existing?: boolean }

export function registerWorker(program: Command): void {
  const cmd = program.command('worker')
    .description('process a share of a cluster\'s partitions (NATS JetStream work, shared store); see docs/deploy.md')
    .option('--config <file>', 'the YAML configuration `vigil serve` uses (region, db); env VIGIL_CONFIG')
    .option('--store <url>', 'the store all workers and `vigil serve --nats` share: postgres://user@host/db (env VIGIL_STORE)')
    .option('--db <path>', 'the same as a SQLite file (env VIGIL_DB)')
    .option('--region <region>', 'region of findings whose logs name none (env VIGIL_REGION)')
    .option('--id <name>', 'this worker\'s name in leases and status (default <host>-<pid>-<random>)')
    .addOption(new Option('--log-level <level>', 'debug, info, warn, error or silent').choices(LEVELS).default('info'))
    .addHelpText('after', `
Example (one NATS, one store, the API with the listing side, two workers):
  vigil serve --nats nats://127.0.0.1:4222 --store postgres://vigil@127.0.0.1/vigil --watch /srv/logs
  vigil worker --nats nats://127.0.0.1:4222 --store postgres://vigil@127.0.0.1/vigil
  vigil worker --nats nats://127.0.0.1:4222 --store postgres://vigil@127.0.0.1/vigil
Kill a worker: its partitions move to the others within the lease time, nothing lost or counted twice.`);
  clusterOptions(cmd).action(async (o: WorkerOptions) => (await import('./worker-run.js')).runWorker(o));
}
