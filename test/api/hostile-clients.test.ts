/**
 * Hostile clients against a live `vigil serve` with short timeouts and small caps: connections
 * that send nothing, headers a line at a time or a body a byte at a time are cut off in time with
 * a GuardDuty-shaped 408, idle keep-alive connections are closed, connections beyond the caps on
 * unauthenticated connections (overall and per address) are refused at once, while a client with
 * a key keeps being served; an over-limit body is refused without waiting for it; and no error
 * body or log line carries an Authorization header, a signature, a secret or a session token.
 * Not timed: the figures under load are bench/slow-clients.ts's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { KEYS, REGION, startHarness, type Harness } from './harness.js';

// keep-alive must outlast a second: node's client agent drops a connection whose server announces `timeout=0`
const LIMITS = { headersTimeoutMs: 600, requestTimeoutMs: 1500, keepAliveTimeoutMs: 2500, maxUnauthenticatedConnections: 12, maxUnauthenticatedPerAddress: 8 };

let h: Harness;
const logLines: string[] = [];

before(async () => {
  const logStream = new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  h = await startHarness({ settings: LIMITS, logStream });
});
after(async () => { await h?.stop(); });

interface Raw { socket: Socket; openedAt: number; closed: Promise<{ afterMs: number; got: string }> }

/** A raw TCP client from a loopback address; `send` runs once it is connected. */
function rawClient(localAddress: string, send?: (s: Socket) => void): Raw {
  const socket = connect({ host: '127.0.0.1', port: h.port, localAddress });
  const openedAt = Date.now();
  let got = '';
  socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
  socket.on('error', () => { /* a reset is one way of being cut off */ });
  if (send) socket.on('connect', () => send(socket));
  const closed = new Promise<{ afterMs: number; got: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - openedAt, got })));
  return { socket, openedAt, closed };
}

/** A byte every `ms` until the socket closes. */
function trickle(s: Socket, ms: number, byte = ' '): void {
  const t = setInterval(() => { if (s.writable) s.write(byte); else clearInterval(t); }, ms);
  s.on('close', () => clearInterval(t));
}

function assertGuardDutyError(got: string, status: number, name: string): void {
  const [head, body] = got.split('\r\n\r\n');
  assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), got);
  assert.match(head, new RegExp(`x-amzn-errortype: ${name}`, 'i'));
  const json = JSON.parse(body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), ['__type', 'message']);
}

async function goodCall(): Promise<void> {
  const r = await h.sdk(KEYS.admin).send(new ListDetectorsCommand({}));
  assert.deepEqual(r.DetectorIds, [h.adminDetectorId]);
}

