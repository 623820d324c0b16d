import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scan } from './scan.js';
import { openStore } from '../store/index.js';
import { cloudTrailFile, ctRecord, dnsLine, flowFile, flowLine } from '../testing/harness.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-scan-'));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  return root;
}

const stop = ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'org-trail' }, readOnly: false });

/** SSH attempts from one attacker to one instance, one record per connection. */
function sshAttempts(n: number, start: number, firstPort = 40000): string[] {
  return Array.from({ length: n }, (_, i) => flowLine({ src: '203.0.113.50', dst: '10.0.1.10', sport: firstPort + i, dport: 22, packets: 12, bytes: 2400, start: start + i * 10 }));
}

test('a folder with all three log types, gzip and plain, is scanned with types detected per file', async () => {
  const root = tree({
    'ct/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz': gzipSync(cloudTrailFile([ctRecord(), stop])),
    'flow/flows.log': flowFile(sshAttempts(25, 1772446500)),
    'dns/q.log.gz': gzipSync(dnsLine({ query_name: 'rebind.attacker.example.', answers: [{ Rdata: '169.254.169.254', Type: 'A', Class: 'IN' }] }) + '\n'),
  });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [root], store });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(Object.keys(r.ingest.kinds).sort(), ['cloudtrail', 'dns', 'vpcflow']);
  assert.equal(r.ingest.kinds.cloudtrail!.records, 2);
  assert.equal(r.ingest.kinds.vpcflow!.records, 25);
  assert.equal(r.ingest.kinds.dns!.records, 1);
  assert.deepEqual(r.findings.byType.map((t) => t.type).sort(), [
    'Stealth:IAMUser/CloudTrailLoggingDisabled', 'UnauthorizedAccess:EC2/MetadataDNSRebind', 'UnauthorizedAccess:EC2/SSHBruteForce']);
  const stored = await store.queryFindings({});
  assert.equal(stored.length, 3);
  await store.close();
});

test('scanning the same logs again creates no duplicates and counts nothing twice', async () => {
  const root = tree({ 'a.json': cloudTrailFile([stop]) });
  const store = await openStore(join(root, 'v.db'));
  await scan({ inputs: [root], store });
  const again = await scan({ inputs: [join(root, 'a.json')], store });
  assert.equal(again.objects.alreadyProcessed, 1);
  assert.equal(again.objects.processed, 0);
  const [f] = await store.queryFindings({});
  assert.equal(f.service.count, 1);
  // a copy under another name is the same content: skipped too
  writeFileSync(join(root, 'copy.json'), cloudTrailFile([stop]));
  const copy = await scan({ inputs: [join(root, 'copy.json')], store });
  assert.equal(copy.objects.alreadyProcessed, 1);
  await store.close();
});

test('a second scan of new logs continues the windows and aggregation of the first', async () => {
  const t0 = 1772446500;
  const root = tree({ 'one.log': flowFile(sshAttempts(12, t0)), 'two.log': flowFile(sshAttempts(12, t0 + 130, 41000)) });
  const store = await openStore(join(root, 'v.db'));
  const first = await scan({ inputs: [join(root, 'one.log')], store });
  assert.equal(first.findings.created, 0, '12 attempts are under the threshold');
  const second = await scan({ inputs: [join(root, 'two.log')], store });
  assert.equal(second.findings.created, 1, 'the window carried over: 24 attempts in 4 minutes');
  const [f] = await store.queryFindings({});
  assert.equal(f.type, 'UnauthorizedAccess:EC2/SSHBruteForce');
  await store.close();
});

test('bad input is counted with a reason and sample, the rest is read, exit code 3', async () => {
  const root = tree({
    'good.json': cloudTrailFile([stop]),
    'empty.json': '',
    'corrupt.json.gz': Buffer.concat([gzipSync(cloudTrailFile([ctRecord()])).subarray(0, 40), Buffer.from('garbage')]),
    'notes.txt': 'these are my notes, not logs\n'.repeat(10),
    'flows.log': flowFile(['2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 6 1 40 1700000000 1700000060 ACCEPT OK']),
  });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [root, join(root, 'missing-dir')], store });
  assert.equal(r.exitCode, 3);
  assert.equal(r.findings.created, 1);
  const bad = Object.fromEntries(Object.entries(r.ingest.kinds).map(([k, v]) => [k, Object.keys(v!.bad).sort()]));
  // the corrupt gzip failed before any byte told its type; an empty file is skipped, not bad
  assert.deepEqual(bad, { cloudtrail: [], unknown: ['gzip-corrupt', 'unknown-type'], vpcflow: ['flow-field-count'] });
  assert.equal(r.ingest.kinds.unknown!.skipped['empty-object'], 1);
  assert.match(r.ingest.kinds.unknown!.bad['unknown-type']!.samples[0].excerpt, /these are my notes/);
  assert.deepEqual(r.inputs.missing.map((m) => m.reason), ['no such file or directory']);
  await store.close();
});

test('digest files are skipped and counted; --type forces the parser', async () => {
  const root = tree({
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/111122223333_CloudTrail-Digest_us-east-1_t_20260302T1000Z.json.gz': gzipSync('{"awsAccountId":"111122223333"}'),
    'weird-name.bin': JSON.stringify(ctRecord()) + '\n',
  });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [root], store, type: 'cloudtrail' });
  assert.equal(r.ingest.kinds.cloudtrail!.skipped.digest, 1);
  assert.equal(r.ingest.kinds.cloudtrail!.records, 1);
  assert.equal(r.exitCode, 0);
  await store.close();
});

