/**
 * Starts fauxqs (an SQS-compatible server on npm, a devDependency) for the SQS source tests.
 * fauxqs imports `node:sqlite` (Node ≥ 22.5) for its optional on-disk persistence, which these
 * tests never use; on Node 20 that import is answered by a stub module through a module hook, so
 * the queue itself — the SQS JSON protocol the real @aws-sdk/client-sqs speaks — runs unchanged.
 */
import { register } from 'node:module';

const js = (src: string) => `data:text/javascript,${encodeURIComponent(src)}`;
const STUB = js('export class DatabaseSync { constructor() { throw new Error("node:sqlite is not available on this Node version"); } }');
const HOOK = js(`export async function resolve(s, c, next) { return s === 'node:sqlite' ? { url: ${JSON.stringify(STUB)}, shortCircuit: true } : next(s, c); }`);

let hooked = false;

export interface Fauxqs { port: number; endpoint: string; stop(): Promise<void> }

export async function startFauxqs(): Promise<Fauxqs> {
  if (!hooked && Number(process.versions.node.split('.')[0]) < 22) { register(HOOK); hooked = true; }
  const { startFauxqs: start } = await import('fauxqs') as unknown as { startFauxqs(o: { port: number; logger: boolean }): Promise<{ port: number; stop(): Promise<void> }> };
  const s = await start({ port: 0, logger: false });
  return { port: s.port, endpoint: `http://127.0.0.1:${s.port}`, stop: () => s.stop() };
}
