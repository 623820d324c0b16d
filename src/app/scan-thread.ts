/**
 * One scan thread (scan-threads.ts starts it): opens the store and the threat lists as the main
 * thread has them, reads its objects through scanObjects, and hands each checkpoint to the main
 * thread to commit, waiting for it before going on (so its next checkpoint reads what the last
 * wrote). Posts progress at most every 200 ms and its report at the end.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type CommitBatch } from '../store/index.js';
import { openRef } from '../sources/refs.js';
import { IntelManager } from '../intel/manager.js';
import { parseInventory, setInstanceInventory } from '../enrich/instance-identity.js';
import { scanObjects } from './scan.js';
import type { ThreadInput, ThreadMessage } from './scan-threads.js';

const port = parentPort!;
const input = workerData as ThreadInput;
const post = (m: ThreadMessage) => port.postMessage(m);

const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
port.on('message', (m: { type: 'committed' | 'commit-failed'; id: number; message?: string; code?: string }) => {
  const w = waiting.get(m.id);
  if (!w) return;
  waiting.delete(m.id);
  if (m.type === 'committed') w.resolve();
  else w.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
});
let nextId = 0;
const commit = (batch: CommitBatch) => new Promise<void>((resolve, reject) => {
  const id = nextId++;
  waiting.set(id, { resolve, reject });
  post({ type: 'commit', id, batch });
});

let lastProgress = 0;

try {
  const store = await openStore(input.setup.store);
  try {
    if (input.setup.inventory) setInstanceInventory(parseInventory(readFileSync(input.setup.inventory, 'utf8')));
    const services = input.setup.intel
      ? (await new IntelManager(store, input.setup.intel.options).buildServices(input.setup.intel.adHoc)).services
      : undefined;
    const objects = await Promise.all(input.refs.map(openRef));
    const part = await scanObjects(objects, { ...input.options, store, services }, input.layout, commit, (progress, force) => {
      const now = Date.now();
      if (!force && now - lastProgress < 200) return;
      lastProgress = now;
      post({ type: 'progress', progress: { ...progress } });
    });
    post({ type: 'done', part });
  } finally {
    await store.close();
  }
} catch (e) {
  post({ type: 'error', message: (e as Error).stack ?? String(e) });
}
