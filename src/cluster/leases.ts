/**
 * Partition leases in the cluster's KV buckets. Every `leaseMs / 3` a worker:
 *  1. puts its heartbeat (`<prefix>_workers`, TTL = lease time: a dead worker's disappears);
 *  2. renews each lease it holds by compare-and-set on the revision it last wrote — a failed
 *     update means someone else holds it now: the partition is dropped at once;
 *  3. computes the assignment of every partition over the live workers (partitions.ts `assign`,
 *     the same in every worker, sticky to the owners a watch of the leases bucket shows), gives up the partitions now meant for another (after its ingest
 *     loop has stopped, so nothing is left half-done) and tries to create the leases of the
 *     partitions meant for it (create-if-absent: it succeeds once the old owner released the
 *     lease, or once the dead owner's lease expired).
 * The epoch of an ownership is the lease's revision when it was created: revisions only grow,
 * so each new owner's epoch is higher than every earlier one's (the store's commit fence).
 * A worker that could not renew for a whole lease time stops its partitions by itself.
 */
import { hostname } from 'node:os';
import type { Cluster } from './nats.js';
import { assign } from './partitions.js';

export interface LeaseHooks {
  /** Start working on `partition` as owner of `epoch` (load its state, consume its notices). */
  acquire(partition: number, epoch: number): Promise<void>;
  /** Stop working on it; `lost`: the lease is already another's (stop now, commit nothing more). */
  release(partition: number, lost: boolean): Promise<void>;
}

export interface HeldLease { partition: number; epoch: number; revision: number; renewedAt: number; state: 'starting' | 'owned' | 'releasing' }

export interface WorkerBeat { id: string; host: string; pid: number; startedAt: string; partitions: number[] }

/** JetStream's "wrong last sequence" (API error 10071): a compare-and-set lost to another writer. */
function isWrongRevision(e: unknown): boolean {
  const x = e as { message?: string; api_error?: { err_code?: number }; code?: unknown };
  return x?.api_error?.err_code === 10071 || /wrong last sequence/i.test(x?.message ?? '');
}

export class LeaseKeeper {
  readonly held = new Map<number, HeldLease>();
  private readonly startedAt = new Date().toISOString();
  private ticking?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** Live workers seen at the last tick (sorted). */
  live: string[] = [];
  lastError?: string;

  constructor(private readonly cluster: Cluster, readonly workerId: string, private readonly hooks: LeaseHooks, private readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void) {}

  private key(p: number): string { return `p.${p}`; }
  private value(): string { return JSON.stringify({ worker: this.workerId, at: new Date().toISOString() }); }

  /** Partition → owner, as the leases bucket says (a watch; a dead owner's entry may linger until replaced: it is not live). */
  private readonly current = new Map<number, string>();
  private watch?: { stop(): void };

  private async follow(): Promise<void> {
    const it = await this.cluster.leases.watch();
    this.watch = it;
    for await (const e of it) {
      const p = Number(e.key.slice(2));
      if (e.operation === 'PUT') {
        try { this.current.set(p, (JSON.parse(e.string()) as { worker: string }).worker); } catch { this.current.delete(p); }
      } else this.current.delete(p);
    }
  }

  start(): void {
    void this.follow().catch((e) => this.log?.('warn', `leases: watch ended (${(e as Error).message})`));
    const every = Math.max(200, Math.floor(this.cluster.leaseMs / 3));
    this.timer = setInterval(() => { void this.tick(); }, every);
    void this.tick();
  }

  /** One round (never two at once). */
  tick(): Promise<void> {
    this.ticking ??= this.round().catch((e) => {
      this.lastError = (e as Error).message;
      this.log?.('warn', `leases: ${(e as Error).message}`);
    }).finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async round(): Promise<void> {
    const now = Date.now();
    // self-fencing: not renewed for a lease time means another may own it by now
    for (const l of [...this.held.values()]) if (now - l.renewedAt > this.cluster.leaseMs && l.state !== 'releasing') this.drop(l, true);
    const beat: WorkerBeat = { id: this.workerId, host: hostname(), pid: process.pid, startedAt: this.startedAt, partitions: [...this.held.keys()].sort((a, b) => a - b) };
    await this.cluster.workers.put(this.workerId, JSON.stringify(beat));
    for (const l of [...this.held.values()]) {
      try {
        l.revision = await this.cluster.leases.update(this.key(l.partition), this.value(), l.revision);
        l.renewedAt = Date.now();
      } catch (e) {
        // another revision: someone else holds it now; anything else (a NATS node failing over)
        // is tried again next round, and self-fencing stops the partition if it lasts a lease time
        if (!isWrongRevision(e)) { this.log?.('warn', `partition ${l.partition}: lease not renewed (${(e as Error).message}); trying again`); continue; }
        this.log?.('warn', `partition ${l.partition}: lease lost (${(e as Error).message})`);
        this.drop(l, true);
      }
    }
    const live: string[] = [];
    for await (const k of await this.cluster.workers.keys()) live.push(k);
    if (!live.includes(this.workerId)) live.push(this.workerId);
    this.live = live.sort();
    const want = assign(this.live, this.cluster.partitions, this.current);
    for (const l of this.held.values()) if (want.get(l.partition) !== this.workerId && l.state === 'owned') this.drop(l, false);
    for (const [p, w] of want) {
      if (w !== this.workerId || this.held.has(p)) continue;
      let revision: number;
      try { revision = await this.cluster.leases.create(this.key(p), this.value()); } catch { continue; /* still another's: its owner gives it up, or it expires */ }
      const l: HeldLease = { partition: p, epoch: revision, revision, renewedAt: Date.now(), state: 'starting' };
      this.held.set(p, l);
      this.hooks.acquire(p, revision).then(() => {
        if (l.state === 'starting') l.state = 'owned';
      }, (e) => {
        this.log?.('error', `partition ${p}: could not start (${(e as Error).message}); giving it up`);
        this.drop(l, false);
      });
    }
  }

  /** Stops a partition; the lease is deleted afterwards unless it was lost. */
  private drop(l: HeldLease, lost: boolean): void {
    if (l.state === 'releasing' && !lost) return;
    l.state = 'releasing';
    if (lost) this.held.delete(l.partition);
    void this.hooks.release(l.partition, lost).catch((e) => this.log?.('error', `partition ${l.partition}: ${(e as Error).message}`)).then(async () => {
      if (lost) return;
      // gone from `held` only now (until the loop stopped, the lease is still renewed), and
      // between rounds, so no renewal moves the revision under the delete
      await this.ticking;
      this.held.delete(l.partition);
      await this.cluster.leases.delete(this.key(l.partition), { previousSeq: l.revision }).catch(() => undefined);
    });
  }

  /** Gives every partition up (a clean stop: the others take them over at once, not after the lease time). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.watch?.stop();
    await this.ticking;
    const all = [...this.held.values()];
    await Promise.all(all.map(async (l) => {
      await this.hooks.release(l.partition, false).catch(() => undefined);
      await this.cluster.leases.delete(this.key(l.partition), { previousSeq: l.revision }).catch(() => undefined);
    }));
    this.held.clear();
    await this.cluster.workers.delete(this.workerId).catch(() => undefined);
  }
}
