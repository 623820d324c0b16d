import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PollLoop, type Polled } from './poll-loop.js';

const until = async (ok: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!ok()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 5)); }
};

test('poll loop: each source at its interval, a wake-up now, a moved poll later, nothing after stop', async () => {
  const fast: Polled = { id: 'fast', intervalMs: 40 }, slow: Polled = { id: 'slow', intervalMs: 60_000 };
  const polls: string[] = [];
  const loop = new PollLoop([fast, slow], async (s) => { polls.push(s.id); });
  loop.start();
  await until(() => polls.filter((p) => p === 'fast').length >= 3);
  assert.equal(polls.filter((p) => p === 'slow').length, 1, 'the slow source once, at start');
  const t = Date.now();
  slow.onWake!();
  await until(() => polls.filter((p) => p === 'slow').length === 2);
  assert.ok(Date.now() - t < 40, 'a wake-up cuts the sleep short');
  loop.at('fast', Date.now() + 300);
  const before = polls.filter((p) => p === 'fast').length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(polls.filter((p) => p === 'fast').length, before, 'a moved poll waits');
  await loop.stop();
  const n = polls.length;
  loop.due('fast');
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(polls.length, n, 'stopped');
});

test('poll loop: without sources it does not run, and stops at once', async () => {
  const loop = new PollLoop([], async () => { throw new Error('never'); });
  loop.start();
  await loop.stop();
});

test('poll loop: an interval that shrinks during a poll is honoured; a time set during the poll is kept', async () => {
  let interval = 60_000;
  const s: Polled = { id: 's', get intervalMs() { return interval; } };
  const polls: number[] = [];
  const loop: PollLoop<Polled> = new PollLoop([s], async () => {
    polls.push(Date.now());
    if (polls.length === 1) interval = 30; // found something that settles soon
    if (polls.length === 2) loop.at('s', Date.now() + 60_000); // a backoff: not brought forward
  });
  loop.start();
  await until(() => polls.length === 2);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(polls.length, 2, 'the backoff holds although the interval is short');
  await loop.stop();
});
