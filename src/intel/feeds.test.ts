/**
 * Every catalogue feed, fetched over HTTP from a recorded copy (offline): real snapshots from
 * ../shared/data/ti where one exists, small copies of the publisher's layout otherwise.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEEDS } from './feeds.js';
import { IntelManager } from './manager.js';
import { SqliteStore } from '../store/index.js';

const shared = fileURLToPath(new URL('../../../shared/data/ti/', import.meta.url));
const fixtures = fileURLToPath(new URL('./formats/fixtures/feeds/', import.meta.url));
const RECORDED: Record<string, { file: string; atLeast: number }> = {
  'tor-exit': { file: join(shared, 'tor-exit-M0kh/Tor-IP-Addresses.txt'), atLeast: 1000 },
  'feodo': { file: join(fixtures, 'feodo-ipblocklist.txt'), atLeast: 4 },
  'ipsum': { file: join(shared, 'ipsum/levels_3.txt'), atLeast: 14_000 },
  'maltrail-mining': { file: join(shared, 'maltrail/crypto_mining.txt'), atLeast: 1000 },
  'maltrail-scanners': { file: join(shared, 'maltrail/mass_scanner.txt'), atLeast: 1000 },
  'et-compromised': { file: join(fixtures, 'et-compromised-ips.txt'), atLeast: 5 },
  'spamhaus-drop': { file: join(fixtures, 'spamhaus-drop.txt'), atLeast: 4 },
};

test('every catalogue feed has a recorded copy and loads ACTIVE with its declared purpose', { skip: !existsSync(shared) && 'no ../shared/data' }, async () => {
  assert.deepEqual(FEEDS.map((f) => f.name).sort(), Object.keys(RECORDED).sort());
  const server = createServer((req, res) => {
    const rec = RECORDED[req.url!.slice(1)];
    if (!rec) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { etag: `"${req.url}"` });
    res.end(readFileSync(rec.file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const store = new SqliteStore(':memory:');
  await store.migrate();
  const m = new IntelManager(store, { cacheDir: mkdtempSync(join(tmpdir(), 'vigil-feeds-')) });
  for (const f of FEEDS) {
    const l = await m.add({ name: f.name, location: `${base}/${f.name}`, format: f.format, role: 'THREAT', purpose: f.purpose, feed: f.name, refreshSeconds: f.refreshSeconds });
    const c = l.counts!;
    assert.equal(l.status, 'ACTIVE', `${f.name}: ${l.statusReason}`);
    assert.equal(l.purpose, f.purpose);
    assert.ok(c.ipv4 + c.ipv4Cidrs + c.domains + c.ipPort >= RECORDED[f.name].atLeast, `${f.name}: ${JSON.stringify(c)}`);
  }
  const { services } = await m.buildServices();
  const hit = (ip: string) => services.intel.threat.hits(services.intel.threat.lookupIp(ip)).map((h) => `${h.list.name}:${h.list.purpose}`).sort();
  assert.deepEqual(hit('185.117.73.66'), ['feodo:command-and-control']);
  assert.deepEqual(hit('1.10.20.1'), ['spamhaus-drop:malicious']);
});
