/**
 * Vigil's reading and parsing stages alone (sources → readers → parser, events counted and
 * dropped): no enrichment, detection, findings or store. The gap between this and the full scan
 * is what detection and persistence cost.
 */
import { keyHints, parserFor } from '../../src/parsers/index.js';
import { isGzip, readObject } from '../../src/readers/index.js';
import { expandPaths } from '../../src/sources/index.js';
import type { LogKind } from '../../src/core/index.js';
import type { WorkloadResult } from './types.js';

export async function vigilParse(dir: string, kind: LogKind): Promise<WorkloadResult> {
  const r: WorkloadResult = { records: 0, bytesIn: 0, bytesOut: 0 };
  const sink = { event: () => { r.records++; }, bad: () => {}, skipped: () => {} };
  const { objects } = await expandPaths([dir]);
  for (const obj of objects) {
    const session = parserFor(kind).open({ objectName: obj.uri, hints: keyHints(obj.key), defaultRegion: 'us-east-1' }, sink);
    const outcome = await readObject(obj, await isGzip(obj), (chunk) => session.push(chunk));
    session.end(Boolean(outcome.error));
    r.bytesIn += outcome.bytesIn;
    r.bytesOut += outcome.bytesOut;
  }
  return r;
}
