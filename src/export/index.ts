/**
 * Export to publishing destinations (GuardDuty's CreatePublishingDestination): findings of a
 * destination's detector are written as gzip JSON lines — one GuardDuty finding per line — in
 * GuardDuty's layout, `<prefix>/AWSLogs/<account>/GuardDuty/<region>/YYYY/MM/DD/<uuid>.jsonl.gz`,
 * to an S3 bucket (`arn:aws:s3:::bucket/prefix`, SSE-KMS with the destination's key) or a local
 * folder (`file:///path`).
 *
 * Schedule, as GuardDuty: new findings within 5 minutes (each tick), updated findings once per
 * the detector's `findingPublishingFrequency`. Archived (suppressed) findings are not exported.
 * A cursor per destination (a store document) remembers what was written, so a restart neither
 * skips nor repeats a period. A failing destination gets GuardDuty's
 * UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY status with the failure start time, and is retried
 * at the next tick.
 *
 * Retention: findings last updated more than `retentionDays` ago are written to every
 * destination of their detector that has not got that version yet (archived ones included: they
 * are about to go), then deleted — by whole partitions where the store keeps them (PostgreSQL's
 * monthly partitions), otherwise finding by finding.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Finding } from '../core/index.js';
import type { Store } from '../store/index.js';
import { hasFindingPartitions } from '../store/types.js';
import { FREQUENCY_MS, type Frequency } from '../notify/index.js';

export interface DestinationDoc {
  destinationId: string;
  detectorId: string;
  destinationType: 'S3';
  destinationProperties: { destinationArn: string; kmsKeyArn?: string; expectedBucketOwner?: string };
  status: string;
  publishingFailureStartTimestamp?: number;
}

interface Cursor { updated: number; created: number; fullAt: number }

export interface ExportOptions {
  store: Store;
  retentionDays: number;
  /** Tick (ms, default 5 minutes): new findings go out at each tick. */
  tickMs?: number;
  /** S3 endpoint override (else AWS_ENDPOINT_URL_S3 / VIGIL_S3_ENDPOINT). */
  s3Endpoint?: string;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface ExportRun { destinations: { id: string; written: number; files: string[]; error?: string }[]; retained: { deleted: number; exported: number } }

const PAGE = 1000;
const DAY = 86_400_000;

export function exportKey(prefix: string, f: { accountId: string; region: string }, at: number): string {
  const d = new Date(at);
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return `${p ? `${p}/` : ''}AWSLogs/${f.accountId}/GuardDuty/${f.region}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${randomUUID()}.jsonl.gz`;
}

export class Exporter {
  private timer?: NodeJS.Timeout;
  private running?: Promise<ExportRun>;
  /** Retention first runs an hour after the start (a server started over old data has time to be stopped). */
  private lastRetention: number;

  constructor(private readonly o: ExportOptions) { this.lastRetention = this.now(); }

  private now(): number { return (this.o.now ?? Date.now)(); }

  start(): void {
    const tick = this.o.tickMs ?? 5 * 60_000;
    this.timer = setInterval(() => { void this.run().catch((e) => this.o.log?.('error', `export: ${(e as Error).message}`)); }, tick);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One tick: every destination, then retention (at most hourly). Runs never overlap. */
  run(o: { forceRetention?: boolean } = {}): Promise<ExportRun> {
    const prev = this.running ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.runOnce(o));
    this.running = next;
    return next;
  }

  private async runOnce(o: { forceRetention?: boolean }): Promise<ExportRun> {
    const out: ExportRun = { destinations: [], retained: { deleted: 0, exported: 0 } };
    const dests = await this.o.store.listDocs<DestinationDoc>('destination');
    for (const d of dests) out.destinations.push(await this.exportDestination(d));
    if (o.forceRetention || this.now() - this.lastRetention >= 3_600_000) {
      this.lastRetention = this.now();
      out.retained = await this.retention(dests);
    }
    return out;
  }

  private async frequency(detectorId: string): Promise<number> {
    const d = await this.o.store.getDoc<{ findingPublishingFrequency?: Frequency }>('detector', detectorId);
    return FREQUENCY_MS[d?.findingPublishingFrequency ?? 'SIX_HOURS'] ?? FREQUENCY_MS.SIX_HOURS;
  }

  private async exportDestination(d: DestinationDoc): Promise<ExportRun['destinations'][number]> {
    const res: ExportRun['destinations'][number] = { id: d.destinationId, written: 0, files: [] };
    if (d.status === 'STOPPED') return res;
    const now = this.now();
    const cur = (await this.o.store.getDoc<Cursor>('export-cursor', d.destinationId)) ?? { updated: 0, created: 0, fullAt: now };
    const full = now - cur.fullAt >= (await this.frequency(d.detectorId));
    // new findings always; updates only when the detector's period has passed
    const criterion: Record<string, { gt?: number; eq?: string[] }> = { 'service.archived': { eq: ['false'] }, 'service.detectorId': { eq: [d.detectorId] }, updatedAt: { gt: cur.updated } };
    if (!full) criterion.createdAt = { gt: cur.created };
    const findings: Finding[] = [];
    for (let cursor: number | undefined = 0; cursor !== undefined;) {
      const page = await this.o.store.pageFindings({ criteria: { criterion }, sort: { attribute: 'updatedAt', order: 'ASC' }, limit: PAGE, cursor });
      findings.push(...page.findings);
      cursor = page.cursor;
    }
    try {
      res.files = await this.write(d, findings);
      res.written = findings.length;
      const next: Cursor = { ...cur };
      for (const f of findings) next.created = Math.max(next.created, Date.parse(f.createdAt));
      if (full) { next.fullAt = now; for (const f of findings) next.updated = Math.max(next.updated, Date.parse(f.updatedAt)); }
      await this.o.store.putDoc('export-cursor', d.destinationId, '', next);
      if (d.status !== 'PUBLISHING' || d.publishingFailureStartTimestamp) {
        const fresh = await this.o.store.getDoc<DestinationDoc & { accountId?: string }>('destination', d.destinationId);
        if (fresh) { fresh.status = 'PUBLISHING'; delete fresh.publishingFailureStartTimestamp; await this.putDestination(fresh); }
      }
    } catch (e) {
      res.error = (e as Error).message;
      this.o.log?.('warn', `publishing destination ${d.destinationId}: ${res.error}`);
      const fresh = await this.o.store.getDoc<DestinationDoc>('destination', d.destinationId);
      if (fresh && fresh.status !== 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY') {
        fresh.status = 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY';
        fresh.publishingFailureStartTimestamp = now;
        await this.putDestination(fresh);
      }
    }
    return res;
  }

