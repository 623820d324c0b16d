/**
 * Holds the network and DNS behaviour figures of `npm run eval` (eval/network.ts) that must not
 * regress: the DGA model's precision and recall on the held-back split, every DNSExfiltrator
 * capture found with nothing on the benign high-cardinality background, and every injected
 * behaviour found on the Stratosphere background with no false finding on benign flows.
 * Skipped when the corpora are not on this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runNetwork } from '../eval/network.js';
import { DATA } from '../eval/common.js';

test('eval: network and DNS behaviour figures', { skip: !existsSync(join(DATA, 'dns/dnsexfiltrator-tomaspena53')) && 'corpora not present' }, async () => {
  const r = await runNetwork();
  const dga = r.extra!.dga as { precision: number; recall: number };
  assert.ok(dga.precision >= 0.99, `DGA precision ${dga.precision}`);
  assert.ok(dga.recall >= 0.75, `DGA recall ${dga.recall}`);
  assert.deepEqual(r.extra!.tunnelling, { captures: 24, detected: 24, backgroundQueries: 6000, falseFindings: 0 });
  const row = (t: string) => r.rows.find((x) => x.type === t)!;
  for (const t of ['Behavior:EC2/NetworkPortUnusual', 'Behavior:EC2/TrafficVolumeUnusual', 'Backdoor:EC2/Spambot', 'DefenseEvasion:EC2/UnusualDNSResolver',
    'DefenseEvasion:EC2/UnusualDoHActivity', 'DefenseEvasion:EC2/UnusualDoTActivity', 'Backdoor:EC2/DenialOfService.Tcp', 'Backdoor:EC2/DenialOfService.Udp',
    'Backdoor:EC2/DenialOfService.Dns', 'Backdoor:EC2/DenialOfService.UdpOnTcpPorts', 'Backdoor:EC2/DenialOfService.UnusualProtocol']) {
    assert.deepEqual([row(t).hits, row(t).misses, row(t).falseFindings], [1, 0, 0], t);
  }
  assert.deepEqual(row('Trojan:EC2/DGADomainRequest.C!DNS'), { type: 'Trojan:EC2/DGADomainRequest.C!DNS', expected: 8, hits: 8, misses: 0, falseFindings: 0 });
  assert.ok(row('Trojan:EC2/DGADomainRequest.B').falseFindings <= 14);
  const base = r.extra!.baselines as Record<string, { falseFindings: number }>;
  assert.equal(base['008-mixed'].falseFindings, 0);
  assert.equal(base['002-portscan'].falseFindings, 0);
});
