import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTransient } from './transient.js';
import { FencedError } from '../store/types.js';

test('environment failures of SQLite, PostgreSQL, the network and a lost lease are transient', () => {
  for (const code of ['SQLITE_FULL', 'SQLITE_BUSY_SNAPSHOT', 'ENOSPC', 'ECONNRESET', '08006', '57P01', '53100', '40001', '40P01']) {
    assert.equal(isTransient(Object.assign(new Error('x'), { code })), true, code);
  }
  assert.equal(isTransient(new FencedError('partition/3', 4, 9)), true);
  assert.equal(isTransient(new Error('y', { cause: Object.assign(new Error('z'), { code: '08001' }) })), true, 'through the cause');
});

test('errors an object can cause are not transient', () => {
  for (const code of ['SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', '22P02', '23505', '42601', 'ERR_INVALID_ARG_TYPE']) {
    assert.equal(isTransient(Object.assign(new Error('x'), { code })), false, code);
  }
  assert.equal(isTransient(new TypeError('Cannot read properties of undefined')), false);
});
