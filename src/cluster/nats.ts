/**
 * The cluster's NATS JetStream objects, made on first use by whichever process comes first:
 *  - stream `<PREFIX>_OBJECTS` (work-queue retention): one notice per log object, on subject
 *    `<prefix>.obj.<partition>`, deduplicated by object identity (`Nats-Msg-Id`) over
 *    `duplicateWindowMs`; a notice is deleted once the partition's owner acknowledged it, which it
 *    does only after the object's checkpoint is committed to the store;
 *  - KV `<prefix>_leases` (TTL = lease time): `p.<partition>` → the owning worker, renewed by
 *    compare-and-set; a dead owner's lease expires by itself;
 *  - KV `<prefix>_workers` (TTL = lease time): one heartbeat per live worker;
 *  - stream `<PREFIX>_FINDINGS` (limits, 7 days): one event per finding a worker created or
 *    updated, after its checkpoint committed (`findingId:count:updatedAt` as message id), for the
 *    one server that runs the notifiers (singleton.ts);
 *  - KV `<prefix>_cluster`: `config`, the partition count and lease time fixed at creation.
 * Durable consumers `part-<partition>` (one per partition, filtered on its subject) are made by
 * the worker that takes the partition.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { DEFAULT_PARTITIONS } from './partitions.js';

export interface ClusterOptions {
  /** NATS server URL(s), comma-separated (`nats://127.0.0.1:4222`). */
  servers: string;
  /** Names of the stream, subjects and buckets start with this (default `vigil`); one NATS can hold several clusters. */
  prefix?: string;
  /** Partitions of a new cluster (default 64); an existing cluster keeps its own. */
  partitions?: number;
  /** Lease time of a new cluster (ms, default 10 s): a dead worker's partitions move after at most about this. */
  leaseMs?: number;
  /** Stream and bucket replicas of a new cluster (default 1; 3 on a 3-node JetStream cluster). */
  replicas?: number;
  /** Notices of the same object within this window are dropped (ms, default 1 hour). */
  duplicateWindowMs?: number;
  /** Name shown in the NATS server's connection list. */
  name?: string;
  /** Only an existing cluster: make nothing, fail when there is none (`vigil status`). */
  existing?: boolean;
}

export interface ClusterConfig { v: 1; partitions: number; leaseMs: number; replicas: number; createdAt: string }

export class Cluster {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly leases: KV,
    readonly workers: KV,
    readonly config: ClusterConfig,
    readonly prefix: string,
  ) {}

  get partitions(): number { return this.config.partitions; }
  get leaseMs(): number { return this.config.leaseMs; }
  get stream(): string { return `${this.prefix.toUpperCase()}_OBJECTS`; }
  get findingsStream(): string { return `${this.prefix.toUpperCase()}_FINDINGS`; }
  get findingsSubject(): string { return `${this.prefix}.finding`; }
  subject(partition: number): string { return `${this.prefix}.obj.${partition}`; }
  consumer(partition: number): string { return `part-${partition}`; }

  /** Connects and makes (or checks) the stream and buckets. */
  static async open(o: ClusterOptions): Promise<Cluster> {
    const prefix = o.prefix ?? 'vigil';
    if (!/^[a-z][a-z0-9_-]{0,30}$/.test(prefix)) throw new Error(`cluster prefix must be lower-case letters, digits, - or _ (got ${prefix})`);
    const servers = o.servers.split(',').map((s) => s.trim()).filter(Boolean);
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, name: o.name ?? 'vigil', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    } catch (e) {
      throw new Error(`cannot connect to NATS at ${o.servers}: ${(e as Error).message} (is nats-server running with -js?)`);
    }
    try {
      const jsm = await jetstreamManager(nc);
      const kvm = new Kvm(nc);
      const replicas = o.replicas ?? 1;
      if (o.existing) {
        const found = await jsm.streams.info(`KV_${prefix}_cluster`).then(() => true, () => false);
        if (!found) throw new Error(`no cluster "${prefix}" on ${o.servers} (start vigil serve --nats or vigil worker first, or check --cluster-prefix)`);
      }
      const meta = await kvm.create(`${prefix}_cluster`, { history: 1, replicas });
      const wanted: ClusterConfig = { v: 1, partitions: o.partitions ?? DEFAULT_PARTITIONS, leaseMs: o.leaseMs ?? 10_000, replicas, createdAt: new Date().toISOString() };
      if (!Number.isInteger(wanted.partitions) || wanted.partitions < 1 || wanted.partitions > 4096) throw new Error(`partitions must be 1–4096 (got ${wanted.partitions})`);
      if (!Number.isFinite(wanted.leaseMs) || wanted.leaseMs < 1000) throw new Error(`lease time must be at least 1 s (got ${wanted.leaseMs} ms)`);
      let config: ClusterConfig;
      try {
        await meta.create('config', JSON.stringify(wanted));
        config = wanted;
      } catch {
        const e = await meta.get('config');
        if (!e || e.operation !== 'PUT') throw new Error(`cluster ${prefix}: its config record is missing or deleted`);
        config = e.json<ClusterConfig>();
      }
      const ns = (ms: number) => ms * 1_000_000;
      const stream = `${prefix.toUpperCase()}_OBJECTS`;
      const cfg = {
        name: stream, subjects: [`${prefix}.obj.*`], retention: RetentionPolicy.Workqueue, storage: StorageType.File,
        num_replicas: config.replicas, duplicate_window: ns(o.duplicateWindowMs ?? 3_600_000),
      };
      try { await jsm.streams.info(stream); } catch { await jsm.streams.add(cfg); }
      const findings = `${prefix.toUpperCase()}_FINDINGS`;
      try { await jsm.streams.info(findings); } catch {
        await jsm.streams.add({ name: findings, subjects: [`${prefix}.finding`], retention: RetentionPolicy.Limits, storage: StorageType.File,
          num_replicas: config.replicas, duplicate_window: ns(3_600_000), max_age: ns(7 * 86_400_000) });
      }
      const leases = await kvm.create(`${prefix}_leases`, { history: 1, ttl: config.leaseMs, replicas: config.replicas });
      const workers = await kvm.create(`${prefix}_workers`, { history: 1, ttl: config.leaseMs, replicas: config.replicas });
      return new Cluster(nc, jetstream(nc), jsm, leases, workers, config, prefix);
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }

  /** Removes the stream and buckets (tests, `vigil cluster reset`). */
  async destroy(): Promise<void> {
    for (const s of [this.stream, this.findingsStream, `KV_${this.prefix}_leases`, `KV_${this.prefix}_workers`, `KV_${this.prefix}_cluster`]) await this.jsm.streams.delete(s).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
