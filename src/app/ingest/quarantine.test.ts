/**
 * A poison object — one whose checkpoint fails whatever is retried, here through the real SQLite
 * bind refusing an ill-typed value a detector put in a finding — must not hold back the good
 * objects that arrived with it: they commit, it is quarantined after a few tries (shown in
 * health), skipped, and read again once `vigil quarantine requeue` (run against the live
 * database) puts it back. Health counts each object once, retries apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DETECTORS } from '../../detectors/registry.js';
import type { ContinuousSource } from '../../sources/continuous.js';
import type { SourceObject } from '../../sources/index.js';
import { defineDetector } from '../../engine/index.js';
import { FolderSource } from '../../sources/folder/index.js';
import { openStore, type Store } from '../../store/index.js';
import { cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { scan } from '../scan.js';
import { Ingestor, sourceContext } from './index.js';
import { backoffMs } from './retry.js';
import { isTransient } from '../../core/transient.js';
import type { SourceHealthData } from './health.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const stop = (name: string) => ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name }, readOnly: false });

/** While armed, raises a finding whose resource type is an array for trails named `poison-…`: SQLite cannot bind it. */
const poison = { armed: true };
const poisonDetector = defineDetector({
  id: 'test-poison', description: 'test only', kinds: ['cloudtrail'], cloudTrail: { eventNames: ['StopLogging'] },
  findingTypes: ['Stealth:IAMUser/CloudTrailLoggingDisabled'],
  onEvent(e, ctx) {
    const name = (e.raw as { requestParameters?: { name?: string } } | undefined)?.requestParameters?.name ?? '';
    if (!poison.armed || !name.startsWith('poison')) return;
    ctx.emit({
      type: 'Stealth:IAMUser/CloudTrailLoggingDisabled', severity: 2, accountId: e.accountId, region: e.region, time: e.time, key: `poison:${name}`,
      resourceRole: 'TARGET', resource: { resourceType: ['AccessKey'] } as never, action: { actionType: 'AWS_API_CALL' } as never, title: 'poison', description: 'poison',
    });
  },
});

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function findings(store: Store): Promise<string[]> {
  return (await store.queryFindings({ limit: 1000 })).map((f) => `${f.id} ${f.service.count}`).sort();
}

async function reference(dir: string, files: Record<string, string>): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  for (const [n, body] of Object.entries(files)) writeFileSync(join(dir, n), body);
  const s = await openStore(join(dir, '..', `${dir.split('/').pop()}.db`));
  await scan({ inputs: [dir], store: s });
  try { return await findings(s); } finally { await s.close(); }
}

const vigil = (...args: string[]) => new Promise<{ code: number; out: string; err: string }>((res) => execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args],
  { cwd: ROOT }, (e, out, err) => res({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err })));

test('backoff doubles from the base, is capped, and keeps a random half', () => {
  const o = { baseMs: 100, maxMs: 1000 };
  assert.equal(backoffMs(1, o, () => 1), 100);
  assert.equal(backoffMs(1, o, () => 0), 50);
  assert.equal(backoffMs(3, o, () => 1), 400);
  assert.equal(backoffMs(10, o, () => 1), 1000, 'capped');
  assert.equal(backoffMs(10, o, () => 0), 500);
  assert.equal(backoffMs(500, o, () => 1), 1000, 'no overflow');
});

test('environment failures are told from object-specific ones', () => {
  const sqlite = (code: string) => Object.assign(new Error('x'), { code });
  for (const code of ['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', 'SQLITE_IOERR_WRITE', 'ENOSPC', 'ECONNREFUSED', 'ECONNRESET']) assert.ok(isTransient(sqlite(code)), code);
  assert.ok(isTransient(Object.assign(new AggregateError([sqlite('ECONNREFUSED')]), {})), 'Node\'s connect AggregateError');
  assert.ok(isTransient(Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } })));
  assert.ok(isTransient(new Error('wrapped', { cause: sqlite('SQLITE_FULL') })));
  assert.ok(!isTransient(new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null')));
  assert.ok(!isTransient(Object.assign(new Error('no such key'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })));
  assert.ok(!isTransient(sqlite('SQLITE_CONSTRAINT_PRIMARYKEY')));
});

