/**
 * A partition's notices as a continuous source, so a worker runs the same ingest loop (checkpoints,
 * retries, quarantine) as `vigil serve` does over a folder: `poll` fetches the next notices from
 * the partition's durable consumer and opens the objects they name; `committed` acknowledges them
 * (double ack: the server confirms), which is when JetStream deletes them; `retry` gives them
 * back. An object whose checkpoint did not commit is never acknowledged, so whoever owns the
 * partition next reads it again from the last committed state.
 */
import type { JsMsg, Consumer } from '@nats-io/jetstream';
import type { ContinuousSource } from '../sources/continuous.js';
import type { SourceObject } from '../sources/index.js';
import { openRef } from '../sources/refs.js';
import type { Cluster } from './nats.js';
import { parseNotice } from './notice.js';

/** An object opened from a notice, with the message to acknowledge once it is committed. */
class NoticedObject implements SourceObject {
  constructor(readonly inner: SourceObject, readonly msg: JsMsg) {}
  get uri(): string { return this.inner.uri; }
  get key(): string { return this.inner.key; }
  get size(): number { return this.inner.size; }
  open(): ReturnType<SourceObject['open']> { return this.inner.open(); }
  readRange(offset: number, length: number): Promise<Buffer> { return this.inner.readRange(offset, length); }
}

export interface PartitionSourceOptions {
  /** Notices fetched per poll (default 25, the ingest loop's checkpoint size). */
  batch?: number;
  /** How long a poll waits for the first notice when there is none (ms, default 2000; a handover waits for it at most once). */
  waitMs?: number;
}

export class PartitionSource implements ContinuousSource {
  readonly type = 'partition';
  readonly id: string;
  readonly location: string;
  readonly intervalMs = 0;
  notices: { reason: string; uri: string; at: string }[] = [];
  private consumer?: Consumer;
  private readonly stats = { fetched: 0, acked: 0, returned: 0, badNotices: 0 };
  private stopped = false;

  constructor(private readonly cluster: Cluster, readonly partition: number, private readonly o: PartitionSourceOptions = {}) {
    this.id = `partition:${partition}`;
    this.location = `nats ${cluster.stream} ${cluster.subject(partition)}`;
  }

  async poll(): Promise<SourceObject[]> {
    if (this.stopped) return [];
    this.consumer ??= await this.cluster.js.consumers.get(this.cluster.stream, this.cluster.consumer(this.partition));
    const out: SourceObject[] = [];
    // wait for the first notice, then take exactly what is already waiting behind it (up to a
    // batch): a fetch asking for more than is there would hold the poll until it expires
    const first = await this.consumer.next({ expires: this.o.waitMs ?? 2000 });
    if (!first) return out;
    const got: JsMsg[] = [first];
    const more = Math.min((this.o.batch ?? 25) - 1, first.info.pending);
    if (more > 0) for await (const m of await this.consumer.fetch({ max_messages: more, expires: 2000 })) got.push(m);
    for (const m of got) {
      this.stats.fetched++;
      try {
        const n = parseNotice(m.data);
        out.push(new NoticedObject(await openRef(n.ref), m));
      } catch (e) {
        // a message no worker can use: dropped for good, counted, never retried
        this.stats.badNotices++;
        this.notices.push({ reason: 'bad-notice', uri: `${this.cluster.stream}#${m.seq}: ${(e as Error).message}`, at: new Date().toISOString() });
        m.term();
      }
    }
    return out;
  }

  async committed(objects: SourceObject[]): Promise<void> {
    for (const o of objects) {
      if (!(o instanceof NoticedObject)) continue;
      await o.msg.ackAck();
      this.stats.acked++;
    }
  }

  retry(objects: SourceObject[]): void {
    for (const o of objects) {
      if (!(o instanceof NoticedObject)) continue;
      o.msg.nak();
      this.stats.returned++;
    }
  }

  counters(): Record<string, number> { return { ...this.stats }; }

  async stop(): Promise<void> { this.stopped = true; }
}
