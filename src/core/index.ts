/**
 * @module core
 * The shared vocabulary: events, findings, candidates, severity, the finding-type catalogue,
 * bad-input reasons and IP helpers. Imports nothing else from src/.
 */
export * from './events.js';
export * from './finding.js';
export * from './candidate.js';
export * from './severity.js';
export * from './finding-types.js';
export * from './bad-input.js';
export * from './ip.js';