test('poison objects: the rest of their batch commits, they are quarantined and skipped, health counts once; requeue through the CLI reads them again', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-poison-'));
  const logs = join(root, 'logs');
  mkdirSync(logs);
  const files: Record<string, string> = {
    'a.json': cloudTrailFile([stop('a')]),
    'b.json': cloudTrailFile([stop('poison-b')]),
    'c.json': cloudTrailFile([stop('c'), stop('c')]),
    'd.json': cloudTrailFile([stop('poison-d')]),
    'e.json': cloudTrailFile([stop('e')]),
  };
  const good = Object.fromEntries(Object.entries(files).filter(([, b]) => !b.includes('poison')));
  const withoutPoison = await reference(join(root, 'ref-good'), good);
  for (const [n, body] of Object.entries(files)) writeFileSync(join(logs, n), body);

  const db = join(root, 'v.db');
  const store = await openStore(db);
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 0, rescanMs: 100 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src], detectors: [...DETECTORS, poisonDetector], retry: { baseMs: 20, maxMs: 200, quarantineAfter: 3 } });
  await ing.start();
  try {
    await until('both poison objects quarantined', () => (ing.view()[0].quarantine?.length ?? 0) === 2);
    await until('the good objects committed', async () => (await findings(store)).length === withoutPoison.length);
    let h = ing.view()[0];
    assert.deepEqual(await findings(store), withoutPoison, 'every good object exactly once');
    assert.equal(h.objects.read, 3, 'objects read once, not once per attempt');
    assert.equal(h.records, 4);
    assert.equal(h.retry.quarantined, 2);
    assert.equal(h.retry.retries, 1 + 2 * 2, 'the batch, then each poison object twice alone (its third failure quarantines it)');
    assert.equal(h.retry.lastFailure?.transient, false);
    assert.equal(h.retry.waiting, 0);
    assert.equal(h.retry.backoffUntil, undefined, 'nothing held once the poison is out');
    const q = h.quarantine!.find((x) => x.uri.endsWith('b.json'))!;
    assert.match(q.error, /SQLite3 can only bind/);
    assert.equal(q.tries, 4, 'in its batch, then three times alone');
    assert.match(q.fingerprint ?? '', /^[0-9a-f]{40}$/);
    assert.ok(q.firstFailureAt <= q.lastFailureAt);
    // skipped from then on: later polls and new files do not bring them back
    writeFileSync(join(logs, 'f.json'), cloudTrailFile([stop('f')]));
    await until('a file landing later is read', () => ing.view()[0].objects.read === 4);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ing.view()[0].retry.quarantined, 2);
    assert.equal(ing.view()[0].objects.read, 4);
    // the saved health and the store's records say the same, for `vigil status`
    const saved = await store.getDoc<SourceHealthData>('ingest-health', src.id);
    assert.equal(saved?.objects.read, 4);
    const status = await vigil('status', '--db', db, '--json');
    assert.equal(status.code, 0, status.err);
    const st = JSON.parse(status.out) as { sources: { quarantine: { id: string; uri: string }[]; retry: { quarantined: number } }[] };
    assert.deepEqual(st.sources[0].quarantine.map((x) => x.uri).sort(), [join(logs, 'b.json'), join(logs, 'd.json')]);
    const text = await vigil('status', '--db', db);
    assert.match(text.out, /quarantined [0-9a-f]{16} .*b\.json: .*SQLite3 can only bind/);
    const list = await vigil('quarantine', 'list', '--db', db, '--json');
    assert.equal((JSON.parse(list.out) as unknown[]).length, 2);

    // the cause is fixed (think: a parser upgrade); re-queue one by id, then the rest, on the live database
    poison.armed = false;
    const unknown = await vigil('quarantine', 'requeue', 'ffffffffffffffff', '--db', db);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /nothing quarantined is named ffffffffffffffff/);
    const one = await vigil('quarantine', 'requeue', q.id, '--db', db, '--json');
    assert.equal(one.code, 0, one.err);
    assert.deepEqual((JSON.parse(one.out) as { requeued: { uri: string }[] }).requeued.map((x) => x.uri), [q.uri]);
    await until('the re-queued object is read', () => ing.view()[0].objects.read === 5);
    assert.equal(ing.view()[0].quarantine?.length, 1);
    const rest = await vigil('quarantine', 'requeue', '--all', '--db', db);
    assert.equal(rest.code, 0, rest.err);
    assert.match(rest.out, /re-queued [0-9a-f]{16} .*d\.json/);
    await until('every object read', () => ing.view()[0].objects.read === 6);
    h = ing.view()[0];
    assert.equal(h.retry.requeued, 2);
    assert.deepEqual(h.quarantine, []);
  } finally {
    await ing.stop();
  }
  const all = await reference(join(root, 'ref-all'), { ...files, 'f.json': cloudTrailFile([stop('f')]) });
  assert.deepEqual(await findings(store), all, 'in the end the same findings as one scan of every file');
  assert.equal((await store.ingestionSummary()).reduce((n, k) => n + k.objects, 0), 6);
  await store.close();
});

