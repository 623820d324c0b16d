/**
 * @module findings
 * Candidates → GuardDuty findings: fingerprint, aggregation, suppression; criteria matching.
 */
export { FindingsService, type FlushResult } from './service.js';
export { buildFinding, mergeFinding } from './build.js';
export { compileCriteria, valuesAt, type FindingCriteria, type Condition } from './criteria.js';
export { findingId, detectorIdFor, partitionOf } from './fingerprint.js';
