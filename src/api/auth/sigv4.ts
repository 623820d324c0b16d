/**
 * AWS Signature Version 4 verification, for the header form (`Authorization: AWS4-HMAC-SHA256
 * Credential=…, SignedHeaders=…, Signature=…`) and the presigned query form (`X-Amz-Signature`…).
 * The expected signature is computed with AWS's own signer (@smithy/signature-v4) over the
 * request as received: method, the raw path (escaped again by the signer, as SigV4 does for
 * every service but S3), decoded query, only the signed headers (host keeps its port), and the
 * payload hash (checked against the body). Requests outside the clock-skew window fail.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';

export interface SignedRequest {
  method: string;
  /** Path exactly as on the request line, without the query. */
  rawPath: string;
  /** The raw query string (without '?'), '' when none. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Credential { accessKeyId: string; date: string; region: string; service: string }

export type VerifyResult =
  | { ok: true; accessKeyId: string; region: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown-key' | 'expired' | 'signature' | 'body-hash' | 'unsigned-payload'; message: string };

export const MAX_SKEW_MS = 15 * 60_000;

function header(h: SignedRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** `20260302T101500Z` → Date. */
export function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  if (!raw) return q;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, '%20'));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, '%20'));
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

function parseCredential(s: string): Credential | undefined {
  const parts = s.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  return { accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3] };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function verifySigV4(req: SignedRequest, secretFor: (accessKeyId: string) => string | undefined | Promise<string | undefined>, now = Date.now()): Promise<VerifyResult> {
  const auth = header(req.headers, 'authorization');
  const query = parseQuery(req.rawQuery);
  const presigned = typeof query['X-Amz-Signature'] === 'string';
  if (!auth && !presigned) return { ok: false, reason: 'missing', message: 'Missing Authentication Token: sign requests with AWS Signature Version 4.' };

  let cred: Credential | undefined, signedHeaders: string[], signature: string, amzDate: string | undefined, expiresIn: number | undefined;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth.trim());
    if (!m) return { ok: false, reason: 'malformed', message: 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.' };
    cred = parseCredential(m[1]);
    signedHeaders = m[2].split(';');
    signature = m[3];
    amzDate = header(req.headers, 'x-amz-date');
  } else {
    cred = parseCredential(String(query['X-Amz-Credential'] ?? ''));
    signedHeaders = String(query['X-Amz-SignedHeaders'] ?? 'host').split(';');
    signature = String(query['X-Amz-Signature']);
    amzDate = String(query['X-Amz-Date'] ?? '');
    expiresIn = Number(query['X-Amz-Expires'] ?? 900);
  }
  if (!cred) return { ok: false, reason: 'malformed', message: 'The credential scope is malformed (expected <key>/<date>/<region>/<service>/aws4_request).' };
  const when = parseAmzDate(amzDate);
  if (!when) return { ok: false, reason: 'malformed', message: 'X-Amz-Date is missing or malformed.' };
  if (presigned) {
    if (!Number.isFinite(expiresIn) || expiresIn! < 1 || expiresIn! > 604800) return { ok: false, reason: 'malformed', message: 'X-Amz-Expires must be between 1 and 604800 seconds.' };
    if (now > when.getTime() + expiresIn! * 1000 || when.getTime() - now > MAX_SKEW_MS) return { ok: false, reason: 'expired', message: 'Request has expired.' };
  } else if (Math.abs(now - when.getTime()) > MAX_SKEW_MS) {
    return { ok: false, reason: 'expired', message: 'Signature expired: the request time is more than 15 minutes from the server time.' };
  }
  const secret = await secretFor(cred.accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', message: 'The security token included in the request is invalid.' };

  // The payload is always covered: GuardDuty, like every AWS service but S3, signs the hash of
  // the body as received. A declared hash must be that hash; UNSIGNED-PAYLOAD, the streaming
  // markers or anything else would let the signer use the header's value instead of the body's
  // (the body could then be swapped), so they are refused as the signature mismatch AWS reports.
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const declared = header(req.headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== bodyHash) {
    return /^[0-9a-f]{64}$/i.test(declared)
      ? { ok: false, reason: 'body-hash', message: 'The provided x-amz-content-sha256 header does not match the request body.' }
      : { ok: false, reason: 'unsigned-payload', message: 'The request signature we calculated does not match the signature you provided: the payload must be signed (x-amz-content-sha256 must be the SHA-256 of the body).' };
  }
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) {
    const v = header(req.headers, h);
    if (v === undefined) return { ok: false, reason: 'signature', message: `Signed header ${h} is missing from the request.` };
    headers[h] = v;
  }
  const host = headers.host ?? header(req.headers, 'host') ?? '';
  const signer = new SignatureV4({
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: secret },
    region: cred.region, service: cred.service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false,
  });
  const request = {
    method: req.method, protocol: 'http:', hostname: host.replace(/:\d+$/, ''), path: req.rawPath, headers,
    query: Object.fromEntries(Object.entries(query).filter(([k]) => !(presigned && k.startsWith('X-Amz-')))),
    // the bytes as received: clients sign bytes, and a body that is not UTF-8 must still verify
    // (it then fails as bad JSON, a 400, not as a bad signature)
    body: req.body.length ? new Uint8Array(req.body) : undefined,
  };
  let expected: string;
  if (presigned) {
    const signed = await signer.presign(request, { signingDate: when, expiresIn, signableHeaders: new Set(signedHeaders), unhoistableHeaders: new Set() });
    expected = String(signed.query?.['X-Amz-Signature'] ?? '');
  } else {
    const signed = await signer.sign(request, { signingDate: when, signableHeaders: new Set(signedHeaders) });
    const m = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''));
    expected = m?.[1] ?? '';
  }
  if (!same(expected, signature)) {
    return { ok: false, reason: 'signature', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
  }
  return { ok: true, accessKeyId: cred.accessKeyId, region: cred.region };
}
