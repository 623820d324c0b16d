import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configMarkdown, findingTypesMarkdown } from '../scripts/gen-docs.js';

test('docs/finding-types.md matches the catalogue and registry (run `npm run gen:docs`)', () => {
  assert.equal(readFileSync(new URL('../docs/finding-types.md', import.meta.url), 'utf8'), findingTypesMarkdown());
});

test('docs/config.md matches the serve settings schema (run `npm run gen:docs`)', () => {
  assert.equal(readFileSync(new URL('../docs/config.md', import.meta.url), 'utf8'), configMarkdown());
});
