/**
 * Quarantined objects: an object whose checkpoint kept failing on its own with an error that is
 * not the environment's (see transient.ts) is recorded here — a store document of kind
 * `ingest-quarantine` — and skipped by its source from then on, so the rest of its batch and
 * everything after it commits. Re-queueing deletes the record: a running `vigil serve` sees that
 * at its next poll (it reads these documents before every poll) and reads the object again; after
 * a restart the object is read when its source offers it again.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../store/index.js';

export const QUARANTINE_KIND = 'ingest-quarantine';

export interface QuarantineRecord {
  /** Short stable id (hex), what `vigil quarantine requeue` takes besides the URI. */
  id: string;
  /** The continuous source's id. */
  source: string;
  uri: string;
  key: string;
  size: number;
  /** Content fingerprint, when the object was read far enough to have one. */
  fingerprint?: string;
  /** The last error, as one line. */
  error: string;
  /** Failed checkpoints that held this object (in its batch, then alone). */
  tries: number;
  firstFailureAt: string;
  lastFailureAt: string;
  quarantinedAt: string;
}

/** The same object (source, URI and content) always gets the same id. */
export function quarantineId(source: string, uri: string, fingerprint: string | undefined, size: number): string {
  return createHash('sha256').update(`${source}\n${uri}\n${fingerprint ?? `size:${size}`}`).digest('hex').slice(0, 16);
}

export async function listQuarantine(store: Store, source?: string): Promise<QuarantineRecord[]> {
  const all = await store.listDocs<QuarantineRecord>(QUARANTINE_KIND);
  return source === undefined ? all : all.filter((q) => q.source === source);
}

export async function putQuarantine(store: Store, q: QuarantineRecord): Promise<void> {
  await store.putDoc(QUARANTINE_KIND, q.id, '', q);
}

/**
 * Re-queues quarantined objects: those named by id or URI (`refs`), or all of them (of one
 * source when `source` is given). Returns what was re-queued and the refs that matched nothing.
 */
export async function requeueQuarantined(store: Store, o: { refs?: string[]; all?: boolean; source?: string }): Promise<{ requeued: QuarantineRecord[]; unknown: string[] }> {
  const records = await listQuarantine(store, o.source);
  const refs = o.refs ?? [];
  const chosen = o.all ? records : records.filter((q) => refs.includes(q.id) || refs.includes(q.uri));
  const unknown = o.all ? [] : refs.filter((r) => !records.some((q) => q.id === r || q.uri === r));
  const requeued: QuarantineRecord[] = [];
  for (const q of chosen) if (await store.deleteDoc(QUARANTINE_KIND, q.id)) requeued.push(q);
  return { requeued, unknown };
}
