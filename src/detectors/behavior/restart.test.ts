import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../app/scan.js';
import { openStore } from '../../store/index.js';
import { flowFile, tcpConnection } from '../../testing/harness.js';

const T0 = 1_772_446_500;
const DAY = 86_400;
const ME = '10.0.1.25';

/** Nine days of HTTPS to two hosts. */
function learning(): string[] {
  const out: string[] = [];
  for (let d = 0; d < 9; d++) {
    for (const [i, host] of ['151.101.1.69', '104.16.132.229'].entries()) {
      out.push(...tcpConnection({ client: ME, server: host, clientPort: 40000 + d * 2 + i, serverPort: 443, start: T0 + d * DAY + i * 60 }));
    }
  }
  return out;
}

test('instance baselines survive a restart: one scan learns nine days, a second scan (new engine, state from the store) reports against them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-baseline-'));
  writeFileSync(join(root, 'learn.log'), flowFile(learning()));
  const store = await openStore(join(root, 'v.db'));
  const first = await scan({ inputs: [join(root, 'learn.log')], store });
  assert.equal(first.findings.byType.length, 0);

  const after = T0 + 9 * DAY + 600;
  writeFileSync(join(root, 'later.log'), flowFile([
    ...tcpConnection({ client: ME, server: '151.101.1.69', clientPort: 51000, serverPort: 443, start: after }), // learned: silent
    ...tcpConnection({ client: ME, server: '45.83.193.150', clientPort: 51001, serverPort: 1389, start: after + 30, packets: [6, 5] }),
  ]));
  const second = await scan({ inputs: [join(root, 'later.log')], store });
  assert.deepEqual(second.findings.byType.map((t) => [t.type, t.severity]), [['Behavior:EC2/NetworkPortUnusual', 8]]);
  const [f] = await store.queryFindings({});
  const info = JSON.parse(String(f.service.additionalInfo?.value));
  assert.equal(info.learned.activeDays, 10);
  assert.deepEqual(info.learned.usual, ['443/TCP (seen on 10 of 10 days)']); // the learned HTTPS of the same day counts
  assert.equal(info.context, 'Possible log4j callback');

  // the same later log in a scan without the first one's state: still learning, silent
  const fresh = await openStore(join(root, 'fresh.db'));
  const alone = await scan({ inputs: [join(root, 'later.log')], store: fresh });
  assert.equal(alone.findings.byType.length, 0);
  await store.close();
  await fresh.close();
});
