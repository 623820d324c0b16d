/**
 * What `vigil serve` does once its flags are parsed (commands/serve.ts registers it): loaded only
 * when it runs, as it imports the API server, the store and continuous ingestion.
 */
import { ConfigError, loadServeConfig } from '../../api/config.js';
import { startServer } from '../../app/serve.js';
import { fail } from '../format.js';
import { redactLocation } from '../../store/index.js';
import type { ClusterFlags } from './worker.js';
import { openClusterFrom } from './cluster-open.js';

export interface ServeOptions extends ClusterFlags { config?: string; host?: string; port?: string; db?: string; store?: string; region?: string; adminAccount?: string; logLevel?: string; watch?: string[] }

export async function runServe(o: ServeOptions): Promise<void> {
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
}
