/**
 * `vigil worker`: owns some of the cluster's partitions (leases.ts) and runs, for each, the
 * same ingest loop `vigil serve` runs over a folder (app/ingest), fed by the partition's notices
 * (partition-source.ts) and checkpointing to the shared store under the partition's state prefix
 * and lease epoch (partition-store.ts). Taking a partition: its durable consumer is made afresh
 * (so every notice not yet acknowledged is delivered again, in stream order), its state is
 * loaded from its last checkpoint, and reading goes on from there — the same findings as if
 * nothing had happened, whoever owned it before and however that owner ended.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { Ingestor, type IngestOptions } from '../app/ingest/index.js';
import type { SourceHealthView } from '../app/ingest/health.js';
import type { Store } from '../store/index.js';
import type { Cluster } from './nats.js';
import { LeaseKeeper } from './leases.js';
import { PartitionSource } from './partition-source.js';
import { partitionStore } from './partition-store.js';
import { publishFindings } from './finding-events.js';

export interface WorkerOptions extends Omit<IngestOptions, 'store' | 'sources'> {
  cluster: Cluster;
  store: Store;
  /** Unique per worker (default `<host>-<pid>-<random>`). */
  id?: string;
  /** Notices per checkpoint (default 25). */
  batch?: number;
}

interface Owned { ingestor: Ingestor; source: PartitionSource; epoch: number; since: string }

export interface PartitionView { partition: number; epoch: number; since: string; health?: SourceHealthView }

/** The same threat-list indexes for every partition of a worker: built once per change, not once per partition. */
export function sharedIntel(inner: NonNullable<IngestOptions['intel']>): NonNullable<IngestOptions['intel']> {
  let cached: { sig: string; services: ReturnType<typeof inner.build> } | undefined;
  return {
    signature: () => inner.signature(),
    build: async () => {
      const sig = await inner.signature();
      if (cached?.sig !== sig) cached = { sig, services: inner.build() };
      return cached.services;
    },
  };
}

export class Worker {
  readonly id: string;
  private readonly owned = new Map<number, Owned>();
  private readonly keeper: LeaseKeeper;
  private readonly intel?: IngestOptions['intel'];

  constructor(private readonly o: WorkerOptions) {
    this.id = o.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.intel = o.intel ? sharedIntel(o.intel) : undefined;
    this.keeper = new LeaseKeeper(o.cluster, this.id, { acquire: (p, e) => this.acquire(p, e), release: (p, lost) => this.release(p, lost) }, o.log);
  }

  start(): void { this.keeper.start(); }

  /** Finishes the batches in hand, gives every partition back (others take them at once) and leaves. */
  async stop(): Promise<void> { await this.keeper.stop(); }

  /** One lease round now (tests). */
  tick(): Promise<void> { return this.keeper.tick(); }

  get partitions(): number[] { return [...this.owned.keys()].sort((a, b) => a - b); }
  get liveWorkers(): string[] { return this.keeper.live; }

  view(): PartitionView[] {
    return this.partitions.map((p) => {
      const w = this.owned.get(p)!;
      return { partition: p, epoch: w.epoch, since: w.since, health: w.ingestor.view()[0] };
    });
  }

  /** Partitions being taken: a release waits for the start to finish first. */
  private readonly starting = new Map<number, Promise<void>>();

  private acquire(partition: number, epoch: number): Promise<void> {
    const p = this.take(partition, epoch).finally(() => this.starting.delete(partition));
    this.starting.set(partition, p);
    return p;
  }

  private async take(partition: number, epoch: number): Promise<void> {
    const c = this.o.cluster;
    const name = c.consumer(partition);
    // a fresh consumer delivers every notice not yet acknowledged, in stream order, at once
    // (the last owner's unacknowledged deliveries would otherwise wait out their ack time)
    await c.jsm.consumers.delete(c.stream, name).catch(() => undefined);
    await c.jsm.consumers.add(c.stream, {
      durable_name: name, filter_subject: c.subject(partition), ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      ack_wait: 10 * 60 * 1e9, max_ack_pending: 1000,
    });
    const source = new PartitionSource(c, partition, { batch: this.o.batch });
    const { cluster: _c, store, id: _i, batch: _b, ...rest } = this.o;
    const ingestor = new Ingestor({
      ...rest, intel: this.intel, store: partitionStore(store, partition, () => epoch), sources: [source], commitEvery: this.o.batch ?? rest.commitEvery,
      // the partition's store prefixes its state already: one engine, unprefixed, behind it
      layout: { partitions: 1, unprefixed: true },
      onCommit: async (n) => {
        await rest.onCommit?.(n);
        // for the server that notifies; its recover() covers new findings if this is lost
        if (n.created.length || n.updated.length) await publishFindings(c, n.created, n.updated).catch((e: Error) => this.o.log?.('warn', `partition ${partition}: finding events not published (${e.message})`));
      },
    });
    await ingestor.start();
    this.owned.set(partition, { ingestor, source, epoch, since: new Date().toISOString() });
    this.o.log?.('info', `partition ${partition}: taken (epoch ${epoch})`);
  }

  private async release(partition: number, lost: boolean): Promise<void> {
    await this.starting.get(partition)?.catch(() => undefined);
    const w = this.owned.get(partition);
    if (!w) return;
    this.owned.delete(partition);
    // lost: the fence refuses whatever this loop still tries to commit
    await w.ingestor.stop();
    this.o.log?.(lost ? 'warn' : 'info', `partition ${partition}: ${lost ? 'lost' : 'handed over'}`);
  }
}
