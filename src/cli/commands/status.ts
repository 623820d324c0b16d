/**
 * `vigil status`: ingestion health. From a running `vigil serve` (`--url`, signed with SigV4 from
 * the AWS credentials in the environment or a profile's keys given as env) it shows the live
 * view (sources and notifiers); otherwise from the store (`--db` or `--store`): what each continuous
 * source saved at its last checkpoint, the objects quarantined now, and what was read per log
 * type (scans included). The flags are here; what it does is in status-run.ts, loaded when it
 * runs.
 */
import type { Command } from 'commander';
import { dbOption, storeOption } from './common.js';
import { clusterOptions } from './worker.js';
import type { StatusOptions } from './status-run.js';

export function registerStatus(program: Command): void {
  const cmd = program.command('status')
    .description('ingestion health: per source objects, records, bytes, bad records by reason, lag, CloudTrail gaps, retries and quarantined objects, last error; notifiers')
    .addOption(storeOption()).addOption(dbOption())
    .option('--url <url>', 'ask a running vigil serve instead of reading the database (SigV4 with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)')
    .option('--json', 'print JSON');
  clusterOptions(cmd)
    .addHelpText('after', `
With --nats, the cluster's workers, each partition's owner and the notices waiting (from NATS; with --url
a clustered server shows the same).`)
    .action(async (o: StatusOptions) => (await import('./status-run.js')).runStatus(o));
}
