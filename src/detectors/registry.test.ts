import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from './registry.js';
import { findingTypeInfo } from '../core/index.js';

test('every finding type a registered detector declares is in the catalogue', () => {
  const missing = DETECTORS.flatMap((d) => d.findingTypes.filter((t) => !findingTypeInfo(t)).map((t) => `${d.id}: ${t}`));
  assert.deepEqual(missing, []);
});

test('each detector declares at least one finding type, and no type is claimed by two detectors', () => {
  assert.deepEqual(DETECTORS.filter((d) => d.findingTypes.length === 0).map((d) => d.id), []);
  const owner = new Map<string, string>();
  for (const d of DETECTORS) {
    for (const t of d.findingTypes) {
      assert.equal(owner.get(t), undefined, `${t} is declared by ${owner.get(t)} and ${d.id}`);
      owner.set(t, d.id);
    }
  }
});

test('detector ids are unique kebab-case (they name state namespaces and error counts)', () => {
  const ids = DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(', ')}`);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('the catalogue\'s data source matches the log kinds a detector reads', () => {
  const kindOf = { CloudTrail: 'cloudtrail', 'CloudTrail S3 data': 'cloudtrail', 'VPC flow': 'vpcflow', DNS: 'dns' } as const;
  const wrong = DETECTORS.flatMap((d) => d.findingTypes
    .filter((t) => { const info = findingTypeInfo(t); return info !== undefined && !(d.kinds as readonly string[]).includes(kindOf[info.source]); })
    .map((t) => `${d.id}: ${t}`));
  assert.deepEqual(wrong, []);
});
