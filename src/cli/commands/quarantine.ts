/**
 * `vigil quarantine list|requeue`: objects the continuous ingest loop quarantined because their
 * checkpoint kept failing on its own (see docs/continuous.md). Works on the database file, also
 * while `vigil serve` runs on it: a running server reads the quarantine records before every
 * poll, so a re-queued object is read again at its source's next poll, without a restart.
 */
import type { Command } from 'commander';
import type { Store } from '../../store/index.js';
import { listQuarantine, requeueQuarantined, type QuarantineRecord } from '../../app/ingest/quarantine.js';
import { fail, table } from '../format.js';
import { dbOption, openExistingStore, storeLocation, storeOption } from './common.js';

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

export function registerQuarantine(program: Command): void {
  const cmd = program.command('quarantine').description('objects continuous ingestion quarantined (their checkpoint kept failing), and re-queueing them');

  cmd.command('list')
    .description('quarantined objects: source, URI, tries, first and last failure, error')
    .addOption(storeOption()).addOption(dbOption())
    .option('--source <id>', 'only this source')
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; store?: string; source?: string; json?: boolean }) => {
      const records = await withStore(storeLocation(o), (s) => listQuarantine(s, o.source));
      if (o.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
      else process.stdout.write(records.length ? `${rows(records)}\nRe-queue with: vigil quarantine requeue <id|uri> (or --all)\n` : 'Nothing is quarantined.\n');
    });

  cmd.command('requeue')
    .description('put quarantined objects back: the next poll of their source reads them again (a running vigil serve included)')
    .argument('[refs...]', 'quarantine ids or object URIs')
    .addOption(storeOption()).addOption(dbOption())
    .option('--all', 'every quarantined object (of --source, if given)')
    .option('--source <id>', 'only objects of this source')
    .option('--json', 'print JSON: { requeued: [...], unknown: [...] }')
    .action(async (refs: string[], o: { db?: string; store?: string; all?: boolean; source?: string; json?: boolean }) => {
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
    });
}
