/**
 * CloudTrail generator: `{"Records":[…]}` files as CloudTrail delivers them to S3, one file per
 * account, region and 5-minute slice of a simulated day, under the AWSLogs/… key layout. File
 * sizes are mixed (10 to 5,000 records) to exercise both small and large documents. Identity
 * mix, API mix and errors come from the principal and API tables; attack scenarios are spliced
 * in at seeded positions.
 */
import { Prng } from '../prng.js';
import { ERRORS, ROOT_APIS, SERVICE_APIS, USER_APIS, type Api } from './cloudtrail-apis.js';
import { SCENARIOS } from './cloudtrail-attacks.js';
import { buildPrincipals, pickPrincipal, type AccountPrincipals } from './cloudtrail-principals.js';
import { buildRecord } from './cloudtrail-record.js';
import { Expected, GzipOutput, type Generated } from './output.js';
import { REGIONS, START_MS, accounts, datePath, stamp } from './world.js';
import { weights } from '../prng.js';

const FILE_SIZES = weights([[10, 2], [100, 3], [500, 3], [1000, 2], [2000, 2], [5000, 2]] as const);
const DAY_SLICES = 288; // 5-minute slices in a day
const SLICE_MS = 300_000;
const ERROR_RATE = 0.03;

interface FilePlan { account: string; region: string; n: number; slice: number }

export function generateCloudTrail(root: string, records: number, seed: number): Generated {
  const rng = new Prng(seed);
  const accts = accounts(seed);
  const principals = buildPrincipals(rng.fork(1), accts);
  const accountWeights = weights(accts.map((a) => [a, principals.get(a)!.roles.length + principals.get(a)!.users.length] as const));

  const plan: FilePlan[] = [];
  const planRng = rng.fork(2);
  for (let left = records; left > 0;) {
    const n = Math.min(left, planRng.weighted(FILE_SIZES));
    plan.push({ account: planRng.weighted(accountWeights), region: planRng.weighted(REGIONS), n, slice: 0 });
    left -= n;
  }
  plan.forEach((f, i) => { f.slice = Math.floor((i * DAY_SLICES) / plan.length); });

  // attack scenarios: each a few times (at least once), in seeded files
  const attackRng = rng.fork(3);
  const attacks = new Map<number, { scenario: number; n: number }[]>();
  const repeats = Math.max(1, Math.round(records / 250_000));
  for (let s = 0; s < SCENARIOS.length; s++) {
    for (let k = 0; k < repeats; k++) {
      const file = attackRng.int(plan.length);
      if (!attacks.has(file)) attacks.set(file, []);
      attacks.get(file)!.push({ scenario: s, n: s * 1000 + k });
    }
  }

  const out = new GzipOutput(root);
  const expected = new Expected();
  const recRng = rng.fork(4);
  plan.forEach((f, i) => {
    const start = START_MS + f.slice * SLICE_MS;
    const p = principals.get(f.account)!;
    const recs: Record<string, unknown>[] = [];
    for (let j = 0; j < f.n; j++) recs.push(background(recRng, p, f.region, start + Math.floor((j * SLICE_MS) / f.n)));
    for (const a of attacks.get(i) ?? []) {
      const actor = recRng.chance(0.7) ? recRng.pick(p.roles) : recRng.pick(p.users);
      const at = recRng.int(recs.length + 1);
      const injected = SCENARIOS[a.scenario]({ rng: recRng, actor, region: f.region, timeMs: start + recRng.int(SLICE_MS - 10_000), expected, n: a.n });
      recs.splice(at, 0, ...injected);
    }
    const text = `{"Records":[${recs.map((r) => JSON.stringify(r)).join(',')}]}`;
    const key = `AWSLogs/${f.account}/CloudTrail/${f.region}/${datePath(start)}/${f.account}_CloudTrail_${f.region}_${stamp(start + SLICE_MS)}_${recRng.alnum(16)}.json.gz`;
    out.write(key, text, recs.length);
  });
  return { written: out.stats, expected: expected.counts() };
}

/** One background (non-attack) record of an account's principals at a time (the soak's live writer uses it too). */
export function background(rng: Prng, p: AccountPrincipals, region: string, timeMs: number): Record<string, unknown> {
  const who = pickPrincipal(rng, p);
  const table = who.type === 'AWSService' ? SERVICE_APIS : who.type === 'Root' ? ROOT_APIS : USER_APIS;
  let api: Api = rng.weighted(table);
  // global services (IAM) are delivered with the us-east-1 files only
  while (api.global && region !== 'us-east-1') api = rng.weighted(table);
  const error = rng.chance(ERROR_RATE) ? rng.weighted(ERRORS) : undefined;
  return buildRecord(rng, api, who, region, timeMs, { error });
}
