/**
 * S3 event notifications through SQS (the production path on AWS): a receive loop long-polls the
 * queue in the background and hands the created objects to the ingest loop. A message is deleted
 * only after every object it names is committed (read and checkpointed, or found already
 * processed by its content fingerprint), so a crash before the delete redelivers it after the
 * visibility timeout and the object is then skipped, never counted twice. Objects that cannot be
 * read are left on the queue: they come back after the visibility timeout (and go to the queue's
 * dead-letter queue after its maxReceiveCount, if one is set). A delete that fails (the connection
 * is lost right after the commit) is not given up: the message stays invisible (the heartbeat
 * goes on extending it) and its delete is retried before every receive until the network is back,
 * so a committed message is neither left on the queue for good nor redelivered.
 *
 * Message bodies: S3 event notifications (`{"Records":[{"eventName":"ObjectCreated:…","s3":…}]}`),
 * the same wrapped in SNS (`{"Type":"Notification","Message":"…"}`), and EventBridge's
 * `Object Created` events. `s3:TestEvent` and non-create events are deleted; a body that is none
 * of these is counted (`bad-message`, with a sample) and deleted.
 */
import type { S3Client as S3ClientT } from '@aws-sdk/client-s3';
import type { SQSClient as SQSClientT, Message } from '@aws-sdk/client-sqs';
import type { ContinuousSource, SourceContext } from '../continuous.js';
import { SourceConfigError } from '../continuous.js';
import type { SourceObject } from '../types.js';
import { S3Object, keyTime, s3Client, s3Settings } from '../s3/index.js';
import type { RefClient } from '../refs.js';
import { isTransient } from '../../core/transient.js';

export interface SqsSourceConfig {
  type: 'sqs';
  id?: string;
  queueUrl: string;
  region?: string;
  /** SQS endpoint override (else AWS_ENDPOINT_URL_SQS). */
  endpoint?: string;
  /** S3 endpoint override for reading the objects (else AWS_ENDPOINT_URL_S3 / VIGIL_S3_ENDPOINT). */
  s3Endpoint?: string;
  profile?: string;
  /** Seconds a received message stays invisible while its objects are read (default 300). */
  visibilityTimeout?: number;
  /** Long-poll wait (seconds, default 10; a stop waits for the poll in flight). */
  waitSeconds?: number;
  /**
   * Objects received and not yet taken by the ingest loop above which receiving pauses (default
   * 1000): while the loop backs off from a failing store, the queue keeps the backlog, not memory.
   */
  maxWaiting?: number;
}

interface Pending { receipt: string; left: number; ok: boolean }

/** Created objects named by a message body, or why it names none. */
export function parseNotification(body: string): { objects: { bucket: string; key: string; size: number; etag: string }[]; ignore?: string } | { error: string } {
  let doc: Record<string, unknown>;
  try { doc = JSON.parse(body) as Record<string, unknown>; } catch { return { error: 'not JSON' }; }
  if (doc?.Type === 'Notification' && typeof doc.Message === 'string') return parseNotification(doc.Message);
  if (doc?.Event === 's3:TestEvent') return { objects: [], ignore: 'test-event' };
  if (doc?.['detail-type'] === 'Object Created' && doc.detail && typeof doc.detail === 'object') {
    const d = doc.detail as { bucket?: { name?: string }; object?: { key?: string; size?: number; etag?: string } };
    if (!d.bucket?.name || !d.object?.key) return { error: 'EventBridge event without bucket or key' };
    return { objects: [{ bucket: d.bucket.name, key: d.object.key, size: d.object.size ?? 0, etag: d.object.etag ?? '' }] };
  }
  if (!Array.isArray(doc?.Records)) return { error: 'no Records' };
  const objects: { bucket: string; key: string; size: number; etag: string }[] = [];
  for (const r of doc.Records as { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number; eTag?: string } } }[]) {
    if (!r?.s3?.bucket?.name || typeof r.s3.object?.key !== 'string') return { error: 'record without s3.bucket.name or s3.object.key' };
    if (!String(r.eventName ?? '').startsWith('ObjectCreated')) continue;
    // keys in S3 notifications are URL-encoded with + for spaces
    objects.push({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), size: r.s3.object.size ?? 0, etag: r.s3.object.eTag ?? '' });
  }
  return objects.length ? { objects } : { objects, ignore: 'no-created-object' };
}

