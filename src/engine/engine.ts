/**
 * The engine: enrich each event once, then offer it only to the detectors that declared
 * interest (by log kind, and for CloudTrail by event name and source); events whose remote side
 * is on a trusted list are offered to none. It keeps one watermark
 * per log kind (max event time seen minus the allowed lateness); when a watermark advances a
 * minute or more, expired state is swept and detectors with `onWatermark` are called.
 */
import type { FindingCandidate, LogKind, VigilEvent, CloudTrailEvent } from '../core/index.js';
import { LOG_KINDS } from '../core/index.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Enricher, EnricherContext } from './enricher.js';
import { StateRegistry, type KeyedState, type StateOptions } from './state.js';
import { emptyServices, type EngineServices } from './services.js';

export interface EngineOptions {
  /** How late (event time) logs of each kind may arrive and still land in an open window. */
  latenessMs?: Partial<Record<LogKind, number>>;
  /** Threat-intel indexes; empty lists when omitted. */
  services?: EngineServices;
}

export const DEFAULT_LATENESS: Record<LogKind, number> = {
  cloudtrail: 20 * 60_000, // files cover ~5 min and land up to ~15 min later
  vpcflow: 15 * 60_000, // 1–10 min aggregation plus delivery
  dns: 10 * 60_000,
};

const SWEEP_EVERY = 60_000;

interface Slot { d: Detector; ctx: DetectorContext; sources?: Set<string> }

export interface DetectorErrorInfo { count: number; sample: string }

/**
 * `ctx.state(name)` for one owner. Detectors and enrichers call it for every event; a namespace,
 * once made, lives as long as the registry, so it is remembered by name here instead of building
 * the `<owner>/<name>` key and looking it up each time.
 */
function namespaces(state: StateRegistry, owner: string): <V>(name: string, opts?: StateOptions) => KeyedState<V> {
  const made = new Map<string, KeyedState<unknown>>();
  return <V>(name: string, opts?: StateOptions) => {
    let s = made.get(name);
    if (!s) made.set(name, (s = state.namespace<unknown>(owner, name, opts)));
    return s as KeyedState<V>;
  };
}

export class Engine {
  readonly state: StateRegistry;
  private readonly byKind: Record<LogKind, Slot[]> = { cloudtrail: [], vpcflow: [], dns: [] };
  /** CloudTrail detectors indexed by event name; `ctAll` want every CloudTrail event. */
  private readonly ctByName = new Map<string, Slot[]>();
  private readonly ctAll: Slot[] = [];
  private readonly enrichers: Record<LogKind, { e: Enricher; ctx: EnricherContext }[]> = { cloudtrail: [], vpcflow: [], dns: [] };
  private readonly maxTime: Record<LogKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  private readonly lastSweep: Record<LogKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  private readonly lateness: Record<LogKind, number>;
  readonly detectorErrors = new Map<string, DetectorErrorInfo>();
  /** Events offered, per kind (after parsing). */
  readonly eventsIn: Record<LogKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  /** Events not analysed because their remote side is on a trusted list, per kind. */
  readonly trustedSkipped: Record<LogKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  readonly services: EngineServices;

  constructor(
    detectors: readonly Detector[],
    enrichers: readonly Enricher[],
    private readonly onCandidate: (c: FindingCandidate) => void,
    opts: EngineOptions = {},
    state = new StateRegistry(),
  ) {
    this.state = state;
    // watermarks are state too: a run restored from a checkpoint sweeps and closes windows at the
    // same event times as one that never stopped
    const clock = state.namespace<[number, number]>('engine', 'clock', { ttlMs: 100 * 365 * 86_400_000 });
    for (const k of LOG_KINDS) {
      const saved = clock.get(k);
      if (saved) { this.maxTime[k] = saved[0]; this.lastSweep[k] = saved[1]; }
    }
    state.onSnapshot(() => { for (const k of LOG_KINDS) if (this.maxTime[k] > 0) clock.set(k, [this.maxTime[k], this.lastSweep[k]]); });
    this.services = opts.services ?? emptyServices();
    this.lateness = { ...DEFAULT_LATENESS, ...opts.latenessMs };
    for (const e of enrichers) {
      const ctx: EnricherContext = { state: namespaces(state, e.id), services: this.services };
      for (const k of e.kinds) this.enrichers[k].push({ e, ctx });
    }
    for (const d of detectors) {
      const ctx = this.contextFor(d);
      if (d.onFinding) this.correlators.push({ d, ctx });
      for (const k of d.kinds) {
        const slot: Slot = { d, ctx, sources: d.cloudTrail?.eventSources ? new Set(d.cloudTrail.eventSources) : undefined };
        this.byKind[k].push(slot);
        if (k !== 'cloudtrail') continue;
        if (!d.cloudTrail) { this.ctAll.push(slot); continue; }
        for (const name of d.cloudTrail.eventNames) {
          let list = this.ctByName.get(name);
          if (!list) this.ctByName.set(name, (list = []));
          list.push(slot);
        }
      }
    }
  }

