/**
 * The enricher contract. Enrichers run once per event, before any detector, and publish fields
 * on `event.enrich` (direction, caller IP class; later intel matches, ASN, geo) that every
 * detector reads. No detector looks such things up on its own.
 */
import type { EventOf, LogKind } from '../core/index.js';
import type { KeyedState, StateOptions } from './state.js';
import type { EngineServices } from './services.js';

export interface EnricherContext {
  state<V>(name: string, opts?: StateOptions): KeyedState<V>;
  readonly services: EngineServices;
}

export interface Enricher<K extends LogKind = LogKind> {
  readonly id: string;
  readonly kinds: readonly K[];
  /** Fills `event.enrich`. Must not throw for any well-formed event. */
  enrich(event: EventOf<K>, ctx: EnricherContext): void;
}

/** Declares an enricher; like defineDetector, narrows inside and erases the kind outside. */
export function defineEnricher<K extends LogKind>(e: Enricher<K>): Enricher {
  return e as unknown as Enricher;
}
