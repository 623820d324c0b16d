/**
 * S3 prefix polling. The bucket is walked (ListObjectsV2 with a delimiter) down to the log
 * partitions of AWS's layouts — `AWSLogs/[<org-id>/]<account>/<CloudTrail|vpcflowlogs|vpcdnsquerylogs>/<region or vpc>/`
 * — and each partition is listed from a StartAfter key a look-back before the newest object
 * read there (CloudTrail and flow-log files arrive late and out of order inside a day folder).
 * Other prefixes are listed as flat folders. Digest files are never listed.
 *
 * Start position: `backfill` (everything), `now` (the first start, kept across restarts) or an ISO
 * date: an object is read when the time its key names (`…_YYYYMMDDTHHmmZ_…`, else its
 * `YYYY/MM/DD/` folder) is at or after the start — for `now`, up to 20 minutes before it, as a
 * CloudTrail file covering the start is named a little earlier — or, for keys that name no time,
 * when it was uploaded at or after the start. Per-partition cursors
 * are kept in the store; they only save listing: whether an object was read is decided by its
 * content fingerprint, so a cursor behind the last checkpoint re-offers objects that are then
 * skipped, never counted twice.
 *
 * Credentials and endpoints the AWS way: the SDK's default chain (environment, shared config and
 * credentials files, `profile`, SSO, instance roles), `region`, and `endpoint` (or
 * AWS_ENDPOINT_URL_S3 / VIGIL_S3_ENDPOINT) for S3-compatible stores (path-style addressing).
 */
import { PassThrough, Readable } from 'node:stream';
import type { S3Client as S3ClientT } from '@aws-sdk/client-s3';
import type { ContinuousSource, SourceContext } from '../continuous.js';
import { SourceConfigError } from '../continuous.js';
import type { SourceObject } from '../types.js';
import type { ObjectRef, RefClient } from '../refs.js';

export interface S3SourceConfig {
  type: 's3';
  id?: string;
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  profile?: string;
  /** `now` (default), `backfill`, or an ISO date/time. */
  start?: string;
  /** Seconds between listings (default 60). */
  pollSeconds?: number;
  /** Hours listed again behind each partition's newest object (default 24). */
  lookbackHours?: number;
  /** Seconds between walks for new partitions (default 300). */
  discoverSeconds?: number;
}

