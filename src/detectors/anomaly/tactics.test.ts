import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { S3_ANOMALY_TYPE, S3_CATEGORY_APIS, TACTIC_APIS, TACTIC_OF } from './tactics.js';

const doc = readFileSync(new URL('../../../docs/cloudtrail-behaviour.md', import.meta.url), 'utf8');
const row = (type: string) => doc.split('\n').findLast((l) => l.startsWith('|') && l.includes(`\`${type}\``) && l.split('|').length >= 5) ?? '';

test('docs/cloudtrail-behaviour.md lists exactly the APIs of each tactic and S3 category', () => {
  for (const [tactic, apis] of Object.entries(TACTIC_APIS)) {
    const listed = [...row(`${tactic}:IAMUser/AnomalousBehavior`).split('|').at(-2)!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    assert.deepEqual(listed, [...apis], tactic);
  }
  for (const [category, apis] of Object.entries(S3_CATEGORY_APIS)) {
    const listed = [...row(S3_ANOMALY_TYPE[category as keyof typeof S3_ANOMALY_TYPE].type).split('|').at(-2)!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    assert.deepEqual(listed, [...apis], category);
  }
});

test('an API belongs to one tactic only, and the rule types\' calls are left to the rules', () => {
  const all = Object.values(TACTIC_APIS).flat();
  assert.equal(new Set(all).size, all.length);
  for (const api of ['StopLogging', 'DeleteTrail', 'PutBucketLogging', 'DeleteBucketPublicAccessBlock']) assert.equal(TACTIC_OF.get(api), undefined, api);
});
