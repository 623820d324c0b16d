/**
 * The detector contract. A detector declares what it consumes (log kinds and, for CloudTrail,
 * event names and sources) and which finding types it can raise; the engine only offers it
 * matching events. A detector object holds no per-run data: anything it remembers lives in the
 * keyed state the context gives it, which is bounded and persisted with the checkpoint.
 */
import type { EventOf, FindingCandidate, LogKind } from '../core/index.js';
import type { KeyedState, StateOptions } from './state.js';
import type { EngineServices } from './services.js';

export interface DetectorContext {
  /** Raises one occurrence of a finding. */
  emit(candidate: FindingCandidate): void;
  /** A keyed state namespace owned by this detector (created on first use, restored from the last scan). */
  state<V>(name: string, opts?: StateOptions): KeyedState<V>;
  /** Event time up to which logs of this kind are considered complete. */
  watermark(kind: LogKind): number;
  /** Threat-intel indexes (to name the lists behind `event.enrich.intel`). */
  readonly services: EngineServices;
}

export interface Detector<K extends LogKind = LogKind> {
  /** Stable id (kebab-case); names the state namespaces and error counts. */
  readonly id: string;
  /** One line: what it looks for. */
  readonly description: string;
  readonly kinds: readonly K[];
  /** CloudTrail only: the API calls wanted. Omit to receive every CloudTrail event. */
  readonly cloudTrail?: { eventNames: readonly string[]; eventSources?: readonly string[] };
  /** Every finding type this detector may emit (checked against the catalogue by a test). */
  readonly findingTypes: readonly string[];
  /**
   * Called once per matching event, synchronously. May throw: the engine counts the error
   * against this detector and goes on with the next detector and event.
   */
  onEvent(event: EventOf<K>, ctx: DetectorContext): void;
  /**
   * Correlating detectors only: called with every candidate another detector emits (synchronously,
   * before the findings service sees it), so findings can be signals of a longer sequence.
   */
  onFinding?(candidate: FindingCandidate, ctx: DetectorContext): void;
  /** Called when the watermark of one of `kinds` advances (at most once a minute of event time). */
  onWatermark?(kind: K, watermark: number, ctx: DetectorContext): void;
}

/**
 * Declares a detector. Inside the definition the event type is narrowed to the declared kinds;
 * the result is the kind-erased `Detector` the engine and registry hold (the engine only ever
 * offers a detector events of its declared kinds).
 */
export function defineDetector<K extends LogKind>(d: Detector<K>): Detector {
  return d as unknown as Detector;
}