export class SqsSource implements ContinuousSource {
  readonly type = 'sqs';
  readonly id: string;
  readonly location: string;
  readonly intervalMs = 1000;
  onWake?: () => void;
  notices: { reason: string; uri: string; at: string }[] = [];
  private sqs?: SQSClientT;
  private s3?: S3ClientT;
  private s3Settings: RefClient = {};
  private ready: S3Object[] = [];
  /** Per object (by identity) the message it came from. */
  private readonly from = new Map<S3Object, { id: string; p: Pending }>();
  private stopping = false;
  private loop?: Promise<void>;
  private lastError?: Error;
  /** Messages received and deleted (health). */
  stats = { received: 0, deleted: 0 };
  /** Messages received and not yet deleted or released: their visibility is extended while they wait. */
  private readonly inFlight = new Set<Pending>();
  private heartbeat?: NodeJS.Timeout;
  private extending?: Promise<void>;
  /**
   * Messages to delete (committed, or not notifications) whose delete has not succeeded yet. They
   * stay in `inFlight` meanwhile, so the heartbeat keeps them invisible until the delete works.
   */
  private readonly undeleted = new Set<Pending>();
  /** The delete run in progress: runs never overlap (a message deleted twice would count twice). */
  private deleting: Promise<void> = Promise.resolve();

