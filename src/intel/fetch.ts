/**
 * Fetches a list's content from where it lives — a local file, an http(s) URL, or S3 — with a
 * conditional request when we already hold a copy (ETag / Last-Modified for HTTP and S3, size
 * and mtime for files), so an unchanged list costs a 304 and no parsing. Sizes are capped.
 *
 * S3 locations: `s3://bucket/key`, and the https forms GuardDuty accepts
 * (`https://s3.amazonaws.com/bucket/key`, `https://s3-<region>.amazonaws.com/bucket/key`,
 * `https://bucket.s3.amazonaws.com/key`, `…s3.<region>.amazonaws.com…`). Credentials and region
 * come the AWS way (environment, profiles); `AWS_ENDPOINT_URL_S3` (or the endpoint option)
 * points at an S3-compatible store.
 */
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';

export interface FetchConditions { etag?: string; lastModified?: string }

export type FetchResult =
  | { status: 'unchanged' }
  | { status: 'fetched'; body: Buffer; etag?: string; lastModified?: string; sha256: string };

export interface FetchOptions {
  /** Largest content accepted (bytes). */
  maxBytes: number;
  timeoutMs?: number;
  /** S3 endpoint override (also AWS_ENDPOINT_URL_S3). */
  s3Endpoint?: string;
}

export class FetchError extends Error {}

export type Location = { kind: 'file'; path: string } | { kind: 'http'; url: string } | { kind: 's3'; bucket: string; key: string; region?: string };

export function parseLocation(location: string): Location {
  if (location.startsWith('s3://')) {
    const rest = location.slice(5);
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) throw new FetchError(`S3 location needs a bucket and a key: ${location}`);
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  if (/^https?:\/\//i.test(location)) {
    const u = new URL(location);
    // GuardDuty's https S3 forms: path style and virtual-hosted style
    const path = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
    if (path) {
      const [, region] = path;
      const [bucket, ...key] = u.pathname.slice(1).split('/');
      if (bucket && key.length) return { kind: 's3', bucket, key: decodeURIComponent(key.join('/')), region: region && region !== 'external-1' ? region : undefined };
    }
    const hosted = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
    if (hosted && u.pathname.length > 1) return { kind: 's3', bucket: hosted[1], key: decodeURIComponent(u.pathname.slice(1)), region: hosted[2] };
    return { kind: 'http', url: location };
  }
  return { kind: 'file', path: location.startsWith('file://') ? new URL(location).pathname : location };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function fetchList(location: string, cond: FetchConditions, opts: FetchOptions): Promise<FetchResult> {
  const loc = parseLocation(location);
  switch (loc.kind) {
    case 'file': return fetchFile(loc.path, cond, opts);
    case 'http': return fetchHttp(loc.url, cond, opts);
    case 's3': return fetchS3(loc, cond, opts);
  }
}

async function fetchFile(path: string, cond: FetchConditions, opts: FetchOptions): Promise<FetchResult> {
  let st;
  try { st = await stat(path); } catch (e) { throw new FetchError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
  if (!st.isFile()) throw new FetchError(`${path} is not a file`);
  if (st.size > opts.maxBytes) throw new FetchError(`${path} is ${st.size} bytes, over the ${opts.maxBytes}-byte limit`);
  const tag = `${st.size}-${st.mtimeMs}`;
  if (cond.etag === tag) return { status: 'unchanged' };
  const body = await readFile(path);
  return { status: 'fetched', body, etag: tag, lastModified: st.mtime.toUTCString(), sha256: sha(body) };
}

async function fetchHttp(url: string, cond: FetchConditions, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { 'user-agent': 'vigil-intel/0.1' };
  if (cond.etag) headers['if-none-match'] = cond.etag;
  if (cond.lastModified) headers['if-modified-since'] = cond.lastModified;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000), redirect: 'follow' });
  } catch (e) {
    throw new FetchError(`cannot fetch ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (res.status === 304) return { status: 'unchanged' };
  if (!res.ok) throw new FetchError(`${url} answered HTTP ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > opts.maxBytes) throw new FetchError(`${url} is ${declared} bytes, over the ${opts.maxBytes}-byte limit`);
  const body = await readCapped(res, url, opts.maxBytes);
  return { status: 'fetched', body, etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined, sha256: sha(body) };
}

async function readCapped(res: Response, url: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += c.length;
    if (n > max) throw new FetchError(`${url} is over the ${max}-byte limit`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

async function fetchS3(loc: { bucket: string; key: string; region?: string }, cond: FetchConditions, opts: FetchOptions): Promise<FetchResult> {
  // the SDK version is pinned by the lockfile and supports Node 20; its upgrade notice is noise here
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const endpoint = opts.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  const client = new S3Client({
    region: loc.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  const where = `s3://${loc.bucket}/${loc.key}`;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, IfNoneMatch: cond.etag, IfModifiedSince: cond.lastModified && !cond.etag ? new Date(cond.lastModified) : undefined }));
    if ((res.ContentLength ?? 0) > opts.maxBytes) throw new FetchError(`${where} is ${res.ContentLength} bytes, over the ${opts.maxBytes}-byte limit`);
    const body = Buffer.from(await res.Body!.transformToByteArray());
    return { status: 'fetched', body, etag: res.ETag, lastModified: res.LastModified?.toUTCString(), sha256: sha(body) };
  } catch (e) {
    if (e instanceof FetchError) throw e;
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (err.$metadata?.httpStatusCode === 304) return { status: 'unchanged' };
    throw new FetchError(`cannot get ${where}: ${err.name ?? 'error'}${err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}${err.message && err.message !== err.name ? `: ${err.message}` : ''}`);
  } finally {
    client.destroy();
  }
}
