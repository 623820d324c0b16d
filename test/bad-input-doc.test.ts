import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BAD_REASONS } from '../src/core/index.js';
import { DEFAULT_LIMITS } from '../src/parsers/limits.js';

const doc = readFileSync(new URL('../docs/logs/bad-input.md', import.meta.url), 'utf8');

test('docs/logs/bad-input.md names every reason code, and no code that does not exist', () => {
  const table = doc.slice(doc.indexOf('## Reason codes'), doc.indexOf('## Resynchronisation'));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(BAD_REASONS).sort());
});

test('docs/logs/bad-input.md gives the limits in force', () => {
  assert.match(doc, new RegExp(`VIGIL_MAX_DEPTH\` \\| ${DEFAULT_LIMITS.maxDepth} \\|`));
  assert.match(doc, new RegExp(`VIGIL_MAX_RECORD_BYTES\` \\| ${DEFAULT_LIMITS.maxRecordBytes >> 20} MiB \\|`));
  assert.match(doc, new RegExp(`VIGIL_MAX_STRING_LENGTH\` \\| ${DEFAULT_LIMITS.maxStringLength.toLocaleString('en-US')} \\|`));
  assert.match(doc, new RegExp(`VIGIL_MAX_COMPRESSION_RATIO\` \\| ${DEFAULT_LIMITS.maxCompressionRatio} \\|`));
});