test('glob patterns select files', async () => {
  const root = tree({ 'a/x.json': cloudTrailFile([stop]), 'b/y.json': cloudTrailFile([ctRecord()]), 'b/z.txt': 'nope' });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [join(root, '**/*.json')], store });
  assert.equal(r.objects.total, 2);
  assert.equal(r.exitCode, 0);
  await store.close();
});

test('behaviour baselines survive a restart: the first scan learns, a second scan (fresh engine, state from the store) continues', async () => {
  const { ALICE, DAY, START, UA_BOTO, UA_CLI, call, history } = await import('../testing/cloudtrail-history.js');
  const learned = history(ALICE, { days: 10, apis: ['DescribeInstances', 'ListUsers', 'GetUser'], ip: '86.245.153.234', ua: UA_CLI });
  const unusual = call(ALICE, 'CreateAccessKey', START + 10 * DAY + 3_600_000, { sourceIPAddress: '45.142.212.61', userAgent: UA_BOTO });
  const root = tree({
    'one/AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/01/a.json': cloudTrailFile(learned),
    'two/AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/11/b.json': cloudTrailFile([unusual]),
  });
  const store = await openStore(join(root, 'v.db'));
  const first = await scan({ inputs: [join(root, 'one')], store });
  assert.equal(first.findings.created, 0, 'ten ordinary days raise nothing');
  // (one account: one partition's state, under its prefix)
  const saved = new Map((await store.loadState()).map((s) => [s.namespace.replace(/^p\/\d+\//, ''), s.data]));
  assert.equal(saved.get('iam-anomaly/principals')?.entries.length, 1, 'alice\'s profile is in the store');
  const second = await scan({ inputs: [join(root, 'two')], store });
  assert.deepEqual(second.findings.byType.map((t) => t.type), ['Persistence:IAMUser/AnomalousBehavior']);
  const [f] = await store.queryFindings({});
  const anomaly = (f.service.detection as { anomaly: { profiles: Record<string, Record<string, { observations: { text: string[] } }[]>> } }).anomaly;
  assert.deepEqual(anomaly.profiles[ALICE.arn].userAgent[0].observations.text, ['aws-cli (seen on 10 of 10 days)']);
  await store.close();
});

test('an ill-typed record is rejected alone: the scan stores the rest of its batch and its findings (it used to fail the SQLite bind)', async () => {
  const ill = [
    ctRecord({ eventID: 'x1', recipientAccountId: ['111122223333'], eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }),
    ctRecord({ eventID: 'x2', awsRegion: { name: 'us-east-1' }, eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com' }),
    ctRecord({ eventID: 'x3', userIdentity: { type: 'Root', arn: true, accountId: '111122223333' }, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' }),
  ];
  const root = tree({
    'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz': gzipSync(cloudTrailFile([ctRecord(), ...ill, stop])),
    'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/b.json.gz': gzipSync(cloudTrailFile([ctRecord({ eventID: 'other-file' })])),
  });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [root], store });
  assert.equal(r.exitCode, 3);
  assert.equal(r.ingest.kinds.cloudtrail!.records, 3);
  assert.equal(r.ingest.kinds.cloudtrail!.bad['field-type']!.count, 3);
  assert.equal(r.objects.processed, 2);
  assert.deepEqual((await store.queryFindings({})).map((f) => f.type), ['Stealth:IAMUser/CloudTrailLoggingDisabled']);
  await store.close();
});

test('real-world file quirks are read: BOM, CR-only and CRLF line ends, concatenated gzip, trailing bytes, empty gzip', async () => {
  const BOM = '\uFEFF';
  const flows = sshAttempts(25, 1772446500);
  const root = tree({
    'ct-bom.json': BOM + cloudTrailFile([stop]),
    'flows-cr.log': BOM + flowFile(flows).replace(/\n/g, '\r'),
    'dns-crlf.log.gz': gzipSync(BOM + [dnsLine(), dnsLine()].join('\r\n') + '\r\n'),
    'dns-members.log.gz': Buffer.concat([gzipSync(dnsLine() + '\n'), gzipSync(dnsLine() + '\n'), Buffer.from('trailing bytes')]),
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/03/02/empty.log.gz': gzipSync(''),
  });
  const store = await openStore(join(root, 'v.db'));
  const r = await scan({ inputs: [root], store });
  assert.equal(r.ingest.kinds.cloudtrail!.records, 1);
  assert.equal(r.ingest.kinds.vpcflow!.records, 25);
  assert.equal(r.ingest.kinds.dns!.records, 4);
  assert.deepEqual(Object.keys(r.ingest.kinds.dns!.bad), ['gzip-trailing-data']);
  assert.deepEqual(r.ingest.kinds.cloudtrail!.bad, {});
  assert.deepEqual(r.ingest.kinds.vpcflow!.bad, {});
  assert.equal(r.ingest.kinds.vpcflow!.skipped['empty-object'], 1);
  assert.deepEqual(r.findings.byType.map((t) => t.type).sort(), ['Stealth:IAMUser/CloudTrailLoggingDisabled', 'UnauthorizedAccess:EC2/SSHBruteForce']);
  await store.close();
});
