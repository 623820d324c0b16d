/**
 * Shared by the cluster tests: a folder of many objects under the AWS key layout (several
 * accounts, so several partitions), one publishing pass over it, and the findings of a store
 * in a comparable form.
 */
import { openStore, type Store } from '../../src/store/index.js';
import { scan } from '../../src/app/scan.js';
import { Cluster } from '../../src/cluster/nats.js';
import { Publisher } from '../../src/cluster/publisher.js';
import { FolderSource } from '../../src/sources/folder/index.js';
import { sourceContext } from '../../src/app/ingest/index.js';

export async function findingsOf(store: Store): Promise<string[]> {
  return (await store.queryFindings({ limit: 1_000_000 }))
    .map((f) => `${f.id} ${f.type} count=${f.service.count} first=${f.service.eventFirstSeen} last=${f.service.eventLastSeen}`).sort();
}

/** The findings of one `vigil scan` of `folder` into a fresh store at `db`: what every cluster run must equal. */
export async function scanReference(folder: string, db: string): Promise<string[]> {
  const ref = await openStore(db);
  try {
    await scan({ inputs: [folder], store: ref });
    return await findingsOf(ref);
  } finally { await ref.close(); }
}

/** Publishes one notice per file of `folder`; returns how many were published. */
export async function publishFolder(cluster: Cluster, store: Store, folder: string): Promise<number> {
  const src = new FolderSource({ type: 'folder', path: folder, settleMs: 0, rescanMs: 3_600_000 }, sourceContext(store));
  const pub = new Publisher({ cluster, sources: [src] });
  try {
    const n = await pub.pollOnce(src);
    return n;
  } finally { await src.stop(); }
}

export async function pendingNotices(cluster: Cluster): Promise<number> {
  return (await cluster.jsm.streams.info(cluster.stream)).state.messages;
}

export async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 120_000, everyMs = 100): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
