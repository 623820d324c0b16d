import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateRegistry } from './state.js';

test('changed-only snapshots: namespaces read or written since the last one, in-place changes included', () => {
  const r = new StateRegistry();
  r.preload([{ namespace: 'd/idle', data: { v: 1, entries: [['k', 1, 1e15]] } }, { namespace: 'd/read', data: { v: 1, entries: [['k', { n: 1 }, 1e15]] } }]);
  const idle = r.namespace<number>('d', 'idle');
  const read = r.namespace<{ n: number }>('d', 'read');
  const written = r.namespace<number>('d', 'written');
  void idle;
  written.set('a', 1);
  read.get('k')!.n = 2; // changed in place, never set()
  const first = r.changedSnapshots();
  assert.deepEqual(first.map((s) => s.namespace).sort(), ['d/read', 'd/written']);
  assert.deepEqual(first.find((s) => s.namespace === 'd/read')!.data.entries[0][1], { n: 2 });
  assert.deepEqual(r.changedSnapshots(), [], 'nothing touched since');
  written.delete('a');
  assert.deepEqual(r.changedSnapshots().map((s) => s.namespace), ['d/written']);
});
