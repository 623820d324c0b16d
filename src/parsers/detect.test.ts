import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectKind } from './detect.js';
import { keyHints } from './key-layout.js';
import { cloudTrailFile, ctRecord, dnsLine, flowFile, flowLine } from '../testing/harness.js';

const kind = (path: string, text: string) => detectKind(path, keyHints(path), Buffer.from(text));

test('log type from content when the path says nothing', () => {
  assert.equal(kind('/tmp/a.json', cloudTrailFile([ctRecord()])), 'cloudtrail');
  assert.equal(kind('/tmp/a.log', JSON.stringify(ctRecord()) + '\n'), 'cloudtrail');
  assert.equal(kind('/tmp/a.log', flowFile([flowLine({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, start: 1700000000 })])), 'vpcflow');
  assert.equal(kind('/tmp/a.log', flowLine({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, start: 1700000000 })), 'vpcflow');
  assert.equal(kind('/tmp/a.log', dnsLine()), 'dns');
  assert.equal(kind('/tmp/readme.txt', 'hello world, nothing to see'), undefined);
});

test('the S3 key layout is authoritative', () => {
  assert.equal(kind('x/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/03/02/f.log.gz', '{}'), 'vpcflow');
  assert.deepEqual(keyHints('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/d.json.gz'),
    { accountId: '111122223333', kind: 'cloudtrail', region: 'us-east-1', digest: true });
  assert.deepEqual(keyHints('b/AWSLogs/o-aa11bb22cc/111122223333/CloudTrail/eu-west-1/2026/03/02/x.json.gz'),
    { accountId: '111122223333', orgId: 'o-aa11bb22cc', kind: 'cloudtrail', region: 'eu-west-1' });
  assert.deepEqual(keyHints('AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc/2026/03/02/q.log.gz'),
    { accountId: '111122223333', kind: 'dns', vpcId: 'vpc-0abc' });
});
