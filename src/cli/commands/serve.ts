/**
 * `vigil serve`: GuardDuty's API (SigV4) over the same database `vigil scan` writes, plus
 * Vigil's /vigil/ extensions. With no configuration it listens on 127.0.0.1:8765 and makes an
 * administrator key once (printed once), so `aws configure` + `--endpoint-url` works at once.
 */
import type { Command } from 'commander';
import { ConfigError, loadServeConfig } from '../../api/config.js';
import { startServer } from '../../app/serve.js';
import { fail } from '../format.js';
import { redactLocation } from '../../store/index.js';
import { clusterOptions, openClusterFrom, type ClusterFlags } from './worker.js';

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
    .action(async (o: ClusterFlags & { config?: string; host?: string; port?: string; db?: string; store?: string; region?: string; adminAccount?: string; logLevel?: string; watch?: string[] }) => {
      let config;
      try { config = loadServeConfig(o); } catch (e) {
        if (e instanceof ConfigError) fail(e.message, 2);
        throw e;
      }
      const cluster = o.nats ? await openClusterFrom(o, 'vigil serve') : undefined;
      const s = await startServer(config, { logger: config.logLevel !== 'silent', continuous: { cluster } }).catch((e: NodeJS.ErrnoException) =>
        fail(e.code === 'EADDRINUSE' ? `port ${config.port} is in use: pick another with --port or VIGIL_PORT` : e.message, e.name === 'SourceConfigError' || /^(sources|notifiers|\w+ (source|notifier))/.test(e.message) ? 2 : 1));
      const out = process.stderr;
      out.write(`vigil serve: GuardDuty API at ${s.url} (store ${redactLocation(config.db)}, administrator account ${config.adminAccountId}, region ${config.region})\n`);
      if (s.createdAdminKey) {
        out.write(`\nAn administrator key was created (shown this once; kept encrypted in ${redactLocation(config.db)}, key ${s.secretsKeyFrom}; manage keys with vigil keys):\n`
          + `  aws_access_key_id     = ${s.createdAdminKey.accessKeyId}\n  aws_secret_access_key = ${s.createdAdminKey.secretAccessKey}\n`);
      } else {
        out.write(`administrator key${s.adminKeyIds.length > 1 ? 's' : ''}: ${s.adminKeyIds.join(', ') || '(from the configuration)'}\n`);
      }
      for (const src of s.continuous.ingestor?.sources ?? []) out.write(`watching ${src.location}\n`);
      if (cluster) {
        out.write(`cluster ${cluster.prefix} on ${o.nats}: ${cluster.partitions} partitions, lease ${cluster.leaseMs / 1000} s; objects are read by \`vigil worker --nats ${o.nats}\`\n`);
        for (const src of s.continuous.publisher?.sources ?? []) out.write(`listing ${src.location} for the workers\n`);
      }
      out.write(`\nConsole: ${s.url}/ (sign in with an access key)\nTry: aws guardduty list-detectors --endpoint-url ${s.url}\nHealth: ${s.url}/vigil/health  Metrics: ${s.url}/vigil/metrics\n`);
      const stop = async () => { await s.stop(); await cluster?.close(); process.exit(0); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
