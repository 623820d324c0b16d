/**
 * A multi-GB object streams through the reader and parser in bounded memory: 2 GiB of
 * CloudTrail JSON, generated on the fly (no disk), is read record by record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { SourceObject } from '../sources/index.js';
import { readObject } from '../readers/index.js';
import { parserFor, keyHints } from '../parsers/index.js';
import { ctRecord } from '../testing/harness.js';

const SIZE = 2 * 1024 ** 3;

function generatedCloudTrail(size: number): SourceObject {
  const record = Buffer.from(JSON.stringify(ctRecord()) + ',');
  const head = Buffer.from('{"Records":[');
  const tail = Buffer.from(JSON.stringify(ctRecord({ eventName: 'Last' })) + ']}');
  const perChunk = Math.floor((1 << 20) / record.length);
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => record));
  const chunks = Math.ceil((size - head.length - tail.length) / chunk.length);
  return {
    uri: 'generated://2GiB.json', key: 'generated.json', size: head.length + chunks * chunk.length + tail.length,
    open() {
      let i = -1;
      return new Readable({
        read() {
          if (i === -1) this.push(head);
          else if (i < chunks) this.push(chunk);
          else if (i === chunks) this.push(tail);
          else this.push(null);
          i++;
        },
      });
    },
    async readRange() { return head; },
  };
}

test('a 2 GiB CloudTrail file is read in bounded memory, every record counted', { timeout: 240_000 }, async () => {
  const obj = generatedCloudTrail(SIZE);
  let records = 0, last = '', bad = 0, peakHeap = 0;
  const session = parserFor('cloudtrail').open({ objectName: obj.uri, hints: keyHints(obj.key), defaultRegion: 'us-east-1' }, {
    event: (e) => { records++; if (e.kind === 'cloudtrail') last = e.eventName; },
    bad: () => { bad++; },
    skipped: () => {},
  });
  let n = 0;
  const out = await readObject(obj, false, (c) => {
    session.push(c);
    if (++n % 256 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  });
  session.end(false);
  assert.equal(out.bytesOut, obj.size);
  assert.ok(obj.size >= SIZE);
  assert.equal(bad, 0);
  assert.equal(last, 'Last');
  assert.ok(records > 1_500_000, `${records} records`);
  // the fast path buffers at most 64 MiB before switching to the record scanner
  assert.ok(peakHeap < 400 * 1024 ** 2, `peak heap ${(peakHeap / 1024 ** 2).toFixed(0)} MiB`);
});
