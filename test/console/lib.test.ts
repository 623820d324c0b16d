/**
 * The console's pure parts in node: its SigV4 signer (checked by the server's own verifier), and
 * the filter model (rows ↔ FindingCriteria ↔ URL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signedHeaders } from '../../web/src/lib/sigv4.js';
import { criteriaLike, describeCriteria, fromCriteria, parseView, toCriteria, viewSearch, type FilterState } from '../../web/src/lib/criteria.js';
import { verifySigV4 } from '../../src/api/auth/sigv4.js';

const creds = { accessKeyId: 'AKIAVIGILTEST0000001', secretAccessKey: 'secret/with+chars/0123456789' };

async function verify(method: string, url: URL, body: string | undefined, secret = creds.secretAccessKey) {
  const headers = await signedHeaders({ method, url, body, region: 'us-east-1', credentials: creds });
  const lower = Object.fromEntries(Object.entries({ ...headers, host: url.host }).map(([k, v]) => [k.toLowerCase(), v]));
  return verifySigV4({ method, rawPath: url.pathname, rawQuery: url.search.slice(1), headers: lower, body: Buffer.from(body ?? '') }, (id) => (id === creds.accessKeyId ? secret : undefined));
}

test('the browser signer produces signatures the server accepts (GET with a query, POST with a body)', async () => {
  const get = await verify('GET', new URL('http://127.0.0.1:8765/detector/abc/filter?maxResults=50&nextToken=a%2Fb'), undefined);
  assert.equal(get.ok, true, JSON.stringify(get));
  const post = await verify('POST', new URL('http://localhost:9000/detector/abc/findings'), JSON.stringify({ findingCriteria: { criterion: { type: { eq: ['Recon:EC2/Port Probe'] } } }, maxResults: 25 }));
  assert.equal(post.ok, true, JSON.stringify(post));
});

test('a wrong secret is refused by the server', async () => {
  const r = await verify('GET', new URL('http://127.0.0.1:8765/detector'), undefined, 'another secret');
  assert.equal(r.ok, false);
});

test('filter rows become criteria and come back the same; the URL round-trips', () => {
  const state: FilterState = {
    archived: 'current',
    rows: [
      { field: 'type', op: 'eq', values: ['Recon:EC2/PortProbeUnprotectedPort, UnauthorizedAccess:EC2/SSHBruteForce'] },
      { field: 'severity', min: 7, max: 8.9 },
      { field: 'updatedAt', min: 1_700_000_000_000 },
      { field: 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4', op: 'neq', values: ['198.51.100.1'] },
      { field: 'type', op: 'matches', values: ['Recon:*'] },
    ],
  };
  const c = toCriteria(state)!;
  assert.deepEqual(c.criterion.type, { eq: ['Recon:EC2/PortProbeUnprotectedPort', 'UnauthorizedAccess:EC2/SSHBruteForce'], matches: ['Recon:*'] });
  assert.deepEqual(c.criterion.severity, { gte: 7, lte: 8.9 });
  assert.deepEqual(c.criterion.updatedAt, { gte: 1_700_000_000_000 });
  assert.deepEqual(c.criterion['service.archived'], { eq: ['false'] });
  assert.deepEqual(toCriteria(fromCriteria(c)), c);
  const view = parseView(viewSearch({ state, sort: { attributeName: 'severity', orderBy: 'ASC' } }));
  assert.deepEqual(toCriteria(view.state), c);
  assert.deepEqual(view.sort, { attributeName: 'severity', orderBy: 'ASC' });
  assert.match(describeCriteria(c), /Severity ≥ 7 · Severity ≤ 8.9/);
});

test('criteria from other clients: old operator names, gt/lt and archived are understood; a mangled URL shows current findings', () => {
  const s = fromCriteria({ criterion: { severity: { greaterThan: 4 }, accountId: { equals: ['111122223333'] }, 'service.archived': { notEquals: ['false'] } } });
  assert.equal(s.archived, 'archived');
  assert.deepEqual(toCriteria(s)!.criterion, { severity: { gte: 4.1 }, accountId: { eq: ['111122223333'] }, 'service.archived': { eq: ['true'] } });
  const bad = parseView('?criteria=%7Bnot-json&sort=drop%20table:ASC');
  assert.deepEqual(bad.state, { rows: [], archived: 'current' });
  assert.equal(bad.sort.attributeName, 'updatedAt');
  assert.equal(toCriteria({ rows: [{ field: 'type', op: 'eq', values: [' , '] }], archived: 'all' }), undefined);
});

test('"suppress findings like this" names the type, account, resource and remote IP', () => {
  const c = criteriaLike({
    type: 'Recon:EC2/PortProbeUnprotectedPort', accountId: '111122223333',
    resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0abc' } },
    service: { action: { networkConnectionAction: { remoteIpDetails: { ipAddressV4: '198.51.100.9' } } } },
  });
  assert.deepEqual(c.criterion, {
    type: { eq: ['Recon:EC2/PortProbeUnprotectedPort'] }, accountId: { eq: ['111122223333'] },
    'resource.instanceDetails.instanceId': { eq: ['i-0abc'] },
    'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: ['198.51.100.9'] },
  });
});