/** The partition a key of an AWS layout belongs to: `…AWSLogs/[<org-id>/]<account>/<product>/<region or vpc>/`. */
const PARTITION_OF = /^(.*?(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/[^/]+\/[^/]+\/)/;
const PRODUCT_SKIP = /\/CloudTrail-Digest\/[^/]+\/$/;
/** With `start: now`, files whose key time is this much before the start are still read (they cover it). */
const NOW_SLACK = 20 * 60_000;

interface Cursor { start: number; partitions: Record<string, number> }

export class S3Object implements SourceObject {
  constructor(private readonly client: S3ClientT, readonly bucket: string, readonly key: string, readonly size: number, readonly etag: string, readonly time: number,
    /** How the client was made (no secrets), for a reference another process opens. */
    readonly clientSettings: RefClient = {}) {}
  get uri(): string { return `s3://${this.bucket}/${this.key}`; }

  ref(): ObjectRef {
    return { kind: 's3', uri: this.uri, key: this.key, size: this.size, bucket: this.bucket, etag: this.etag, time: this.time, client: this.clientSettings };
  }

  open(): Readable {
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    void (async () => {
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, IfMatch: this.etag || undefined }));
      const body = res.Body as Readable;
      body.on('error', (e) => out.destroy(e));
      body.pipe(out);
    })().catch((e: Error) => out.destroy(e));
    return out;
  }

  async readRange(offset: number, length: number): Promise<Buffer> {
    if (length <= 0 || offset >= this.size) return Buffer.alloc(0);
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const end = Math.min(this.size, offset + length) - 1;
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${offset}-${end}` }));
    return Buffer.from(await res.Body!.transformToByteArray());
  }
}

/** A source's S3 settings with the environment's defaults filled in (so a reference carries what was used). */
export function s3Settings(c: RefClient): RefClient {
  const endpoint = c.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.VIGIL_S3_ENDPOINT;
  return {
    region: c.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(c.profile ? { profile: c.profile } : {}),
  };
}

const clients = new Map<string, Promise<S3ClientT>>();

/** One S3 client per settings (credentials from the environment or the profile), made on first use. */
export function s3Client(c: RefClient): Promise<S3ClientT> {
  const id = JSON.stringify([c.region, c.endpoint, c.profile]);
  let p = clients.get(id);
  if (!p) {
    p = (async () => {
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({
        region: c.region ?? 'us-east-1',
        ...(c.endpoint ? { endpoint: c.endpoint, forcePathStyle: true } : {}),
        ...(c.profile ? { profile: c.profile } : {}),
      });
    })();
    clients.set(id, p);
  }
  return p;
}

/** Opens a reference made by S3Object.ref() in this process (sources/refs.ts). */
export async function openS3Ref(r: ObjectRef): Promise<S3Object> {
  if (typeof r.bucket !== 'string' || !r.bucket) throw new Error(`${r.uri}: an s3 reference needs its bucket`);
  const settings = s3Settings(r.client ?? {});
  return new S3Object(await s3Client(settings), r.bucket, r.key, r.size, typeof r.etag === 'string' ? r.etag : '', typeof r.time === 'number' ? r.time : Date.now(), settings);
}

/** Event time a key names: `…_20261201T1005Z_…` (CloudTrail, flow logs), else a `YYYY/MM/DD/` path. */
export function keyTime(key: string): number | undefined {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z/.exec(base);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const d = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\//.exec(key);
  return d ? Date.UTC(+d[1], +d[2] - 1, +d[3]) : undefined;
}

function dayPath(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
}

export class S3Source implements ContinuousSource {
  readonly type = 's3';
  readonly id: string;
  readonly location: string;
  private client?: S3ClientT;
  private cursor?: Cursor;
  private partitions: { prefix: string; layout: boolean }[] = [];
  private discoveredAt = 0;
  /** Keys offered in this run (key → ETag), so a listing does not offer them again. */
  private readonly offered = new Map<string, string>();
  private readonly prefix: string;
  readonly intervalMs: number;

  constructor(private readonly cfg: S3SourceConfig, private readonly ctx: SourceContext) {
    if (typeof cfg.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(cfg.bucket)) throw new SourceConfigError(`s3 source: \`bucket\` must be a bucket name (got ${cfg.bucket})`);
    this.prefix = (cfg.prefix ?? '').replace(/^\/+/, '');
    if (this.prefix && !this.prefix.endsWith('/')) this.prefix += '/';
    this.location = `s3://${cfg.bucket}/${this.prefix}`;
    this.id = cfg.id ?? `s3:${cfg.bucket}/${this.prefix}`;
    const start = cfg.start ?? 'now';
    if (start !== 'now' && start !== 'backfill' && Number.isNaN(Date.parse(start))) throw new SourceConfigError(`s3 source ${this.id}: start must be now, backfill or a date (got ${start})`);
    this.intervalMs = Math.max(1, cfg.pollSeconds ?? 60) * 1000;
    this.settings = s3Settings({ region: cfg.region, endpoint: cfg.endpoint, profile: cfg.profile });
  }

  private readonly settings: RefClient;

  private async s3(): Promise<S3ClientT> {
    return (this.client ??= await s3Client(this.settings));
  }

  private async loadCursor(): Promise<Cursor> {
    if (this.cursor) return this.cursor;
    const saved = await this.ctx.store.getDoc<Cursor>('ingest-cursor', this.id);
    const start = this.cfg.start ?? 'now';
    this.cursor = saved ?? { start: start === 'backfill' ? 0 : start === 'now' ? Date.now() : Date.parse(start), partitions: {} };
    if (!saved) await this.ctx.store.putDoc('ingest-cursor', this.id, '', this.cursor);
    return this.cursor;
  }

  /**
   * Finds the partitions by skipping through the key space: a page is listed from a StartAfter
   * key; a key in an AWS layout names its partition, and listing continues after the whole
   * partition (`<partition>\uffff`), so this costs one request per partition, not per object.
   * Keys outside the layouts make their folder a flat partition. (Delimiter listings are not
   * used: some S3-compatible stores answer them only one level deep.)
   */
  private async discover(out: { prefix: string; layout: boolean }[]): Promise<void> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = await this.s3();
    const seen = new Set<string>();
    let after: string | undefined;
    for (let requests = 0; requests < 100_000; requests++) {
      const r = await client.send(new ListObjectsV2Command({ Bucket: this.cfg.bucket, Prefix: this.prefix || undefined, StartAfter: after, MaxKeys: 1000 }));
      const keys = (r.Contents ?? []).map((c) => c.Key!).filter(Boolean);
      if (keys.length === 0) return;
      let jumped = false;
      for (const key of keys) {
        const m = PARTITION_OF.exec(key);
        const part = m ? m[1] : key.slice(0, key.lastIndexOf('/') + 1);
        if (!seen.has(part)) {
          seen.add(part);
          if (!PRODUCT_SKIP.test(part)) out.push({ prefix: part, layout: Boolean(m) });
        }
        if (m) { after = `${part}\uffff`; jumped = true; break; }
        after = key;
      }
      if (!jumped && !r.IsTruncated) return;
    }
  }

  async poll(): Promise<SourceObject[]> {
    try {
      return await this.list();
    } catch (e) {
      const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      throw new Error(`cannot list ${this.location}: ${err.name ?? 'Error'}${err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}${err.message && err.message !== err.name ? `: ${err.message}` : ''}`);
    }
  }

  private async list(): Promise<SourceObject[]> {
    const cursor = await this.loadCursor();
    const client = await this.s3();
    const now = Date.now();
    if (this.partitions.length === 0 || now - this.discoveredAt >= (this.cfg.discoverSeconds ?? 300) * 1000) {
      const found: { prefix: string; layout: boolean }[] = [];
      await this.discover(found);
      this.partitions = found;
      this.discoveredAt = now;
    }
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const lookback = (this.cfg.lookbackHours ?? 24) * 3_600_000;
    const ready: S3Object[] = [];
    for (const part of this.partitions) {
      const newest = cursor.partitions[part.prefix] ?? cursor.start;
      const startAfter = part.layout && newest > 0 ? `${part.prefix}${dayPath(newest - lookback)}` : undefined;
      let token: string | undefined;
      do {
        const r = await client.send(new ListObjectsV2Command({
          Bucket: this.cfg.bucket, Prefix: part.prefix, Delimiter: part.layout ? undefined : '/', StartAfter: token ? undefined : startAfter, ContinuationToken: token,
        }));
        for (const c of r.Contents ?? []) {
          if (!c.Key || c.Key.endsWith('/') || /_CloudTrail-Digest_/.test(c.Key)) continue;
          const etag = c.ETag ?? '';
          if (this.offered.get(c.Key) === etag) continue;
          const named = keyTime(c.Key);
          const t = named ?? c.LastModified?.getTime() ?? now;
          // `now` and dates: by the time the key names, else by upload time
          if (cursor.start > 0 && t < cursor.start - (named !== undefined && (this.cfg.start ?? 'now') === 'now' ? NOW_SLACK : 0)) continue;
          ready.push(new S3Object(client, this.cfg.bucket, c.Key, c.Size ?? 0, etag, t, this.settings));
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    }
    ready.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const o of ready) this.offered.set(o.key, o.etag);
    return ready;
  }

  counters(): Record<string, number> {
    return { partitions: this.partitions.length, layoutPartitions: this.partitions.filter((p) => p.layout).length };
  }

  async committed(objects: SourceObject[]): Promise<void> {
    const cursor = await this.loadCursor();
    let moved = false;
    for (const o of objects) {
      if (!(o instanceof S3Object)) continue;
      const part = this.partitions.find((p) => o.key.startsWith(p.prefix) && p.layout);
      if (!part) continue;
      if (o.time > (cursor.partitions[part.prefix] ?? 0)) { cursor.partitions[part.prefix] = o.time; moved = true; }
    }
    if (moved) await this.ctx.store.putDoc('ingest-cursor', this.id, '', cursor);
  }

  retry(objects: SourceObject[]): void {
    for (const o of objects) this.offered.delete(o.key);
  }

  async stop(): Promise<void> { this.client?.destroy(); }
}
