import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openStore, type Store } from '../../store/index.js';
import { FolderSource } from '../../sources/folder/index.js';
import { cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { scan } from '../scan.js';
import { Ingestor, sourceContext } from './index.js';
import type { SourceHealthData } from './health.js';

const stop = (name: string, t = '2026-03-02T09:00:00Z') => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false, eventTime: t });

function put(root: string, name: string, data: string | Buffer): string {
  const p = join(root, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  return p;
}

/** Waits for a condition (no timing is asserted: the test fails only if it never becomes true). */
async function until(what: string, cond: () => Promise<boolean> | boolean, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function findings(store: Store) {
  return (await store.queryFindings({ limit: 100_000 })).map((f) => ({ id: f.id, type: f.type, count: f.service.count })).sort((a, b) => a.id.localeCompare(b.id));
}

test('watched folder: files already there and files landing later are read once, partial files wait until complete', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-watch-'));
  const logs = join(root, 'logs');
  put(logs, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T0900Z_a.json.gz', gzipSync(cloudTrailFile([stop('t1')])));
  const store = await openStore(join(root, 'v.db'));
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 100 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src] });
  await ing.start();
  try {
    await until('the first file is read', async () => (await store.ingestionSummary()).some((k) => k.objects >= 1));
    // a gzip file written in two halves: the first half alone is a cut gzip stream
    const full = gzipSync(cloudTrailFile([stop('t2', '2026-03-02T09:05:00Z'), stop('t2', '2026-03-02T09:06:00Z')]));
    const path = put(logs, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T0905Z_b.json.gz', full.subarray(0, 40));
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(path, full.subarray(40));
    await until('the second file is read', async () => (await findings(store)).length === 2);
    // rotation by rename: same content, not read again; a bad file is counted with a reason
    renameSync(path, `${path}.1`);
    put(logs, 'junk.txt', 'this is not a log\n');
    await until('the junk file is counted', () => (ing.view()[0].kinds.unknown?.bad['unknown-type']?.count ?? 0) === 1);
    await until('the renamed file is looked at', () => ing.view()[0].objects.alreadyProcessed === 1);
    const h = ing.view()[0];
    assert.equal(h.objects.read, 3);
    assert.equal(h.badRecords, 1);
    assert.equal(h.kinds.cloudtrail!.records, 3);
    assert.equal(h.kinds.cloudtrail!.bad['gzip-corrupt'], undefined, 'the half-written file was never read');
    assert.equal(h.newestEventTime, '2026-03-02T09:06:00.000Z');
    // a file appended to after it was read is reported, not read twice
    appendFileSync(join(logs, 'junk.txt'), 'more\n');
    await until('the change is noticed', () => ing.view()[0].notices['modified-after-read']?.count === 1);
    // (after a restart its new content would be a new object: the junk goes before that)
    rmSync(join(logs, 'junk.txt'));
  } finally {
    await ing.stop();
  }
  const got = await findings(store);
  assert.deepEqual(got.map((f) => f.count).sort(), [1, 2]);
  // the same files scanned in one go give the same findings
  const other = await openStore(join(root, 'scan.db'));
  await scan({ inputs: [logs], store: other });
  assert.deepEqual(await findings(other), got);
  await other.close();
  // health is kept in the store for `vigil status` and continued after a restart
  const saved = await store.getDoc<SourceHealthData>('ingest-health', src.id);
  assert.equal(saved?.objects.read, 3);
  const again = new Ingestor({ store, sources: [new FolderSource({ type: 'folder', path: logs, settleMs: 100 }, sourceContext(store))] });
  await again.start();
  await until('the restart looked at the files', () => again.view()[0].objects.alreadyProcessed >= 1 + 2); // the renamed file before, two files now
  await again.stop();
  assert.equal(again.view()[0].objects.read, 3, 'nothing read twice after a restart');
  assert.deepEqual(await findings(store), got);
  await store.close();
});

test('a folder that does not exist yet is an error in health, and is read once it appears', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-watch-'));
  const store = await openStore(join(root, 'v.db'));
  const logs = join(root, 'later');
  const ing = new Ingestor({ store, sources: [new FolderSource({ type: 'folder', path: logs, settleMs: 50, rescanMs: 100 }, sourceContext(store))] });
  await ing.start();
  try {
    await until('the error is recorded', () => /no such folder/.test(ing.view()[0].lastError?.message ?? ''));
    put(logs, 'a.json', cloudTrailFile([stop('t3')]));
    await until('the file is read', async () => (await findings(store)).length === 1);
  } finally {
    await ing.stop();
    await store.close();
  }
});

test('between full rescans, file system events alone bring new files in, also in new subfolders', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-watch-'));
  const logs = join(root, 'logs');
  mkdirSync(logs);
  const store = await openStore(join(root, 'v.db'));
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 50, rescanMs: 600_000 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src] });
  await ing.start();
  try {
    await until('the first (full) poll', () => ing.view()[0].lastPollAt !== undefined);
    put(logs, 'a.json', cloudTrailFile([stop('e1')]));
    await until('a file at the top', async () => (await findings(store)).length === 1);
    put(logs, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/b.json', cloudTrailFile([stop('e2')]));
    await until('a file in new folders', async () => (await findings(store)).length === 2);
    put(logs, '.hidden.json', cloudTrailFile([stop('e3')]));
    put(logs, 'c.json', cloudTrailFile([stop('e4')]));
    await until('the next visible file', async () => (await findings(store)).length === 3);
    assert.equal(ing.view()[0].objects.read, 3, 'the hidden file is not read');
  } finally {
    await ing.stop();
    await store.close();
  }
});

test('a threat list added while serving applies to the next objects, without losing or re-reading any', async () => {
  const { IntelManager } = await import('../../intel/manager.js');
  const { intelFor } = await import('./continuous.js');
  const root = mkdtempSync(join(tmpdir(), 'vigil-watch-'));
  const logs = join(root, 'logs');
  const listBuckets = (i: number) => ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', sourceIPAddress: '91.92.251.103', readOnly: true, eventTime: `2026-03-02T09:0${i}:00Z` });
  put(logs, 'a.json', cloudTrailFile([listBuckets(1)]));
  const store = await openStore(join(root, 'v.db'));
  const intel = new IntelManager(store, { cacheDir: join(root, 'intel') });
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 0 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src], intel: intelFor(store, intel) });
  await ing.start({ loop: false });
  await until('a.json is read', async () => (await ing.pollOnce(src)) > 0);
  const types = async () => (await store.queryFindings({ limit: 100 })).map((f) => f.type);
  assert.deepEqual(await types(), [], 'no list yet');
  writeFileSync(join(root, 'bad-ips.txt'), '91.92.251.103\n');
  const l = await intel.add({ name: 'incident', location: join(root, 'bad-ips.txt'), format: 'TXT', role: 'THREAT' });
  assert.equal(l.status, 'ACTIVE');
  put(logs, 'b.json', cloudTrailFile([listBuckets(2)]));
  await until('b.json is read', async () => (await ing.pollOnce(src)) > 0);
  assert.equal(ing.intelReloads, 1);
  assert.deepEqual(await types(), ['Recon:IAMUser/MaliciousIPCaller.Custom']);
  assert.equal(ing.view()[0].objects.read, 2, 'a.json is not read again');
  await ing.stop();
  await store.close();
});