  /** Detectors that correlate other detectors' candidates (`onFinding`). */
  private readonly correlators: Slot[] = [];

  private contextFor(d: Detector): DetectorContext {
    return {
      emit: (c) => {
        this.onCandidate(c);
        for (let i = 0; i < this.correlators.length; i++) {
          const s = this.correlators[i];
          if (s.d === d) continue; // never its own candidates
          try { s.d.onFinding!(c, s.ctx); } catch (err) { this.countError(s.d.id, err); }
        }
      },
      state: namespaces(this.state, d.id),
      watermark: (k) => this.watermark(k),
      services: this.services,
    };
  }

  watermark(kind: LogKind): number {
    return this.maxTime[kind] === 0 ? 0 : this.maxTime[kind] - this.lateness[kind];
  }

  /**
   * Enrich and dispatch one event. Never throws for a detector's or an enricher's failure: the
   * failure is counted (detectorErrors, enrichers as `enricher:<id>`) and the event goes on
   * without that component's work.
   */
  process(e: VigilEvent): void {
    const kind = e.kind;
    this.eventsIn[kind]++;
    if (e.time > this.maxTime[kind]) {
      this.maxTime[kind] = e.time;
      if (e.time - this.lastSweep[kind] >= SWEEP_EVERY) this.advance(kind);
    }
    this.state.clock.now = e.time;
    const ens = this.enrichers[kind];
    for (let i = 0; i < ens.length; i++) {
      try { ens[i].e.enrich(e as never, ens[i].ctx); } catch (err) { this.countError(`enricher:${ens[i].e.id}`, err); }
    }
    // GuardDuty raises nothing for traffic and calls from trusted addresses (its IPSet)
    if (e.enrich.trusted) { this.trustedSkipped[kind]++; return; }
    if (kind === 'cloudtrail') {
      const ct = e as CloudTrailEvent;
      const named = this.ctByName.get(ct.eventName);
      if (named) for (let i = 0; i < named.length; i++) {
        const s = named[i];
        if (!s.sources || s.sources.has(ct.eventSource)) this.call(s, e);
      }
      for (let i = 0; i < this.ctAll.length; i++) this.call(this.ctAll[i], e);
      return;
    }
    const slots = this.byKind[kind];
    for (let i = 0; i < slots.length; i++) this.call(slots[i], e);
  }

  private countError(id: string, err: unknown): void {
    const prev = this.detectorErrors.get(id);
    if (prev) prev.count++;
    else this.detectorErrors.set(id, { count: 1, sample: (err as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(err) });
  }

  private call(s: Slot, e: VigilEvent): void {
    try {
      s.d.onEvent(e as never, s.ctx);
    } catch (err) {
      this.countError(s.d.id, err);
    }
  }

  private advance(kind: LogKind): void {
    this.lastSweep[kind] = this.maxTime[kind];
    const wm = this.watermark(kind);
    const slots = this.byKind[kind];
    this.state.sweep(slots.map((s) => s.d.id), wm);
    for (const s of slots) {
      if (!s.d.onWatermark) continue;
      try { s.d.onWatermark(kind as never, wm, s.ctx); } catch (err) {
        const prev = this.detectorErrors.get(s.d.id);
        if (prev) prev.count++; else this.detectorErrors.set(s.d.id, { count: 1, sample: String(err) });
      }
    }
  }

  /** Which detectors an event of this kind/name would reach (for tests and `--explain`). */
  route(kind: LogKind, eventName?: string, eventSource?: string): string[] {
    if (kind !== 'cloudtrail') return this.byKind[kind].map((s) => s.d.id);
    const named = (eventName && this.ctByName.get(eventName)) || [];
    return [...named.filter((s) => !s.sources || (eventSource && s.sources.has(eventSource))), ...this.ctAll].map((s) => s.d.id);
  }

  static readonly kinds = LOG_KINDS;
}
