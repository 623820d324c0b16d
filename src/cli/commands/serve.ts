/**
 * `vigil serve`: GuardDuty's API (SigV4) over the same database `vigil scan` writes, plus
 * Vigil's /vigil/ extensions. With no configuration it listens on 127.0.0.1:8765 and makes an
 * administrator key once (printed once), so `aws configure` + `--endpoint-url` works at once.
 * The flags are here; what it does is in serve-run.ts, loaded when it runs.
 */
import type { Command } from 'commander';
import { clusterOptions } from './worker.js';
import type { ServeOptions } from './serve-run.js';

export function registerServe(program: Command): void {
  const cmd = program.command('serve')
    .description('serve GuardDuty\'s REST API (SigV4) over the findings database, plus /vigil/ health, metrics and ingestion endpoints')
    .option('--config <file>', 'YAML configuration (see docs/config.md); env VIGIL_CONFIG')
    .option('--host <address>', 'address to listen on (default 127.0.0.1; env VIGIL_HOST)')
    .option('--port <port>', 'TCP port (default 8765; env VIGIL_PORT)')
    .option('--store <url>', 'the store: postgres://user@host/db for PostgreSQL, else a SQLite file (default vigil.db; env VIGIL_STORE; see docs/store.md)')
    .option('--db <path>', 'the store as a SQLite file (what --store names too; env VIGIL_DB)')
    .option('--region <region>', 'region of the administrator detector made at start (default us-east-1; env VIGIL_REGION)')
    .option('--admin-account <id>', 'administrator account id (default 000000000000; env VIGIL_ADMIN_ACCOUNT_ID)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent (default info)')
    .option('--watch <dir>', 'read new log files landing in this folder, continuously (repeatable; see docs/continuous.md)', (v: string, acc: string[] = []) => [...acc, v])
    .addHelpText('after', `
Then, in another terminal:
  aws configure --profile vigil        # the access key printed at first start, any region
  aws guardduty list-detectors --profile vigil --endpoint-url http://127.0.0.1:8765
  aws guardduty list-findings --detector-id <id> --profile vigil --endpoint-url http://127.0.0.1:8765

In a cluster (--nats, docs/deploy.md) this process serves the API and lists the sources; \`vigil worker\`s
read and detect. Any number of such servers can run over the same store.`);
  clusterOptions(cmd)
    .action(async (o: ServeOptions) => (await import('./serve-run.js')).runServe(o));
}
