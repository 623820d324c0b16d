/**
 * What `vigil status` does once its flags are parsed (commands/status.ts registers it): loaded
 * only when it runs, as it imports the store, SigV4 signing and the cluster's status.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { redactLocation } from '../../store/index.js';
import { healthView, type SourceHealthData, type SourceHealthView } from '../../app/ingest/health.js';
import { listQuarantine } from '../../app/ingest/quarantine.js';
import type { NotifierStats } from '../../notify/index.js';
import { bytes, fail, table } from '../format.js';
import type { StoreFlags } from './common.js';
import { openExistingStore, storeLocation } from './store-open.js';
import type { ClusterFlags } from './worker.js';
import { openClusterFrom } from './cluster-open.js';
import { clusterStatus, type ClusterStatus } from '../../cluster/status.js';
import type { PublisherSourceView } from '../../cluster/publisher.js';

export interface StatusOptions extends ClusterFlags, StoreFlags { url?: string; json?: boolean }

interface StatusView {
  from: string;
  sources: SourceHealthView[];
  cluster?: { status?: ClusterStatus; statusError?: string; publishing?: PublisherSourceView[] };
  notifiers?: NotifierStats[];
  logTypes?: { kind: string; objects: number; records: number; bad: number; lastProcessedAt: string }[];
}

async function fromApi(url: string): Promise<StatusView> {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? process.env.VIGIL_ADMIN_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY ?? process.env.VIGIL_ADMIN_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) fail('--url needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a Vigil key)', 2);
  const u = new URL('/vigil/ingestion/sources', url);
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region: process.env.AWS_REGION ?? 'us-east-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const signed = await signer.sign({ method: 'GET', protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, path: u.pathname, headers: { host: u.host }, query: {} });
  const res = await fetch(u, { headers: signed.headers as Record<string, string> }).catch((e: Error) => fail(`cannot reach ${url}: ${e.message}`));
  if (!res.ok) fail(`${u.href}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const body = await res.json() as { sources: SourceHealthView[]; notifiers: NotifierStats[] };
  return { from: url, ...body };
}

async function fromDb(db: string): Promise<StatusView> {
  // a status check never creates a database: a wrong store is a mistake to report
  const store = await openExistingStore(db, 'pass --db <file> or --store <url> (as given to vigil scan or vigil serve), or --url of a running vigil serve');
  try {
    const saved = await store.listDocs<SourceHealthData>('ingest-health');
    // quarantine records are the truth (a re-queue deletes them); the health document is as of the last checkpoint
    const quarantine = await listQuarantine(store);
    return { from: redactLocation(db), sources: saved.map((d) => ({ ...healthView(d), quarantine: quarantine.filter((q) => q.source === d.id) })), logTypes: await store.ingestionSummary() };
  } finally { await store.close(); }
}

const ago = (s?: number) => (s === undefined ? '–' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`);

export function printStatus(v: StatusView): string {
  const out: string[] = [v.cluster && !v.sources.length ? `Cluster health (${v.from})` : `Ingestion health (${v.from})`, ''];
  if (v.sources.length === 0 && v.cluster) out.pop();
  else if (v.sources.length === 0) out.push('No continuous sources (start `vigil serve --watch DIR` or configure `sources`).');
  else {
    out.push(table(['Source', 'Objects', 'Records', 'Read', 'Bad', 'Lag', 'CloudTrail gaps', 'Retries', 'Quarantined', 'Last error'], v.sources.map((s) => [
      s.id, `${s.objects.read}${s.objects.alreadyProcessed ? ` (+${s.objects.alreadyProcessed} seen)` : ''}${s.objects.failed ? ` ${s.objects.failed} failed` : ''}`,
      s.records, bytes(s.bytesIn), s.badRecords, ago(s.lagSeconds),
      s.gaps.reduce((n, g) => n + g.missingSlots, 0) || '–', s.retry?.retries ?? 0, s.quarantine?.length ?? 0, s.lastError ? `${s.lastError.at.slice(0, 19)} ${s.lastError.message.slice(0, 60)}` : '–',
    ])));
    for (const s of v.sources) {
      const bad = Object.entries(s.kinds).flatMap(([k, st]) => Object.entries(st!.bad).map(([r, b]) => `  ${k} ${r}: ${b!.count} (e.g. ${b!.samples[0]?.object ?? ''}${b!.samples[0]?.excerpt ? `: ${b!.samples[0].excerpt.slice(0, 60)}` : ''})`));
      const notices = Object.entries(s.notices).map(([r, n]) => `  ${r}: ${n.count} (e.g. ${n.samples[0]})`);
      const gaps = s.gaps.filter((g) => g.missingSlots > 0).map((g) => `  gap ${g.accountId}/${g.region}: ${g.missingSlots} missing 5-minute file(s), latest ${g.recent.at(-1)}`);
      const counters = Object.entries(s.counters ?? {}).map(([k, n]) => `${k} ${n}`).join(', ');
      const r = s.retry;
      const failing = r?.backoffUntil
        ? [`  failing since ${r.failingSince?.slice(0, 19)}: ${r.waiting} object(s) waiting, next try ${r.backoffUntil.slice(0, 19)} (${r.lastFailure?.transient ? 'store or network' : 'object-specific'}: ${r.lastFailure?.message.slice(0, 80)})`]
        : [];
      const quarantined = (s.quarantine ?? []).map((q) => `  quarantined ${q.id} ${q.uri}: ${q.error.slice(0, 80)} (${q.tries} tries, ${q.firstFailureAt.slice(0, 19)} – ${q.lastFailureAt.slice(0, 19)})`);
      if (quarantined.length) quarantined.push('  (re-queue with: vigil quarantine requeue <id> or --all)');
      if (bad.length + notices.length + gaps.length + failing.length + quarantined.length || counters) out.push('', `${s.id}:${counters ? ` ${counters}` : ''}`, ...failing, ...quarantined, ...bad, ...notices, ...gaps);
    }
  }
  if (v.notifiers?.length) {
    out.push('', table(['Notifier', 'Sent', 'Retried', 'Dead-lettered', 'Queued', 'Last error'], v.notifiers.map((n) => [n.name, n.sent, n.retried, n.deadLettered, n.queued, n.lastError ? `${n.lastError.at.slice(0, 19)} ${n.lastError.message.slice(0, 60)}` : '–'])));
  }
  if (v.cluster) out.push('', ...printCluster(v.cluster));
  if (v.logTypes?.length) out.push('', table(['Log type', 'Objects', 'Records', 'Bad', 'Last processed'], v.logTypes.map((l) => [l.kind, l.objects, l.records, l.bad, l.lastProcessedAt])));
  return out.join('\n') + '\n';
}

/** Workers, partitions (owner, epoch, notices waiting) and, from a server, what its sources published. */
export function printCluster(c: NonNullable<StatusView['cluster']>): string[] {
  const out: string[] = [];
  const s = c.status;
  if (c.statusError) out.push(`cluster: ${c.statusError}`);
  if (s) {
    const owned = new Map<string, number>();
    for (const p of s.partitionStatus) if (p.owner) owned.set(p.owner, (owned.get(p.owner) ?? 0) + 1);
    const unowned = s.partitionStatus.filter((p) => !p.owner).length;
    out.push(`Cluster ${s.prefix}: ${s.partitions} partitions (lease ${s.leaseSeconds} s), ${s.workers.length} worker(s), ${s.pending} notice(s) waiting of ${s.published} published${unowned ? `, ${unowned} partition(s) without an owner` : ''}`, '');
    out.push(table(['Worker', 'Host', 'PID', 'Started', 'Partitions'], s.workers.map((w) => [w.id, w.host, w.pid, w.startedAt.slice(0, 19), owned.get(w.id) ?? 0])));
    const busy = s.partitionStatus.filter((p) => p.pending > 0 || !p.owner);
    out.push('', busy.length
      ? table(['Partition', 'Owner', 'Epoch', 'Waiting'], busy.map((p) => [p.partition, p.owner ?? '(none)', p.epoch ?? '–', p.pending]))
      : 'Every partition is owned and has nothing waiting.');
  }
  if (c.publishing?.length) {
    out.push('', table(['Listing source', 'Published', 'Seen again', 'Refused', 'Last poll', 'Last error'], c.publishing.map((p) => [p.id, p.published, p.duplicates, p.refused, p.lastPollAt?.slice(0, 19) ?? '–', p.lastError ? `${p.lastError.at.slice(0, 19)} ${p.lastError.message.slice(0, 60)}` : '–'])));
  }
  return out;
}

export async function runStatus(o: StatusOptions): Promise<void> {
  let v: StatusView;
  if (o.nats && !o.url) {
    const cluster = await openClusterFrom({ ...o, existing: true }, 'vigil status');
    try { v = { from: o.nats, sources: [], cluster: { status: await clusterStatus(cluster) } }; } finally { await cluster.close(); }
  } else v = o.url ? await fromApi(o.url) : await fromDb(storeLocation(o));
  process.stdout.write(o.json ? JSON.stringify(v, null, 2) + '\n' : printStatus(v));
}
