/**
 * Opening the cluster the flags of clusterOptions() (worker.ts) name, for `vigil worker`,
 * `vigil serve --nats` and `vigil status --nats`. Loaded by their actions only: it imports NATS.
 */
import { Cluster } from '../../cluster/nats.js';
import { fail } from '../format.js';
import type { ClusterFlags } from './worker.js';

export async function openClusterFrom(o: ClusterFlags, name: string): Promise<Cluster> {
  if (!o.nats) fail('--nats <url> is required (or VIGIL_NATS): the NATS JetStream server of the cluster', 2);
  const num = (v: string, what: string) => { const n = Number(v); if (!Number.isFinite(n) || n <= 0) fail(`${what} must be a positive number (got ${v})`, 2); return n; };
  try {
    return await Cluster.open({ servers: o.nats, prefix: o.clusterPrefix, partitions: num(o.partitions, '--partitions'), leaseMs: num(o.leaseSeconds, '--lease-seconds') * 1000, replicas: num(o.replicas, '--replicas'), name, existing: o.existing });
  } catch (e) {
    return fail((e as Error).message, 1);
  }
}