test('vigil quarantine: usage errors and a missing database', async () => {
  const none = await vigil('quarantine', 'requeue', '--db', join(tmpdir(), 'no-such-vigil.db'));
  assert.equal(none.code, 2);
  assert.match(none.err, /name quarantined objects/);
  const missing = await vigil('quarantine', 'list', '--db', join(tmpdir(), 'no-such-vigil.db'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no database at/);
  const help = await vigil('quarantine', 'requeue', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: vigil quarantine requeue/);
});

test('an unknown error every checkpoint gets, whatever it holds, is not an object\'s: nothing is quarantined, the source waits and then commits', { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-poison-'));
  const logs = join(root, 'logs');
  mkdirSync(logs);
  const files = { 'a.json': cloudTrailFile([stop('a')]), 'b.json': cloudTrailFile([stop('b')]), 'c.json': cloudTrailFile([stop('c')]) };
  const expected = await reference(join(root, 'ref'), files);
  for (const [n, body] of Object.entries(files)) writeFileSync(join(logs, n), body);
  const real = await openStore(join(root, 'v.db'));
  // a store whose commits fail with an error no list knows (not SQLite's, not the network's)
  const outage = { on: true };
  const store = new Proxy(real, {
    get(t, k) {
      if (k === 'commit' && outage.on) return async () => { throw new Error('replica unavailable'); };
      const v = Reflect.get(t, k);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  const src = new FolderSource({ type: 'folder', path: logs, settleMs: 0, rescanMs: 100 }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [src], retry: { baseMs: 10, maxMs: 50, quarantineAfter: 2 } });
  await ing.start();
  try {
    await until('many failed attempts', () => ing.view()[0].retry.retries >= 8);
    let h = ing.view()[0];
    assert.deepEqual(h.quarantine, [], 'a checkpoint without the object fails too: it is not quarantined');
    assert.equal(h.retry.quarantined, 0);
    assert.equal(h.retry.waiting, 3);
    assert.equal(h.retry.lastFailure?.message, 'replica unavailable');
    assert.equal(h.objects.read, 0);
    outage.on = false;
    await until('committed once the store works', () => ing.view()[0].objects.read === 3);
    h = ing.view()[0];
    assert.equal(h.retry.quarantined, 0);
    assert.equal(h.retry.waiting, 0);
  } finally {
    await ing.stop();
  }
  assert.deepEqual(await findings(real), expected);
  await real.close();
});

test('an object whose read throws (not bad input, not the network) is isolated and quarantined like a failing checkpoint', { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-poison-'));
  const mem = (name: string, text: string, broken = false): SourceObject => {
    const data = Buffer.from(text);
    return {
      uri: `mem://${name}`, key: name, size: data.length,
      // a source bug: opening the bytes throws (after the fingerprint was read)
      open: () => { if (broken) throw new RangeError('source bug'); return Readable.from([data]); },
      readRange: async (o, l) => data.subarray(o, o + l),
    };
  };
  const objects = [mem('a.json', cloudTrailFile([stop('a')])), mem('b.json', cloudTrailFile([stop('b')]), true), mem('c.json', cloudTrailFile([stop('c')]))];
  let given = false;
  const src: ContinuousSource = { id: 'mem', type: 'mem', location: 'mem://', intervalMs: 10, poll: async () => (given ? [] : ((given = true), objects)), stop: async () => undefined };
  const store = await openStore(join(root, 'v.db'));
  const ing = new Ingestor({ store, sources: [src], retry: { baseMs: 10, maxMs: 50, quarantineAfter: 2 } });
  await ing.start();
  try {
    await until('the breaking object quarantined', () => (ing.view()[0].quarantine?.length ?? 0) === 1);
    await until('the others committed', () => ing.view()[0].objects.read === 2);
    const h = ing.view()[0];
    assert.equal(h.quarantine![0].uri, 'mem://b.json');
    assert.match(h.quarantine![0].error, /source bug/);
    assert.equal(h.objects.failed, 0);
  } finally {
    await ing.stop();
  }
  const expected = await reference(join(root, 'ref'), { 'a.json': cloudTrailFile([stop('a')]), 'c.json': cloudTrailFile([stop('c')]) });
  assert.deepEqual(await findings(store), expected);
  await store.close();
});
