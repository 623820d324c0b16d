/**
 * The ingest loop's engines, detector state and findings service, as of the last checkpoint plus
 * what was read since. After a failed checkpoint it is loaded again from the store, so the next
 * attempt starts from exactly the committed state (findings stay exactly-once).
 */
import { DETECTORS } from '../../detectors/registry.js';
import { ENRICHERS } from '../../enrich/registry.js';
import { Engine, type Detector, type Enricher, type EngineServices } from '../../engine/index.js';
import { FindingsService } from '../../findings/index.js';
import type { SourceObject } from '../../sources/index.js';
import type { Store, UsageRow } from '../../store/index.js';
import { Shards, stateLayout, type StateLayout } from '../shards.js';

export class Pipeline {
  services?: EngineServices;
  /** One engine and state per partition (shards.ts), each loaded from its last checkpoint on first use. */
  shards!: Shards;
  findings!: FindingsService;
  /** Fingerprints read since the last checkpoint. */
  seen = new Set<string>();
  usage = new Map<string, UsageRow>();
  /** Newest event time seen by engineFor's engines since it was last reset. */
  newest = 0;
  private layout?: StateLayout;

  /** `layout`: the state layout to use instead of the database's (a cluster partition's store prefixes state itself). */
  constructor(private readonly o: { store: Store; services?: EngineServices; detectors?: readonly Detector[]; enrichers?: readonly Enricher[]; layout?: StateLayout }) {}

  /** Drops everything held in memory: what comes next starts from the store's last checkpoint. */
  async load(): Promise<void> {
    const layout = this.o.layout ?? (this.layout ??= await stateLayout(this.o.store));
    const findings = new FindingsService();
    const services = this.services ?? this.o.services;
    this.shards = new Shards(this.o.store, layout,
      (state) => new Engine(this.o.detectors ?? DETECTORS, this.o.enrichers ?? ENRICHERS, (c) => findings.submit(c), { services }, state));
    this.findings = findings;
    this.seen = new Set();
    this.usage = new Map();
  }

  /** The engine of an object's partition, as processObject wants it: notes the newest event time, then dispatches. */
  async engineFor(key: string): Promise<Engine> {
    const { engine } = await this.shards.of(key);
    return { process: (e: Parameters<Engine['process']>[0]) => { if (e.time > this.newest) this.newest = e.time; engine.process(e); } } as unknown as Engine;
  }
}

/**
 * An object as handed to processObject, remembering the first error its byte stream or a ranged
 * read raised: processObject counts such errors as bad input (`read-error`), and the loop must
 * know when that was a dropped connection rather than the object, to read it again instead.
 */
export class WatchedObject implements SourceObject {
  error?: unknown;
  constructor(readonly inner: SourceObject) {}
  get uri(): string { return this.inner.uri; }
  get key(): string { return this.inner.key; }
  get size(): number { return this.inner.size; }

  open(): ReturnType<SourceObject['open']> {
    const s = this.inner.open();
    s.on('error', (e) => { this.error ??= e; });
    return s;
  }

  async readRange(offset: number, length: number): Promise<Buffer> {
    try { return await this.inner.readRange(offset, length); } catch (e) { this.error ??= e; throw e; }
  }
}
