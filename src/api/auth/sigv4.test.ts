import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { verifySigV4, type SignedRequest } from './sigv4.js';

const KEY = { accessKeyId: 'AKIAVIGILTEST0000001', secretAccessKey: 'test/secret+key/0123456789abcdefghijklmn' };
const signer = new SignatureV4({ credentials: KEY, region: 'eu-west-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
const secretFor = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);
const NOW = Date.UTC(2026, 2, 2, 10, 15);

async function signed(o: { method?: string; path?: string; query?: Record<string, string>; body?: string; presign?: boolean } = {}): Promise<SignedRequest> {
  const body = o.body ?? '';
  const req = { method: o.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8765, path: o.path ?? '/detector/abc/findings',
    query: o.query ?? {}, headers: { host: '127.0.0.1:8765', 'content-type': 'application/json' }, body: body || undefined };
  const s = o.presign ? await signer.presign(req, { signingDate: new Date(NOW), expiresIn: 300 }) : await signer.sign(req, { signingDate: new Date(NOW) });
  const rawQuery = Object.entries(s.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return { method: s.method, rawPath: s.path, rawQuery, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) };
}

test('header-signed requests verify, with the region from the credential scope', async () => {
  const r = await verifySigV4(await signed({ body: '{"maxResults":5}' }), secretFor, NOW);
  assert.deepEqual(r, { ok: true, accessKeyId: KEY.accessKeyId, region: 'eu-west-1' });
});

test('paths with encoded characters and query strings verify (the signer escapes the path again)', async () => {
  const arn = encodeURIComponent('arn:aws:guardduty:eu-west-1:111122223333:detector/abc');
  const r = await verifySigV4(await signed({ method: 'GET', path: `/tags/${arn}`, query: { maxResults: '10', nextToken: 'a b/c' } }), secretFor, NOW);
  assert.equal(r.ok, true, JSON.stringify(r));
});

test('presigned query-string requests verify, and expire', async () => {
  const req = await signed({ method: 'GET', path: '/detector', presign: true });
  assert.equal((await verifySigV4(req, secretFor, NOW + 60_000)).ok, true);
  const late = await verifySigV4(req, secretFor, NOW + 301_000);
  assert.deepEqual([late.ok, !late.ok && late.reason], [false, 'expired']);
});

test('wrong key, wrong secret, tampered body, old date and missing auth are refused with a reason', async () => {
  const req = await signed({ body: '{"maxResults":5}' });
  const r1 = await verifySigV4(req, () => undefined, NOW);
  assert.equal(!r1.ok && r1.reason, 'unknown-key');
  const r2 = await verifySigV4(req, () => 'not-the-secret', NOW);
  assert.equal(!r2.ok && r2.reason, 'signature');
  const r3 = await verifySigV4({ ...req, body: Buffer.from('{"maxResults":50}') }, secretFor, NOW);
  assert.equal(!r3.ok && r3.reason, 'body-hash');
  const r4 = await verifySigV4(req, secretFor, NOW + 16 * 60_000);
  assert.equal(!r4.ok && r4.reason, 'expired');
  const r5 = await verifySigV4({ ...req, headers: { host: '127.0.0.1:8765' } }, secretFor, NOW);
  assert.equal(!r5.ok && r5.reason, 'missing');
  const r6 = await verifySigV4({ ...req, headers: { ...req.headers, host: '127.0.0.1:9999' } }, secretFor, NOW);
  assert.equal(!r6.ok && r6.reason, 'signature', 'the port is part of the signed host');
});

test('the payload hash is always checked: UNSIGNED-PAYLOAD, streaming markers and non-hex values are refused', async () => {
  const body = '{"maxResults":5}';
  for (const declared of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'not-a-hash', '', 'E3B0C442']) {
    // signed the way a client that opts out of payload signing does: the header is signed, so
    // the canonical request carries the header's value instead of the body's hash
    const req = { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8765, path: '/detector/abc/findings', query: {},
      headers: { host: '127.0.0.1:8765', 'content-type': 'application/json', 'x-amz-content-sha256': declared }, body };
    const s = await signer.sign(req, { signingDate: new Date(NOW) });
    const r = await verifySigV4({ method: 'POST', rawPath: s.path, rawQuery: '', headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) }, secretFor, NOW);
    assert.equal(r.ok, false, `${JSON.stringify(declared)} is refused`);
    assert.equal(!r.ok && r.reason, 'unsigned-payload', JSON.stringify(declared));
    assert.match(!r.ok ? r.message : '', /signature we calculated does not match/);
  }
  // the real hash (what the SDKs and the AWS CLI send, or omit) verifies
  const ok = await signed({ body });
  assert.equal((await verifySigV4(ok, secretFor, NOW)).ok, true);
  assert.match(String(ok.headers['x-amz-content-sha256']), /^[0-9a-f]{64}$/);
  const plain = new SignatureV4({ credentials: KEY, region: 'eu-west-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
  const s = await plain.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8765, path: '/detector/abc/findings', query: {}, headers: { host: '127.0.0.1:8765' }, body }, { signingDate: new Date(NOW) });
  assert.equal(s.headers['x-amz-content-sha256'], undefined);
  const r = await verifySigV4({ method: 'POST', rawPath: s.path, rawQuery: '', headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) }, secretFor, NOW);
  assert.equal(r.ok, true, 'no header: the hash of the body as received is signed');
});
