/**
 * What the outage tests compare a recovered ingest loop with: the findings of one scan of the
 * same objects, as sorted `id type count=N` lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../../src/app/scan.js';
import { openStore, type Store } from '../../src/store/index.js';

export async function findingLines(store: Store): Promise<string[]> {
  return (await store.queryFindings({ limit: 1000 })).map((f) => `${f.id} ${f.type} count=${f.service.count}`).sort();
}

/** Objects 0…n-1 (`key(i)`, `body(i)`) written as files under `dir` and scanned in one go. */
export async function referenceFindings(dir: string, n: number, key: (i: number) => string, body: (i: number) => Buffer): Promise<string[]> {
  const logs = join(dir, `ref-${n}`);
  for (let i = 0; i < n; i++) {
    mkdirSync(join(logs, key(i), '..'), { recursive: true });
    writeFileSync(join(logs, key(i)), body(i));
  }
  const s = await openStore(join(dir, `ref-${n}.db`));
  try { await scan({ inputs: [logs], store: s }); return await findingLines(s); } finally { await s.close(); }
}
