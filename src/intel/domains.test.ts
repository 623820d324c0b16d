import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ABUSED_PROVIDERS, TWO_LABEL_SUFFIXES, abusedProvider, registeredDomain } from './domains.js';

/** The straightforward definitions (split into labels), which the memoised scanning versions must equal. */
function providerSpec(name: string): string | undefined {
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    if (ABUSED_PROVIDERS.has(suffix)) return suffix;
  }
  return undefined;
}
function registeredSpec(name: string): string {
  const provider = providerSpec(name);
  const labels = name.split('.');
  const n = provider ? provider.split('.').length : TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 2 : 1;
  return labels.slice(Math.max(0, labels.length - n - 1)).join('.');
}

test('registered domain and provider: examples', () => {
  assert.equal(registeredDomain('a.b.example.co.uk'), 'example.co.uk');
  assert.equal(registeredDomain('x.y.duckdns.org'), 'y.duckdns.org');
  assert.equal(registeredDomain('www.example.com'), 'example.com');
  assert.equal(registeredDomain('a.sites.google.com'), 'a.sites.google.com');
  assert.equal(registeredDomain('com'), 'com');
  assert.equal(registeredDomain('.duckdns.org'), '.duckdns.org');
  assert.equal(abusedProvider('duckdns.org'), undefined, 'the provider itself is no customer');
  assert.equal(abusedProvider('evil.ngrok-free.app'), 'ngrok-free.app');
  assert.equal(abusedProvider('x.a.sites.google.com'), 'sites.google.com');
});

test('registered domain and provider: the same as splitting into labels, for any name (fast-check, seeded), twice (memo)', () => {
  const label = fc.oneof(fc.constantFrom('', 'www', 'co', 'uk', 'com', 'duckdns', 'org', 'sites', 'google', 'ngrok-free', 'app', 'jp', 'au', 'br', 'example'),
    fc.stringMatching(/^[a-z0-9-]{0,8}$/));
  const name = fc.array(label, { minLength: 0, maxLength: 7 }).map((ls) => ls.join('.'));
  fc.assert(fc.property(name, (n) => {
    for (let k = 0; k < 2; k++) {
      assert.equal(abusedProvider(n), providerSpec(n), `provider of ${JSON.stringify(n)}`);
      assert.equal(registeredDomain(n), registeredSpec(n), `registered of ${JSON.stringify(n)}`);
    }
  }), { seed: 20261204, numRuns: 20_000 });
});
