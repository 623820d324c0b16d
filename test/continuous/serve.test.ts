/**
 * `vigil serve` with a watched folder and a webhook: a file landing in the folder becomes a
 * stored finding and a signed EventBridge-shaped event on a real loopback HTTP listener; the
 * source's health shows in /vigil/ingestion/sources (SigV4), /vigil/metrics and `vigil status`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { loadServeConfig } from '../../src/api/config.js';
import { startServer } from '../../src/app/serve.js';
import { signature } from '../../src/notify/webhook/index.js';
import { cloudTrailFile, ctRecord } from '../../src/testing/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const KEY = { accessKeyId: 'AKIAVIGILSTATUS00001', secretAccessKey: 'status/secret/0123456789abcdefghijklmn' };

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const body = (req: IncomingMessage) => new Promise<string>((res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => res(b)); });

test('serve --watch: file → finding → signed webhook event; health in the API, /metrics and vigil status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-watch-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const hook = createServer(async (req, res) => { received.push({ headers: req.headers, body: await body(req) }); res.end('ok'); });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;

  const config = loadServeConfig({ db: join(dir, 'v.db'), port: '0', adminAccount: '111111111111', watch: [logs] }, {
    VIGIL_ADMIN_ACCESS_KEY_ID: KEY.accessKeyId, VIGIL_ADMIN_SECRET_ACCESS_KEY: KEY.secretAccessKey,
  });
  config.notifiers = [{ type: 'webhook', url: `http://127.0.0.1:${hookPort}/events`, secret: 'hook-secret' }];
  const server = await startServer(config, { logger: false });
  try {
    const stop = ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'main' }, readOnly: false, recipientAccountId: '111111111111' });
    writeFileSync(join(logs, 'AWSLogs-111111111111_CloudTrail_us-east-1_20260302T0900Z_a.json.gz'), gzipSync(cloudTrailFile([stop])));
    writeFileSync(join(logs, 'broken.json.gz'), gzipSync(cloudTrailFile([stop])).subarray(0, 30));
    await until('the webhook got the finding', () => received.length >= 1);
    const [{ headers, body: raw }] = received;
    assert.equal(headers['x-vigil-signature'], signature('hook-secret', String(headers['x-vigil-timestamp']), raw), 'HMAC-SHA256 over timestamp.body');
    const event = JSON.parse(raw);
    assert.equal(event['detail-type'], 'GuardDuty Finding');
    assert.equal(event.source, 'aws.guardduty');
    assert.equal(event.version, '0');
    assert.equal(event.detail.type, 'Stealth:IAMUser/CloudTrailLoggingDisabled');
    assert.equal(event.account, event.detail.accountId);
    assert.equal(event.region, event.detail.region);
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    // the API extension (SigV4)
    const u = new URL('/vigil/ingestion/sources', server.url);
    const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
    await until('both files were looked at', () => (server.continuous.ingestor?.view()[0].objects.read ?? 0) >= 2);
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: u.pathname, headers: { host: u.host }, query: {} });
    const res = await fetch(u, { headers: signed.headers as Record<string, string> });
    assert.equal(res.status, 200);
    const view = await res.json() as { sources: { id: string; objects: { read: number }; records: number; badRecords: number; kinds: Record<string, { bad: Record<string, { count: number }> }>; retry: { retries: number; quarantined: number; waiting: number }; quarantine: unknown[] }[]; notifiers: { sent: number }[] };
    assert.equal(view.sources.length, 1);
    assert.equal(view.sources[0].objects.read, 2);
    assert.equal(view.sources[0].records, 1);
    assert.equal(view.sources[0].badRecords, 1);
    assert.equal(view.sources[0].kinds.unknown.bad['gzip-corrupt'].count, 1, 'a cut gzip file: counted with its reason');
    assert.deepEqual(view.sources[0].retry, { retries: 0, quarantined: 0, requeued: 0, waiting: 0 }, 'retry counters, apart from what was read');
    assert.deepEqual(view.sources[0].quarantine, [], 'and the quarantined objects');
    assert.equal(view.notifiers[0].sent, 1);
    assert.equal((await fetch(u)).status, 403, 'unsigned requests are refused');
    // metrics
    const metrics = await (await fetch(new URL('/vigil/metrics', server.url))).text();
    assert.match(metrics, new RegExp(`vigil_ingest_objects\\{source="folder:${logs.replace(/[/.]/g, '\\$&')}",outcome="read"\\} 2`));
    assert.match(metrics, /vigil_ingest_bad_records\{[^}]*reason="gzip-corrupt"\} 1/);
    assert.match(metrics, /vigil_notify_events\{notifier="webhook:127.0.0.1:\d+",outcome="sent"\} 1/);
    assert.match(metrics, /vigil_ingest_lag_seconds\{source="folder:[^"]+"\} \d+/);
    assert.match(metrics, /vigil_ingest_retries\{source="folder:[^"]+"\} 0/);
    assert.match(metrics, /vigil_ingest_quarantined_objects\{source="folder:[^"]+"\} 0/);
    // vigil status --url
    const viaApi = await new Promise<string>((res, rej) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status', '--url', server.url, '--json'],
      { cwd: ROOT, env: { ...process.env, AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey } }, (e, out, err) => (e ? rej(new Error(`${e.message}\n${err}`)) : res(out))));
    assert.equal(JSON.parse(viaApi).sources[0].objects.read, 2);
  } finally {
    await server.stop();
    hook.close();
  }
  // vigil status --db (no server): the health saved with the last checkpoint
  const out = await new Promise<string>((res, rej) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status', '--db', join(dir, 'v.db')],
    { cwd: ROOT }, (e, o, err) => (e ? rej(new Error(`${e.message}\n${err}`)) : res(o))));
  assert.match(out, /Ingestion health/);
  assert.match(out, new RegExp(`folder:${logs.replace(/[/.]/g, '\\$&')}`));
  assert.match(out, /unknown gzip-corrupt: 1 \(e\.g\. .*broken\.json\.gz/);
  // a --db that does not exist is reported, not created
  const missing = join(dir, 'typo.db');
  const r = await new Promise<{ code: number | null; stderr: string }>((res) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status', '--db', missing],
    { cwd: ROOT }, (e, _o, err) => res({ code: e ? (e as { code?: number }).code ?? 1 : 0, stderr: err })));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no database at .*typo\.db/);
  assert.equal(existsSync(missing), false);
});

test('bad source and notifier configuration: a clear message and exit code 2, nothing started', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-bad-'));
  const run = (yaml: string) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return new Promise<{ code: number | null; stderr: string }>((res) => {
      const c = execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--config', file, '--db', join(dir, 'v.db'), '--port', '0', '--log-level', 'silent'],
        { cwd: ROOT, timeout: 60_000 }, (_e, _o, stderr) => res({ code: c.exitCode, stderr }));
    });
  };
  const a = await run('sources:\n  - { type: ftp, path: /x }\n');
  assert.equal(a.code, 2);
  assert.match(a.stderr, /sources: unknown type "ftp" \(use folder, s3, sqs\)/);
  const b = await run('sources:\n  - { type: s3, bucket: "Not_A_Bucket" }\n');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /s3 source: `bucket` must be a bucket name/);
  const c = await run('notifiers:\n  - { type: webhook, url: "ftp://x" }\n');
  assert.equal(c.code, 2);
  assert.match(c.stderr, /webhook notifier: `url` must be an http\(s\) URL/);
  const d = await run('retentionDays: 0\n');
  assert.equal(d.code, 2);
  assert.match(d.stderr, /retentionDays must be a number ≥ 1/);
});
