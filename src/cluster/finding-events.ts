/**
 * Finding events between the workers, which commit findings, and the one server that notifies
 * (`<PREFIX>_FINDINGS`). A worker publishes each created or updated finding after its checkpoint
 * committed; the notifying server reads them through the durable consumer `notify` and hands
 * them to the notifiers as a single process's ingest loop would. A worker killed between its
 * commit and its publish loses those events; new findings among them are still delivered,
 * because the notifiers' start (`recover`) sends whatever was created after each notifier's mark.
 */
import { AckPolicy, DeliverPolicy, type Consumer } from '@nats-io/jetstream';
import type { Finding } from '../core/index.js';
import type { Notifications } from '../notify/index.js';
import type { Cluster } from './nats.js';

interface FindingEvent { kind: 'created' | 'updated'; finding: Finding }

export async function publishFindings(c: Cluster, created: Finding[], updated: Finding[]): Promise<void> {
  const all: FindingEvent[] = [...created.map((f) => ({ kind: 'created' as const, finding: f })), ...updated.map((f) => ({ kind: 'updated' as const, finding: f }))];
  await Promise.all(all.map((e) => c.js.publish(c.findingsSubject, JSON.stringify(e), { msgID: `${e.finding.id}:${e.finding.service.count}:${e.finding.updatedAt}` })));
}

/** The notifying server's loop: finding events → notifications, acknowledged once handed over. */
export class FindingEventsReader {
  private running = false;
  private loop?: Promise<void>;
  read = 0;

  constructor(private readonly c: Cluster, private readonly notifications: Notifications, private readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void) {}

  async start(): Promise<void> {
    // made once: it starts with events published from then on, and keeps its place across holders
    const exists = await this.c.jsm.consumers.info(this.c.findingsStream, 'notify').then(() => true, () => false);
    if (!exists) await this.c.jsm.consumers.add(this.c.findingsStream, { durable_name: 'notify', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: 60e9 });
    const consumer = await this.c.js.consumers.get(this.c.findingsStream, 'notify');
    this.running = true;
    this.loop = this.run(consumer);
  }

  private async run(consumer: Consumer): Promise<void> {
    while (this.running) {
      try {
        const msgs = await consumer.fetch({ max_messages: 200, expires: 1000 });
        const created: Finding[] = [];
        const updated: Finding[] = [];
        const got = [];
        for await (const m of msgs) {
          got.push(m);
          try {
            const e = JSON.parse(m.string()) as FindingEvent;
            (e.kind === 'created' ? created : updated).push(e.finding);
          } catch { /* not an event: dropped */ }
        }
        if (created.length || updated.length) await this.notifications.onCommit(created, updated);
        for (const m of got) m.ack();
        this.read += got.length;
      } catch (e) {
        if (!this.running) break;
        this.log?.('warn', `finding events: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
