/**
 * `vigil scan <file|dir|glob>…`: reads logs once, runs every detector, stores findings, and
 * prints a findings table and an ingestion summary (or `--json`). Exit codes: 0 clean,
 * 3 completed with input errors (bad records or objects, inputs that matched nothing),
 * 1 could not run, 2 usage error. The flags are here; what the command does is in scan-run.ts,
 * loaded when it runs.
 */
import type { Command } from 'commander';
import { LOG_KINDS } from '../../core/index.js';
import { dbOption, storeOption } from './common.js';
import type { ScanOptions } from './scan-run.js';

export function registerScan(program: Command): void {
  program.command('scan')
    .description('scan CloudTrail, VPC Flow Logs and Route 53 Resolver query logs (files, folders, globs; gzip or plain)')
    .argument('<paths...>', 'files, folders (read recursively) or glob patterns such as "logs/**/*.gz"')
    .addOption(storeOption('where findings go')).addOption(dbOption('where findings go'))
    .option('-t, --type <type>', `force the log type instead of detecting it: ${LOG_KINDS.join('|')}`)
    .option('--region <region>', 'region for records and paths that name none', 'us-east-1')
    .option('--flow-fields <fields>', 'VPC flow field order for files without a header line, e.g. "version account-id interface-id srcaddr …"')
    .option('--force', 're-read objects this database has already processed (their occurrences count again)')
    .option('--threat-list <spec>', 'also use this threat list for this scan: path[:FORMAT[:purpose]] (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--trusted-list <spec>', 'also use this trusted list for this scan: path[:FORMAT] (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--offline', 'do not refresh stored lists that are due (use their cached copies)')
    .option('--inventory <file>', 'ENI → instance inventory (JSON or CSV) naming instances in flow findings (default: $VIGIL_INSTANCE_INVENTORY)')
    .option('--threads <n>', 'threads that read, parse and detect; account partitions are spread over them, the findings are the same (default: the CPU cores)')
    .option('--json', 'print the scan report as JSON on stdout')
    .option('--no-progress', 'do not show progress on stderr')
    .addHelpText('after', `
Examples:
  vigil scan samples/                          scan the bundled sample logs
  vigil scan ~/logs/AWSLogs --db audit.db       a downloaded S3 prefix, into audit.db
  vigil scan logs/ --store postgres://vigil@db.internal/vigil   into PostgreSQL (docs/store.md)
  vigil scan "exports/**/*.json.gz" --type cloudtrail
  vigil scan logs/ --threat-list blocklist.txt --trusted-list office-ips.txt

Exit codes: 0 clean · 3 completed with input errors (see the ingestion summary) · 1 failed · 2 usage error`)
    .action(async (paths: string[], o: ScanOptions) => (await import('./scan-run.js')).runScan(paths, o));
}
