/**
 * @module readers
 * Raw object bytes → decompressed chunks (gzip by magic number), and object fingerprints.
 */
export { readObject, isGzip, objectFingerprint, type ReadOutcome } from './decompress.js';
