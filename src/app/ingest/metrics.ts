/**
 * Ingestion and notification health in /vigil/metrics (Prometheus), per source and notifier.
 * Values are read from the running handles when scraped.
 */
import client from 'prom-client';
import { registry } from '../../api/metrics.js';
import type { ContinuousHandle } from './continuous.js';

export const liveHandles = new Set<ContinuousHandle>();

type Row = [Record<string, string>, number];

function gauge(name: string, help: string, labelNames: string[], rows: () => Row[]): void {
  new client.Gauge({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const [labels, v] of rows()) this.set(labels, v);
    },
  });
}

const sources = () => [...liveHandles].flatMap((h) => h.view().sources);
const notifiers = () => [...liveHandles].flatMap((h) => h.view().notifiers);

gauge('vigil_ingest_objects', 'Objects read per continuous source (counter semantics: grows)', ['source', 'outcome'], () => sources().flatMap((s) => [
  [{ source: s.id, outcome: 'read' }, s.objects.read], [{ source: s.id, outcome: 'already_processed' }, s.objects.alreadyProcessed], [{ source: s.id, outcome: 'failed' }, s.objects.failed],
] as Row[]));
gauge('vigil_ingest_records', 'Records parsed per source and log type', ['source', 'kind'], () => sources().flatMap((s) => Object.entries(s.kinds).map(([k, v]) => [{ source: s.id, kind: k }, v!.records] as Row)));
gauge('vigil_ingest_bytes', 'Bytes read (as stored) per source and log type', ['source', 'kind'], () => sources().flatMap((s) => Object.entries(s.kinds).map(([k, v]) => [{ source: s.id, kind: k }, v!.bytesIn] as Row)));
gauge('vigil_ingest_bad_records', 'Bad records per source, log type and reason', ['source', 'kind', 'reason'], () => sources().flatMap((s) => Object.entries(s.kinds).flatMap(([k, v]) => Object.entries(v!.bad).map(([r, b]) => [{ source: s.id, kind: k, reason: r }, b!.count] as Row))));
gauge('vigil_ingest_lag_seconds', 'Now minus the newest event time read, per source', ['source'], () => sources().filter((s) => s.lagSeconds !== undefined).map((s) => [{ source: s.id }, s.lagSeconds!] as Row));
gauge('vigil_ingest_cloudtrail_gap_slots', 'Expected 5-minute CloudTrail file slots with no file (last 24 h), per account and region', ['source', 'account', 'region'], () => sources().flatMap((s) => s.gaps.map((g) => [{ source: s.id, account: g.accountId, region: g.region }, g.missingSlots] as Row)));
gauge('vigil_ingest_source_errors', '1 when the source\'s last poll or read failed and nothing succeeded since', ['source'], () => sources().map((s) => [{ source: s.id }, s.lastError && (!s.lastPollAt || s.lastError.at >= s.lastPollAt) ? 1 : 0] as Row));
gauge('vigil_ingest_retries', 'Failed checkpoint or read attempts per source, each retried after a backoff (counter semantics: grows)', ['source'], () => sources().map((s) => [{ source: s.id }, s.retry.retries] as Row));
gauge('vigil_ingest_quarantined_objects', 'Objects in quarantine now, per source', ['source'], () => sources().map((s) => [{ source: s.id }, s.quarantine?.length ?? 0] as Row));
gauge('vigil_ingest_waiting_objects', 'Objects held for a retry after a failed checkpoint, per source (0 when nothing fails)', ['source'], () => sources().map((s) => [{ source: s.id }, s.retry.waiting] as Row));
gauge('vigil_notify_events', 'Finding events per notifier and outcome', ['notifier', 'outcome'], () => notifiers().flatMap((n) => [
  [{ notifier: n.name, outcome: 'sent' }, n.sent], [{ notifier: n.name, outcome: 'dead_lettered' }, n.deadLettered], [{ notifier: n.name, outcome: 'retried' }, n.retried], [{ notifier: n.name, outcome: 'queued' }, n.queued],
] as Row[]));

// in a cluster (`vigil serve --nats`): the cluster's state as this server last read it from NATS
const clusterStatus = () => [...liveHandles].map((h) => h.view().cluster?.status).filter((s) => s !== undefined);
gauge('vigil_cluster_workers', 'Live workers of the cluster (heartbeats in NATS)', ['cluster'], () => clusterStatus().map((s) => [{ cluster: s.prefix }, s.workers.length] as Row));
gauge('vigil_cluster_partition_pending_notices', 'Object notices published and not yet acknowledged, per partition and its owner', ['cluster', 'partition', 'owner'], () => clusterStatus().flatMap((s) => s.partitionStatus.map((p) => [{ cluster: s.prefix, partition: String(p.partition), owner: p.owner ?? '' }, p.pending] as Row)));
gauge('vigil_cluster_partitions_unowned', 'Partitions no worker holds a lease on', ['cluster'], () => clusterStatus().map((s) => [{ cluster: s.prefix }, s.partitionStatus.filter((p) => !p.owner).length] as Row));
gauge('vigil_cluster_notices_published', 'Object notices published since the stream was made (counter semantics: grows)', ['cluster'], () => clusterStatus().map((s) => [{ cluster: s.prefix }, s.published] as Row));
gauge('vigil_cluster_published_objects', 'Objects this server handed to the cluster, per listing source (counter semantics: grows)', ['source', 'outcome'], () => [...liveHandles].flatMap((h) => h.view().cluster?.publishing ?? []).flatMap((p) => [
  [{ source: p.id, outcome: 'published' }, p.published], [{ source: p.id, outcome: 'duplicate' }, p.duplicates], [{ source: p.id, outcome: 'refused' }, p.refused],
] as Row[]));
