/**
 * Credentials the AWS way: a named profile from the shared credentials file (no keys in the
 * environment), against s3rver (which checks signatures for its own key pair).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { Ingestor, sourceContext } from '../../app/ingest/index.js';
import { S3Source } from './index.js';
import { startS3rver } from '../../testing/s3.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-s3profile-'));
delete process.env.AWS_ACCESS_KEY_ID;
delete process.env.AWS_SECRET_ACCESS_KEY;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
process.env.AWS_CONFIG_FILE = join(dir, 'config');
writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '[log-reader]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[wrong]\naws_access_key_id = AKIAWRONGWRONGWRONG0\naws_secret_access_key = not-the-secret\n');
writeFileSync(process.env.AWS_CONFIG_FILE, '[profile log-reader]\nregion = eu-west-1\n\n[profile wrong]\nregion = eu-west-1\n');
const s3 = await startS3rver(join(dir, 's3'), ['profile-logs']);
after(() => s3.close());
const endpoint = s3.endpoint;

test('a named profile from the shared files signs the requests; a profile with the wrong keys is an error in health', async () => {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  await s3.client.send(new PutObjectCommand({ Bucket: 'profile-logs', Key: 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T0900Z_p.json',
    Body: cloudTrailFile([ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'p' }, readOnly: false })]) }));
  const store = await openStore(join(dir, 'v.db'));
  const good = new S3Source({ type: 's3', id: 'good', bucket: 'profile-logs', endpoint, profile: 'log-reader', start: 'backfill' }, sourceContext(store));
  const wrong = new S3Source({ type: 's3', id: 'wrong', bucket: 'profile-logs', endpoint, profile: 'wrong', start: 'backfill' }, sourceContext(store));
  const ing = new Ingestor({ store, sources: [good, wrong] });
  await ing.start({ loop: false });
  assert.equal(await ing.pollOnce(good), 1);
  assert.equal(await ing.pollOnce(wrong), 0);
  const [g, w] = ing.view();
  assert.equal(g.objects.read, 1);
  assert.equal(g.lastError, undefined);
  assert.match(w.lastError!.message, /^cannot list s3:\/\/profile-logs\/: InvalidAccessKeyId \(HTTP 403\): The AWS Access Key Id you provided does not exist/);
  await ing.stop();
  await store.close();
});
