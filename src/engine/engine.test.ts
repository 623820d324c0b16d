import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from './engine.js';
import { defineDetector } from './detector.js';
import { StateRegistry } from './state.js';
import { detect, cloudTrailFile, ctRecord, flowFile, flowLine } from '../testing/harness.js';
import type { FindingCandidate } from '../core/index.js';

const seen: string[] = [];
const onStop = defineDetector({
  id: 'on-stop', description: 't', kinds: ['cloudtrail'], findingTypes: [],
  cloudTrail: { eventNames: ['StopLogging'], eventSources: ['cloudtrail.amazonaws.com'] },
  onEvent(e) { seen.push(`on-stop:${e.eventName}`); },
});
const everyCt = defineDetector({ id: 'every-ct', description: 't', kinds: ['cloudtrail'], findingTypes: [], onEvent(e) { seen.push(`every:${e.eventName}`); } });
const flows = defineDetector({ id: 'flows', description: 't', kinds: ['vpcflow'], findingTypes: [], onEvent() { seen.push('flow'); } });
const broken = defineDetector({ id: 'broken', description: 't', kinds: ['cloudtrail'], findingTypes: [], onEvent() { throw new Error('boom'); } });

test('events reach only the detectors that declared interest (kind, event name, event source)', () => {
  seen.length = 0;
  detect([{ kind: 'cloudtrail', text: cloudTrailFile([
    ctRecord({ eventName: 'ListUsers' }),
    ctRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }),
    ctRecord({ eventName: 'StopLogging', eventSource: 'other.amazonaws.com' }),
  ]) }], { detectors: [onStop, everyCt, flows] });
  assert.deepEqual(seen, ['every:ListUsers', 'on-stop:StopLogging', 'every:StopLogging', 'every:StopLogging']);
  const engine = new Engine([onStop, everyCt, flows], [], () => {});
  assert.deepEqual(engine.route('cloudtrail', 'StopLogging', 'cloudtrail.amazonaws.com'), ['on-stop', 'every-ct']);
  assert.deepEqual(engine.route('cloudtrail', 'GetObject', 's3.amazonaws.com'), ['every-ct']);
  assert.deepEqual(engine.route('vpcflow'), ['flows']);
});

test('a detector that throws is counted and does not stop the others or the stream', () => {
  seen.length = 0;
  const run = detect([{ kind: 'cloudtrail', text: cloudTrailFile([ctRecord(), ctRecord({ eventName: 'GetUser' })]) }], { detectors: [broken, everyCt] });
  assert.deepEqual(seen, ['every:ListUsers', 'every:GetUser']);
  assert.equal(run.engine.detectorErrors.get('broken')?.count, 2);
  assert.match(run.engine.detectorErrors.get('broken')!.sample, /boom/);
});

test('an enricher that throws is counted as enricher:<id>; the event still reaches the detectors', () => {
  seen.length = 0;
  const bad = { id: 'bad-enricher', kinds: ['cloudtrail'] as const, enrich() { throw new Error('enricher boom'); } };
  const run = detect([{ kind: 'cloudtrail', text: cloudTrailFile([ctRecord(), ctRecord({ eventName: 'GetUser' })]) }], { detectors: [everyCt], enrichers: [bad] });
  assert.deepEqual(seen, ['every:ListUsers', 'every:GetUser']);
  assert.equal(run.engine.detectorErrors.get('enricher:bad-enricher')?.count, 2);
  assert.match(run.engine.detectorErrors.get('enricher:bad-enricher')!.sample, /enricher boom/);
});

const counter = defineDetector({
  id: 'counter', description: 't', kinds: ['vpcflow'], findingTypes: [],
  onEvent(e, ctx) {
    const s = ctx.state<number>('per-eni', { ttlMs: 10 * 60_000, maxEntries: 2 });
    s.set(e.interfaceId, (s.get(e.interfaceId) ?? 0) + 1);
  },
});

test('keyed state: TTL sweeps by watermark, LRU cap, snapshot and restore', () => {
  const state = new StateRegistry();
  const t0 = 1_772_446_500;
  const lines = [
    flowLine({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, start: t0, eni: 'eni-a' }),
    flowLine({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, start: t0 + 5, eni: 'eni-a' }),
    flowLine({ src: '10.0.0.3', dst: '10.0.0.2', sport: 1, dport: 2, start: t0 + 10, eni: 'eni-b' }),
  ];
  detect([{ kind: 'vpcflow', text: flowFile(lines) }], { detectors: [counter], state });
  const ns = state.namespace<number>('counter', 'per-eni');
  assert.equal(ns.get('eni-a'), 2);
  // a third key evicts the least recently written one
  detect([{ kind: 'vpcflow', text: flowFile([flowLine({ src: '10.0.0.4', dst: '10.0.0.2', sport: 1, dport: 2, start: t0 + 20, eni: 'eni-c' })]) }], { detectors: [counter], state });
  assert.equal(ns.get('eni-a'), undefined);
  assert.equal(ns.evicted, 1);
  // snapshot → a new registry restores it
  const restored = new StateRegistry();
  restored.preload(state.snapshots());
  assert.equal(restored.namespace<number>('counter', 'per-eni').get('eni-c'), 1);
  // 40 minutes later (past TTL + lateness) the old entries are swept
  detect([{ kind: 'vpcflow', text: flowFile([flowLine({ src: '10.0.0.9', dst: '10.0.0.2', sport: 1, dport: 2, start: t0 + 2400, eni: 'eni-d' })]) }], { detectors: [counter], state });
  assert.deepEqual([...ns.entries()].map(([k]) => k), ['eni-d']);
});

test('watermarks trail the newest event time by the lateness, per log kind', () => {
  const emitted: FindingCandidate[] = [];
  const engine = new Engine([], [], (c) => emitted.push(c), { latenessMs: { vpcflow: 60_000 } });
  assert.equal(engine.watermark('vpcflow'), 0);
  const t = Date.UTC(2026, 2, 2, 10, 0, 0);
  const enrich = { intel: 0, trusted: false };
  engine.process({ kind: 'vpcflow', time: t, enrich } as never);
  engine.process({ kind: 'vpcflow', time: t - 3_600_000, enrich } as never); // late record does not move it back
  assert.equal(engine.watermark('vpcflow'), t - 60_000);
  assert.equal(engine.watermark('dns'), 0);
});