test('a connection that sends nothing, headers a line at a time, or a body a byte at a time is cut off; the good client is served meanwhile', async () => {
  await goodCall();
  const idle = [0, 1].map(() => rawClient('127.0.0.2'));
  const slowHeaders = [0, 1].map(() => rawClient('127.0.0.3', (s) => {
    s.write(`POST /detector HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\n`);
    let i = 0;
    const t = setInterval(() => { if (s.writable) s.write(`X-Slow-${i++}: 1\r\n`); else clearInterval(t); }, 100);
    s.on('close', () => clearInterval(t));
  }));
  const slowBody = [0, 1, 2].map(() => rawClient('127.0.0.4', (s) => {
    s.write(`POST /detector/${h.adminDetectorId}/findings HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    trickle(s, 50);
  }));
  // the good client keeps working while they hang on
  let served = 0;
  const all = Promise.all([...idle, ...slowHeaders, ...slowBody].map((c) => c.closed));
  let done = false;
  void all.then(() => { done = true; });
  while (!done) { await goodCall(); served++; await new Promise((r) => setTimeout(r, 50)); }
  assert.ok(served >= 5, `the good client was served ${served} times meanwhile`);
  const slack = 1000;
  for (const c of idle) {
    const r = await c.closed;
    assert.ok(r.afterMs >= LIMITS.headersTimeoutMs - 50 && r.afterMs < LIMITS.headersTimeoutMs + slack, `idle closed after ${r.afterMs} ms`);
  }
  for (const c of slowHeaders) {
    const r = await c.closed;
    assert.ok(r.afterMs < LIMITS.headersTimeoutMs + slack, `slow headers cut off after ${r.afterMs} ms`);
    assertGuardDutyError(r.got, 408, 'RequestTimeoutException');
  }
  for (const c of slowBody) {
    const r = await c.closed;
    assert.ok(r.afterMs >= LIMITS.requestTimeoutMs - 50 && r.afterMs < LIMITS.requestTimeoutMs + slack, `slow body cut off after ${r.afterMs} ms`);
    assertGuardDutyError(r.got, 408, 'RequestTimeoutException');
  }
  assert.ok(h.server.app.vigilConnections.stats().timedOut >= 7, JSON.stringify(h.server.app.vigilConnections.stats()));
  await goodCall();
});

test('connections beyond the caps are refused at once; a keep-alive connection with a key keeps being served', async () => {
  // an authenticated keep-alive connection, made before the flood
  const flood: Raw[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const signer = new SignatureV4({ credentials: KEYS.admin, region: REGION, service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  let calls = 0;
  const call = async () => {
    const s = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: h.port, path: '/detector', query: {}, headers: { host: `127.0.0.1:${h.port}` } });
    return new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: '/detector', agent, headers: s.headers as Record<string, string> }, (res) => {
        res.resume();
        res.on('end', () => resolve(req.reusedSocket || calls++ === 0 ? res.statusCode! : -1));
      });
      req.on('error', reject);
      req.end();
    });
  };
  try {
    assert.equal(await call(), 200);
    // it keeps calling all along, on that one connection
    let flowing = true;
    const statuses: number[] = [];
    const loop = (async () => { while (flowing) { statuses.push(await call()); await new Promise((r) => setTimeout(r, 30)); } })();
    const refusedBefore = h.server.app.vigilConnections.stats().refused;
    // 12 from one address: 8 (the per-address cap) are held, 4 refused
    const a = Array.from({ length: 12 }, () => rawClient('127.0.0.5'));
    flood.push(...a);
    await new Promise((r) => setTimeout(r, 150));
    // 10 from another: 4 more fit under the overall cap of 12, 6 refused
    const b = Array.from({ length: 10 }, () => rawClient('127.0.0.6'));
    flood.push(...b);
    await new Promise((r) => setTimeout(r, 150));
    const openNow = (cs: Raw[]) => cs.filter((c) => !c.socket.destroyed && c.socket.readyState === 'open').length;
    assert.equal(openNow(a), LIMITS.maxUnauthenticatedPerAddress, 'the per-address cap');
    assert.equal(openNow(a) + openNow(b), LIMITS.maxUnauthenticatedConnections, 'the overall cap');
    assert.equal(h.server.app.vigilConnections.stats().refused - refusedBefore, 22 - LIMITS.maxUnauthenticatedConnections);
    // refused ones were closed at once, before the header timeout
    const refused = (await Promise.all([...a, ...b].map((c) => Promise.race([c.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))])))).filter((r) => r && r.afterMs < 300);
    assert.equal(refused.length, 22 - LIMITS.maxUnauthenticatedConnections);
    await Promise.all([...a, ...b].map((c) => c.closed));
    flowing = false;
    await loop;
    // while the caps were full, the authenticated connection was served
    assert.ok(statuses.length >= 10 && statuses.every((x) => x === 200), JSON.stringify(statuses));
    // once they are cut off, new connections are accepted again
    await goodCall();
    const fresh = rawClient('127.0.0.5', (s) => s.write(`GET /vigil/health HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nConnection: close\r\n\r\n`));
    assert.match((await fresh.closed).got, /^HTTP\/1\.1 200 /);
  } finally { agent.destroy(); for (const c of flood) c.socket.destroy(); }
});

test('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
  const c = rawClient('127.0.0.7', (s) => s.write(`GET /vigil/health HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\n\r\n`));
  const r = await c.closed;
  assert.match(r.got, /^HTTP\/1\.1 200 /);
  // node:http keeps the socket a second longer than it announces (a client reusing it just in time is not cut)
  assert.ok(r.afterMs >= LIMITS.keepAliveTimeoutMs - 50 && r.afterMs < LIMITS.keepAliveTimeoutMs + 2000, `closed after ${r.afterMs} ms`);
});

test('a declared body over the limit is refused at once, without waiting for the body', async () => {
  const c = rawClient('127.0.0.8', (s) => s.write(`POST /detector/${h.adminDetectorId}/findings HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nContent-Type: application/json\r\nContent-Length: ${10 << 20}\r\n\r\n{`));
  const got = await new Promise<string>((resolve) => { let s = ''; c.socket.on('data', (d: Buffer) => { s += d.toString(); if (s.includes('}')) resolve(s); }); });
  assert.ok(Date.now() - c.openedAt < LIMITS.headersTimeoutMs, 'answered before any timeout');
  assertGuardDutyError(got.replace(/\r\n\r\n[\s\S]*?(\{[\s\S]*\})$/, '\r\n\r\n$1'), 400, 'BadRequestException');
  assert.match(got, /larger than 1048576 bytes/);
  c.socket.destroy();
});

test('no error body or log line carries an Authorization header, a signature, a secret or a session token', async () => {
  const token = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789secret';
  const bodies: string[] = [];
  const keep = (r: { text: string }) => { bodies.push(r.text); return r; };
  // a wrong secret, with a session token; an unknown key; a presigned URL with a wrong secret
  const wrong = { ...KEYS.admin, secretAccessKey: 'wrong/secret+key/0123456789abcdefghijk' };
  keep(await h.raw(wrong, { path: '/detector', headers: { 'x-amz-security-token': token } }));
  keep(await h.raw({ ...KEYS.admin, accessKeyId: 'AKIANOBODYKNOWSTHIS1' }, { path: '/detector' }));
  keep(await h.raw(wrong, { path: '/detector', headers: { 'x-amz-security-token': token } }, { presign: true }));
  const presignedOk = keep(await h.raw(KEYS.admin, { path: '/detector' }, { presign: true }));
  assert.equal(JSON.parse(presignedOk.text).detectorIds.length, 1);
  // an Authorization header holding the secret itself, and junk headers holding it
  keep(await h.unsigned({ path: '/detector', headers: { authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.admin.secretAccessKey}` } }));
  keep(await h.unsigned({ path: `/detector/${h.adminDetectorId}/findings`, body: `{"x":"${KEYS.admin.secretAccessKey}"`, headers: { authorization: `Bearer ${token}` } }));
  keep(await h.raw(KEYS.admin, { path: `/detector/${h.adminDetectorId}/findings`, body: '{"maxResults":"x"}', headers: { 'x-amz-security-token': token } }));
  // malformed HTTP carrying the secret, and a timeout while a signed header hangs
  const bad = rawClient('127.0.0.9', (s) => s.write(`GET /detector HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEYS.admin.secretAccessKey}\r\nBad Header\u0001: ${token}\r\n\r\n`));
  bodies.push((await bad.closed).got);
  const hang = rawClient('127.0.0.9', (s) => s.write(`GET /detector HTTP/1.1\r\nHost: x\r\nX-Amz-Security-Token: ${token}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=${KEYS.admin.accessKeyId}/x`));
  bodies.push((await hang.closed).got);
  await new Promise((r) => setTimeout(r, 100)); // the last log lines
  assert.ok(bodies.length >= 9 && logLines.length > 5, `${bodies.length} bodies, ${logLines.length} log lines`);
  const signatures = logLines.join('\n').match(/X-Amz-Signature=[^&"\s]+/gi) ?? [];
  assert.ok(signatures.length > 0, 'presigned requests were logged');
  for (const s of signatures) assert.equal(s.split('=')[1], '[redacted]', s);
  for (const [what, texts] of [['error body', bodies], ['log line', logLines]] as const) {
    for (const t of texts) {
      for (const secret of [KEYS.admin.secretAccessKey, wrong.secretAccessKey, token]) assert.ok(!t.includes(secret), `${what} holds ${secret}: ${t}`);
      assert.doesNotMatch(t, /(Credential|Signature)=(?!\[redacted\])/, `${what} holds a credential or a signature: ${t}`);
      assert.doesNotMatch(t, /[0-9a-f]{64}/, `${what} holds something like a signature: ${t}`);
      assert.doesNotMatch(t, /"?(authorization|x-amz-security-token)"?\s*[:=](?!\[redacted\])/i, `${what} holds a credential header: ${t}`);
    }
  }
});
