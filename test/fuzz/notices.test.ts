/**
 * Property-based fuzzing of the cluster's work notices (fast-check, fixed seed): any message on
 * a partition's subject — random bytes, damaged JSON, a notice with fields of the wrong type —
 * is either opened as an object of a known kind or refused with an Error and a reason; nothing
 * else escapes (a partition source terms such a message and counts it as `bad-notice`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNotice } from '../../src/cluster/notice.js';
import { openRef } from '../../src/sources/refs.js';
import { check } from '../../src/testing/fuzz.js';

const RUNS = Number(process.env.VIGIL_FUZZ_RUNS ?? 150) * 4;
const seed = Number(process.env.VIGIL_FUZZ_SEED ?? 20261203);

const good = { v: 1, source: 'folder:/logs', ref: { kind: 'file', uri: '/logs/a.log', key: '/logs/a.log', size: 10, time: 1 }, publishedAt: '2026-03-02T10:00:00Z' };
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const fieldOf = fc.constantFrom('v', 'source', 'ref', 'ref.kind', 'ref.uri', 'ref.key', 'ref.size', 'ref.bucket', 'ref.etag', 'ref.time', 'ref.client');

function damaged(path: string, value: unknown): unknown {
  const n = structuredClone(good) as Record<string, unknown>;
  const [a, b] = path.split('.');
  if (b) (n.ref as Record<string, unknown>)[b] = value; else n[a] = value;
  return n;
}

async function outcome(bytes: Uint8Array): Promise<'opened' | 'refused'> {
  try {
    const n = parseNotice(bytes);
    const o = await openRef(n.ref);
    assert.equal(typeof o.uri, 'string');
    assert.ok(Number.isSafeInteger(o.size) && o.size >= 0);
    return 'opened';
  } catch (e) {
    assert.ok(e instanceof Error && e.message.length > 0, `refused with an Error and a reason, not ${String(e)}`);
    return 'refused';
  }
}

test('random bytes and damaged JSON on a partition subject are refused with a reason', async () => {
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string().map((s) => new TextEncoder().encode(s)),
    fc.integer({ min: 0, max: 200 }).map((cut) => new TextEncoder().encode(JSON.stringify(good).slice(0, cut))));
  await check(fc.asyncProperty(bytes, async (b) => { await outcome(b); }), { numRuns: RUNS, seed });
});

test('a notice with one field of the wrong type opens an object only when the reference is still whole', async () => {
  await check(fc.asyncProperty(fieldOf, anyValue, async (path, value) => {
    const got = await outcome(new TextEncoder().encode(JSON.stringify(damaged(path, value))));
    // these fields decide whether an object can be opened at all
    if (['v', 'ref', 'ref.kind', 'ref.uri', 'ref.key', 'ref.size'].includes(path) && got === 'opened') {
      const n = damaged(path, value) as { v: unknown; ref: { kind: unknown; uri: unknown; key: unknown; size: unknown } };
      assert.equal(n.v, 1);
      assert.equal(n.ref.kind, 'file');
      assert.ok(typeof n.ref.uri === 'string' && typeof n.ref.key === 'string' && Number.isSafeInteger(n.ref.size) && (n.ref.size as number) >= 0);
    }
  }), { numRuns: RUNS, seed: seed + 1 });
  assert.equal(await outcome(new TextEncoder().encode(JSON.stringify(good))), 'opened');
});
