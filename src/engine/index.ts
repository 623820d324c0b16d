/**
 * @module engine
 * Enrichment and dispatch: events in, finding candidates out, with keyed state and watermarks.
 */
export { Engine, DEFAULT_LATENESS, type EngineOptions } from './engine.js';
export { defineDetector, type Detector, type DetectorContext } from './detector.js';
export { defineEnricher, type Enricher, type EnricherContext } from './enricher.js';
export { KeyedState, StateRegistry, type StateOptions, type StateSnapshotData } from './state.js';
export { emptyServices, type EngineServices, type IntelServices } from './services.js';
