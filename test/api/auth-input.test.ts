/**
 * Authentication and hostile or malformed input against a live `vigil serve`: wrong secrets,
 * unknown keys, unsigned, stale and tampered requests get 403 AccessDeniedException in
 * GuardDuty's shape (never a stack trace); presigned URLs work; read-only keys change nothing;
 * every kind of bad input is a clean 400 BadRequestException (`__type` InvalidInputException),
 * and injection-looking criteria neither match everything nor break the server. The SDK, the AWS
 * CLI and raw SigV4-signed requests (for bodies no SDK would send).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  GuardDutyClient, ArchiveFindingsCommand, CreateFilterCommand, CreatePublishingDestinationCommand, CreateSampleFindingsCommand, ListDetectorsCommand,
  ListFindingsCommand, TagResourceCommand, UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import { HAVE_CLI, KEYS, MEMBER1_ACCOUNT, scanSamples, sdkError, startHarness, type Harness, type RawResponse, type Key } from './harness.js';

let h: Harness;
let D: string;
let total: number;
let scanned: number;

before(async () => {
  h = await startHarness();
  D = h.adminDetectorId;
  scanned = (await scanSamples(h)).created;
  await h.sdk(KEYS.admin).send(new CreateSampleFindingsCommand({ DetectorId: D, FindingTypes: ['Recon:EC2/Portscan', 'Policy:IAMUser/RootCredentialUsage'] }));
  total = scanned + 2;
});
after(async () => { await h?.stop(); });

/** GuardDuty's error: the status, the name in x-amzn-errortype, `{message, __type}` and nothing else. */
function assertError(r: RawResponse, status: number, name: string, type = name): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('x-amzn-errortype'), name);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(Object.keys(r.json ?? {}).sort(), ['__type', 'message'], r.text);
  assert.equal(r.json!.__type, type);
  assert.ok(typeof r.json!.message === 'string' && (r.json!.message as string).length > 0);
  assert.doesNotMatch(r.text, /\n\s+at |\.ts:\d+|\.js:\d+|node_modules|SqliteError/, 'no stack trace or internals');
}
const assertBadRequest = (r: RawResponse, message?: RegExp) => {
  assertError(r, 400, 'BadRequestException', 'InvalidInputException');
  if (message) assert.match(r.json!.message as string, message);
};

const list = (body: string | Buffer, key: Key = KEYS.admin) => h.raw(key, { path: `/detector/${D}/findings`, body });

// ---- authentication ----

test('a wrong secret, an unknown key and an unsigned request get 403 AccessDeniedException', async () => {
  const wrongSecret = { ...KEYS.admin, secretAccessKey: 'not-the-secret-at-all-0000' };
  assertError(await h.raw(wrongSecret, { path: '/detector' }), 403, 'AccessDeniedException');
  const unknown = { ...KEYS.admin, accessKeyId: 'AKIANOBODYKNOWSTHIS1' };
  const r = await h.raw(unknown, { path: '/detector' });
  assertError(r, 403, 'AccessDeniedException');
  assert.match(r.json!.message as string, /security token included in the request is invalid/);
  assertError(await h.unsigned({ path: '/detector' }), 403, 'AccessDeniedException');
  assertError(await h.unsigned({ path: `/detector/${D}/findings`, body: '{}', headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } }), 403, 'AccessDeniedException');
  // through the SDK, as a user meets it
  const sdk = new GuardDutyClient({ region: 'us-east-1', endpoint: h.url, maxAttempts: 1, credentials: wrongSecret });
  try {
    const e = await sdkError(sdk.send(new ListDetectorsCommand({})));
    assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403]);
  } finally { sdk.destroy(); }
});

test('a stale signature and a body changed after signing are refused', async () => {
  const stale = await h.raw(KEYS.admin, { path: '/detector' }, { signingDate: new Date(Date.now() - 20 * 60_000) });
  assertError(stale, 403, 'AccessDeniedException');
  assert.match(stale.json!.message as string, /expired/i);
  // sign one body, send another (same length, so only the signature can tell)
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Hash } = await import('@smithy/hash-node');
  const signer = new SignatureV4({ credentials: KEYS.admin, region: 'us-east-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: h.port, path: `/detector/${D}/findings`, query: {},
    headers: { host: `127.0.0.1:${h.port}`, 'content-type': 'application/json' }, body: '{"maxResults":5}' });
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host').map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${h.url}/detector/${D}/findings`, { method: 'POST', headers, body: '{"maxResults":9}' });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException');
});

