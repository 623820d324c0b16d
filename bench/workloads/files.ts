/** The log objects of a dataset folder, in the sorted order `vigil scan` reads them. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function listObjects(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function totalSize(files: string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}
