import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachCsvRecord, headerKey } from './csv.js';

function split(text: string) {
  const records: [number, string[]][] = [], errors: [number, string][] = [];
  forEachCsvRecord(text, (f, line) => records.push([line, f]), (line, m) => errors.push([line, m]));
  return { records, errors };
}

test('quoted fields: commas, doubled quotes, line breaks, whitespace around quotes', () => {
  const { records, errors } = split('a,"b, with comma","say ""hi"""\r\n x , "multi\nline" ,\n"",last\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(records, [
    [1, ['a', 'b, with comma', 'say "hi"']],
    [2, ['x', 'multi\nline', '']],
    [4, ['', 'last']],
  ]);
});

test('blank lines, # comments and a BOM are skipped; line numbers stay right', () => {
  const { records } = split('\uFEFFh1,h2\n\n# comment, "with a quote\n  \r\nv1,v2');
  assert.deepEqual(records, [[1, ['h1', 'h2']], [5, ['v1', 'v2']]]);
});

test('an unterminated quote is one error; the following lines are still read', () => {
  const { records, errors } = split('ok,1\nbad,"never closed\nnext,2\nlast,3\n');
  assert.deepEqual(errors, [[2, 'unterminated quoted field']]);
  assert.deepEqual(records, [[1, ['ok', '1']], [3, ['next', '2']], [4, ['last', '3']]]);
});

test('text after a closing quote is an error for that record', () => {
  const { records, errors } = split('"a"b,c\nd,e');
  assert.deepEqual(errors, [[1, 'unexpected text after a quoted field']]);
  assert.deepEqual(records, [[2, ['d', 'e']]]);
});

test('headerKey drops case and punctuation', () => {
  assert.deepEqual(['Indicator type', 'IP_Address', 'malwareFamily', ' domain-name '].map(headerKey), ['indicatortype', 'ipaddress', 'malwarefamily', 'domainname']);
});