test('an unsigned payload (x-amz-content-sha256: UNSIGNED-PAYLOAD or any non-hash) is refused; the real hash verifies', async () => {
  for (const declared of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'abc']) {
    const r = await h.raw(KEYS.admin, { path: `/detector/${D}/findings`, body: '{"maxResults":2}', headers: { 'x-amz-content-sha256': declared } });
    assertError(r, 403, 'AccessDeniedException');
    assert.match(r.json!.message as string, /signature we calculated does not match.*payload must be signed/);
    // a read, and a write with no body, are refused alike
    assertError(await h.raw(KEYS.admin, { path: '/detector', headers: { 'x-amz-content-sha256': declared } }), 403, 'AccessDeniedException');
  }
  const ok = await h.raw(KEYS.admin, { path: `/detector/${D}/findings`, body: '{"maxResults":2}' });
  assert.equal(ok.status, 200, ok.text);
});

test('presigned URLs (query-string SigV4) work for each key and respect its view', async () => {
  const r = await h.raw(KEYS.admin, { path: '/detector' }, { presign: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { detectorIds: [D] });
  const m1 = await h.raw(KEYS.member1, { path: '/detector' }, { presign: true });
  assert.equal(m1.status, 200, m1.text);
  const [m1Detector] = m1.json!.detectorIds as string[];
  assert.ok(m1Detector && m1Detector !== D);
  const counted = await h.raw(KEYS.member1, { path: '/invitation/count' }, { presign: true });
  assert.deepEqual([counted.status, counted.json], [200, { invitationsCount: 0 }]);
  assertError(await h.raw({ ...KEYS.member1, secretAccessKey: 'wrong-secret-wrong-secret' }, { path: '/detector' }, { presign: true }), 403, 'AccessDeniedException');
  assertError(await h.raw(KEYS.admin, { path: '/detector' }, { presign: true, signingDate: new Date(Date.now() - 10 * 60_000) }), 403, 'AccessDeniedException');
});

test('a read-only key reads but cannot change anything (403 AccessDeniedException)', async () => {
  const ro = h.sdk(KEYS.readOnly);
  assert.equal((await ro.send(new ListFindingsCommand({ DetectorId: D }))).FindingIds!.length, total);
  const [someId] = (await ro.send(new ListFindingsCommand({ DetectorId: D, MaxResults: 1 }))).FindingIds!;
  const writes: [string, () => Promise<unknown>][] = [
    ['UpdateDetector', () => ro.send(new UpdateDetectorCommand({ DetectorId: D, Enable: false }))],
    ['CreateFilter', () => ro.send(new CreateFilterCommand({ DetectorId: D, Name: 'nope', FindingCriteria: { Criterion: { severity: { Gte: 1 } } } }))],
    ['ArchiveFindings', () => ro.send(new ArchiveFindingsCommand({ DetectorId: D, FindingIds: [someId] }))],
    ['CreateSampleFindings', () => ro.send(new CreateSampleFindingsCommand({ DetectorId: D }))],
    ['CreatePublishingDestination', () => ro.send(new CreatePublishingDestinationCommand({ DetectorId: D, DestinationType: 'S3', DestinationProperties: { DestinationArn: 'file:///tmp/x' } }))],
    ['TagResource', () => ro.send(new TagResourceCommand({ ResourceArn: `arn:aws:guardduty:us-east-1:${KEYS.readOnly.accountId}:detector/${D}`, Tags: { a: 'b' } }))],
  ];
  for (const [op, call] of writes) {
    const e = await sdkError(call());
    assert.deepEqual([e.name, e.status], ['AccessDeniedException', 403], op);
  }
  assert.equal((await ro.send(new ListFindingsCommand({ DetectorId: D, FindingCriteria: { Criterion: { 'service.archived': { Eq: ['true'] } } } }))).FindingIds!.length, 0);
});

test('AWS CLI: a wrong secret and a read-only write both end in AccessDeniedException', { skip: !HAVE_CLI }, async () => {
  const [wrong, ro] = await Promise.all([
    h.cli({ ...KEYS.admin, secretAccessKey: 'not-the-secret-at-all-0000' }, ['list-detectors']),
    h.cli(KEYS.readOnly, ['create-filter', '--detector-id', D, '--name', 'ro-filter', '--finding-criteria', '{"Criterion":{"severity":{"Gte":1}}}']),
  ]);
  assert.equal(wrong.code, 254);
  assert.equal(wrong.error?.code, 'AccessDeniedException', wrong.stderr);
  assert.equal(ro.code, 254);
  assert.equal(ro.error?.code, 'AccessDeniedException', ro.stderr);
  assert.match(ro.error!.message, /read-only/);
});

// ---- bad input: each a clean 400 ----

test('bad input: an oversized body', async () => {
  const big = JSON.stringify({ findingCriteria: { criterion: { type: { eq: ['x'.repeat(512)] } } }, pad: 'y'.repeat(1_200_000) });
  assertBadRequest(await list(big), /larger than 1048576 bytes/);
});

test('bad input: malformed JSON, and JSON that is not an object', async () => {
  assertBadRequest(await list('{"maxResults": 5,'), /not valid JSON/);
  assertBadRequest(await list('[1,2,3]'), /must be a JSON object/);
  assertBadRequest(await list('"text"'), /must be a JSON object/);
  assertBadRequest(await list(Buffer.from([0xff, 0xfe, 0x00, 0x7b])), /not valid JSON/);
});

test('the body is read as JSON whatever the content type says', async () => {
  for (const type of ['text/plain', 'application/x-amz-json-1.1', 'application/octet-stream']) {
    const r = await h.raw(KEYS.admin, { path: `/detector/${D}/findings`, body: '{"maxResults":3}', headers: { 'content-type': type } });
    assert.equal(r.status, 200, `${type}: ${r.text}`);
    assert.equal((r.json!.findingIds as string[]).length, 3);
    assertBadRequest(await h.raw(KEYS.admin, { path: `/detector/${D}/findings`, body: 'maxResults=3', headers: { 'content-type': type } }), /not valid JSON/);
  }
});

test('bad input: unknown fields, at the top and inside nested members', async () => {
  assertBadRequest(await list('{"maxResults":5,"bogus":1}'), /"bogus"/);
  assertBadRequest(await list('{"findingCriteria":{"criterion":{},"extra":1}}'), /"extra"/);
  assertBadRequest(await h.raw(KEYS.admin, { path: `/detector/${D}/publishingDestination`, body: JSON.stringify({ destinationType: 'S3', destinationProperties: { destinationArn: 'file:///tmp/x', sneaky: true } }) }), /"sneaky"/);
  assertBadRequest(await h.raw(KEYS.admin, { path: '/detector', body: '{"enable":true,"Enable":true}' }), /"Enable"/);
});

test('bad input: SQL-injection-looking criteria keys are rejected; values match only themselves', async () => {
  for (const key of ["severity') OR 1=1 --", 'type; DROP TABLE findings', 'service.archived"]', '__proto__.polluted', '$.id', 'a..b']) {
    assertBadRequest(await list(JSON.stringify({ findingCriteria: { criterion: { [key]: { eq: ['1'] } } } })), /not a valid finding attribute/);
  }
  const hostile = ["' OR '1'='1", '1 OR 1=1', "x'); DROP TABLE findings; --", '%', '*', '" OR ""="'];
  for (const field of ['type', 'accountId', 'id', 'severity', 'service.archived', 'resource.resourceType', 'service.action.actionType', 'resource.accessKeyDetails.userName']) {
    const eq = await list(JSON.stringify({ findingCriteria: { criterion: { [field]: { eq: hostile } } } }));
    assert.equal(eq.status, 200, eq.text);
    assert.deepEqual(eq.json!.findingIds, [], `${field} eq hostile values matches nothing`);
    // and excluding values nothing has excludes nothing
    const neq = await list(JSON.stringify({ findingCriteria: { criterion: { [field]: { neq: hostile } } }, maxResults: 50 }));
    assert.equal((neq.json!.findingIds as string[]).length, total, `${field} neq hostile values excludes nothing`);
  }
  // names of JavaScript built-ins are attributes no finding has: no 500, no match-everything
  for (const [key, cond, want] of [['constructor', { eq: ['function Object() { [native code] }'] }, 0], ['toString', { eq: ['function toString() { [native code] }'] }, 0],
    ['resource.constructor.name', { eq: ['Object'] }, 0], ['type.length', { gt: 0 }, 0], ['hasOwnProperty', { matches: ['*'] }, 0],
    ['valueOf', { neq: ['x'] }, total]] as const) {
    const r = await list(JSON.stringify({ findingCriteria: { criterion: { [key]: cond } } }));
    assert.equal(r.status, 200, `${key}: ${r.text}`);
    assert.equal((r.json!.findingIds as string[]).length, want, key);
    const st = await h.raw(KEYS.admin, { path: `/detector/${D}/findings/statistics`, body: JSON.stringify({ groupBy: 'SEVERITY', findingCriteria: { criterion: { [key]: cond } } }) });
    assert.equal(st.status, 200, st.text);
    assert.equal((st.json!.findingStatistics as { groupedBySeverity: { totalFindings: number }[] }).groupedBySeverity.reduce((n, x) => n + x.totalFindings, 0), want, `statistics, ${key}`);
  }
  const sortedByNothing = await list(JSON.stringify({ sortCriteria: { attributeName: 'constructor' } }));
  assert.equal(sortedByNothing.status, 200, sortedByNothing.text);
  assert.equal((sortedByNothing.json!.findingIds as string[]).length, total);
  // hostile values through statistics too (their counts may come from another path than pages)
  for (const [cond, want] of [[{ severity: { eq: ['1 OR 1=1'] } }, 0], [{ severity: { neq: ['1 OR 1=1'] } }, total], [{ 'service.archived': { eq: ['yes'] } }, 0],
    [{ 'service.archived': { neq: ["true' OR '1'='1"] } }, total], [{ type: { eq: ["' OR 1=1 --"] } }, 0]] as const) {
    const st = await h.raw(KEYS.admin, { path: `/detector/${D}/findings/statistics`, body: JSON.stringify({ groupBy: 'SEVERITY', findingCriteria: { criterion: cond } }) });
    assert.equal(st.status, 200, st.text);
    const rows = (st.json!.findingStatistics as { groupedBySeverity: { totalFindings: number }[] }).groupedBySeverity;
    assert.equal(rows.reduce((n, r) => n + r.totalFindings, 0), want, JSON.stringify(cond));
  }
  assertBadRequest(await list(JSON.stringify({ sortCriteria: { attributeName: 'severity; DROP TABLE findings' } })), /sortCriteria/);
  assertBadRequest(await list(JSON.stringify({ findingCriteria: { criterion: { severity: { like: ['%'] } } } })), /not a valid condition operator/);
  // the store is intact
  assert.equal((await h.sdk(KEYS.admin).send(new ListFindingsCommand({ DetectorId: D }))).FindingIds!.length, total);
});

test('bad input: page sizes and tokens out of range', async () => {
  const admin = h.sdk(KEYS.admin);
  for (const n of [0, 51, 1000, 2 ** 31]) {
    const e = await sdkError(admin.send(new ListFindingsCommand({ DetectorId: D, MaxResults: n })));
    assert.deepEqual([e.name, e.status], ['BadRequestException', 400], `maxResults ${n}`);
  }
  assertBadRequest(await list('{"maxResults":1e308}'), /maxResults/);
  assertBadRequest(await list('{"maxResults":-1}'), /maxResults/);
  for (const q of ['100000', '0', 'abc', '-5', '1.5']) assertBadRequest(await h.raw(KEYS.admin, { path: '/detector', query: { maxResults: q } }), /maxResults/);
  assertBadRequest(await h.raw(KEYS.admin, { path: `/detector/${D}/filter`, query: { maxResults: '51' } }), /maxResults/);
  assertBadRequest(await list('{"nextToken":"not-a-token!!"}'), /nextToken/);
  assertBadRequest(await list(JSON.stringify({ nextToken: 'x'.repeat(5000) })), /nextToken/);
  if (HAVE_CLI) {
    const r = await h.cli(KEYS.admin, ['list-findings', '--detector-id', D, '--max-results', '1000', '--no-paginate']);
    assert.equal(r.error?.code, 'BadRequestException', r.stderr);
  }
});

test('bad input: invalid detector ids', async () => {
  assertBadRequest(await h.raw(KEYS.admin, { path: '/detector/not-valid!/findings', body: '{}' }), /detectorId is not valid/);
  assertBadRequest(await h.raw(KEYS.admin, { path: `/detector/${'a'.repeat(301)}` }), /detectorId is not valid/);
  assertBadRequest(await h.raw(KEYS.admin, { path: `/detector/${'0'.repeat(32)}/findings`, body: '{}' }), /not owned by the current account/);
  assertBadRequest(await h.raw(KEYS.admin, { path: '/detector/%27%20OR%201%3D1/findings', body: '{}' }), /detectorId is not valid/);
  const traversal = await h.raw(KEYS.admin, { path: '/detector/..%2F..%2Fetc%2Fpasswd', method: 'GET' });
  assertBadRequest(traversal, /detectorId is not valid/);
  // a route GuardDuty does not have is a 404 in GuardDuty's shape
  assertError(await h.raw(KEYS.admin, { path: `/detector/${D}/nothing-here` }), 404, 'ResourceNotFoundException');
});

test('bad input: wrong types for known members', async () => {
  const cases: [string, string, string, RegExp][] = [
    ['maxResults as text', `/detector/${D}/findings`, '{"maxResults":"ten"}', /maxResults parameter must be an integer/],
    ['maxResults as a fraction', `/detector/${D}/findings`, '{"maxResults":2.5}', /maxResults parameter must be an integer/],
    ['findingCriteria as a list', `/detector/${D}/findings`, '{"findingCriteria":[]}', /findingCriteria must be an object/],
    ['a condition as a list', `/detector/${D}/findings`, '{"findingCriteria":{"criterion":{"severity":[7]}}}', /must be an object/],
    ['gt as a string', `/detector/${D}/findings`, '{"findingCriteria":{"criterion":{"severity":{"gt":"5"}}}}', /must be a number/],
    ['eq as a string', `/detector/${D}/findings`, '{"findingCriteria":{"criterion":{"type":{"eq":"Recon:EC2/Portscan"}}}}', /must be a list/],
    ['eq with numbers', `/detector/${D}/findings`, '{"findingCriteria":{"criterion":{"severity":{"eq":[8]}}}}', /must be a list of 1 to 50 strings/],
    ['an empty condition', `/detector/${D}/findings`, '{"findingCriteria":{"criterion":{"severity":{}}}}', /is empty/],
    ['findingIds as a string', `/detector/${D}/findings/get`, '{"findingIds":"abc"}', /findingIds parameter must be a list of strings/],
    ['more than 50 findingIds', `/detector/${D}/findings/get`, JSON.stringify({ findingIds: Array.from({ length: 51 }, (_, i) => `id${i}`) }), /findingIds/],
    ['enable as text', '/detector', '{"enable":"yes"}', /enable parameter must be true or false/],
    ['feedback as a number', `/detector/${D}/findings/feedback`, '{"findingIds":["a"],"feedback":5}', /feedback parameter must be a string/],
    ['tags as a list', '/detector', '{"enable":true,"tags":["a"]}', /tags parameter must be an object/],
    ['sortCriteria.orderBy unknown', `/detector/${D}/findings`, '{"sortCriteria":{"attributeName":"severity","orderBy":"SIDEWAYS"}}', /orderBy must be ASC or DESC/],
    ['accountDetails as a string', `/detector/${D}/member`, '{"accountDetails":"x"}', /accountDetails/],
    ['an account id that is not 12 digits', `/detector/${D}/member/get`, '{"accountIds":["12345"]}', /accountIds/],
    ['a filter rank as text', `/detector/${D}/filter`, '{"name":"abc","rank":"first","findingCriteria":{"criterion":{"severity":{"gte":1}}}}', /rank/],
    ['null body members where an object is needed', `/detector/${D}/usage/statistics`, '{"usageStatisticsType":"SUM_BY_ACCOUNT","usageCriteria":7}', /usageCriteria parameter must be an object/],
  ];
  for (const [what, path, body, message] of cases) {
    const r = await h.raw(KEYS.admin, { path, body });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assertBadRequest(r, message);
  }
  // the member and the findings it sees are untouched by all of that
  const m1 = h.sdk(KEYS.member1);
  const [m1Detector] = (await m1.send(new ListDetectorsCommand({}))).DetectorIds!;
  assert.equal((await m1.send(new ListFindingsCommand({ DetectorId: m1Detector, FindingCriteria: { Criterion: { accountId: { Eq: [MEMBER1_ACCOUNT] } } } }))).FindingIds!.length, scanned);
});
