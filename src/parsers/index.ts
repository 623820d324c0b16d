/**
 * @module parsers
 * Bytes → typed events, per log type; bad input counted with a reason, never thrown.
 */
export type { Parser, ParserSession, ParseSink, ParseOptions } from './types.js';
export { PARSERS, parserFor } from './registry.js';
export { detectKind } from './detect.js';
export { keyHints, type KeyHints } from './key-layout.js';
export { parseIsoTime, isoTime } from './time.js';
