/**
 * What `vigil worker` does once its flags are parsed (commands/worker.ts registers it): loaded
 * only when it runs, as it imports the store, NATS and the detection pipeline.
 */
import { ConfigError, loadServeConfig } from '../../api/config.js';
import { intelFor } from '../../app/ingest/continuous.js';
import { Worker } from '../../cluster/worker.js';
import { redactLocation } from '../../store/index.js';
import { openStoreOrFail } from './store-open.js';
import { openClusterFrom } from './cluster-open.js';
import { intelManager } from '../intel-setup.js';
import { fail } from '../format.js';
import { LEVELS, type ClusterFlags } from './worker.js';

export interface WorkerOptions extends ClusterFlags { config?: string; db?: string; store?: string; region?: string; id?: string; logLevel: (typeof LEVELS)[number] }

export async function runWorker(o: WorkerOptions): Promise<void> {
  let config;
  try { config = loadServeConfig({ config: o.config, db: o.db, store: o.store, region: o.region }); } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 2);
    throw e;
  }
  const min = LEVELS.indexOf(o.logLevel);
  const log = (level: 'info' | 'warn' | 'error', msg: string) => { if (LEVELS.indexOf(level) >= min) process.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`); };
  const store = await openStoreOrFail(config.db);
  const cluster = await openClusterFrom(o, `vigil worker ${o.id ?? process.pid}`);
  const intel = intelManager(store, config.db);
  const worker = new Worker({ cluster, store, id: o.id, intel: intelFor(store, intel, log), defaultRegion: config.region, log });
  worker.start();
  log('info', `vigil worker ${worker.id}: cluster ${cluster.prefix} (${cluster.partitions} partitions, lease ${cluster.leaseMs / 1000} s) on ${o.nats}, store ${redactLocation(config.db)}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('info', `vigil worker ${worker.id}: stopping, handing partitions over`);
    await worker.stop();
    await cluster.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
