/**
 * Read-only keys, route by route: every route the server answers is walked with the read-only key
 * (on the administrator account) and the administrator key. Every mutating GuardDuty operation
 * (every one not named Get*, List* or Describe* — AWS's AmazonGuardDutyReadOnlyAccess rule) is
 * refused with 403 AccessDeniedException and changes nothing in the database; every read answers
 * the read-only key exactly as it answers the administrator. The same for Vigil's authenticated
 * /vigil/ routes. The walk covers the routes the server registered, and those are checked to be
 * the operations of the SDK's model.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_ACCOUNT, KEYS, concretePath, scanSamples, sdkOperations, startHarness, type Harness, type Key, type RawResponse } from './harness.js';
import { ROUTE_GROUPS } from '../../src/api/routes/index.js';

let h: Harness;
let D: string;

before(async () => {
  h = await startHarness();
  D = h.adminDetectorId;
  await scanSamples(h);
});
after(async () => { await h?.stop(); });

const READ = /^(Get|List|Describe)[A-Z]/;

/** Every row of every table, hashed: what "nothing changed" means. */
function databaseDigest(): string {
  const db = new Database(join(h.dir, 'vigil.db'), { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const t of tables) hash.update(t).update(JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all().map((row) => JSON.stringify(row)).sort()));
    return hash.digest('hex');
  } finally { db.close(); }
}

const send = (key: Key, method: string, path: string): Promise<RawResponse> =>
  h.raw(key, { method, path, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });

test('the walk covers every served GuardDuty operation, each an SDK operation on its route', () => {
  const model = new Map(sdkOperations().map((o) => [o.op, o]));
  const routes = h.server.app.vigilRoutes.filter((r) => r.op);
  assert.equal(routes.length, ROUTE_GROUPS.flat().length);
  for (const r of routes) {
    assert.ok(model.has(r.op!), `${r.op} is in the SDK's model`);
    assert.equal(r.authenticated, true, `${r.op} is authenticated`);
    assert.equal(r.mutates, !READ.test(r.op!), `${r.op} is classified by its name`);
  }
});

test('a read-only key is refused every mutating GuardDuty operation, before its handler, and nothing changes', async () => {
  const mutating = h.server.app.vigilRoutes.filter((r) => r.op && !READ.test(r.op));
  assert.ok(mutating.length >= 35, `${mutating.length} mutating operations`);
  const before = databaseDigest();
  for (const r of mutating) {
    const path = concretePath(r.url.replace(/:(\w+)/g, '{$1}'), D);
    const res = await send(KEYS.readOnly, r.method, path);
    assert.equal(res.status, 403, `${r.op} ${r.method} ${path}: ${res.text}`);
    assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException', r.op);
    assert.match(String(res.json?.message), /read-only/, r.op);
  }
  // the one the issue found: a well-formed EnableOrganizationAdminAccount used to answer 200
  const enable = await h.raw(KEYS.readOnly, { path: '/admin/enable', body: JSON.stringify({ adminAccountId: ADMIN_ACCOUNT }) });
  assert.equal(enable.status, 403, enable.text);
  const archive = await h.raw(KEYS.readOnly, { path: `/detector/${D}/findings/create`, body: JSON.stringify({ findingTypes: ['Recon:EC2/Portscan'] }) });
  assert.equal(archive.status, 403, archive.text);
  assert.equal(databaseDigest(), before, 'the database is unchanged');
  // the administrator key is not refused the same well-formed call
  assert.equal((await h.raw(KEYS.admin, { path: '/admin/enable', body: JSON.stringify({ adminAccountId: ADMIN_ACCOUNT }) })).status, 200);
});

test('every read GuardDuty operation answers the read-only key as it answers the administrator', async () => {
  const reads = h.server.app.vigilRoutes.filter((r) => r.op && READ.test(r.op));
  assert.ok(reads.length >= 25, `${reads.length} read operations`);
  for (const r of reads) {
    const path = concretePath(r.url.replace(/:(\w+)/g, '{$1}'), D);
    const [ro, admin] = [await send(KEYS.readOnly, r.method, path), await send(KEYS.admin, r.method, path)];
    assert.notEqual(ro.status, 403, `${r.op}: ${ro.text}`);
    assert.equal(ro.status, admin.status, `${r.op} ${r.method} ${path}: ${ro.text} vs ${admin.text}`);
    assert.equal(ro.headers.get('x-amzn-errortype'), admin.headers.get('x-amzn-errortype'), r.op);
  }
});

test('Vigil\'s authenticated /vigil/ routes: reads answer the read-only key; a mutating method is refused', async () => {
  const ext = h.server.app.vigilRoutes.filter((r) => !r.op && r.url.startsWith('/vigil/'));
  const authed = ext.filter((r) => r.authenticated);
  assert.ok(authed.length >= 4, authed.map((r) => r.url).join(', '));
  for (const r of authed) {
    assert.equal(r.mutates, r.method !== 'GET', `${r.method} ${r.url} is classified by its method`);
    const path = r.url === '/vigil/intel/test' ? '/vigil/intel/test?value=198.51.100.7' : r.url;
    const [p, q] = path.split('?');
    const query = q ? Object.fromEntries(new URLSearchParams(q)) : undefined;
    const res = await h.raw(KEYS.readOnly, { method: r.method, path: p, query, body: r.method === 'GET' ? undefined : '{}' });
    if (r.mutates) assert.equal(res.status, 403, `${r.method} ${r.url}: ${res.text}`);
    else assert.equal(res.status, 200, `${r.method} ${r.url}: ${res.text}`);
  }
  // the unauthenticated ones are the documented probes only
  assert.deepEqual(ext.filter((r) => !r.authenticated).map((r) => r.url).sort(), ['/vigil/health', '/vigil/metrics', '/vigil/ready', '/vigil/version']);
});
