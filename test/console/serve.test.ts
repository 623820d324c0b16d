/** How vigil serve serves the console's bundle: under /console/, only the bundle's own files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { registerConsole } from '../../src/api/routes/console.js';

test('GET / redirects; /console/ paths get index.html; assets are cached, gzipped when asked; nothing else is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  try {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    const js = `console.log(${JSON.stringify('x'.repeat(5000))});`;
    writeFileSync(join(dir, 'assets', 'index-abc.js'), js);
    const app = Fastify();
    registerConsole(app, dir);
    const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

    const root = await get('/');
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/console/');
    for (const url of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/assets/../../package.json']) {
      const r = await get(url);
      assert.ok(!r.body.includes('"name"'), url); // never a file outside the bundle
    }
    for (const url of ['/console/', '/console/findings', '/console/findings/abc?x=1']) {
      const r = await get(url);
      assert.equal(r.statusCode, 200, url);
      assert.match(r.headers['content-type'] as string, /text\/html/);
      assert.equal(r.body, '<!doctype html><title>console</title>', url);
    }
    const plain = await get('/console/assets/index-abc.js');
    assert.equal(plain.body, js);
    assert.match(plain.headers['cache-control'] as string, /immutable/);
    assert.match(plain.headers['content-type'] as string, /javascript/);
    const zipped = await get('/console/assets/index-abc.js', { 'accept-encoding': 'gzip, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), js);
    assert.equal((await get('/console/assets/missing.js')).statusCode, 404);
    await app.close();

    const bare = Fastify();
    registerConsole(bare, join(dir, 'not-built'));
    const r = await bare.inject({ method: 'GET', url: '/console/' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build/);
    await bare.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
