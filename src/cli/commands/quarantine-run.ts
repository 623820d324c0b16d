/**
 * What `vigil quarantine list|requeue` do once their flags are parsed (commands/quarantine.ts
 * registers them): loaded only when one runs, as it opens the store.
 */
import type { Store } from '../../store/index.js';
import { listQuarantine, requeueQuarantined, type QuarantineRecord } from '../../app/ingest/quarantine.js';
import { fail, table } from '../format.js';
import type { StoreFlags } from './common.js';
import { openExistingStore, storeLocation } from './store-open.js';

export interface QuarantineListOptions extends StoreFlags { source?: string; json?: boolean }
export interface QuarantineRequeueOptions extends StoreFlags { all?: boolean; source?: string; json?: boolean }

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  // like `vigil status`: a wrong store is a mistake to report, not a new empty database
  const store = await openExistingStore(db, 'pass --db <file> or --store <url> (as given to vigil serve)');
  try { return await fn(store); } finally { await store.close(); }
}

function rows(records: QuarantineRecord[]): string {
  return table(['Id', 'Source', 'Object', 'Tries', 'First failure', 'Last failure', 'Error'], records.map((q) => [
    q.id, q.source, q.uri, q.tries, q.firstFailureAt.slice(0, 19), q.lastFailureAt.slice(0, 19), q.error.slice(0, 80),
  ]));
}

export async function quarantineList(o: QuarantineListOptions): Promise<void> {
  const records = await withStore(storeLocation(o), (s) => listQuarantine(s, o.source));
  if (o.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
  else process.stdout.write(records.length ? `${rows(records)}\nRe-queue with: vigil quarantine requeue <id|uri> (or --all)\n` : 'Nothing is quarantined.\n');
}

export async function quarantineRequeue(refs: string[], o: QuarantineRequeueOptions): Promise<void> {
  if (!o.all && refs.length === 0) fail('name quarantined objects (id or URI, see `vigil quarantine list`) or pass --all', 2);
  const r = await withStore(storeLocation(o), (s) => requeueQuarantined(s, { refs, all: o.all, source: o.source }));
  if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    for (const q of r.requeued) process.stdout.write(`re-queued ${q.id} ${q.uri} (${q.source})\n`);
    if (r.requeued.length === 0 && o.all) process.stdout.write('Nothing is quarantined.\n');
  }
  for (const u of r.unknown) process.stderr.write(`vigil: nothing quarantined is named ${u}\n`);
  // like `findings get`: 1 when nothing named was found, 3 when only some were
  if (r.unknown.length) process.exitCode = r.requeued.length ? 3 : 1;
}
