import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SqliteStore } from '../store/index.js';
import { IntelManager } from './manager.js';
import { parseLocation } from './fetch.js';
import { startS3rver } from '../testing/s3.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-'));

async function manager(now = () => Date.UTC(2026, 2, 2, 10)) {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return { store, m: new IntelManager(store, { cacheDir: join(dir, `cache-${Math.random()}`), now }) };
}

/** A list server that honours If-None-Match, counting what it served. */
function listServer(): Promise<{ url: string; server: Server; body: { text: string }; hits: { full: number; notModified: number; missing: number } }> {
  const body = { text: '185.220.101.1\n185.220.101.2\n' };
  const hits = { full: 0, notModified: 0, missing: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/missing') { hits.missing++; res.writeHead(404); res.end(); return; }
    const etag = `"${createHash('sha1').update(body.text).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) { hits.notModified++; res.writeHead(304); res.end(); return; }
    hits.full++;
    res.writeHead(200, { etag, 'content-type': 'text/plain' });
    res.end(body.text);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${port}`, server, body, hits });
  }));
}

test('a file list loads to ACTIVE with counts and a SHA-256; invalid lines make a partial note, not an error', async () => {
  const { m } = await manager();
  const path = join(dir, 'mine.txt');
  writeFileSync(path, '# comment\n185.220.101.1\n45.33.0.0/16\nevil.example\nnot an indicator !\n');
  const l = await m.add({ name: 'mine', location: path, format: 'TXT', role: 'THREAT' });
  assert.equal(l.status, 'ACTIVE');
  assert.deepEqual([l.counts?.ipv4, l.counts?.ipv4Cidrs, l.counts?.domains, l.counts?.errors], [1, 1, 1, 1]);
  assert.match(l.sha256!, /^[0-9a-f]{64}$/);
  assert.match(l.statusReason!, /1 invalid lines skipped \(first: line 5/);
  const { services } = await m.buildServices();
  assert.deepEqual(services.intel.threat.hits(services.intel.threat.lookupIp('45.33.9.9')).map((h) => h.list.name), ['mine']);
  assert.equal(services.intel.threat.hits(services.intel.threat.lookupDomain('a.evil.example'))[0].list.sha256, l.sha256);
});

test('HTTP lists: conditional refresh (304 costs nothing), changes picked up, a failed refresh keeps the last good copy', async () => {
  const srv = await listServer();
  after(() => srv.server.close());
  const { m } = await manager();
  const l = await m.add({ name: 'feed', location: `${srv.url}/list.txt`, format: 'TXT', role: 'THREAT', purpose: 'command-and-control', refreshSeconds: 3600 });
  assert.equal(l.status, 'ACTIVE');
  assert.equal(l.counts?.ipv4, 2);
  await m.refresh('feed');
  assert.deepEqual(srv.hits, { full: 1, notModified: 1, missing: 0 });
  srv.body.text += '185.220.101.3\n';
  const [changed] = await m.refresh('feed');
  assert.equal(changed.counts?.ipv4, 3);
  // the publisher breaks: the list stays ACTIVE on its last good copy, with the error recorded
  srv.body.text = '<html>maintenance</html>\n';
  const [broken] = await m.refresh('feed');
  assert.equal(broken.status, 'ACTIVE');
  assert.match(broken.lastError!, /no usable entries/);
  assert.equal(broken.counts?.ipv4, 3);
  const { services } = await m.buildServices();
  assert.notEqual(services.intel.threat.lookupIp('185.220.101.3'), 0);
});

test('a list that never loaded is ERROR with the reason; refresh when due only', async () => {
  const srv = await listServer();
  after(() => srv.server.close());
  let now = Date.UTC(2026, 2, 2, 10);
  const { m } = await manager(() => now);
  const bad = await m.add({ name: 'gone', location: `${srv.url}/missing`, format: 'TXT', role: 'THREAT' });
  assert.equal(bad.status, 'ERROR');
  assert.match(bad.statusReason!, /HTTP 404/);
  const nofile = await m.add({ name: 'nofile', location: join(dir, 'nope.txt'), format: 'TXT', role: 'THREAT' });
  assert.match(nofile.statusReason!, /no such file/);
  await m.add({ name: 'hourly', location: `${srv.url}/h.txt`, format: 'TXT', role: 'THREAT', refreshSeconds: 3600 });
  const requests = () => srv.hits.full + srv.hits.notModified + srv.hits.missing;
  const before = requests();
  now += 10 * 60_000;
  await m.refresh(undefined, { dueOnly: true });
  assert.equal(requests() - before, 1, 'after 10 minutes only the never-loaded URL list is tried again');
  now += 60 * 60_000;
  await m.refresh(undefined, { dueOnly: true });
  assert.equal(requests() - before, 3, 'after an hour the hourly list is due too');
});

test('trusted lists build the trusted index; inactive lists are kept but not used; names are unique', async () => {
  const { m } = await manager();
  const path = join(dir, 'office.txt');
  writeFileSync(path, '81.2.69.160\n');
  await m.add({ name: 'office', location: path, format: 'TXT', role: 'TRUSTED' });
  await m.add({ name: 'paused', location: path, format: 'TXT', role: 'THREAT', activate: false });
  await assert.rejects(m.add({ name: 'office', location: path, format: 'TXT', role: 'THREAT' }), /already exists/);
  const { services, loaded } = await m.buildServices();
  assert.deepEqual(loaded.map((l) => [l.name, l.role]), [['office', 'TRUSTED']]);
  assert.notEqual(services.intel.trusted.lookupIp('81.2.69.160'), 0);
  assert.equal(services.intel.threat.lookupIp('81.2.69.160'), 0);
  const paused = await m.setActive('paused', true);
  assert.equal(paused.status, 'ACTIVE');
  assert.equal((await m.buildServices()).loaded.length, 2);
});

test('caps: too many lists and too many entries are refused with the setting to change', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  const m = new IntelManager(store, { cacheDir: join(dir, 'capped'), limits: { maxLists: 1, maxEntriesPerList: 2 } });
  const path = join(dir, 'three.txt');
  writeFileSync(path, '185.1.1.1\n185.1.1.2\n185.1.1.3\n');
  const big = await m.add({ name: 'big', location: path, format: 'TXT', role: 'THREAT' });
  assert.equal(big.status, 'ERROR');
  assert.match(big.statusReason!, /over the 2-entry limit \(VIGIL_INTEL_MAX_ENTRIES\)/);
  await assert.rejects(m.add({ name: 'second', location: path, format: 'TXT', role: 'THREAT' }), /VIGIL_INTEL_MAX_LISTS/);
});

