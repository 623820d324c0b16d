/**
 * `vigil scan --inventory`: an ENI → instance inventory names the instance, its type and tags in
 * flow findings of v2 logs (which carry no instance id); a malformed inventory is a usage error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import { flowFile, flowLine } from '../src/testing/harness.js';

const root = new URL('..', import.meta.url).pathname;

function vigil(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', VIGIL_INSTANCE_INVENTORY: '' } });
}

test('scan --inventory names the instance of an ENI in flow findings; a bad inventory is exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-inventory-'));
  const T0 = 1_772_446_500;
  const flood = Array.from({ length: 150 }, (_, i) => flowLine({ src: '10.0.1.25', dst: '93.184.216.34', sport: 30000 + i, dport: 80, packets: 1_000, bytes: 40_000, start: T0, end: T0 + 59 }));
  writeFileSync(join(dir, 'flows.log'), flowFile(flood));
  writeFileSync(join(dir, 'inventory.csv'), 'network_interface_id,instance_id,instance_type,tags\neni-0a1b2c3d4e5f60718,i-0123456789abcdef0,c7g.xlarge,Name=api-7;team=payments\n');
  const db = join(dir, 'v.db');
  const r = vigil('scan', join(dir, 'flows.log'), '--db', db, '--inventory', join(dir, 'inventory.csv'), '--json', '--offline');
  assert.equal(r.status, 0, r.stderr);
  const store = await openStore(db);
  const [f] = await store.queryFindings({});
  await store.close();
  assert.equal(f.type, 'Backdoor:EC2/DenialOfService.Tcp');
  assert.equal(f.resource.instanceDetails?.instanceId, 'i-0123456789abcdef0');
  assert.equal(f.resource.instanceDetails?.instanceType, 'c7g.xlarge');
  assert.deepEqual(f.resource.instanceDetails?.tags, [{ key: 'Name', value: 'api-7' }, { key: 'team', value: 'payments' }]);

  writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n');
  const bad = vigil('scan', join(dir, 'flows.log'), '--db', join(dir, 'w.db'), '--inventory', join(dir, 'bad.csv'), '--offline');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /instance-id column/);
});
