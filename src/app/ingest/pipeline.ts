/**
 * The ingest loop's engine, detector state and findings service, as of the last checkpoint plus
 * what was read since. After a failed checkpoint it is loaded again from the store, so the next
 * attempt starts from exactly the committed state (findings stay exactly-once).
 */
import { DETECTORS } from '../../detectors/registry.js';
import { ENRICHERS } from '../../enrich/registry.js';
import { Engine, StateRegistry, type Detector, type Enricher, type EngineServices } from '../../engine/index.js';
import { FindingsService } from '../../findings/index.js';
import type { SourceObject } from '../../sources/index.js';
import type { Store, UsageRow } from '../../store/index.js';

export class Pipeline {
  services?: EngineServices;
  engine!: Engine;
  state!: StateRegistry;
  findings!: FindingsService;
  /** Fingerprints read since the last checkpoint. */
  seen = new Set<string>();
  usage = new Map<string, UsageRow>();
  /** Newest event time seen by the tap since it was last reset. */
  newest = 0;
  /** Engine stand-in handed to processObject: notes the newest event time, then dispatches. */
  tap!: Engine;

  constructor(private readonly o: { store: Store; services?: EngineServices; detectors?: readonly Detector[]; enrichers?: readonly Enricher[] }) {}

  /** Replaces everything by the store's last checkpoint; on failure nothing is replaced. */
  async load(): Promise<void> {
    const rows = await this.o.store.loadState();
    const state = new StateRegistry();
    state.preload(rows);
    const findings = new FindingsService();
    const engine = new Engine(this.o.detectors ?? DETECTORS, this.o.enrichers ?? ENRICHERS, (c) => findings.submit(c), { services: this.services ?? this.o.services }, state);
    this.state = state;
    this.findings = findings;
    this.engine = engine;
    this.tap = { process: (e: Parameters<Engine['process']>[0]) => { if (e.time > this.newest) this.newest = e.time; engine.process(e); } } as unknown as Engine;
    this.seen = new Set();
    this.usage = new Map();
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
