/** The `vigil` command as a user runs it: scan the bundled samples, list and get findings, errors and help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const db = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'v.db');

function vigil(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('vigil scan samples/ finds the planted attacks, reports the cut-off file, exits 3', () => {
  const r = vigil('scan', 'samples', '--db', db, '--json');
  assert.equal(r.code, 3, r.err);
  const report = JSON.parse(r.out);
  const types = report.findings.byType.map((t: { type: string }) => t.type).sort();
  assert.deepEqual(types, [
    'AttackSequence:IAM/CompromisedCredentials', 'DefenseEvasion:IAMUser/BedrockLoggingDisabled', 'Impact:EC2/PortSweep', 'PenTest:IAMUser/KaliLinux', 'Policy:IAMUser/RootCredentialUsage',
    'Policy:S3/BucketAnonymousAccessGranted', 'Policy:S3/BucketBlockPublicAccessDisabled', 'Recon:EC2/Portscan', 'Stealth:IAMUser/CloudTrailLoggingDisabled',
    'Stealth:IAMUser/PasswordPolicyChange', 'Stealth:S3/ServerAccessLoggingDisabled', 'UnauthorizedAccess:EC2/MetadataDNSRebind', 'UnauthorizedAccess:EC2/SSHBruteForce']);
  assert.equal(report.ingest.cloudtrail.bad['json-truncated'].count, 1);
  assert.match(report.ingest.cloudtrail.bad['json-truncated'].samples[0].object, /partial-upload\.json$/);
  assert.equal(report.ingest.cloudtrail.skipped.digest, 1);
  assert.equal(report.ingest.vpcflow.skipped.nodata, 1);
});

test('a second scan of the same samples adds nothing', () => {
  const r = vigil('scan', 'samples', '--db', db, '--json');
  const report = JSON.parse(r.out);
  assert.equal(report.objects.processed, 0);
  assert.equal(report.objects.alreadyProcessed, 7);
  assert.equal(report.findings.created + report.findings.updated, 0);
  assert.equal(r.code, 0);
});

test('text output: findings table, ingestion table, the bad-input explanation', () => {
  const fresh = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'v.db');
  const r = vigil('scan', 'samples', '--db', fresh, '--no-progress');
  assert.match(r.out, /Findings/);
  assert.match(r.out, /High \(8\.0\)\s*│ Impact:EC2\/PortSweep/);
  assert.match(r.out, /Ingestion/);
  assert.match(r.out, /cloudtrail\s*│ 5\s*│ 253/);
  assert.match(r.out, /json-truncated × 1: the JSON ends mid-record/);
});

test('findings list filters and prints GuardDuty JSON; get returns the exact finding', () => {
  const list = vigil('findings', 'list', '--db', db, '--severity', 'High', '--json');
  assert.equal(list.code, 0, list.err);
  const high = JSON.parse(list.out);
  assert.ok(high.length >= 3 && high.every((f: { severity: number }) => f.severity >= 7));
  const id = high.find((f: { type: string }) => f.type === 'Impact:EC2/PortSweep').id;
  const got = vigil('findings', 'get', id, '--db', db, '--json');
  const [f] = JSON.parse(got.out);
  assert.equal(f.id, id);
  assert.equal(f.schemaVersion, '2.0');
  assert.equal(f.service.action.actionType, 'NETWORK_CONNECTION');
  assert.equal(f.service.action.networkConnectionAction.remotePortDetails.port, 6379);
  const text = vigil('findings', 'get', id, '--db', db);
  assert.match(text.out, /EC2 instance eni-0d3e9f8a7b6c5d412 is performing a port sweep on port 6379/);
  const table = vigil('findings', 'list', '--db', db, '--type', 'Recon:EC2/Portscan');
  assert.match(table.out, /Recon:EC2\/Portscan/);
  assert.match(table.out, /1 of 1 shown/);
});

test('archive hides a finding from the default list; unarchive brings it back', () => {
  const [f] = JSON.parse(vigil('findings', 'list', '--db', db, '--type', 'Recon:EC2/Portscan', '--json').out);
  assert.match(vigil('findings', 'archive', f.id, '--db', db).out, /1 finding archived/);
  assert.equal(JSON.parse(vigil('findings', 'list', '--db', db, '--type', 'Recon:EC2/Portscan', '--json').out).length, 0);
  assert.equal(JSON.parse(vigil('findings', 'list', '--db', db, '--archived', '--json').out).length, 1);
  vigil('findings', 'unarchive', f.id, '--db', db);
  assert.equal(JSON.parse(vigil('findings', 'list', '--db', db, '--type', 'Recon:EC2/Portscan', '--json').out).length, 1);
});

test('errors say what to do, with usage exit codes', () => {
  const badType = vigil('scan', 'samples', '--type', 'syslog', '--db', db);
  assert.equal(badType.code, 2);
  assert.match(badType.err, /--type must be one of cloudtrail, vpcflow, dns/);
  const missing = vigil('scan', 'no/such/dir', '--db', db);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nothing to scan: no\/such\/dir \(no such file or directory\)/);
  const unknown = vigil('findings', 'get', 'ffffffffffffffffffffffffffffffff', '--db', db);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no finding with id/);
  const sev = vigil('findings', 'list', '--severity', 'urgent', '--db', db);
  assert.equal(sev.code, 2);
  assert.match(sev.err, /use Low, Medium, High or Critical/);
  const threads = vigil('scan', 'samples', '--threads', 'many', '--db', db);
  assert.equal(threads.code, 2);
  assert.match(threads.err, /--threads must be a whole number from 1 to 256 \(got many\)/);
});

test('vigil scan --threads 4 finds what --threads 1 finds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-threads-'));
  // the samples are small: start threads for them all the same
  process.env.VIGIL_SCAN_THREAD_MIN_BYTES = '0';
  const out = (t: string) => {
    const r = vigil('scan', 'samples', '--db', join(dir, `t${t}.db`), '--threads', t, '--json');
    assert.equal(r.code, 3, r.err);
    const j = JSON.parse(r.out) as { findings: unknown; objects: unknown; ingest: unknown };
    return JSON.stringify([j.findings, j.objects, j.ingest]);
  };
  assert.equal(out('4'), out('1'));
  delete process.env.VIGIL_SCAN_THREAD_MIN_BYTES;
  rmSync(dir, { recursive: true, force: true });
});

test('every command has --help', () => {
  for (const cmd of [[], ['scan'], ['findings'], ['findings', 'list'], ['findings', 'get'], ['types']]) {
    const r = vigil(...cmd, '--help');
    assert.equal(r.code, 0, cmd.join(' '));
    assert.match(r.out, /Usage: vigil/);
  }
  assert.match(vigil('types', '--json').out, /"status": "implemented"/);
});
