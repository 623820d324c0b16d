/**
 * The notification dispatcher. After each checkpoint it gets the created and updated findings:
 *  - new findings go out at once;
 *  - updates (a finding's count grew) are held and sent once per publishing period of the
 *    finding's detector — `findingPublishingFrequency` FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS
 *    (GuardDuty's default), as GuardDuty publishes updated findings — the latest version only;
 *  - archived findings (suppression rules, or archived by hand) are never sent.
 * Each notifier has its own queue: a failed delivery is retried with exponential backoff, then
 * written to the dead-letter file (JSON lines: notifier, error, event) so nothing vanishes.
 *
 * New findings are delivered at least once across crashes: each notifier's mark (the creation
 * time of the last new finding it delivered or dead-lettered) is saved in the store, and
 * `recover()` at start queues the unarchived findings created after it — those a killed process
 * committed but had not yet delivered (a few may go twice). Held updates live in memory: a kill
 * loses them until the finding's next update.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Finding } from '../core/index.js';
import type { Store } from '../store/index.js';
import { findingEvent } from './event.js';
import { makeNotifier, type NotifierConfig } from './registry.js';
import type { FindingEvent, Notifier } from './types.js';

export type { FindingEvent, Notifier } from './types.js';
export { findingEvent } from './event.js';

export const FREQUENCY_MS = { FIFTEEN_MINUTES: 15 * 60_000, ONE_HOUR: 3_600_000, SIX_HOURS: 6 * 3_600_000 } as const;
export type Frequency = keyof typeof FREQUENCY_MS;

export interface NotifierStats { name: string; sent: number; failed: number; retried: number; deadLettered: number; queued: number; lastError?: { message: string; at: string }; lastSentAt?: string }

interface Lane {
  n: Notifier;
  cfg: NotifierConfig;
  queue: FindingEvent[];
  busy: boolean;
  stats: NotifierStats;
  /** Creation time (ISO) of the newest new finding delivered or dead-lettered, and the ids delivered with that time; saved in the store. */
  mark: Mark;
}

interface Mark { createdAt: string; ids: string[] }

/** Store document kind of the notifiers' delivery marks (id = notifier name). */
const MARK_DOC = 'notify-mark';
/** Findings a notifier catches up on at start, at most (the rest: the API and the export have them). */
const RECOVER_MAX = 10_000;

export interface NotificationOptions {
  store: Store;
  notifiers: NotifierConfig[] | Notifier[];
  /** JSON lines of events that could not be delivered (default `<db>.dead-letter.jsonl`). */
  deadLetter: string;
  /** Overrides every detector's frequency (tests). */
  frequencyMs?: number;
  /** Called when an event was delivered (the latency bench). */
  onSent?: (e: FindingEvent, notifier: string) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock (tests move it). */
  now?: () => number;
}

const isNotifier = (x: unknown): x is Notifier => typeof (x as Notifier).send === 'function';

