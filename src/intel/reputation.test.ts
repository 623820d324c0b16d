import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reputation, scorable, randomLooking } from './reputation.js';
import { registeredDomain, abusedProvider } from './domains.js';

test('registered domains: public suffixes with two labels, and one owner per dynamic-DNS customer', () => {
  assert.equal(registeredDomain('a.b.example.co.uk'), 'example.co.uk');
  assert.equal(registeredDomain('www.example.com'), 'example.com');
  assert.equal(registeredDomain('x.y.duckdns.org'), 'y.duckdns.org');
  assert.equal(abusedProvider('evil.ngrok-free.app'), 'ngrok-free.app');
  assert.equal(abusedProvider('ngrok-free.app'), undefined);
});

test('each type from the features that fire', () => {
  assert.equal(reputation('blocked.example.net', false, ['0.0.0.0']).type, 'Impact:EC2/MaliciousDomainRequest.Reputation');
  assert.equal(reputation('xmr.pool.minergate.duckdns.org', false, []).type, 'Impact:EC2/BitcoinDomainRequest.Reputation');
  assert.equal(reputation('office-update.duckdns.org', true, []).type, 'Impact:EC2/AbusedDomainRequest.Reputation');
  assert.equal(reputation('x8f3kq9z2mpl7w.top', true, []).type, 'Impact:EC2/SuspiciousDomainRequest.Reputation');
  const r = reputation('x8f3kq9z2mpl7w.top', true, []);
  assert.deepEqual([r.score, r.features], [5, ['abusedTld', 'randomLooking', 'firstSeen']]);
});

test('benign look-alikes score below every threshold', () => {
  assert.equal(reputation('abc.xyz', true, []).type, undefined, 'an abused TLD alone is not enough');
  assert.equal(reputation('myhome.duckdns.org', false, []).type, undefined, 'a dynamic-DNS name the account uses routinely');
  assert.equal(reputation('data-mining-weekly.com', false, []).type, undefined, 'a mining word alone');
  assert.equal(randomLooking('kubernetes'), false);
  assert.equal(randomLooking('applicationinsights'), false);
  assert.equal(scorable('google.com'), false, 'popular domains are never scored');
  assert.equal(scorable('ip-10-0-1-5.ec2.internal'), false);
  assert.equal(scorable('sts.us-east-1.amazonaws.com'), false);
  assert.equal(scorable('5.1.0.10.in-addr.arpa'), false);
});

test('free hosting weighs less than dynamic DNS; "mine" is not a mining word; hyphens do not make a label random', () => {
  assert.equal(reputation('j-hive.weebly.com', true, []).type, undefined);
  assert.equal(reputation('officesocialshare.azurewebsites.net', true, []).type, undefined);
  assert.equal(reputation('rental-mine.org', true, []).type, undefined);
  assert.equal(randomLooking('matric-results'), false);
  assert.equal(reputation('q9x7vk2mzp4w8t.weebly.com', true, []).type, 'Impact:EC2/AbusedDomainRequest.Reputation');
});
