/**
 * The local-files source: expands `vigil scan` arguments (files, folders walked recursively,
 * glob patterns with `*`, `**` and `?`) into objects, in a stable sorted order so two scans of the
 * same tree see the same sequence.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { SourceObject } from './types.js';
import type { ObjectRef } from './refs.js';

export class FileObject implements SourceObject {
  /** `mtimeMs`: the modification time when listed, when known (a notice's identity: a rewritten file is new). */
  constructor(readonly uri: string, readonly key: string, readonly size: number, readonly mtimeMs?: number) {}

  /** A reference another process on the same file system opens (sources/refs.ts). */
  ref(): ObjectRef { return { kind: 'file', uri: this.uri, key: this.key, size: this.size, ...(this.mtimeMs !== undefined ? { time: this.mtimeMs } : {}) }; }

  open() { return createReadStream(this.uri, { highWaterMark: 1 << 20 }); }

  async readRange(offset: number, length: number): Promise<Buffer> {
    const fh = await open(this.uri, 'r');
    try {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, this.size - offset)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
}

export interface ExpandResult {
  objects: FileObject[];
  /** Arguments that matched nothing or could not be read, with why. */
  missing: { arg: string; reason: string }[];
}

const GLOB_CHARS = /[*?[]/;

export async function expandPaths(args: string[]): Promise<ExpandResult> {
  const seen = new Set<string>();
  const objects: FileObject[] = [];
  const missing: ExpandResult['missing'] = [];
  const add = (path: string, size: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    objects.push(new FileObject(path, path, size));
  };
  for (const arg of args) {
    const before = objects.length;
    try {
      if (GLOB_CHARS.test(arg)) {
        const { base, re } = globToRegExp(resolve(arg));
        for await (const f of walk(base)) if (re.test(f.path)) add(f.path, f.size);
      } else {
        const abs = resolve(arg);
        const st = await stat(abs);
        if (st.isDirectory()) for await (const f of walk(abs)) add(f.path, f.size);
        else add(abs, st.size);
      }
      if (objects.length === before) missing.push({ arg, reason: 'no files matched' });
    } catch (e) {
      missing.push({ arg, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
    }
  }
  return { objects, missing };
}

async function* walk(dir: string): AsyncGenerator<{ path: string; size: number }> {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // hidden files and folders (.git, editor swap files)
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield { path: p, size: (await stat(p)).size };
  }
}

/** `/a/b/**\/*.gz` → walk root `/a/b` and a RegExp over absolute paths. */
export function globToRegExp(pattern: string): { base: string; re: RegExp } {
  const parts = pattern.split(sep);
  const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === sep) { i++; re += `(?:.*${escapeRe(sep)})?`; } else re += '.*';
      } else re += `[^${escapeRe(sep)}]*`;
    } else if (c === '?') re += `[^${escapeRe(sep)}]`;
    else re += escapeRe(c);
  }
  return { base, re: new RegExp(`^${re}$`) };
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }
