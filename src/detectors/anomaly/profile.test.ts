import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, daysBefore, daysSeen, frequency, newProfile, observe, subtype, touch, usual } from './profile.js';

const T0 = Date.UTC(2026, 1, 1, 9);
const day = (t: number) => Math.floor(t / DAY_MS);

test('a value counts once per day; days seen before today exclude today', () => {
  const p = newProfile(T0);
  for (let d = 0; d < 5; d++) for (let k = 0; k < 3; k++) { const t = T0 + d * DAY_MS + k * 60_000; touch(p, t, day(t)); observe(p, 'api', 'ListUsers', day(t), 10); }
  assert.equal(daysSeen(p, 'api', 'ListUsers'), 5);
  assert.equal(daysBefore(p, 'api', 'ListUsers', day(T0 + 4 * DAY_MS)), 4);
  assert.equal(daysBefore(p, 'api', 'ListUsers', day(T0 + 5 * DAY_MS)), 5);
  assert.equal(p.d, 5);
});

test('events read out of order (another region\'s or account\'s files later) never count a day twice', () => {
  const p = newProfile(T0);
  for (const region of ['us-east-1', 'eu-west-1']) {
    for (let d = 0; d < 10; d++) { const t = T0 + d * DAY_MS + (region === 'eu-west-1' ? 3_600_000 : 0); touch(p, t, day(t)); observe(p, 'net', 'Orange S.A.', day(t), 10); }
  }
  assert.equal(daysSeen(p, 'net', 'Orange S.A.'), 10);
  assert.equal(p.d, 10);
  assert.deepEqual(usual(p, 'net')[0].observations.text, ['Orange S.A. (seen on 10 of 10 days)']);
});

test('GuardDuty\'s buckets: weekly or more FREQUENT, a few times a month INFREQUENT, less RARE, never UNSEEN', () => {
  assert.equal(subtype(0, 30), 'UNSEEN');
  assert.equal(subtype(1, 30), 'RARE');
  assert.equal(subtype(2, 30), 'INFREQUENT');
  assert.equal(subtype(4, 28), 'FREQUENT');
  assert.equal(subtype(1, 3), 'FREQUENT'); // a young profile is judged over at least a week
});

test('a principal profile drops its stalest value at the cap; a wide one saturates and stops treating new values as news', () => {
  const p = newProfile(T0);
  ['a', 'b', 'c'].forEach((v, i) => observe(p, 'ua', v, day(T0) + i, 3));
  observe(p, 'ua', 'd', day(T0) + 3, 3);
  assert.deepEqual(Object.keys(p.x.ua).sort(), ['b', 'c', 'd']);
  assert.equal(frequency(p, 'ua', 'a'), 'UNSEEN');
  const wide = newProfile(T0);
  ['a', 'b', 'c'].forEach((v) => observe(wide, 'ua', v, day(T0), 3, false));
  assert.equal(observe(wide, 'ua', 'd', day(T0), 3, false), true);
  assert.deepEqual(Object.keys(wide.x.ua).sort(), ['a', 'b', 'c']);
  assert.equal(daysBefore(wide, 'ua', 'zzz', day(T0) + 1), 1, 'a saturated feature does not call a value never seen');
});