test('S3 lists (s3:// and GuardDuty https forms) are fetched with conditional requests from an S3-compatible server', async () => {
  const s3dir = mkdtempSync(join(tmpdir(), 'vigil-s3-'));
  const s3 = await startS3rver(s3dir);
  after(() => s3.close());
  const { endpoint, client } = s3;
  await client.send(new CreateBucketCommand({ Bucket: 'acme-sec' }));
  await client.send(new PutObjectCommand({ Bucket: 'acme-sec', Key: 'lists/c2.txt', Body: '91.92.93.94\nc2.evil.example\n' }));
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const store = new SqliteStore(':memory:');
  await store.migrate();
  const m = new IntelManager(store, { cacheDir: join(dir, 's3cache'), s3Endpoint: endpoint });
  const l = await m.add({ name: 'c2', location: 's3://acme-sec/lists/c2.txt', format: 'TXT', role: 'THREAT', purpose: 'command-and-control' });
  assert.equal(l.status, 'ACTIVE', l.statusReason);
  assert.deepEqual([l.counts?.ipv4, l.counts?.domains], [1, 1]);
  assert.ok(l.etag);
  const [again] = await m.refresh('c2');
  assert.equal(again.fetchedAt, l.fetchedAt, 'unchanged object: 304, nothing re-fetched');
  const missing = await m.add({ name: 'missing', location: 's3://acme-sec/lists/none.txt', format: 'TXT', role: 'THREAT' });
  assert.equal(missing.status, 'ERROR');
  assert.match(missing.statusReason!, /s3:\/\/acme-sec\/lists\/none\.txt/);
  assert.deepEqual(parseLocation('https://s3.amazonaws.com/acme-sec/lists/c2.txt'), { kind: 's3', bucket: 'acme-sec', key: 'lists/c2.txt', region: undefined });
  assert.deepEqual(parseLocation('https://acme-sec.s3.eu-west-1.amazonaws.com/lists/c2.txt'), { kind: 's3', bucket: 'acme-sec', key: 'lists/c2.txt', region: 'eu-west-1' });
  assert.deepEqual(parseLocation('https://s3-eu-west-1.amazonaws.com/acme-sec/x.txt'), { kind: 's3', bucket: 'acme-sec', key: 'x.txt', region: 'eu-west-1' });
  assert.equal(readFileSync(m.cachePath(l), 'utf8'), '91.92.93.94\nc2.evil.example\n');
});

test('a port on a trusted entry is ignored: the address is trusted on every port', async () => {
  const { m } = await manager();
  const path = join(dir, 'vpn.txt');
  writeFileSync(path, '81.2.69.161:22\n[2a0b:f4c2:2::1]:443\n');
  await m.add({ name: 'vpn', location: path, format: 'TXT', role: 'TRUSTED' });
  const { services } = await m.buildServices();
  assert.notEqual(services.intel.trusted.lookupIp('81.2.69.161'), 0);
  assert.notEqual(services.intel.trusted.lookupIp('2a0b:f4c2:2::1'), 0);
});
