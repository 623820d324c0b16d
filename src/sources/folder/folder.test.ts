import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderSource } from './index.js';

const ctx = { store: undefined as never, ignore: new Set<string>() };

async function until(what: string, cond: () => Promise<boolean> | boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('one watch per folder, not per file: 300 files in 3 folders hold 4 watches', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-folder-'));
  for (const d of ['a', 'b', 'b/c']) {
    mkdirSync(join(root, d), { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(join(root, d, `f${i}.log`), 'x\n');
  }
  const src = new FolderSource({ type: 'folder', path: root, settleMs: 0 }, ctx);
  try {
    const got = await src.poll();
    assert.equal(got.length, 300);
    assert.equal(src.watchedDirs, 4, 'the root, a, b and b/c');
  } finally {
    await src.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder created later is watched from its creation: its files wake the source without waiting for a rescan', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-folder-'));
  const src = new FolderSource({ type: 'folder', path: root, settleMs: 0, rescanMs: 3_600_000 }, ctx);
  let wakes = 0;
  src.onWake = () => { wakes++; };
  try {
    await src.poll(); // the first, full look
    mkdirSync(join(root, 'AWSLogs', '111122223333'), { recursive: true });
    await until('the new folder is noticed', () => wakes > 0);
    assert.deepEqual(await src.poll(), []);
    assert.equal(src.watchedDirs, 3);
    const before = wakes;
    writeFileSync(join(root, 'AWSLogs', '111122223333', 'late.log'), 'x\n');
    await until('the file in the new folder wakes the source', () => wakes > before);
    await until('the file is offered', async () => (await src.poll()).some((o) => o.uri.endsWith('late.log')));
  } finally {
    await src.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
