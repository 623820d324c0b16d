/**
 * Property-based fuzzing of whole objects through `scan()` and through the watched-folder path
 * of `vigil serve` (the Ingestor with a FolderSource): good files that raise known findings, plus
 * damaged files of all three types — records damaged byte by byte or given fields of the wrong
 * type, gzip streams cut, flipped, padded with trailing bytes or concatenated, a byte-order mark,
 * CRLF line ends.
 *
 * Properties: nothing throws; the findings are exactly those of the good files alone (same ids,
 * types, severities and counts); every object is recorded as processed once, so a second scan
 * reads nothing and changes nothing (store and state consistent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { scan } from '../../src/app/scan.js';
import { Ingestor, sourceContext } from '../../src/app/ingest/index.js';
import { FolderSource } from '../../src/sources/folder/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { cloudTrailFile, ctRecord, dnsLine, flowFile, flowLine } from '../../src/testing/harness.js';
import { applyEdits, byteEditsArb, check, fileArb, replaceRecord, setPath, TYPED_FIELDS, wrongValueArb } from '../../src/testing/fuzz.js';
import { excerptValue, type LogKind } from '../../src/core/index.js';

const RUNS = Number(process.env.VIGIL_FUZZ_RUNS_INGEST ?? 60);
const seed = (dflt: number) => Number(process.env.VIGIL_FUZZ_SEED ?? dflt);
const tally: Record<string, number> = {};
const count = (k: string) => { tally[k] = (tally[k] ?? 0) + 1; };
test.after(() => { console.log(`fuzz objects: ${JSON.stringify(tally)}`); });

/** Files that raise three known findings (CloudTrail logging stopped, SSH brute force, DNS rebinding). */
const GOOD: Record<string, Buffer> = {
  'a-good/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T1015Z_a.json.gz': gzipSync(cloudTrailFile([
    ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'org-trail' }, readOnly: false }),
  ])),
  'a-good/flows.log': Buffer.from(flowFile(Array.from({ length: 25 }, (_, i) => flowLine({ src: '203.0.113.50', dst: '10.0.1.10', sport: 40000 + i, dport: 22, packets: 12, bytes: 2400, start: 1772446500 + i * 10 })))),
  'a-good/dns.log.gz': gzipSync(dnsLine({ query_name: 'rebind.attacker.example.', answers: [{ Rdata: '169.254.169.254', Type: 'A', Class: 'IN' }] }) + '\n'),
};

type Damage = { kind: LogKind; how: 'bytes' | 'types' | 'gzip-cut' | 'gzip-flip' | 'gzip-trailing' | 'gzip-members' | 'bom-crlf' };

/** One damaged file: name and bytes. */
const damagedFileArb = (n: number): fc.Arbitrary<{ name: string; data: Buffer; damage: Damage }> => fc.constantFrom<LogKind>('cloudtrail', 'vpcflow', 'dns').chain((kind) => fc.record({
  f: fileArb(kind, 5),
  i: fc.integer({ min: 0, max: 4 }),
  how: fc.constantFrom<Damage['how']>('bytes', 'types', 'gzip-cut', 'gzip-flip', 'gzip-trailing', 'gzip-members', 'bom-crlf'),
  edits: byteEditsArb,
  path: fc.constantFrom(...(TYPED_FIELDS[kind].length ? TYPED_FIELDS[kind] : [['x']])),
  value: wrongValueArb,
  frac: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
}).map(({ f, i, how, edits, path, value, frac }) => {
  let text = f.text;
  if (how === 'bytes' || (how === 'types' && kind === 'vpcflow')) text = applyEdits(text, f.spans[i], edits);
  else if (how === 'types') text = replaceRecord(f, i, setPath(text.slice(...f.spans[i]), path, value));
  else if (how === 'bom-crlf') text = '\uFEFF' + text.replace(/\n/g, '\r\n');
  let data: Buffer = gzipSync(text);
  if (how === 'gzip-cut') data = data.subarray(0, Math.max(10, Math.floor(data.length * frac)));
  if (how === 'gzip-flip') { data = Buffer.from(data); data[Math.floor(data.length * frac)] ^= 0x5a; }
  if (how === 'gzip-trailing') data = Buffer.concat([data, Buffer.from('\u0001trailing bytes that are not gzip')]);
  if (how === 'gzip-members') data = Buffer.concat([gzipSync(text.slice(0, Math.floor(text.length * frac))), gzipSync(text.slice(Math.floor(text.length * frac)))]);
  const ext = kind === 'cloudtrail' ? 'json.gz' : 'log.gz';
  return { name: `z-bad/${n}-${kind}-${how}.${ext}`, data, damage: { kind, how } };
}));

const filesArb = fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).chain((xs) => fc.tuple(...xs.map((_, n) => damagedFileArb(n))));

function tree(files: Record<string, Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-fuzz-'));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'logs', name)), { recursive: true });
    writeFileSync(join(root, 'logs', name), data);
  }
  return root;
}

async function findingsOf(store: Store) {
  return (await store.queryFindings({ limit: 10_000 })).map((f) => `${f.id} ${f.type} ${f.severity} ${f.service.count}`).sort();
}

let baseline: string[] | undefined;
async function goodFindings(): Promise<string[]> {
  if (baseline) return baseline;
  const root = tree(GOOD);
  const store = await openStore(join(root, 'v.db'));
  await scan({ inputs: [join(root, 'logs')], store });
  baseline = await findingsOf(store);
  await store.close();
  rmSync(root, { recursive: true, force: true });
  assert.equal(baseline.length, 3, 'the good files raise their three findings');
  return baseline;
}

