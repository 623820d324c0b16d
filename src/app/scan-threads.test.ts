import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from './scan.js';
import { mergeParts, spread } from './scan-threads.js';
import { openStore, type Store } from '../store/index.js';
import { makeLogFolder } from '../testing/log-folder.js';
import { DEFAULT_PARTITIONS, partitionOfKey } from '../cluster/partitions.js';
import type { SourceObject } from '../sources/index.js';

const findingsOf = async (store: Store) => (await store.queryFindings({ limit: 1_000_000 }))
  .map((f) => `${f.id} ${f.type} sev=${f.severity} count=${f.service.count} first=${f.service.eventFirstSeen} last=${f.service.eventLastSeen}`).sort();

test('scan threads: two and three threads find exactly what one thread finds, and a second scan over them continues the same state', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-threads-'));
  try {
    const logs = join(root, 'logs');
    const files = makeLogFolder(logs, undefined, 11, 'aws');
    const partitions = new Set(files.map((f) => partitionOfKey(f, DEFAULT_PARTITIONS)));
    assert.ok(partitions.size >= 3, `the logs fall in ${partitions.size} partitions: three threads all have work`);
    const runs: Record<number, { findings: string[]; report: Awaited<ReturnType<typeof scan>>; state: string[] }> = {};
    for (const threads of [1, 2, 3]) {
      const db = join(root, `t${threads}.db`);
      const store = await openStore(db);
      const report = await scan({ inputs: [logs], store, threads, threadSetup: { store: db }, minBytesPerThread: 0 });
      runs[threads] = { findings: await findingsOf(store), report, state: (await store.loadState()).map((r) => `${r.namespace} ${JSON.stringify(r.data)}`).sort() };
      await store.close();
    }
    const one = runs[1];
    assert.ok(one.findings.length > 10, `the logs raise findings (${one.findings.length})`);
    for (const n of [2, 3]) {
      assert.deepEqual(runs[n].findings, one.findings, `${n} threads: the same findings`);
      assert.deepEqual(runs[n].state, one.state, `${n} threads: the same detector state`);
      assert.deepEqual(runs[n].report.objects, one.report.objects);
      assert.deepEqual(runs[n].report.ingest.kinds, one.report.ingest.kinds, 'the same ingestion summary');
      assert.deepEqual(runs[n].report.findings, one.report.findings, 'the same finding tallies');
    }
    // again over the two-thread database: everything is already processed
    const store = await openStore(join(root, 't2.db'));
    const again = await scan({ inputs: [logs], store, threads: 2, threadSetup: { store: join(root, 't2.db') }, minBytesPerThread: 0 });
    assert.equal(again.objects.alreadyProcessed, one.report.objects.processed);
    assert.equal(again.findings.created + again.findings.updated, 0);
    await store.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('scan threads: partitions go whole to one thread, by bytes; reports add up', () => {
  const obj = (acct: string, size: number, n: number): SourceObject => ({ uri: `file:///x/${acct}/${n}`, key: `AWSLogs/${acct}/CloudTrail/us-east-1/2026/03/02/${n}.json`, size } as SourceObject);
  const objects = [obj('111111111111', 100, 1), obj('222222222222', 60, 2), obj('111111111111', 100, 3), obj('333333333333', 50, 4)];
  const groups = spread(objects, { partitions: 64, unprefixed: false }, 2);
  assert.deepEqual(groups.map((g) => g.map((o) => o.uri.split('/').pop())), [['1', '3'], ['2', '4']], 'the big account alone; the order kept');
  const part = (n: number) => ({
    objects: { processed: n, alreadyProcessed: 0, failed: 0 }, ingest: { cloudtrail: { objects: n, records: 10 * n, bytesIn: 1, bytesOut: 2, bad: {}, skipped: { digest: 1 } } },
    findings: { created: n, updated: 0, suppressed: 0 }, tallies: [{ type: 'T', severity: n, created: n, updated: 0, occurrences: n }],
    detectorErrors: [], trustedSkipped: { vpcflow: n },
  });
  const m = mergeParts([part(1), part(2)]);
  assert.equal(m.objects.processed, 3);
  assert.deepEqual(m.ingest.cloudtrail, { objects: 3, records: 30, bytesIn: 2, bytesOut: 4, bad: {}, skipped: { digest: 2 } });
  assert.deepEqual(m.tallies, [{ type: 'T', severity: 2, created: 3, updated: 0, occurrences: 3 }]);
  assert.deepEqual(m.trustedSkipped, { vpcflow: 3 });
});

test('scan threads: one thread when there is nothing to spread or no way to start another', async () => {
  const { scanThreads } = await import('./scan-threads.js');
  const obj = (acct: string, size: number): SourceObject => ({ uri: `file:///x/${acct}`, key: `AWSLogs/${acct}/CloudTrail/us-east-1/2026/03/02/f.json`, size, ref: () => ({}) } as unknown as SourceObject);
  const many = [obj('111111111111', 64 << 20), obj('222222222222', 64 << 20), obj('333333333333', 64 << 20)];
  const layout = { partitions: 64, unprefixed: false };
  const base = { inputs: [], store: undefined as never, threads: 8, threadSetup: { store: 'x.db' } };
  assert.equal(scanThreads(base, many, layout), 3, 'at most one thread per account group');
  assert.equal(scanThreads({ ...base, threads: 2 }, many, layout), 2);
  assert.equal(scanThreads(base, [obj('111111111111', 4 << 20), obj('222222222222', 4 << 20)], layout), 1, 'too few bytes to be worth a thread');
  assert.equal(scanThreads({ ...base, threadSetup: undefined }, many, layout), 1, 'no way to open the store in a thread');
  assert.equal(scanThreads({ ...base, detectors: [] }, many, layout), 1, 'own detectors do not cross threads');
  assert.equal(scanThreads(base, many, { partitions: 1, unprefixed: true }), 1, 'state from before partitions');
});
