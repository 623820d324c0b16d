/**
 * The work notice: one per log object, published by the listing side, consumed by the owner of
 * the object's partition. Its message id (`Nats-Msg-Id`) is the object's identity — where it is,
 * its size and its version (S3 ETag, file mtime) — so the same object listed twice (two API
 * replicas, a restart) is one notice; a rewritten object is a new one.
 */
import { createHash } from 'node:crypto';
import type { ObjectRef } from '../sources/refs.js';

export interface ObjectNotice {
  v: 1;
  /** The listing source's id (health, logs). */
  source: string;
  ref: ObjectRef;
  /** The account the key names, when it names one. */
  account?: string;
  publishedAt: string;
}

export function noticeId(ref: ObjectRef): string {
  const id = `${ref.kind}:${ref.uri}:${ref.size}:${ref.etag ?? ref.time ?? ''}`;
  // message ids travel in a header: keep them short and free of odd bytes
  return id.length <= 200 && /^[\x21-\x7e]+$/.test(id) ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** Parses a notice; throws with the reason for one that is not (a foreign or damaged message). */
export function parseNotice(data: Uint8Array): ObjectNotice {
  let n: ObjectNotice;
  try { n = JSON.parse(Buffer.from(data).toString('utf8')) as ObjectNotice; } catch { throw new Error('notice is not JSON'); }
  if (!n || typeof n !== 'object' || n.v !== 1) throw new Error('notice of an unknown version');
  if (typeof n.source !== 'string' || !n.ref || typeof n.ref !== 'object') throw new Error('notice without source or ref');
  return n;
}
