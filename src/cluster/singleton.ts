/**
 * A task that one process of the cluster runs at a time (notifications, export and retention,
 * which every API replica could run but only one must): whoever creates the lease `task.<name>`
 * in the leases bucket runs it, renews it every lease/3, and stops it when a renewal finds the
 * lease another's. A dead holder's lease expires; a standby takes it at its next try.
 */
import type { Cluster } from './nats.js';

export interface SingletonTask {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class Singleton {
  private revision?: number;
  private running?: SingletonTask;
  private timer?: NodeJS.Timeout;
  private busy?: Promise<void>;

  constructor(private readonly cluster: Cluster, readonly name: string, readonly owner: string, private readonly make: () => SingletonTask,
    private readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void) {}

  private get key(): string { return `task.${this.name}`; }

  get active(): boolean { return this.running !== undefined; }

  start(): void {
    this.timer = setInterval(() => { void this.tick(); }, Math.max(200, Math.floor(this.cluster.leaseMs / 3)));
    void this.tick();
  }

  tick(): Promise<void> {
    this.busy ??= this.round().catch((e) => this.log?.('warn', `${this.name}: ${(e as Error).message}`)).finally(() => { this.busy = undefined; });
    return this.busy;
  }

  private async round(): Promise<void> {
    const value = JSON.stringify({ worker: this.owner, at: new Date().toISOString() });
    if (this.revision !== undefined) {
      try {
        this.revision = await this.cluster.leases.update(this.key, value, this.revision);
        return;
      } catch (e) {
        if (!/wrong last sequence/i.test((e as Error).message)) return;
        this.log?.('warn', `${this.name}: another process took it over`);
        this.revision = undefined;
        await this.halt();
        return;
      }
    }
    try { this.revision = await this.cluster.leases.create(this.key, value); } catch { return; /* another runs it */ }
    const task = this.make();
    try {
      await task.start();
      this.running = task;
      this.log?.('info', `${this.name}: running here`);
    } catch (e) {
      this.log?.('error', `${this.name}: could not start (${(e as Error).message})`);
      await this.cluster.leases.delete(this.key, { previousSeq: this.revision }).catch(() => undefined);
      this.revision = undefined;
    }
  }

  private async halt(): Promise<void> {
    const t = this.running;
    this.running = undefined;
    await t?.stop();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    await this.halt();
    if (this.revision !== undefined) await this.cluster.leases.delete(this.key, { previousSeq: this.revision }).catch(() => undefined);
    this.revision = undefined;
  }
}
