import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../core/index.js';
import { openStore, type Store } from '../store/index.js';
import { scan } from '../app/scan.js';
import { cloudTrailFile, ctRecord } from '../testing/harness.js';
import { Notifications, findingEvent, type FindingEvent } from './index.js';
import { cefMessage, rfc5424 } from './syslog/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-notify-'));
let store: Store;
let finding: Finding;

before(async () => {
  store = await openStore(join(dir, 'v.db'));
  writeFileSync(join(dir, 'a.json'), cloudTrailFile([ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'main|trail=x' }, readOnly: false })]));
  await scan({ inputs: [join(dir, 'a.json')], store });
  [finding] = await store.queryFindings({ limit: 10 });
});

const body = (req: IncomingMessage) => new Promise<string>((res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => res(b)); });

async function http(handler: (status: number[]) => number) {
  const got: { path: string; body: string }[] = [];
  const statuses: number[] = [];
  const srv = createServer(async (req, res) => {
    got.push({ path: req.url ?? '', body: await body(req) });
    const code = handler(statuses);
    statuses.push(code);
    res.statusCode = code;
    res.end(code === 200 ? 'ok' : 'busy');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`, close: () => srv.close() };
}

test('EventBridge shape: GuardDuty Finding from aws.guardduty, detail = the finding, stable id per version', () => {
  const e = findingEvent(finding);
  assert.deepEqual(Object.keys(e), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
  assert.equal(e['detail-type'], 'GuardDuty Finding');
  assert.equal(e.source, 'aws.guardduty');
  assert.equal(e.detail, finding);
  assert.equal(e.time, finding.updatedAt);
  assert.equal(findingEvent(finding).id, e.id);
  assert.notEqual(findingEvent({ ...finding, service: { ...finding.service, count: 2 } }).id, e.id);
});

test('syslog RFC 5424 over UDP and CEF over TCP (octet counting) reach real listeners on loopback', async () => {
  const udp = dgram.createSocket('udp4');
  const dgrams: string[] = [];
  udp.on('message', (m) => dgrams.push(m.toString()));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  let tcpData = '';
  const tcp = net.createServer((s) => s.on('data', (d) => (tcpData += d)));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const n = new Notifications({ store, deadLetter: join(dir, 'dl1.jsonl'), notifiers: [
    { type: 'syslog', host: '127.0.0.1', port: udp.address().port, protocol: 'udp' },
    { type: 'syslog', host: '127.0.0.1', port: (tcp.address() as net.AddressInfo).port, protocol: 'tcp', format: 'cef' },
  ] });
  await n.onCommit([finding], []);
  await n.whenIdle();
  await until(() => dgrams.length === 1 && tcpData.length > 0);
  // <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG; authpriv (10) and the finding's severity band
  const m = /^<(\d+)>1 (\S+) (\S+) vigil (\d+) GuardDutyFinding (\[guardduty@32473 [^\]]*\]) (.*)$/s.exec(dgrams[0]);
  assert.ok(m, dgrams[0]);
  assert.equal(Number(m[1]), 10 * 8 + (finding.severity >= 7 ? 3 : finding.severity >= 4 ? 4 : 5));
  assert.ok(!Number.isNaN(Date.parse(m[2])));
  assert.match(m[5], new RegExp(`id="${finding.id}"`));
  assert.equal(JSON.parse(m[6]).detail.id, finding.id);
  const frame = /^(\d+) (.*)$/s.exec(tcpData)!;
  assert.equal(Number(frame[1]), Buffer.byteLength(frame[2]), 'octet-counted frame');
  const cef = frame[2].slice(frame[2].indexOf('CEF:'));
  const [, vendor, product, , sigId, name, sev, ext] = /^CEF:(\d)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|(\d+)\|(.*)$/.exec(cef)!.slice(1);
  void vendor; void product;
  assert.equal(sigId, finding.type);
  assert.equal(name, finding.title.replace(/\|/g, '\\|'));
  assert.equal(Number(sev), Math.round(finding.severity));
  assert.match(ext, new RegExp(`externalId=${finding.id} `));
  await n.close();
  udp.close(); tcp.close();
});

test('CEF escaping and syslog framing of awkward values', () => {
  const f = { ...finding, title: 'a|b\\c', description: 'x=y\nz' };
  const cef = cefMessage(findingEvent(f));
  assert.match(cef, /\|a\\\|b\\\\c\|/);
  assert.match(cef, /msg=x\\=y\\nz$/);
  assert.ok(!rfc5424(findingEvent(f), 'cef', 10, 'host name').includes('host name'), 'no spaces in HOSTNAME');
});

test('syslog over TLS to a listener with a self-signed certificate (trusted through `ca`)', { skip: !existsSync('/usr/bin/openssl') && 'openssl is not installed' }, async () => {
  const key = join(dir, 'key.pem'), cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  let data = '';
  const srv = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => s.on('data', (d) => (data += d)));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const n = new Notifications({ store, deadLetter: join(dir, 'dl2.jsonl'), notifiers: [{ type: 'syslog', host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, protocol: 'tls', ca: cert, attempts: 1 }] });
  await n.onCommit([finding], []);
  await n.whenIdle();
  await until(() => data.includes('GuardDutyFinding'));
  assert.equal(n.stats[0].sent, 1);
  await n.close();
  // without the CA the certificate is refused: dead-lettered, not silently sent
  const bad = new Notifications({ store, deadLetter: join(dir, 'dl3.jsonl'), notifiers: [{ type: 'syslog', host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, protocol: 'tls', attempts: 1 }] });
  await bad.onCommit([finding], []);
  await bad.whenIdle();
  assert.equal(bad.stats[0].deadLettered, 1);
  assert.match(bad.stats[0].lastError!.message, /self.signed|certificate/i);
  await bad.close();
  srv.close();
});

test('Slack incoming-webhook JSON and JSON-lines file', async () => {
  const slack = await http(() => 200);
  const file = join(dir, 'out', 'events.jsonl');
  const n = new Notifications({ store, deadLetter: join(dir, 'dl4.jsonl'), notifiers: [{ type: 'slack', url: `${slack.url}/services/T/B/X` }, { type: 'file', path: file }] });
  await n.onCommit([finding], []);
  await n.whenIdle();
  const msg = JSON.parse(slack.got[0].body);
  assert.match(msg.text, new RegExp(finding.type.replace(/[/.]/g, '\\$&')));
  assert.equal(msg.blocks[0].type, 'section');
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FindingEvent);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].detail.id, finding.id);
  await n.close();
  slack.close();
});

test('retries with backoff, then the dead-letter file; nothing vanishes', async () => {
  const flaky = await http((s) => (s.length < 2 ? 503 : 200));
  const down = await http(() => 500);
  const delays: number[] = [];
  const dl = join(dir, 'dead-letters', 'dead.jsonl');
  const n = new Notifications({ store, deadLetter: dl, sleep: async (ms) => { delays.push(ms); }, notifiers: [
    { type: 'webhook', name: 'flaky', url: flaky.url, backoffMs: 100 },
    { type: 'webhook', name: 'down', url: down.url, attempts: 3, backoffMs: 100 },
  ] });
  await n.onCommit([finding], []);
  await n.whenIdle();
  const [a, b] = n.stats;
  assert.deepEqual([a.sent, a.retried, a.deadLettered], [1, 2, 0]);
  assert.deepEqual([b.sent, b.retried, b.deadLettered], [0, 2, 1]);
  assert.equal(down.got.length, 3);
  assert.deepEqual(delays.sort((x, y) => x - y), [100, 100, 200, 200], 'doubling backoff');
  const dead = readFileSync(dl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(dead.length, 1);
  assert.equal(dead[0].notifier, 'down');
  assert.match(dead[0].error, /HTTP 500/);
  assert.equal(dead[0].event.detail.id, finding.id);
  assert.equal(statSync(dl).mode & 0o777, 0o600, 'the dead-letter file is private');
  assert.equal(statSync(dirname(dl)).mode & 0o777, 0o700, 'and the folder made for it');
  await n.close();
  flaky.close(); down.close();
});

test('updates go out at the detector\'s publishing frequency, latest version only; archived and suppressed findings never', async () => {
  const hook = await http(() => 200);
  let now = Date.UTC(2026, 2, 2, 12);
  await store.putDoc('detector', finding.service.detectorId, finding.accountId, { detectorId: finding.service.detectorId, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
  const n = new Notifications({ store, deadLetter: join(dir, 'dl5.jsonl'), now: () => now, notifiers: [{ type: 'webhook', url: hook.url }] });
  const v = (count: number, archived = false): Finding => ({ ...finding, service: { ...finding.service, count, archived } });
  await n.onCommit([v(1, true)], []); // created already suppressed
  // as the ingest loop does: the store holds each version before the notifier hears of it
  await store.commit({ findings: [v(2)] });
  await n.onCommit([], [v(2)]);
  await store.commit({ findings: [v(3)] });
  await n.onCommit([], [v(3)]);
  await n.whenIdle();
  assert.equal(hook.got.length, 0, 'updates are held');
  now += 14 * 60_000;
  await n.publishUpdates();
  await n.whenIdle();
  assert.equal(hook.got.length, 0, 'not before fifteen minutes');
  now += 60_000;
  await n.publishUpdates();
  await n.whenIdle();
  assert.equal(hook.got.length, 1);
  assert.equal(JSON.parse(hook.got[0].body).detail.service.count, 3, 'the latest version');
  // held, then archived by hand before its time comes: not sent
  await n.onCommit([], [v(4)]);
  await store.setArchived([finding.id], true);
  now += 15 * 60_000;
  await n.publishUpdates();
  await n.whenIdle();
  assert.equal(hook.got.length, 1);
  await store.setArchived([finding.id], false);
  // a new finding below a notifier's minimum severity is not sent to it
  const high = new Notifications({ store, deadLetter: join(dir, 'dl6.jsonl'), notifiers: [{ type: 'webhook', url: hook.url, minSeverity: 9.5 }] });
  await high.onCommit([v(1)], []);
  await high.whenIdle();
  assert.equal(hook.got.length, 1);
  await n.close(); await high.close();
  hook.close();
});

async function until(cond: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('never happened');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('new findings a killed run committed but had not delivered are sent after a restart, once; delivered and archived ones are not', async () => {
  const s = await openStore(join(dir, 'recover.db'));
  const t0 = Date.parse('2026-06-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const make = (n: number, createdAt: string): Finding => ({ ...finding, id: n.toString(16).padStart(32, '0'), createdAt, updatedAt: createdAt, service: { ...finding.service, archived: false } });
  // a recording notifier that can hang (the process "dies" while it waits)
  const sink = (name: string, hang: (batch: FindingEvent[]) => boolean) => {
    const got: string[] = [];
    return { got, n: { name, send: async (batch: FindingEvent[]) => { if (hang(batch)) await new Promise(() => undefined); got.push(...batch.map((e) => e.detail.id)); } } };
  };
  const first = sink('hook', (b) => b.some((e) => e.detail.id.endsWith('3')));
  const a = new Notifications({ store: s, deadLetter: join(dir, 'dl-recover.jsonl'), now: () => t0, notifiers: [first.n] });
  await a.recover(); // first start: the mark is now, nothing older is sent
  const f1 = make(1, at(1000)), f2 = make(2, at(1000)), f3 = make(3, at(2000)), f4 = make(4, at(3000));
  await s.commit({ findings: [f1, f2] });
  await a.onCommit([f1, f2], []);
  await a.whenIdle();
  await s.commit({ findings: [f3, f4] });
  void a.onCommit([f3, f4], []); // hangs on f3: killed before delivering f3 and f4
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(first.got.map((id) => id.slice(-1)), ['1', '2']);
  await s.setArchived([f4.id], true);

  const second = sink('hook', () => false);
  const b = new Notifications({ store: s, deadLetter: join(dir, 'dl-recover.jsonl'), now: () => t0 + 10_000, notifiers: [second.n] });
  await b.recover();
  await b.whenIdle();
  assert.deepEqual(second.got.map((id) => id.slice(-1)), ['3']); // not 1 and 2 (delivered), not 4 (archived since)
  const third = sink('hook', () => false);
  const c = new Notifications({ store: s, deadLetter: join(dir, 'dl-recover.jsonl'), notifiers: [third.n] });
  await c.recover();
  await c.whenIdle();
  assert.deepEqual(third.got, []); // caught up: a clean restart sends nothing again
  const other = sink('another', () => false);
  const d = new Notifications({ store: s, deadLetter: join(dir, 'dl-recover.jsonl'), notifiers: [other.n] });
  await d.recover();
  assert.deepEqual(other.got, []); // a notifier seen for the first time has no backlog
  for (const x of [b, c, d]) await x.close();
  await s.close();
});
