/**
 * @module sources
 * Where log objects come from. A source lists objects and opens their bytes; it never parses.
 */
export type { SourceObject } from './types.js';
export { expandPaths, FileObject, globToRegExp } from './files.js';