test('scan(): damaged objects of every type change no finding of the good ones, and a rescan reads nothing', async () => {
  const expected = await goodFindings();
  await check(fc.asyncProperty(filesArb, async (bad) => {
    for (const b of bad) count(`${b.damage.kind}:${b.damage.how}`);
    const root = tree({ ...GOOD, ...Object.fromEntries(bad.map((b) => [b.name, b.data])) });
    const store = await openStore(join(root, 'v.db'));
    try {
      const r = await scan({ inputs: [join(root, 'logs')], store });
      assert.ok(r.exitCode === 0 || r.exitCode === 3);
      assert.equal(r.objects.processed, 3 + bad.length);
      assert.deepEqual(await findingsOf(store), expected, `damage: ${JSON.stringify(bad.map((b) => b.damage))}`);
      const again = await scan({ inputs: [join(root, 'logs')], store });
      assert.equal(again.objects.alreadyProcessed, 3 + bad.length);
      assert.equal(again.findings.created + again.findings.updated, 0);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  }), { seed: seed(0x5ca9), numRuns: RUNS });
});

test('watched folder: the same damaged objects through the ingest loop give the same findings, each object read once', async () => {
  const expected = await goodFindings();
  await check(fc.asyncProperty(filesArb, async (bad) => {
    for (const b of bad) count(`watch:${b.damage.kind}:${b.damage.how}`);
    const root = tree({ ...GOOD, ...Object.fromEntries(bad.map((b) => [b.name, b.data])) });
    const store = await openStore(join(root, 'v.db'));
    const src = new FolderSource({ type: 'folder', path: join(root, 'logs'), settleMs: 0 }, sourceContext(store));
    const ing = new Ingestor({ store, sources: [src] });
    await ing.start({ loop: false });
    try {
      for (let polls = 0; polls < 20 && ing.view()[0].objects.read < 3 + bad.length; polls++) await ing.pollOnce(src);
      const h = ing.view()[0];
      assert.equal(h.objects.read, 3 + bad.length, 'every object read once');
      assert.deepEqual(await findingsOf(store), expected, `damage: ${JSON.stringify(bad.map((b) => b.damage))}`);
      await ing.pollOnce(src);
      assert.equal(ing.view()[0].objects.read, 3 + bad.length, 'nothing read twice');
    } finally {
      await ing.stop();
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  }), { seed: seed(0x3a7c), numRuns: Math.max(5, Math.round(RUNS / 3)) });
});

/** Records that reach each CloudTrail rule, with the free-form parameters the rules read. */
const TRIGGERS = [
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org' } },
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', requestParameters: { name: 'org' } },
  { eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', requestParameters: { bucketName: 'b1', bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b1/*' }] } } },
  { eventSource: 's3.amazonaws.com', eventName: 'PutBucketAcl', requestParameters: { bucketName: 'b2', AccessControlPolicy: { AccessControlList: { Grant: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] } } } },
  { eventSource: 's3.amazonaws.com', eventName: 'PutBucketPublicAccessBlock', requestParameters: { bucketName: 'b3', PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } } },
  { eventSource: 's3.amazonaws.com', eventName: 'PutBucketLogging', requestParameters: { bucketName: 'b4', BucketLoggingStatus: {} } },
  { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', requestParameters: { bucketName: 'b5' } },
  { eventSource: 'iam.amazonaws.com', eventName: 'UpdateAccountPasswordPolicy', requestParameters: { minimumPasswordLength: 6, requireSymbols: false, maxPasswordAge: 900 } },
  { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' }, userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', principalId: '111122223333' } },
  { eventSource: 'bedrock.amazonaws.com', eventName: 'DeleteModelInvocationLoggingConfiguration', requestParameters: {} },
  { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', responseElements: { instancesSet: { items: [{ instanceId: 'i-0123456789abcdef0', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-0123', privateIpAddress: '10.0.0.5' }] } }] } } },
  { eventSource: 'lambda.amazonaws.com', eventName: 'CreateFunction20150331', requestParameters: { functionName: 'f', role: 'arn:aws:iam::111122223333:role/r' } },
];

/** Every path to a value inside the free-form parts of a record. */
function leafPaths(o: unknown, at: string[] = []): string[][] {
  if (typeof o !== 'object' || o === null) return [at];
  const entries = Array.isArray(o) ? o.map((v, i) => [String(i), v] as const) : Object.entries(o);
  return [at, ...entries.flatMap(([k, v]) => leafPaths(v, [...at, k]))];
}

test('rules never choke on the free-form parameters they read: any value of any type, no detector error, storable findings', async () => {
  await check(fc.asyncProperty(fc.integer({ min: 0, max: TRIGGERS.length - 1 }), fc.nat(), wrongValueArb, async (t, pick, value) => {
    count(`rule-params:${TRIGGERS[t].eventName}`);
    const rec = ctRecord({ readOnly: false, ...structuredClone(TRIGGERS[t]) }) as Record<string, unknown>;
    const free = ['requestParameters', 'responseElements', 'additionalEventData'].filter((k) => rec[k] && typeof rec[k] === 'object');
    const paths = free.flatMap((k) => [...leafPaths(rec[k], [k]).filter((p) => p.length > 1), [k, 'extra']]);
    const path = paths[pick % paths.length];
    let cur = rec as Record<string, unknown>;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[path[path.length - 1]] = value;
    const root = tree({ 'logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/t.json.gz': gzipSync(cloudTrailFile([rec])) });
    const store = await openStore(join(root, 'v.db'));
    try {
      const r = await scan({ inputs: [join(root, 'logs')], store });
      assert.deepEqual(r.detectorErrors, [], `${TRIGGERS[t].eventName} with ${path.join('.')} = ${excerptValue(value, 80)}`);
      assert.ok(r.ingest.recordTotal + r.ingest.badTotal === 1);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  }), { seed: seed(0x9a7a), numRuns: RUNS * 2 });
});
