/**
 * SigV4 for the browser: the same signer the AWS SDKs use (@smithy/signature-v4) with a pure-JS
 * SHA-256, so signing works on plain http:// origins too (WebCrypto is only there on secure
 * origins). The console signs every call exactly as the AWS CLI would, for service `guardduty`.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface Credentials { accessKeyId: string; secretAccessKey: string }

export interface SignInput {
  method: string;
  url: URL;
  body?: string;
  region: string;
  credentials: Credentials;
  /** For tests; now by default. */
  date?: Date;
}

/** The headers to send with the request (the browser adds `host` itself, with the port). */
export async function signedHeaders(i: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: i.credentials, region: i.region, service: 'guardduty', sha256: Sha256, uriEscapePath: true });
  const query: Record<string, string> = {};
  i.url.searchParams.forEach((v, k) => { query[k] = v; });
  const headers: Record<string, string> = { host: i.url.host };
  if (i.body !== undefined) headers['content-type'] = 'application/json';
  const signed = await signer.sign({
    method: i.method, protocol: i.url.protocol, hostname: i.url.hostname, port: i.url.port ? Number(i.url.port) : undefined,
    path: decodeURIComponent(i.url.pathname), query, headers, body: i.body,
  }, { signingDate: i.date });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k] = String(v);
  return out;
}
