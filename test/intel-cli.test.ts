/** `vigil intel` and `vigil scan --threat-list/--trusted-list` as a user runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'vigil-intel-cli-'));
const db = join(work, 'v.db');

function vigil(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const blocklist = join(work, 'block.txt');
writeFileSync(blocklist, '# attacker infrastructure\n185.220.101.47\n45.33.0.0/16 ; sweep targets\nimg.cdn-sync.example.net\nnot-an-indicator here\n');
const office = join(work, 'office.txt');
writeFileSync(office, '185.220.101.47\n');

test('add, list, test and remove lists; the cache lives in a hidden folder beside the database', () => {
  const add = vigil('intel', 'add', 'attackers', blocklist, '--purpose', 'malicious', '--db', db, '--json');
  assert.equal(add.code, 0, add.err);
  const l = JSON.parse(add.out);
  assert.deepEqual([l.status, l.counts.ipv4, l.counts.ipv4Cidrs, l.counts.domains, l.counts.errors], ['ACTIVE', 1, 1, 1, 1]);
  assert.match(l.statusReason, /1 invalid lines skipped \(first: line 5/);
  assert.ok(existsSync(join(work, '.v.db.intel', `${l.id}.list`)));
  assert.match(vigil('intel', 'list', '--db', db).out, /attackers\s*│ THREAT │ malicious │ TXT/);
  assert.match(vigil('intel', 'test', '45.33.7.7', '--db', db).out, /45\.33\.7\.7: on attackers \(malicious\)/);
  assert.match(vigil('intel', 'test', 'a.img.cdn-sync.example.net', '--db', db).out, /on attackers/);
  assert.match(vigil('intel', 'test', '8.8.8.8', '--db', db).out, /on no active list/);
  const dup = vigil('intel', 'add', 'attackers', blocklist, '--db', db);
  assert.equal(dup.code, 2);
  assert.match(dup.err, /already exists/);
});

test('validate reports every invalid line with its number and exits 3 for a partial list', () => {
  const r = vigil('intel', 'validate', blocklist, '--format', 'TXT');
  assert.equal(r.code, 3);
  assert.match(r.out, /PARTIAL — 3 entries/);
  assert.match(r.out, /line 5: more than one value on the line/);
  const bad = vigil('intel', 'validate', blocklist, '--format', 'CSV');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown list format CSV: use TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE/);
});

test('a scan uses stored lists: the brute forcer and sweep targets raise intel findings with the list named', () => {
  const r = vigil('scan', 'samples', '--db', db, '--json', '--offline');
  const report = JSON.parse(r.out);
  const types = report.findings.byType.map((t: { type: string }) => t.type);
  assert.ok(types.includes('UnauthorizedAccess:EC2/MaliciousIPCaller.Custom'), types.join());
  assert.ok(types.includes('Recon:EC2/PortProbeUnprotectedPort'));
  assert.ok(types.includes('Impact:EC2/MaliciousDomainRequest.Custom'));
  assert.deepEqual(report.lists.loaded, [{ name: 'attackers', role: 'THREAT', entries: 3 }]);
  const [f] = JSON.parse(vigil('findings', 'list', '--type', 'Recon:EC2/PortProbeUnprotectedPort', '--db', db, '--json').out);
  assert.deepEqual(f.service.evidence.threatIntelligenceDetails, [{ threatListName: 'attackers', threatNames: [], threatFileSha256: f.service.evidence.threatIntelligenceDetails[0].threatFileSha256 }]);
  assert.equal(f.service.action.portProbeAction.portProbeDetails[0].localPortDetails.port, 22);
});

test('--trusted-list silences everything from those addresses, even the SSH brute force; --threat-list adds a list for one scan', () => {
  const fresh = join(mkdtempSync(join(tmpdir(), 'vigil-intel-cli-')), 'v.db');
  const r = vigil('scan', 'samples', '--db', fresh, '--json', '--trusted-list', office, '--threat-list', `${blocklist}:TXT:command-and-control`);
  const report = JSON.parse(r.out);
  const types = report.findings.byType.map((t: { type: string }) => t.type);
  assert.ok(!types.includes('UnauthorizedAccess:EC2/SSHBruteForce'), 'the trusted brute forcer is not analysed');
  assert.ok(types.includes('Backdoor:EC2/C&CActivity.B'), types.join());
  assert.ok(report.trustedSkipped.vpcflow >= 120);
  assert.deepEqual(report.lists.loaded.map((l: { name: string; role: string }) => [l.name, l.role]), [['block.txt', 'THREAT'], ['office.txt', 'TRUSTED']]);
  const missing = vigil('scan', 'samples', '--db', fresh, '--threat-list', join(work, 'nope.txt'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.txt: cannot read .*no such file/);
});

test('remove and feeds', () => {
  assert.match(vigil('intel', 'remove', 'attackers', '--db', db).out, /Removed attackers/);
  assert.match(vigil('intel', 'list', '--db', db).out, /No lists yet/);
  const feeds = JSON.parse(vigil('intel', 'feeds', '--json').out);
  assert.ok(feeds.some((f: { name: string; purpose: string }) => f.name === 'tor-exit' && f.purpose === 'tor-exit'));
  const unknown = vigil('intel', 'add', '--feed', 'nope', '--db', db);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown feed nope/);
});
