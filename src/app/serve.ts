/**
 * `vigil serve` start-up, as an ordered list of steps: configuration → store → administrator
 * record and keys → intel lists → API server → listen. Returns a handle to stop it (tests use it
 * in-process; the CLI stops it on SIGINT/SIGTERM).
 */
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../store/index.js';
import { intelManager } from '../cli/intel-setup.js';
import { ApiContext } from '../api/context.js';
import type { ServeConfig } from '../api/config.js';
import { loadPrincipals } from '../api/auth/principals.js';
import { buildServer, type ServerOptions } from '../api/server.js';
import { startContinuous, type ContinuousHandle, type ContinuousOptions } from './ingest/continuous.js';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  app: FastifyInstance;
  /** The administrator key made at this start (only when none existed before). */
  createdAdminKey?: { accessKeyId: string; secretAccessKey: string };
  adminKeyIds: string[];
  /** Where the key sealing the database's secrets came from (a file, VIGIL_SECRETS_KEY, memory). */
  secretsKeyFrom: string;
  /** Continuous ingestion and notifications (when configured). */
  continuous: ContinuousHandle;
  stop(): Promise<void>;
}

export async function startServer(config: ServeConfig, o: ServerOptions & { continuous?: ContinuousOptions } = {}): Promise<RunningServer> {
  const store = await openStore(config.db);
  await store.optimize();
  // scans read this to scope the administrator's suppression rules to its members
  await store.putDoc('admin', 'admin', config.adminAccountId, { accountId: config.adminAccountId });
  const { principals, keys, created, migrated, secretsKeyFrom } = await loadPrincipals(config, store);
  const ctx = new ApiContext(store, config, intelManager(store, config.db));
  await ctx.ensureDetector(config.adminAccountId, config.region);
  const app = buildServer(ctx, principals, o);
  if (migrated) app.log.info(`the administrator secret kept in plaintext by an older version is now encrypted (key: ${secretsKeyFrom})`);
  // keys made, revoked or rotated by `vigil keys` while this runs are picked up without a restart
  principals.start();
  const continuous = await startContinuous(config, store, ctx.intel, { log: (level, msg) => app.log[level](msg), ...o.continuous });
  ctx.continuous = continuous;
  await app.listen({ host: config.host, port: config.port }).catch(async (e) => { principals.stop(); await continuous.stop(); throw e; });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const adminKeyIds = [...config.accounts.filter((a) => a.accountId === config.adminAccountId).flatMap((a) => a.keys.filter((k) => k.role === 'administrator').map((k) => k.accessKeyId)),
    ...(await keys.list()).filter((k) => k.status === 'active' && k.role === 'administrator' && k.accountId === config.adminAccountId).map((k) => k.accessKeyId)];
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`, port, store, app, createdAdminKey: created,
    adminKeyIds, continuous,
    secretsKeyFrom,
    async stop() { principals.stop(); await continuous.stop(); await app.close(); await store.close(); },
  };
}
