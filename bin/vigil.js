#!/usr/bin/env node
// Entry point for the `vigil` command: runs the compiled CLI (npm ci builds it through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('vigil: not built yet. Run `npm run build` (npm ci does it for you) and try again.\n');
  process.exit(1);
}
await import(pathToFileURL(main).href);