  private async putDestination(d: DestinationDoc): Promise<void> {
    // documents are filed under the owner's account: the detector's
    const det = await this.o.store.getDoc<{ accountId: string }>('detector', d.detectorId);
    await this.o.store.putDoc('destination', d.destinationId, det?.accountId ?? '', d);
  }

  /** Writes findings grouped by account and region, one object per group. */
  private async write(d: DestinationDoc, findings: Finding[]): Promise<string[]> {
    if (findings.length === 0) return [];
    const groups = new Map<string, Finding[]>();
    for (const f of findings) {
      const k = `${f.accountId}|${f.region}`;
      const g = groups.get(k);
      if (g) g.push(f); else groups.set(k, [f]);
    }
    const arn = d.destinationProperties.destinationArn;
    const written: string[] = [];
    for (const list of groups.values()) {
      const body = gzipSync(list.map((f) => JSON.stringify(f)).join('\n') + '\n');
      if (arn.startsWith('file://')) {
        const root = fileURLToPath(arn);
        const path = join(root, exportKey('', list[0], this.now()));
        // exported findings are private: files 0600, folders made for them 0700
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFile(path, body, { mode: 0o600 });
        written.push(path);
      } else {
        const m = /^arn:aws[a-z-]*:s3:::([^/]+)\/?(.*)$/.exec(arn);
        if (!m) throw new Error(`not an S3 bucket ARN: ${arn}`);
        const key = exportKey(m[2], list[0], this.now());
        await this.putS3(m[1], key, body, d);
        written.push(`s3://${m[1]}/${key}`);
      }
    }
    return written;
  }

  private async putS3(bucket: string, key: string, body: Buffer, d: DestinationDoc): Promise<void> {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const endpoint = this.o.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.VIGIL_S3_ENDPOINT;
    const client = new S3Client({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
    try {
      const kms = d.destinationProperties.kmsKeyArn;
      await client.send(new PutObjectCommand({
        Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: undefined,
        ...(kms && !endpoint ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kms } : {}),
        ExpectedBucketOwner: d.destinationProperties.expectedBucketOwner,
      }));
    } catch (e) {
      const err = e as { name?: string; message?: string };
      throw new Error(`cannot write s3://${bucket}/${key}: ${err.name ?? 'error'}${err.message && err.message !== err.name ? `: ${err.message}` : ''}`);
    } finally {
      client.destroy();
    }
  }

  /**
   * Exports (where a destination lacks them) and deletes findings older than the retention. A
   * store that keeps findings in created-time partitions drops the partitions that have wholly
   * expired (after the same export); what is left is deleted finding by finding.
   */
  private async retention(dests: DestinationDoc[]): Promise<ExportRun['retained']> {
    const cutoff = this.now() - this.o.retentionDays * DAY;
    const out = { deleted: 0, exported: 0 };
    const store = this.o.store;
    if (hasFindingPartitions(store)) {
      const before = new Date(cutoff).toISOString();
      for (const part of await store.expiredFindingPartitions(before)) {
        const criterion = { createdAt: { gte: Date.parse(part.createdFrom), lt: Date.parse(part.createdTo) }, updatedAt: { lt: cutoff } };
        for (let cursor: number | undefined = 0; cursor !== undefined;) {
          const page = await store.pageFindings({ criteria: { criterion }, sort: { attribute: 'updatedAt', order: 'ASC' }, limit: PAGE, cursor });
          out.exported += await this.exportBeforeDeleting(dests, page.findings);
          cursor = page.cursor;
        }
        out.deleted += await store.dropFindingPartition(part, before);
      }
    }
    for (;;) {
      const page = await store.pageFindings({ criteria: { criterion: { updatedAt: { lt: cutoff } } }, sort: { attribute: 'updatedAt', order: 'ASC' }, limit: PAGE });
      if (page.findings.length === 0) break;
      out.exported += await this.exportBeforeDeleting(dests, page.findings);
      out.deleted += await store.deleteFindings(page.findings.map((f) => f.id));
    }
    if (out.deleted) this.o.log?.('info', `retention: ${out.deleted} finding(s) older than ${this.o.retentionDays} days deleted (${out.exported} exported first)`);
    return out;
  }

  /** Writes expiring findings to each destination that has not got their version yet; how many were written. */
  private async exportBeforeDeleting(dests: DestinationDoc[], findings: Finding[]): Promise<number> {
    let exported = 0;
    for (const d of dests) {
      if (d.status === 'STOPPED') continue;
      const cur = await this.o.store.getDoc<Cursor>('export-cursor', d.destinationId);
      const missing = findings.filter((f) => f.service.detectorId === d.detectorId && Date.parse(f.updatedAt) > (cur?.updated ?? 0));
      // a destination that cannot be written keeps the findings: nothing is deleted unexported
      await this.write(d, missing);
      exported += missing.length;
    }
    return exported;
  }
}