  constructor(private readonly cfg: SqsSourceConfig, _ctx: SourceContext) {
    if (typeof cfg.queueUrl !== 'string' || !/^https?:\/\//.test(cfg.queueUrl)) throw new SourceConfigError(`sqs source: \`queueUrl\` must be the queue's URL (got ${cfg.queueUrl})`);
    this.location = cfg.queueUrl;
    this.id = cfg.id ?? `sqs:${cfg.queueUrl}`;
  }

  private async clients(): Promise<{ sqs: SQSClientT; s3: S3ClientT }> {
    if (this.sqs && this.s3) return { sqs: this.sqs, s3: this.s3 };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const region = this.cfg.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? /sqs\.([a-z0-9-]+)\./.exec(this.cfg.queueUrl)?.[1] ?? 'us-east-1';
    const profile = this.cfg.profile ? { profile: this.cfg.profile } : {};
    const sqsEndpoint = this.cfg.endpoint ?? process.env.AWS_ENDPOINT_URL_SQS;
    const s3Endpoint = this.cfg.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.VIGIL_S3_ENDPOINT;
    this.sqs = new SQSClient({ region, ...(sqsEndpoint ? { endpoint: sqsEndpoint } : {}), ...profile });
    this.s3Settings = s3Settings({ region, endpoint: s3Endpoint, profile: this.cfg.profile });
    this.s3 = await s3Client(this.s3Settings);
    return { sqs: this.sqs, s3: this.s3 };
  }

  private async receiveLoop(): Promise<void> {
    const { ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
    while (!this.stopping) {
      if (this.ready.length >= (this.cfg.maxWaiting ?? 1000)) {
        // backpressure: the ingest loop is not taking objects (a backlog, a failing checkpoint)
        await new Promise((res) => setTimeout(res, 200));
        continue;
      }
      try {
        // deletes the last commits could not make (a lost connection) go first: their receipt
        // handles hold only while the heartbeat keeps the messages invisible
        if (this.undeleted.size) await this.flushDeletes();
        const { sqs } = await this.clients();
        const r = await sqs.send(new ReceiveMessageCommand({
          QueueUrl: this.cfg.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: this.cfg.waitSeconds ?? 10, VisibilityTimeout: this.cfg.visibilityTimeout ?? 300,
        }));
        if (this.stopping) { if (r.Messages?.length) await this.release(r.Messages.map((m) => ({ receipt: m.ReceiptHandle!, left: 0, ok: true }))); break; }
        this.lastError = undefined;
        if (r.Messages?.length) { await this.accept(r.Messages); this.onWake?.(); }
      } catch (e) {
        if (this.stopping) break;
        this.lastError = e as Error;
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
  }

  private async accept(messages: Message[]): Promise<void> {
    const { s3 } = await this.clients();
    let quiet = false;
    for (const m of messages) {
      this.stats.received++;
      const parsed = parseNotification(m.Body ?? '');
      if ('error' in parsed) {
        this.notices.push({ reason: 'bad-message', uri: `${m.MessageId}: ${parsed.error}: ${(m.Body ?? '').slice(0, 120)}`, at: new Date().toISOString() });
      }
      if ('error' in parsed || parsed.objects.length === 0) {
        // deleted after the loop: a failing delete must not drop the other messages of this receive
        this.toDelete({ receipt: m.ReceiptHandle!, left: 0, ok: true });
        quiet = true;
        continue;
      }
      const p: Pending = { receipt: m.ReceiptHandle!, left: parsed.objects.length, ok: true };
      this.inFlight.add(p);
      for (const o of parsed.objects) {
        const obj = new S3Object(s3, o.bucket, o.key, o.size, o.etag ? `"${o.etag.replace(/"/g, '')}"` : '', keyTime(o.key) ?? Date.now(), this.s3Settings);
        this.from.set(obj, { id: m.MessageId ?? '', p });
        this.ready.push(obj);
      }
    }
    if (quiet) await this.flushDeletes().catch((e: Error) => { this.lastError = e; });
  }

  /** Queues a message for deletion; it stays in flight (kept invisible) until the delete works. */
  private toDelete(p: Pending): void {
    this.inFlight.add(p);
    this.undeleted.add(p);
  }

  /**
   * Deletes the queued messages, one run at a time. A lost connection stops the run (the rest
   * would fail the same way) and throws; the messages stay queued for the next run. A delete the
   * service refuses (a receipt handle that expired in a long outage: the message was redelivered)
   * is dropped: the redelivered copy is skipped by fingerprint and deleted with its own handle.
   */
  private flushDeletes(): Promise<void> {
    const run = this.deleting.then(async () => {
      for (const p of [...this.undeleted]) {
        try {
          await this.delete(p.receipt);
        } catch (e) {
          if (isTransient(e)) throw new Error(`${this.undeleted.size} message(s) not deleted yet, retried before the next receive: ${(e as Error).message}`, { cause: e });
          this.lastError = e as Error;
        }
        this.undeleted.delete(p);
        this.inFlight.delete(p);
      }
    });
    this.deleting = run.catch(() => undefined);
    return run;
  }

  private async delete(receipt: string): Promise<void> {
    const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    const { sqs } = await this.clients();
    await sqs.send(new DeleteMessageCommand({ QueueUrl: this.cfg.queueUrl, ReceiptHandle: receipt }));
    this.stats.deleted++;
  }

  /**
   * Every third of the visibility timeout, messages still waiting (a backlog, a slow object) get
   * their visibility extended, so SQS does not hand them to another consumer meanwhile.
   */
  private startHeartbeat(): void {
    const vis = this.cfg.visibilityTimeout ?? 300;
    this.heartbeat = setInterval(() => { this.extending ??= this.extend(vis).catch((e: Error) => { this.lastError = e; }).finally(() => { this.extending = undefined; }); }, Math.max(1000, (vis * 1000) / 3));
    this.heartbeat.unref();
  }

  private async extend(vis: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    const { sqs } = await this.clients();
    for (const p of [...this.inFlight]) {
      if (this.stopping || !this.inFlight.has(p)) continue; // released or deleted meanwhile
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.cfg.queueUrl, ReceiptHandle: p.receipt, VisibilityTimeout: vis })).catch((e: Error) => { this.lastError = e; });
    }
  }

  /** Makes messages visible again at once (stopping, a failed checkpoint). */
  private async release(ps: Iterable<Pending>): Promise<void> {
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    const { sqs } = await this.clients();
    for (const p of ps) {
      this.inFlight.delete(p);
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.cfg.queueUrl, ReceiptHandle: p.receipt, VisibilityTimeout: 0 })).catch(() => undefined);
    }
  }

  counters(): Record<string, number> {
    return { messagesReceived: this.stats.received, messagesDeleted: this.stats.deleted, messagesInFlight: this.inFlight.size };
  }

  async poll(): Promise<SourceObject[]> {
    if (!this.loop) { this.loop = this.receiveLoop(); this.startHeartbeat(); }
    if (this.lastError) throw new Error(`cannot receive from ${this.cfg.queueUrl}: ${this.lastError.name}: ${this.lastError.message}`);
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /**
   * Objects whose checkpoint is committed: messages with every object done are deleted. Throws
   * when a delete failed for a lost connection (the ingest loop shows it in health); those
   * messages are deleted before the next receive, and kept invisible until then.
   */
  async committed(objects: SourceObject[], failed: ReadonlySet<SourceObject> = new Set()): Promise<void> {
    let any = false;
    for (const o of objects) {
      const m = this.from.get(o as S3Object);
      if (!m) continue;
      this.from.delete(o as S3Object);
      if (failed.has(o)) m.p.ok = false;
      if (--m.p.left > 0) continue;
      // a message with an unreadable object stays: it comes back after the visibility timeout
      if (m.p.ok) { this.undeleted.add(m.p); any = true; } else this.inFlight.delete(m.p);
    }
    if (any) await this.flushDeletes();
  }

  retry(objects: SourceObject[]): void {
    // not deleted: made visible again so SQS redelivers them now
    const ps = new Set<Pending>();
    for (const o of objects) { const m = this.from.get(o as S3Object); if (m) ps.add(m.p); this.from.delete(o as S3Object); }
    void this.release(ps).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.extending; // an extension in flight must not land after the release below
    // the long poll in flight is let finish (≤ waitSeconds), not aborted: a queue may still hand
    // a message to a poll whose client went away, and that message would stay invisible
    await this.loop?.catch(() => undefined);
    // committed messages whose delete is still owed: one last try (if it fails they come back
    // after the release below, and the next start skips their objects by fingerprint)
    if (this.sqs && this.undeleted.size) await this.flushDeletes().catch(() => undefined);
    // received but not read: back on the queue for the next start (or another consumer)
    if (this.sqs) await this.release([...this.inFlight]);
    this.sqs?.destroy();
    this.s3?.destroy();
  }
}
