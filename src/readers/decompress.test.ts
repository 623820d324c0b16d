import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileObject } from '../sources/index.js';
import { isGzip, objectFingerprint, readObject } from './decompress.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-readers-'));
function file(name: string, data: Buffer | string): FileObject {
  const p = join(dir, name);
  writeFileSync(p, data);
  return new FileObject(p, p, Buffer.byteLength(data));
}
async function readAll(o: FileObject) {
  const chunks: Buffer[] = [];
  const out = await readObject(o, await isGzip(o), (c) => { chunks.push(c); });
  return { out, text: Buffer.concat(chunks).toString() };
}

test('gzip is recognised by magic number, whatever the name; plain bytes pass through', async () => {
  const text = 'hello\n'.repeat(1000);
  const g = await readAll(file('data.log', gzipSync(text)));
  assert.equal(g.out.gzip, true);
  assert.equal(g.text, text);
  assert.equal(g.out.bytesOut, text.length);
  assert.ok(g.out.bytesIn < text.length);
  const p = await readAll(file('data.gz', text));
  assert.equal(p.out.gzip, false);
  assert.equal(p.text, text);
});

test('concatenated gzip members read as one stream', async () => {
  const r = await readAll(file('multi.gz', Buffer.concat([gzipSync('a\n'), gzipSync('b\n')])));
  assert.equal(r.text, 'a\nb\n');
  assert.equal(r.out.error, undefined);
});

test('a corrupt gzip stream reports gzip-corrupt and keeps what came before the damage', async () => {
  // big enough that whole 1 MiB output chunks precede the damage
  const text = Array.from({ length: 150000 }, (_, i) => `line ${i} ${(i * 7919 % 100003).toString(36).repeat(i % 9)}`).join('\n');
  const gz = gzipSync(text);
  const damaged = Buffer.from(gz);
  for (let i = Math.floor(gz.length * 0.6); i < gz.length * 0.6 + 64; i++) damaged[i] ^= 0xa5;
  const r = await readAll(file('damaged.gz', damaged));
  assert.equal(r.out.error?.reason, 'gzip-corrupt');
  assert.ok(r.out.bytesOut >= 1 << 20, `delivered ${r.out.bytesOut} bytes before the damage`);
  assert.equal(r.text.slice(0, 1 << 20), text.slice(0, 1 << 20));
  const cut = await readAll(file('cut.gz', gz.subarray(0, gz.length - 100)));
  assert.equal(cut.out.error?.reason, 'gzip-corrupt');
  assert.match(cut.out.error!.message, /unexpected end of file/);
});

test('fingerprints depend on content, not on the name', async () => {
  const a = await objectFingerprint(file('a.json', '{"Records":[]}'));
  const b = await objectFingerprint(file('b.json', '{"Records":[]}'));
  const c = await objectFingerprint(file('c.json', '{"Records":[ ]}'));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('bytes after the last gzip member: everything before is delivered, the rest counted as gzip-trailing-data', async () => {
  const a = 'first member line\n'.repeat(20000), b = 'second member\n'.repeat(10);
  for (const junk of [Buffer.from('garbage after the trailer'), Buffer.from([0x1f, 0x8b, 1, 2, 3]), Buffer.concat([Buffer.from('xx'), gzipSync('lost\n')])]) {
    const r = await readAll(file('trailing.gz', Buffer.concat([gzipSync(a), gzipSync(b), junk])));
    assert.equal(r.text, a + b, 'both members, once each');
    assert.equal(r.out.error?.reason, 'gzip-trailing-data');
    assert.match(r.out.error!.message, new RegExp(`^${junk.length} bytes after the last gzip member`));
  }
  const zeros = await readAll(file('padded.gz', Buffer.concat([gzipSync(a), Buffer.alloc(512)])));
  assert.equal(zeros.text, a);
  assert.equal(zeros.out.error, undefined, 'zero padding is harmless');
});

test('a cut gzip delivers everything up to the cut (salvaged), not only whole output chunks', async () => {
  const text = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n');
  const gz = gzipSync(text);
  const r = await readAll(file('cut-small.gz', gz.subarray(0, gz.length - 20)));
  assert.equal(r.out.error?.reason, 'gzip-corrupt');
  assert.ok(r.text.length > text.length - 200 && text.startsWith(r.text), `${r.text.length} of ${text.length} characters`);
});

test('object size and compression-ratio limits stop the read with their reason', async () => {
  const big = Buffer.alloc(80 << 20); // 80 MiB of zeros: ~1000:1
  const bomb = file('bomb.gz', gzipSync(big));
  let n = 0;
  const r = await readObject(bomb, true, (c) => { n += c.length; });
  assert.equal(r.error?.reason, 'compression-ratio');
  assert.ok(n >= 64 << 20 && n < 80 << 20, `stopped after ${n} bytes`);
  const plain = file('plain.log', Buffer.alloc(3 << 20, 0x61));
  const lim = await readObject(plain, false, () => undefined, { maxObjectBytes: 1 << 20, maxCompressionRatio: 200 });
  assert.equal(lim.error?.reason, 'object-too-large');
  assert.equal(lim.bytesOut, 1 << 20);
  let calls = 0;
  const stop = await readObject(plain, false, () => { calls++; return false; });
  assert.equal(stop.stopped, true);
  assert.equal(calls, 1, 'a consumer that says stop gets no more chunks');
});
