/**
 * The listing side of a cluster (`vigil serve --nats`): polls the configured sources (folder,
 * S3, SQS) as the ingest loop would, but instead of reading objects it publishes one notice per
 * object to the partition its key names. Only once JetStream has stored a notice is its source
 * told the object is handed over (an SQS message is deleted, an S3 cursor moves): a crash before
 * that lists the object again, and the notice's message id drops the repeat.
 */
import type { ContinuousSource } from '../sources/continuous.js';
import { refOf } from '../sources/refs.js';
import type { SourceObject } from '../sources/index.js';
import { describeError } from '../core/transient.js';
import { backoffMs, RETRY_DEFAULTS } from '../app/ingest/retry.js';
import { PollLoop } from '../app/ingest/poll-loop.js';
import type { Cluster } from './nats.js';
import { noticeId, type ObjectNotice } from './notice.js';
import { accountOfKey, partitionOfAccount } from './partitions.js';

export interface PublisherSourceView {
  id: string; type: string; location: string;
  published: number;
  /** Notices JetStream already had (the same object listed again). */
  duplicates: number;
  /** Objects that cannot be handed to a worker (no reference). */
  refused: number;
  lastPollAt?: string;
  lastPublishAt?: string;
  lastError?: { message: string; at: string };
  failures: number;
}

export class Publisher {
  private readonly polls: PollLoop<ContinuousSource>;
  private readonly views = new Map<string, PublisherSourceView>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly o: { cluster: Cluster; sources: ContinuousSource[]; log?: (level: 'info' | 'warn' | 'error', msg: string) => void }) {
    for (const s of o.sources) {
      this.views.set(s.id, { id: s.id, type: s.type, location: s.location, published: 0, duplicates: 0, refused: 0, failures: 0 });
    }
    // (an API-only server of the cluster has no source: the loop does not run)
    this.polls = new PollLoop(o.sources, async (s) => { await this.pollOnce(s); });
  }

  get sources(): readonly ContinuousSource[] { return this.o.sources; }

  view(): PublisherSourceView[] { return [...this.views.values()].map((v) => ({ ...v })); }

  start(): void { this.polls.start(); }

  async stop(): Promise<void> {
    await this.polls.stop();
    for (const s of this.o.sources) await s.stop().catch(() => undefined);
  }

  /** One poll of one source and its notices. Returns the objects handed over. Exposed for tests. */
  async pollOnce(s: ContinuousSource): Promise<number> {
    const v = this.views.get(s.id)!;
    let objects: SourceObject[];
    try {
      objects = await s.poll();
      v.lastPollAt = new Date().toISOString();
    } catch (e) {
      this.failed(s, e);
      return 0;
    }
    s.notices?.splice(0);
    const done: SourceObject[] = [];
    const refused = new Set<SourceObject>();
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      let notice: ObjectNotice;
      try {
        const ref = refOf(obj);
        const account = accountOfKey(obj.key);
        notice = { v: 1, source: s.id, ref, ...(account ? { account } : {}), publishedAt: new Date().toISOString() };
      } catch (e) {
        v.refused++;
        refused.add(obj);
        done.push(obj);
        this.o.log?.('error', `source ${s.id}: ${describeError(e)}`);
        continue;
      }
      try {
        const ack = await this.o.cluster.js.publish(this.o.cluster.subject(partitionOfAccount(notice.account, this.o.cluster.partitions)), JSON.stringify(notice), { msgID: noticeId(notice.ref) });
        if (ack.duplicate) v.duplicates++; else v.published++;
        done.push(obj);
      } catch (e) {
        // what was stored is handed over; the rest is listed again after the backoff
        s.retry?.(objects.slice(i));
        if (done.length) await s.committed?.(done, refused).catch((err) => this.failed(s, err));
        this.failed(s, e);
        return done.length;
      }
    }
    if (done.length) {
      v.lastPublishAt = new Date().toISOString();
      await s.committed?.(done, refused).catch((e) => this.failed(s, e));
    }
    this.failures.set(s.id, 0);
    return done.length;
  }

  private failed(s: ContinuousSource, e: unknown): void {
    const v = this.views.get(s.id)!;
    const n = (this.failures.get(s.id) ?? 0) + 1;
    this.failures.set(s.id, n);
    v.failures++;
    v.lastError = { message: describeError(e), at: new Date().toISOString() };
    const wait = backoffMs(n, RETRY_DEFAULTS);
    this.polls.at(s.id, Date.now() + wait);
    this.o.log?.('warn', `source ${s.id}: ${v.lastError.message}; next try in ${wait} ms`);
  }
}
