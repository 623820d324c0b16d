import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ContinuousSource } from '../sources/continuous.js';
import type { SourceObject } from '../sources/index.js';
import { FileObject } from '../sources/files.js';
import { startNats } from '../testing/nats.js';
import { Cluster } from './nats.js';
import { Publisher } from './publisher.js';
import { parseNotice } from './notice.js';

/** A source that offers fixed objects and records what the publisher tells it. */
function fakeSource(objects: SourceObject[]): ContinuousSource & { committedWith: [SourceObject[], Set<SourceObject>][]; retried: SourceObject[] } {
  const s = {
    id: 'fake', type: 'fake', location: 'memory', intervalMs: 10, committedWith: [] as [SourceObject[], Set<SourceObject>][], retried: [] as SourceObject[],
    poll: async () => objects.splice(0),
    committed: async (o: SourceObject[], failed?: ReadonlySet<SourceObject>) => { s.committedWith.push([o, new Set(failed)]); },
    retry: (o: SourceObject[]) => { s.retried.push(...o); },
    stop: async () => undefined,
  };
  return s;
}

const opaque: SourceObject = { uri: 'mem://x', key: 'x', size: 1, open: () => Readable.from([]), readRange: async () => Buffer.alloc(0) };

test('notices go to the partition of the key\'s account; an object no worker could open is refused, not lost silently; a repeat is a duplicate', { timeout: 30_000 }, async () => {
  const nats = await startNats();
  const c = await Cluster.open({ servers: nats.url, prefix: 'pubtest', partitions: 8 });
  try {
    const a = new FileObject('/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz', '/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz', 10, 1000);
    const loose = new FileObject('/logs/flow.log', '/logs/flow.log', 5, 2000);
    const src = fakeSource([a, loose, opaque]);
    const pub = new Publisher({ cluster: c, sources: [src] });
    assert.equal(await pub.pollOnce(src), 3);
    const v = pub.view()[0];
    assert.deepEqual([v.published, v.duplicates, v.refused], [2, 0, 1]);
    assert.deepEqual(src.committedWith[0][0], [a, loose, opaque]);
    assert.ok(src.committedWith[0][1].has(opaque), 'the refused object is reported as failed to its source');
    const info = await c.jsm.streams.info(c.stream, { subjects_filter: '>' });
    const subjects = info.state.subjects as Record<string, number>;
    assert.equal(subjects[c.subject(0)], 1, 'the loose file goes to partition 0');
    assert.equal(Object.values(subjects).reduce((n, x) => n + x, 0), 2);
    const m = await c.jsm.streams.getMessage(c.stream, { seq: 1 });
    const n = parseNotice(m!.data);
    assert.equal(n.account, '111122223333');
    assert.deepEqual(n.ref, { kind: 'file', uri: a.uri, key: a.key, size: 10, time: 1000 });
    // the same object again (another replica, a restart): dropped by its message id
    src.poll = async () => [a];
    await pub.pollOnce(src);
    assert.equal(pub.view()[0].duplicates, 1);
    assert.equal((await c.jsm.streams.info(c.stream)).state.messages, 2);
  } finally {
    await c.destroy();
    await c.close();
    await nats.stop();
  }
});

test('NATS gone: the objects are given back to the source, the failure is counted and shown, and the next poll waits a backoff', { timeout: 60_000 }, async () => {
  const nats = await startNats();
  const c = await Cluster.open({ servers: nats.url, prefix: 'pubdown', partitions: 4 });
  try {
    const objs = [1, 2].map((i) => new FileObject(`/l/AWSLogs/111122223333/x/${i}`, `/l/AWSLogs/111122223333/x/${i}`, 1, i));
    const src = fakeSource(objs.slice());
    const pub = new Publisher({ cluster: c, sources: [src] });
    await nats.kill();
    assert.equal(await pub.pollOnce(src), 0);
    assert.deepEqual(src.retried, objs, 'both offered again later');
    assert.equal(src.committedWith.length, 0, 'nothing handed over');
    const v = pub.view()[0];
    assert.equal(v.failures, 1);
    assert.ok(v.lastError?.message, 'the error is shown');
  } finally {
    await c.close().catch(() => undefined);
    await nats.stop();
  }
});
