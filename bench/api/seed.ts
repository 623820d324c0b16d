/**
 * Fills a SQLite database with N synthetic findings (seeded; GuardDuty JSON of realistic size,
 * 20 accounts, all finding types, instance/access-key/bucket resources) for the API benchmark.
 * Reused between runs when it already holds N findings.
 *   node --import tsx bench/api/seed.ts <db> <n>
 */
import { existsSync } from 'node:fs';
import { Prng } from '../prng.js';
import { openStore } from '../../src/store/index.js';
import { FINDING_TYPES, type FindingCandidate } from '../../src/core/index.js';
import { sampleCandidate } from '../../src/findings/samples.js';
import { buildFinding } from '../../src/findings/build.js';

const [db, nArg] = process.argv.slice(2);
const N = Number(nArg);
const existed = existsSync(db);
const store = await openStore(db);
if (existed && (await store.countFindings()).total === N) { console.log(`reused ${db}`); process.exit(0); }
const rng = new Prng(11);
const accounts = Array.from({ length: 20 }, (_, i) => String(111100000000 + i * 7919).padStart(12, '0'));
const t0 = Date.UTC(2026, 1, 1);
const started = Date.now();
for (let i = 0; i < N; i += 10_000) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 10_000); j++) {
    const type = FINDING_TYPES[rng.next() % FINDING_TYPES.length].type;
    const account = accounts[rng.next() % accounts.length];
    const time = t0 + (rng.next() % (40 * 86_400)) * 1000;
    const c: FindingCandidate = { ...sampleCandidate(type, account, 'us-east-1', time), key: `bench-${j}`, title: `${type} on resource ${j}`, description: 'Benchmark finding.' };
    if (c.resource.instanceDetails) c.resource.instanceDetails = { ...c.resource.instanceDetails, instanceId: `i-${(j % 50_000).toString(16).padStart(17, '0')}`,
      networkInterfaces: [{ ...c.resource.instanceDetails.networkInterfaces![0], privateIpAddress: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}` }] };
    const f = buildFinding(c, 1 + (rng.next() % 50), time - 3_600_000, time, new Date(time + 60_000).toISOString());
    f.severity = c.severity;
    batch.push(f);
  }
  await store.commit({ findings: batch });
}
await store.optimize();
await store.close();
console.log(`seeded ${N} findings into ${db} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
