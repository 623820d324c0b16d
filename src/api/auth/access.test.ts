import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutates } from './access.js';

test('GuardDuty operations mutate unless they are Get*, List* or Describe*, whatever their HTTP method', () => {
  for (const op of ['ListFindings', 'GetFindings', 'GetFindingsStatistics', 'DescribeOrganizationConfiguration', 'GetMembers', 'ListTagsForResource']) {
    assert.equal(mutates({ method: 'POST', op }), false, op);
  }
  for (const op of ['EnableOrganizationAdminAccount', 'CreateSampleFindings', 'ArchiveFindings', 'TagResource', 'AcceptInvitation', 'DeclineInvitations', 'Getaway', 'Listen']) {
    assert.equal(mutates({ method: 'GET', op }), true, op);
  }
});

test('routes without an operation name are reads only for GET and HEAD', () => {
  assert.equal(mutates({ method: 'GET' }), false);
  assert.equal(mutates({ method: 'head' }), false);
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) assert.equal(mutates({ method: m }), true, m);
});
