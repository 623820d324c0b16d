/**
 * Continuous work of `vigil serve`: sources → ingest loop → notifications, export and
 * retention (in a cluster: sources → notices for the workers, export and retention). Built from the serve configuration; `stop()` finishes the current object batch,
 * sends held updates and closes the notifiers.
 */
import type { ServeConfig } from '../../api/config.js';
import type { IntelManager } from '../../intel/manager.js';
import { makeSource } from '../../sources/registry.js';
import type { Store } from '../../store/index.js';
import { Notifications, type FindingEvent } from '../../notify/index.js';
import { makeNotifier } from '../../notify/registry.js';
import { Ingestor, sourceContext, type IngestOptions } from './index.js';
import { liveHandles } from './metrics.js';
import type { SourceHealthView } from './health.js';
import type { NotifierStats } from '../../notify/index.js';
import { Exporter } from '../../export/index.js';
import type { Cluster } from '../../cluster/nats.js';
import { Publisher, type PublisherSourceView } from '../../cluster/publisher.js';
import { StatusCache, type ClusterStatus } from '../../cluster/status.js';
import { Singleton } from '../../cluster/singleton.js';
import { FindingEventsReader } from '../../cluster/finding-events.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface ContinuousHandle {
  ingestor?: Ingestor;
  /** In a cluster (`vigil serve --nats`): the listing side, publishing notices instead of reading. */
  publisher?: Publisher;
  notifications?: Notifications;
  exporter: Exporter;
  view(): { sources: SourceHealthView[]; notifiers: NotifierStats[]; cluster?: { status?: ClusterStatus; statusError?: string; publishing: PublisherSourceView[] } };
  stop(): Promise<void>;
}

export interface ContinuousOptions {
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  onSent?: (e: FindingEvent, notifier: string) => void;
  /** Overrides every detector's publishing frequency (tests). */
  frequencyMs?: number;
  /** Export tick (ms, default 5 minutes). */
  exportTickMs?: number;
  /**
   * A cluster to hand the sources' objects to (`vigil serve --nats`): this process lists and
   * publishes, `vigil worker`s read, detect, commit and notify.
   */
  cluster?: Cluster;
}

/** Notifications of a configuration's notifiers, with what a killed run left undelivered sent first. */
export async function startNotifications(config: ServeConfig, store: Store, o: Pick<ContinuousOptions, 'log' | 'onSent' | 'frequencyMs'>): Promise<Notifications | undefined> {
  config.notifiers.forEach((c) => makeNotifier(c as never)); // configuration errors now, not at the first finding
  if (!config.notifiers.length) return undefined;
  const n = new Notifications({ store, notifiers: config.notifiers, deadLetter: `${store.location}.dead-letter.jsonl`, log: o.log, onSent: o.onSent, frequencyMs: o.frequencyMs });
  await n.recover();
  return n;
}

/** The ingest loop's view of the threat lists: a signature of what is in use, and the indexes. */
export function intelFor(store: Store, intel: IntelManager, log?: ContinuousOptions['log']): NonNullable<IngestOptions['intel']> {
  return {
    // what decides the indexes: which lists are in use and their content
    signature: async () => JSON.stringify((await store.listIntelLists()).map((l) => [l.id, l.activate, l.status, l.sha256, l.purpose, l.role])),
    build: async () => {
      const { services, problems } = await intel.buildServices();
      for (const p of problems) log?.('warn', `intel: ${p}`);
      return services;
    },
  };
}

export async function startContinuous(config: ServeConfig, store: Store, intel: IntelManager, o: ContinuousOptions = {}): Promise<ContinuousHandle> {
  const ctx = sourceContext(store);
  const sources = config.sources.map((c) => makeSource(c as never, ctx));
  const ids = new Set<string>();
  for (const s of sources) {
    if (ids.has(s.id)) throw new Error(`sources: ${s.id} appears twice (give one an \`id\`)`);
    ids.add(s.id);
  }
  const exporter = new Exporter({ store, retentionDays: config.retentionDays, log: o.log, tickMs: o.exportTickMs });
  let ingestor: Ingestor | undefined;
  let publisher: Publisher | undefined;
  let status: StatusCache | undefined;
  const tasks: Singleton[] = [];
  let notifications: Notifications | undefined;
  if (o.cluster) {
    const cluster = o.cluster;
    publisher = new Publisher({ cluster, sources, log: o.log });
    publisher.start();
    status = new StatusCache(cluster);
    status.start();
    // one server of the cluster notifies (from the workers' finding events) and one exports
    const me = `serve-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    if (config.notifiers.length) {
      config.notifiers.forEach((c) => makeNotifier(c as never));
      tasks.push(new Singleton(cluster, 'notify', me, () => {
        let reader: FindingEventsReader | undefined;
        return {
          start: async () => {
            notifications = await startNotifications(config, store, o);
            reader = new FindingEventsReader(cluster, notifications!, o.log);
            await reader.start();
          },
          stop: async () => { await reader?.stop(); await notifications?.close(); notifications = undefined; },
        };
      }, o.log));
    }
    tasks.push(new Singleton(cluster, 'export', me, () => ({
      start: async () => { exporter.start(); void exporter.run().catch((e) => o.log?.('error', `export: ${(e as Error).message}`)); },
      stop: () => exporter.stop(),
    }), o.log));
  } else {
    notifications = await startNotifications(config, store, o);
  }
  if (!o.cluster && sources.length) {
    const n = notifications;
    ingestor = new Ingestor({
      store, sources, intel: intelFor(store, intel, o.log), defaultRegion: config.region, log: o.log,
      onCommit: n ? (c) => n.onCommit(c.created, c.updated) : undefined,
    });
    await ingestor.start();
  }
  // publishing destinations (made through the API) and retention run whether or not sources are
  // configured (in a cluster, on the one server holding the `export` task)
  if (o.cluster) for (const t of tasks) t.start();
  else {
    exporter.start();
    void exporter.run().catch((e) => o.log?.('error', `export: ${(e as Error).message}`));
  }
  const handle: ContinuousHandle = {
    ingestor, publisher, get notifications() { return notifications; }, exporter,
    view: () => ({
      sources: ingestor?.view() ?? [], notifiers: notifications?.stats ?? [],
      ...(publisher ? { cluster: { status: status?.last, statusError: status?.lastError, publishing: publisher.view() } } : {}),
    }),
    async stop() {
      liveHandles.delete(handle);
      status?.stop();
      for (const t of tasks) await t.stop();
      await publisher?.stop();
      await ingestor?.stop();
      if (!o.cluster) {
        await notifications?.close();
        await exporter.stop();
      }
    },
  };
  liveHandles.add(handle);
  return handle;
}
