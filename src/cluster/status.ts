/**
 * What a cluster is doing, read from NATS alone (any process can ask, `vigil status --nats`):
 * the live workers (heartbeats), each partition's owner and lease epoch, and its lag — notices
 * published and not yet acknowledged, i.e. objects waiting or being read.
 */
import type { Cluster } from './nats.js';
import type { WorkerBeat } from './leases.js';

export interface PartitionStatus { partition: number; owner?: string; epoch?: number; pending: number }
export interface ClusterStatus {
  prefix: string;
  partitions: number;
  leaseSeconds: number;
  workers: WorkerBeat[];
  partitionStatus: PartitionStatus[];
  /** Notices waiting in all (the stream's messages). */
  pending: number;
  /** Notices published since the stream was made (its last sequence). */
  published: number;
  at: string;
}

export async function clusterStatus(c: Cluster): Promise<ClusterStatus> {
  const workers: WorkerBeat[] = [];
  for await (const k of await c.workers.keys()) {
    const e = await c.workers.get(k);
    if (e?.operation === 'PUT') workers.push(e.json<WorkerBeat>());
  }
  const owners = new Map<number, { owner: string; epoch: number }>();
  for await (const k of await c.leases.keys()) {
    const e = await c.leases.get(k);
    if (e?.operation === 'PUT') owners.set(Number(k.slice(2)), { owner: e.json<{ worker: string }>().worker, epoch: e.revision });
  }
  // per-subject counts: one entry per partition with notices waiting
  const info = await c.jsm.streams.info(c.stream, { subjects_filter: `${c.prefix}.obj.*` });
  const subjects = (info.state.subjects ?? {}) as Record<string, number>;
  const partitionStatus: PartitionStatus[] = Array.from({ length: c.partitions }, (_, p) => ({
    partition: p, ...(owners.has(p) ? owners.get(p) : {}), pending: subjects[c.subject(p)] ?? 0,
  }));
  return {
    prefix: c.prefix, partitions: c.partitions, leaseSeconds: c.leaseMs / 1000, workers: workers.sort((a, b) => (a.id < b.id ? -1 : 1)), partitionStatus,
    pending: info.state.messages, published: info.state.last_seq, at: new Date().toISOString(),
  };
}

/** The last status, refreshed in the background (for views that must answer at once: metrics, health). */
export class StatusCache {
  last?: ClusterStatus;
  lastError?: string;
  private timer?: NodeJS.Timeout;
  constructor(private readonly c: Cluster, private readonly everyMs = 2000) {}
  start(): void {
    const run = () => clusterStatus(this.c).then((s) => { this.last = s; this.lastError = undefined; }, (e: Error) => { this.lastError = e.message; });
    void run();
    this.timer = setInterval(() => void run(), this.everyMs);
    this.timer.unref();
  }
  stop(): void { clearInterval(this.timer); }
}
