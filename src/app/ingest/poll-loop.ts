/**
 * When each continuous source is polled next, for the ingest loop and for the cluster's listing
 * side alike: every due source in turn (one at a time, so a slow one delays the others rather
 * than piling up), then a sleep until the first is due again. A source's own wake-up (a folder
 * change, an S3 event notification) or `due(id)` makes it due now and cuts the sleep short;
 * `at(id, time)` moves its next poll (a retry after a backoff). A source's `intervalMs` is read
 * before and after each of its polls, so it may change with what the source holds.
 */
export interface Polled { readonly id: string; readonly intervalMs: number; onWake?: () => void }

export class PollLoop<S extends Polled> {
  private readonly next = new Map<string, number>();
  /** Sources whose next poll `at` set during their poll (kept as set, not brought forward). */
  private readonly pinned = new Set<string>();
  private wakeUp?: () => void;
  private running = false;
  private done?: Promise<void>;

  /** `poll` must not throw for a source's failure (it would end the loop): it reports it itself. */
  constructor(private readonly sources: readonly S[], private readonly poll: (s: S) => Promise<void>) {
    for (const s of sources) s.onWake = () => this.due(s.id);
  }

  start(): void {
    this.running = true;
    if (this.sources.length) this.done = this.run();
  }

  /** Ends the loop after the poll in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.done;
  }

  /** Polls `id` as soon as the loop is free. */
  due(id: string): void {
    this.pinned.delete(id);
    this.next.set(id, 0);
    this.wakeUp?.();
  }

  /** The next poll of `id` at `time` (epoch ms) instead of an interval after the last one. */
  at(id: string, time: number): void {
    this.next.set(id, time);
    this.pinned.add(id);
  }

  private async run(): Promise<void> {
    while (this.running) {
      for (const s of this.sources) {
        if (!this.running) break;
        if ((this.next.get(s.id) ?? 0) > Date.now()) continue;
        this.next.set(s.id, Date.now() + s.intervalMs);
        await this.poll(s);
        // a source's interval can depend on what the poll found (a folder's file still settling is
        // due sooner): asked again afterwards, unless the poll set the time (a backoff)
        if (!this.pinned.delete(s.id)) this.next.set(s.id, Math.min(this.next.get(s.id)!, Date.now() + s.intervalMs));
      }
      if (!this.running) break;
      const wait = Math.max(0, Math.min(...this.sources.map((s) => this.next.get(s.id) ?? 0)) - Date.now());
      if (wait > 0) await new Promise<void>((res) => { const t = setTimeout(res, wait); this.wakeUp = () => { clearTimeout(t); res(); }; });
      this.wakeUp = undefined;
    }
  }
}