export class Notifications {
  private readonly lanes: Lane[];
  /** Updated findings waiting for their detector's next publishing time, by finding id. */
  private readonly pendingUpdates = new Map<string, Finding>();
  private readonly lastPublished = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: NotificationOptions) {
    this.lanes = o.notifiers.map((c) => {
      const n = isNotifier(c) ? c : makeNotifier(c);
      return { n, cfg: (isNotifier(c) ? {} : c) as NotifierConfig, queue: [], busy: false, mark: { createdAt: '', ids: [] }, stats: { name: n.name, sent: 0, failed: 0, retried: 0, deadLettered: 0, queued: 0 } };
    });
    // updates are looked at every minute; each detector's period decides when they go
    if (this.lanes.length) { this.timer = setInterval(() => { this.publishUpdates().catch((e) => o.log?.('error', `notifications: ${(e as Error).message}`)); }, Math.min(60_000, o.frequencyMs ?? 60_000)); this.timer.unref(); }
  }

  /**
   * At start, before the first checkpoint: each notifier queues the unarchived findings created
   * after its saved mark (a notifier seen for the first time starts from now, with no backlog).
   */
  async recover(): Promise<void> {
    const now = new Date((this.o.now ?? Date.now)()).toISOString();
    for (const l of this.lanes) {
      const saved = await this.o.store.getDoc<Mark>(MARK_DOC, l.n.name);
      if (!saved) { await this.saveMark(l, { createdAt: now, ids: [] }); continue; }
      l.mark = saved;
      // one checkpoint's findings share a creation time: those of the mark's time not yet delivered count too
      const page = await this.o.store.pageFindings({
        criteria: { criterion: { createdAt: { gte: Date.parse(saved.createdAt) }, 'service.archived': { eq: ['false'] } } },
        sort: { attribute: 'createdAt', order: 'ASC' }, limit: RECOVER_MAX,
      });
      const min = l.cfg.minSeverity ?? 0;
      const done = new Set(saved.ids);
      const missed = page.findings.filter((f) => f.severity >= min && f.createdAt >= saved.createdAt && !(f.createdAt === saved.createdAt && done.has(f.id))).map(findingEvent);
      if (!missed.length) continue;
      this.o.log?.('info', `notifier ${l.n.name}: ${missed.length} finding(s) created since its last delivery are sent now`);
      l.queue.push(...missed);
      void this.drain(l);
    }
  }

  private async saveMark(l: Lane, mark: Mark): Promise<void> {
    l.mark = mark;
    await this.o.store.putDoc(MARK_DOC, l.n.name, '', mark).catch((e: Error) => this.o.log?.('error', `notifier ${l.n.name}: saving its delivery mark: ${e.message}`));
  }

  /** After a batch left the queue (delivered or dead-lettered): its newest new finding moves the mark. */
  private async advance(l: Lane, batch: FindingEvent[]): Promise<void> {
    let { createdAt, ids } = l.mark;
    let moved = false;
    for (const e of batch) {
      const f = e.detail;
      if (f.createdAt !== f.updatedAt || f.createdAt < createdAt) continue; // an update, or older than the mark
      if (f.createdAt > createdAt) { createdAt = f.createdAt; ids = []; }
      ids.push(f.id);
      moved = true;
    }
    if (moved) await this.saveMark(l, { createdAt, ids });
  }

  get stats(): NotifierStats[] { return this.lanes.map((l) => ({ ...l.stats, queued: l.queue.length })); }

  /** After a checkpoint. */
  async onCommit(created: Finding[], updated: Finding[]): Promise<void> {
    if (this.lanes.length === 0) return;
    const fresh = created.filter((f) => !f.service.archived);
    for (const f of updated) {
      if (f.service.archived) { this.pendingUpdates.delete(f.id); continue; }
      this.pendingUpdates.set(f.id, f);
    }
    if (fresh.length) this.enqueue(fresh.map(findingEvent));
    await this.publishUpdates();
  }

  private async frequencyOf(detectorId: string): Promise<number> {
    if (this.o.frequencyMs !== undefined) return this.o.frequencyMs;
    const d = await this.o.store.getDoc<{ findingPublishingFrequency?: Frequency }>('detector', detectorId).catch(() => undefined);
    return FREQUENCY_MS[d?.findingPublishingFrequency ?? 'SIX_HOURS'] ?? FREQUENCY_MS.SIX_HOURS;
  }

  /** Sends held updates of the detectors whose period has passed. */
  async publishUpdates(force = false): Promise<void> {
    if (this.pendingUpdates.size === 0) return;
    const now = (this.o.now ?? Date.now)();
    const byDetector = new Map<string, Finding[]>();
    for (const f of this.pendingUpdates.values()) {
      const list = byDetector.get(f.service.detectorId) ?? [];
      list.push(f);
      byDetector.set(f.service.detectorId, list);
    }
    for (const [det, list] of byDetector) {
      const last = this.lastPublished.get(det);
      if (last === undefined) this.lastPublished.set(det, now); // the period starts with the first held update
      if (!force && now - (last ?? now) < (await this.frequencyOf(det))) continue;
      this.lastPublished.set(det, now);
      // a finding archived since it was held is not sent
      const current = new Map((await this.o.store.getFindings(list.map((f) => f.id))).map((f) => [f.id, f]));
      for (const f of list) this.pendingUpdates.delete(f.id);
      const send = list.map((f) => current.get(f.id) ?? f).filter((f) => !f.service.archived);
      if (send.length) this.enqueue(send.map(findingEvent));
    }
  }

  private enqueue(events: FindingEvent[]): void {
    for (const l of this.lanes) {
      const min = l.cfg.minSeverity ?? 0;
      const mine = events.filter((e) => e.detail.severity >= min);
      if (!mine.length) continue;
      l.queue.push(...mine);
      void this.drain(l);
    }
  }

  private async drain(l: Lane): Promise<void> {
    if (l.busy) return;
    l.busy = true;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    try {
      while (l.queue.length) {
        const batch = l.queue.splice(0, 50);
        const attempts = Math.max(1, l.cfg.attempts ?? 5);
        let delay = l.cfg.backoffMs ?? 500;
        for (let i = 1; ; i++) {
          try {
            await l.n.send(batch);
            l.stats.sent += batch.length;
            l.stats.lastSentAt = new Date().toISOString();
            for (const e of batch) this.o.onSent?.(e, l.n.name);
            await this.advance(l, batch);
            break;
          } catch (err) {
            l.stats.failed++;
            l.stats.lastError = { message: (err as Error).message, at: new Date().toISOString() };
            if (i >= attempts || this.closed) {
              await this.deadLetter(l, batch, err as Error);
              await this.advance(l, batch);
              break;
            }
            l.stats.retried++;
            this.o.log?.('warn', `notifier ${l.n.name}: ${(err as Error).message}; retry ${i} in ${delay} ms`);
            await sleep(delay);
            delay *= 2;
          }
        }
      }
    } finally {
      l.busy = false;
      if (this.lanes.every((x) => !x.busy && x.queue.length === 0)) for (const r of this.idle.splice(0)) r();
    }
  }

  private async deadLetter(l: Lane, batch: FindingEvent[], err: Error): Promise<void> {
    l.stats.deadLettered += batch.length;
    this.o.log?.('error', `notifier ${l.n.name}: ${err.message}; ${batch.length} event(s) written to ${this.o.deadLetter}`);
    try {
      // findings are private: the file 0600, a folder made for it 0700
      await mkdir(dirname(this.o.deadLetter), { recursive: true, mode: 0o700 });
      await appendFile(this.o.deadLetter, batch.map((e) => JSON.stringify({ notifier: l.n.name, error: err.message, at: new Date().toISOString(), event: e }) + '\n').join(''), { mode: 0o600 });
    } catch (e) {
      this.o.log?.('error', `dead-letter file ${this.o.deadLetter}: ${(e as Error).message}`);
    }
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.lanes.every((l) => !l.busy && l.queue.length === 0)) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** Sends held updates, waits for the queues, closes the notifiers. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.publishUpdates(true);
    await this.whenIdle();
    this.closed = true;
    for (const l of this.lanes) await l.n.close?.().catch(() => undefined);
  }
}
