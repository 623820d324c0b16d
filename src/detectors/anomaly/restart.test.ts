/**
 * Baselines survive a restart: `vigil scan` runs in one process over a learning period, exits,
 * and a second `vigil scan` process on the same database scans the anomalous activity. The
 * anomaly findings need the profiles the first process learned (restored from the store's
 * detector state); without a completed learning period they do not appear.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudTrailFile, ctRecord } from '../../testing/harness.js';
import { ALICE, DAY, START, UA_BOTO, UA_CLI, call, history } from '../../testing/cloudtrail-history.js';
import { openStore } from '../../store/index.js';

const root = new URL('../../..', import.meta.url).pathname;
const HOME = '86.245.153.234'; // Orange, FR
const AWAY = '45.142.212.61'; // WorkTitans, MD

function vigil(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function s3Read(time: number, bucket: string, ip: string, ua: string) {
  return ctRecord({
    userIdentity: ALICE, eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: new Date(time).toISOString(), sourceIPAddress: ip, userAgent: ua,
    eventCategory: 'Data', managementEvent: false, readOnly: true, eventID: `s3-${time}-${bucket}`,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com`, key: 'exports/2026.csv' },
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/exports/2026.csv` }, { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
}

/** `days` ordinary days (IAM and S3) in one folder, then the unusual hour in another. */
function logs(days: number): { learn: string; anomaly: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
  const ct = (sub: string, day: string) => join(dir, sub, 'AWSLogs/111122223333/CloudTrail/us-east-1', day);
  const iam = history(ALICE, { days, apis: ['DescribeInstances', 'ListUsers', 'GetUser'], ip: HOME, ua: UA_CLI });
  const s3 = Array.from({ length: days }, (_, d) => s3Read(START + d * DAY + 7_200_000, 'acme-reports', HOME, UA_CLI));
  mkdirSync(ct('learn', '2026/02/01'), { recursive: true });
  writeFileSync(join(ct('learn', '2026/02/01'), 'learn.json'), cloudTrailFile([...iam, ...s3]));
  const at = START + days * DAY + 3_600_000;
  mkdirSync(ct('anomaly', '2026/02/20'), { recursive: true });
  writeFileSync(join(ct('anomaly', '2026/02/20'), 'anomaly.json'), cloudTrailFile([
    call(ALICE, 'CreateAccessKey', at, { sourceIPAddress: AWAY, userAgent: UA_BOTO, requestParameters: { userName: 'alice' } }),
    s3Read(at + 60_000, 'acme-payroll', AWAY, UA_BOTO),
  ]));
  return { learn: join(dir, 'learn'), anomaly: join(dir, 'anomaly'), db: join(dir, 'v.db') };
}

function scanTypes(env: Record<string, string>, input: string, db: string): string[] {
  const r = vigil(env, 'scan', input, '--db', db, '--json', '--no-progress');
  assert.equal(r.code, 0, r.err);
  return (JSON.parse(r.out) as { findings: { byType: { type: string }[] } }).findings.byType.map((t) => t.type).sort();
}

// the two anomalies of one key within the hour (an access signal, its CreateAccessKey, an S3 read) also make an attack sequence
const EXPECTED = ['AttackSequence:S3/CompromisedData', 'Exfiltration:S3/AnomalousBehavior', 'Persistence:IAMUser/AnomalousBehavior'];

test('a second process continues the baselines the first learned: the anomalies of day 11 are found', async () => {
  const l = logs(10);
  assert.deepEqual(scanTypes({}, l.learn, l.db), [], 'ten ordinary days raise nothing');
  const store = await openStore(l.db);
  // (one account: one partition's state, under its prefix)
  const saved = new Map((await store.loadState()).map((s) => [s.namespace.replace(/^p\/\d+\//, ''), s.data]));
  await store.close();
  assert.equal(saved.get('iam-anomaly/principals')?.entries.length, 1);
  assert.equal(saved.get('s3-anomaly/principals')?.entries.length, 1);
  assert.deepEqual(scanTypes({}, l.anomaly, l.db), EXPECTED);
  const after = await openStore(l.db);
  const [f] = await after.queryFindings({ types: ['Persistence:IAMUser/AnomalousBehavior'] });
  await after.close();
  const det = f.service.detection as { anomaly: { profiles: Record<string, Record<string, { observations: { text: string[] } }[]>> } };
  // the usual profile in the finding is the one learned by the first process
  assert.deepEqual(det.anomaly.profiles[ALICE.arn].asnOrg[0].observations.text, ['Orange S.A. (seen on 10 of 10 days)']);
});

test('without a completed learning period the same activity raises nothing, in a second process too', () => {
  const short = logs(3);
  assert.deepEqual(scanTypes({}, short.learn, short.db), []);
  assert.deepEqual(scanTypes({}, short.anomaly, short.db), []);
  // ten days learned, but the second process asks for fourteen (VIGIL_BASELINE_LEARNING_DAYS)
  const l = logs(10);
  assert.deepEqual(scanTypes({ VIGIL_BASELINE_LEARNING_DAYS: '14' }, l.learn, l.db), []);
  assert.deepEqual(scanTypes({ VIGIL_BASELINE_LEARNING_DAYS: '14' }, l.anomaly, l.db), []);
});
