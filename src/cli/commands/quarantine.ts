/**
 * `vigil quarantine list|requeue`: objects the continuous ingest loop quarantined because their
 * checkpoint kept failing on its own (see docs/continuous.md). Works on the database file, also
 * while `vigil serve` runs on it: a running server reads the quarantine records before every
 * poll, so a re-queued object is read again at its source's next poll, without a restart.
 * The flags are here; what each command does is in quarantine-run.ts, loaded when it runs.
 */
import type { Command } from 'commander';
import { dbOption, storeOption } from './common.js';
import type { QuarantineListOptions, QuarantineRequeueOptions } from './quarantine-run.js';

export function registerQuarantine(program: Command): void {
  const cmd = program.command('quarantine').description('objects continuous ingestion quarantined (their checkpoint kept failing), and re-queueing them');

  cmd.command('list')
    .description('quarantined objects: source, URI, tries, first and last failure, error')
    .addOption(storeOption()).addOption(dbOption())
    .option('--source <id>', 'only this source')
    .option('--json', 'print JSON')
    .action(async (o: QuarantineListOptions) => (await import('./quarantine-run.js')).quarantineList(o));

  cmd.command('requeue')
    .description('put quarantined objects back: the next poll of their source reads them again (a running vigil serve included)')
    .argument('[refs...]', 'quarantine ids or object URIs')
    .addOption(storeOption()).addOption(dbOption())
    .option('--all', 'every quarantined object (of --source, if given)')
    .option('--source <id>', 'only objects of this source')
    .option('--json', 'print JSON: { requeued: [...], unknown: [...] }')
    .action(async (refs: string[], o: QuarantineRequeueOptions) => (await import('./quarantine-run.js')).quarantineRequeue(refs, o));
}
