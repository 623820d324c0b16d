/**
 * Property-based fuzzing of a live `vigil serve` (fast-check, fixed seeds, bounded runs): mutated
 * requests for every served operation — random and wrong-typed members, hostile criteria, huge
 * and deeply nested values, non-JSON bodies — signed by each kind of key; bad headers and bad
 * signatures; odd paths and methods. Properties: the server never crashes or hangs, every answer
 * is GuardDuty-shaped (a JSON success, or `{message, __type}` with `x-amzn-errortype`), no bad
 * input gets a 5xx, no answer echoes a secret, a signature or a session token, and a good request
 * is served afterwards. The number of cases tried is printed at the end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { KEYS, REGION, concretePath, scanSamples, startHarness, type Harness, type Key } from './harness.js';
import { ROUTE_GROUPS } from '../../src/api/routes/index.js';

let h: Harness;
let D: string;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const tried: Record<string, number> = {};

before(async () => {
  h = await startHarness();
  D = h.adminDetectorId;
  await scanSamples(h);
});
after(async () => {
  agent.destroy();
  await h?.stop();
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  console.log(`# api fuzz: ${total} cases (${Object.entries(tried).map(([k, v]) => `${k} ${v}`).join(', ')}), server errors: 0, crashes: 0`);
});

const ROUTES = ROUTE_GROUPS.flat().map(([method, path, op]) => ({ method, path, op }));
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEFUZZEXAMPLESESSIONTOKENfuzz0123456789';
const SECRETS = [...Object.values(KEYS).map((k) => k.secretAccessKey), SESSION_TOKEN];

interface Sent { method: string; path: string; headers: Record<string, string | string[]>; body?: Buffer }
interface Got { status: number; headers: Record<string, string | string[] | undefined>; text: string }

/** One request as given (raw path, raw headers), with a deadline: a hang fails the property. */
function send(r: Sent): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, method: r.method, path: r.path, agent, headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer in 20 s: ${r.method} ${r.path.slice(0, 200)}`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

async function sign(key: Key, method: string, path: string, body: Buffer | undefined, extra: Record<string, string> = {}, presign = false): Promise<Sent> {
  const [p, q = ''] = path.split(/\?(.*)/s, 2);
  const query = Object.fromEntries(new URLSearchParams(q));
  const signer = new SignatureV4({ credentials: key, region: REGION, service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const req = { method, protocol: 'http:', hostname: '127.0.0.1', port: h.port, path: p, query, headers: { host: `127.0.0.1:${h.port}`, 'content-type': 'application/json', ...extra }, body: body ? new Uint8Array(body) : undefined };
  const s = presign ? await signer.presign(req, { expiresIn: 300 }) : await signer.sign(req);
  const qs = Object.entries(s.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return { method, path: `${p}${qs ? `?${qs}` : ''}`, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, String(v)])), body };
}

/** The properties every answer has. */
function check(sent: Sent, got: Got): void {
  const where = `${sent.method} ${sent.path.slice(0, 120)} → ${got.status} ${got.text.slice(0, 300)}`;
  assert.ok(got.status < 500, `no 5xx for bad input: ${where}`);
  if (got.status >= 400) {
    assert.ok(got.headers['x-amzn-errortype'], `error type header: ${where}`);
    const json = JSON.parse(got.text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), ['__type', 'message'], where);
    assert.equal(typeof json.message, 'string', where);
    assert.doesNotMatch(got.text, /\n\s+at |\.ts:\d+|node_modules|SqliteError|RangeError|TypeError/, `no internals: ${where}`);
  } else if (got.status !== 204 && !sent.path.startsWith('/vigil/metrics')) {
    JSON.parse(got.text);
  }
  for (const s of SECRETS) assert.ok(!got.text.includes(s), `no secret echoed: ${where}`);
  const signature = /Signature=([0-9a-f]{64})/.exec(`${String(sent.headers.authorization ?? '')} ${sent.path}`)?.[1];
  if (signature) assert.ok(!got.text.includes(signature), `no signature echoed: ${where}`);
}

async function stillServes(): Promise<void> {
  const got = await send(await sign(KEYS.admin, 'GET', '/detector', undefined));
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(JSON.parse(got.text), { detectorIds: [D] });
}

// ---- arbitraries ----

const MEMBERS = ['findingCriteria', 'sortCriteria', 'maxResults', 'nextToken', 'findingIds', 'feedback', 'comments', 'enable', 'findingPublishingFrequency',
  'dataSources', 'features', 'tags', 'name', 'description', 'action', 'rank', 'format', 'location', 'activate', 'accountIds', 'accountDetails', 'adminAccountId',
  'autoEnable', 'autoEnableOrganizationMembers', 'destinationType', 'destinationProperties', 'usageStatisticsType', 'usageCriteria', 'unit', 'groupBy', 'orderBy',
  'findingStatisticTypes', 'findingTypes', 'clientToken', 'administratorId', 'masterId', 'invitationId', 'message', 'disableEmailNotification', '__proto__', 'constructor'];
const FIELDS = ['severity', 'type', 'accountId', 'id', 'region', 'service.archived', 'updatedAt', 'resource.resourceType', 'resource.accessKeyDetails.userName',
  'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4', 'constructor', '__proto__', 'a..b', "x') OR 1=1 --", ''];
const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'equals', 'notEquals', 'greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual', 'matches', 'notMatches', 'like', 'Eq'];

const odd = fc.constantFrom<unknown>(-1, 0, 1, 50, 51, 2 ** 31, 2 ** 53 + 1, 1e308, -0, 1.5, '', ' ', '*', '%', '\u0000', '\ud800', 'x'.repeat(3000), null, true, false, [], {},
  ['x'], [null], [[]], { a: 1 }, '2026-03-01T00:00:00Z', 'ARCHIVE', 'NOOP', 'TXT', 'S3', 'ENABLED', 'SUM_BY_ACCOUNT', 'COUNT_BY_SEVERITY', 'Recon:EC2/Portscan', '111122223333');
const value = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 3, arbitrary: odd }, fc.array(odd, { maxLength: 60 }));
const criteria = fc.record({
  criterion: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 40 })), fc.oneof(
    fc.dictionary(fc.constantFrom(...OPS), value, { maxKeys: 3 }), value), { maxKeys: 4 }),
}, { requiredKeys: [] });
const members = fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...MEMBERS) }, fc.string({ maxLength: 20 })),
  fc.oneof({ weight: 3, arbitrary: value }, criteria), { maxKeys: 6 });

/**
 * Bodies, as recipes (so a failing case prints short): mostly objects of real and fake members;
 * some deep, wide, huge, truncated or not JSON at all.
 */
type Recipe = ['json', unknown] | ['deep-array', number] | ['deep-object', number] | ['wide', number] | ['huge', number] | ['cut', unknown, number] | ['bytes', number[]] | ['text', string];

function build(r: Recipe): string {
  switch (r[0]) {
    case 'json': return JSON.stringify(r[1]);
    case 'deep-array': return `{"findingCriteria":${'['.repeat(r[1])}${']'.repeat(r[1])}}`;
    case 'deep-object': return `${'{"a":'.repeat(r[1])}1${'}'.repeat(r[1])}`;
    case 'wide': return JSON.stringify({ findingCriteria: { criterion: Object.fromEntries(Array.from({ length: r[1] }, (_, i) => [`f${i}`, { eq: ['x'] }])) } });
    case 'huge': return JSON.stringify({ name: 'x'.repeat(r[1]) });
    case 'cut': { const t = JSON.stringify(r[1]); return t.slice(0, r[2] % Math.max(1, t.length)); }
    case 'bytes': return Buffer.from(r[1]).toString('latin1');
    case 'text': return r[1];
  }
}

const body = fc.oneof(
  { weight: 12, arbitrary: members.map((m): Recipe => ['json', m]) },
  { weight: 2, arbitrary: fc.record({ findingCriteria: criteria, maxResults: value, sortCriteria: fc.record({ attributeName: fc.oneof(fc.constantFrom(...FIELDS), fc.string()), orderBy: value }) }).map((m): Recipe => ['json', m]) },
  fc.integer({ min: 1, max: 400_000 }).map((n): Recipe => ['deep-array', n]),
  fc.integer({ min: 1, max: 100_000 }).map((n): Recipe => ['deep-object', n]),
  fc.integer({ min: 2, max: 3000 }).map((n): Recipe => ['wide', n]),
  fc.constantFrom(900_000, 1_100_000).map((n): Recipe => ['huge', n]),
  fc.tuple(members, fc.nat()).map(([m, n]): Recipe => ['cut', m, n]),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }).map((b): Recipe => ['bytes', b]),
  fc.constantFrom('', 'null', '[]', '"x"', '1', 'true', '{"a":1}{"b":2}', '\ufeff{}', '{"maxResults":5,}', '{"__proto__":{"polluted":1}}').map((t): Recipe => ['text', t]),
);

const route = fc.constantFrom(...ROUTES);
const signer = fc.constantFrom<Key>(KEYS.admin, KEYS.admin, KEYS.readOnly, KEYS.member1, KEYS.member2);

test('mutated bodies for every served operation, signed by each kind of key', async () => {
  await fc.assert(fc.asyncProperty(route, signer, body, fc.boolean(), async (r, key, recipe, asQuery) => {
    tried.bodies = (tried.bodies ?? 0) + 1;
    const b = build(recipe);
    const path = concretePath(r.path, D, key.accountId);
    const withBody = r.method !== 'GET' && r.method !== 'DELETE';
    // GET routes take their members in the query string
    const query = !withBody && asQuery && recipe[0] === 'json' ? `?${new URLSearchParams(Object.entries(asObject(recipe[1])).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()}` : '';
    const sent = await sign(key, r.method, path + query, withBody ? Buffer.from(b, 'latin1') : undefined);
    check(sent, await send(sent));
  }), { seed: 13_001, numRuns: 4000, includeErrorInReport: true });
  await stillServes();
});

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

type HeaderMutation = (s: Sent) => Sent;
const headerMutation = fc.constantFrom<[string, HeaderMutation]>(
  ['none', (s) => s],
  ['no date', (s) => ({ ...s, headers: omit(s.headers, 'x-amz-date') })],
  ['old date', (s) => ({ ...s, headers: { ...s.headers, 'x-amz-date': '20200101T000000Z' } })],
  ['bad date', (s) => ({ ...s, headers: { ...s.headers, 'x-amz-date': 'yesterday' } })],
  ['flipped signature', (s) => ({ ...s, headers: { ...s.headers, authorization: String(s.headers.authorization).replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`) } })],
  ['short signature', (s) => ({ ...s, headers: { ...s.headers, authorization: String(s.headers.authorization).replace(/.{8}$/, '') } })],
  ['two authorizations', (s) => ({ ...s, headers: { ...s.headers, authorization: [String(s.headers.authorization), String(s.headers.authorization)] } })],
  ['garbage authorization', (s) => ({ ...s, headers: { ...s.headers, authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.admin.accessKeyId}/x/y/z, SignedHeaders=;;;, Signature=${'z'.repeat(64)}` } })],
  ['bearer', (s) => ({ ...s, headers: { ...s.headers, authorization: `Bearer ${SESSION_TOKEN}` } })],
  ['session token', (s) => ({ ...s, headers: { ...s.headers, 'x-amz-security-token': SESSION_TOKEN } })],
  ['unsigned payload', (s) => ({ ...s, headers: { ...s.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })],
  ['other host', (s) => ({ ...s, headers: { ...s.headers, host: 'evil.example:80' } })],
  ['no auth', (s) => ({ ...s, headers: omit(s.headers, 'authorization') })],
  ['content types', (s) => ({ ...s, headers: { ...s.headers, 'content-type': 'multipart/form-data; boundary=x' } })],
  ['encodings', (s) => ({ ...s, headers: { ...s.headers, 'content-encoding': 'gzip' } })],
  ['expect', (s) => ({ ...s, headers: { ...s.headers, expect: '100-continue' } })],
  ['big header', (s) => ({ ...s, headers: { ...s.headers, 'x-junk': 'j'.repeat(12_000) } })],
);

function omit(h: Record<string, string | string[]>, k: string): Record<string, string | string[]> {
  const { [k]: _drop, ...rest } = h;
  return rest;
}

test('bad headers and bad signatures', async () => {
  await fc.assert(fc.asyncProperty(route, signer, headerMutation, fc.boolean(), fc.boolean(), async (r, key, [name, mutate], wrongSecret, presign) => {
    tried.headers = (tried.headers ?? 0) + 1;
    const path = concretePath(r.path, D, key.accountId);
    const b = r.method === 'GET' || r.method === 'DELETE' ? undefined : Buffer.from('{"maxResults":3}');
    const k = wrongSecret ? { ...key, secretAccessKey: `${key.secretAccessKey.slice(0, -3)}xyz` } : key;
    const extra: Record<string, string> = name === 'session token' ? { 'x-amz-security-token': SESSION_TOKEN } : {};
    const sent = mutate(await sign(k, r.method, path, b, extra, presign && !b));
    const got = await send(sent);
    check(sent, got);
    if (wrongSecret || ['old date', 'bad date', 'flipped signature', 'short signature', 'garbage authorization', 'bearer', 'unsigned payload', 'other host'].includes(name) && !presign) {
      assert.ok(got.status === 403 || got.status === 400, `${name}: refused (${got.status} ${got.text})`);
    }
  }), { seed: 13_002, numRuns: 1500, includeErrorInReport: true });
  await stillServes();
});

const segment = fc.oneof(
  fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%E0%A4%A', '%', '%ZZ', '\u00e9', '%C0%AE', '~', '*', "'", 'detector', '@D', 'x'.repeat(3000), '', ';', ':', 'tags', 'vigil', 'console', 'invitation'),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
);
const oddPath = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((p) => `/${p.join('/')}`),
  route.chain((r) => fc.tuple(fc.constant(r.path), segment).map(([p, s]) => `${p.replace(/\{DetectorId\}/, '@D')}/${s}`)),
  route.chain((r) => fc.tuple(fc.constant(r.path), segment).map(([p, s]) => p.replace(/\{\w+\}/, s))),
  fc.constantFrom('/', '//detector', '/detector//findings', '/detector?', '/detector?&&&=', '/detector?maxResults=1&maxResults=2', '/detector?nextToken=%ZZ', '/vigil/intel/test?value=%00', '/vigil/intel/test?port=99999&value=1.2.3.4', '/vigil/whoami?x=1'),
);

test('odd paths and methods', async () => {
  await fc.assert(fc.asyncProperty(oddPath, fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'), signer, async (path, method, key) => {
    tried.paths = (tried.paths ?? 0) + 1;
    // '@D' is the administrator's detector (known once the server runs); other placeholders stay as odd text
    path = path.replaceAll('@D', D).replace(/\{ResourceArn\}/, (m) => concretePath(m, D));
    if (/^\/(console|$)/.test(path) || path.startsWith('/?')) return; // the web console's pages are HTML, not the API
    const b = method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? undefined : Buffer.from('{}');
    const sent = await sign(key, method, path, b);
    check(sent, await send(sent));
  }), { seed: 13_003, numRuns: 1500, includeErrorInReport: true });
  await stillServes();
});
