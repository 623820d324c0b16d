/**
 * Watched local folder. A file is offered once it is complete: its size and modification time
 * are unchanged across two looks `settleMs` apart (a file still being written, copied or
 * downloaded is left alone until then), or it was last modified more than `settleMs` ago when
 * first seen. fs.watch wakes the loop at once; a periodic rescan catches what events miss
 * (network file systems, events dropped under load, a folder created later).
 *
 * Folders are watched one by one (a non-recursive watch per folder, up to MAX_WATCHED_DIRS), not
 * with a recursive watch: Node 20's recursive watch on Linux keeps a watcher and a Stats object
 * per *file*, so memory grew with every log file kept in the folder (~4 KB each, measured by the
 * soak bench). Beyond the cap, folders are found by the rescans alone.
 *
 * Rotation: a renamed file has the same content fingerprint, so it is not read again; a new file
 * under the old name is new content and is read. A file that changes after it was read
 * (appended in place) is not read again, to never count records twice: it is reported as
 * `modified-after-read` in the source's health.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { FileObject } from '../files.js';
import type { ContinuousSource, SourceContext } from '../continuous.js';
import { SourceConfigError } from '../continuous.js';
import type { SourceObject } from '../types.js';

/** Folders watched at most; an AWS log tree has one per account, region and day. */
export const MAX_WATCHED_DIRS = 4096;

export interface FolderSourceConfig {
  type: 'folder';
  id?: string;
  path: string;
  /** Quiet time before a file counts as complete (ms, default 300). */
  settleMs?: number;
  /** Full rescan period (ms, default 1000), besides file system events. */
  rescanMs?: number;
}

interface Seen { size: number; mtimeMs: number; lookedAt: number; offered: boolean; noticed?: boolean }

export class FolderSource implements ContinuousSource {
  readonly type = 'folder';
  readonly id: string;
  readonly location: string;
  onWake?: () => void;
  notices: { reason: string; uri: string; at: string }[] = [];
  private readonly files = new Map<string, Seen>();
  /** One non-recursive watch per folder of the tree, up to MAX_WATCHED_DIRS. */
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly settleMs: number;
  private readonly rescanMs: number;

  /** Paths named by file system events since the last poll. */
  private readonly changed = new Set<string>();
  private fullDue = true;
  private lastFull = 0;
  private lastWalkMs = 0;

  constructor(cfg: FolderSourceConfig, private readonly ctx: SourceContext) {
    if (typeof cfg.path !== 'string' || !cfg.path) throw new SourceConfigError('folder source: `path` is required');
    this.location = resolve(cfg.path);
    this.id = cfg.id ?? `folder:${this.location}`;
    this.settleMs = cfg.settleMs ?? 300;
    this.rescanMs = cfg.rescanMs ?? 1000;
    this.startWatch();
  }

  private startWatch(): void { this.watchDir(this.location); }

  /** Watches one folder (not its subfolders): events name the entry that changed in it. */
  private watchDir(dir: string): void {
    if (this.stopped || this.watchers.has(dir) || this.watchers.size >= MAX_WATCHED_DIRS) return;
    try {
      const w = watch(dir, { persistent: false }, (_ev, name) => {
        if (name) this.changed.add(join(dir, name.toString())); else this.fullDue = true;
        this.onWake?.();
      });
      w.on('error', () => { w.close(); this.watchers.delete(dir); this.fullDue = true; });
      this.watchers.set(dir, w);
    } catch { /* gone, or out of inotify watches: the periodic rescan still finds its files (and retries the watch) */ }
  }

  /** Folders watched now (health, tests). */
  get watchedDirs(): number { return this.watchers.size; }

  /** Full rescans: every `rescanMs`, but never more than 5% of the time goes to walking a huge tree. */
  private get rescanEvery(): number { return Math.max(this.rescanMs, 20 * this.lastWalkMs); }

  /** Polls again at the next full rescan, or when the first file now settling can be complete. */
  get intervalMs(): number {
    let next = this.lastFull + this.rescanEvery;
    for (const s of this.files.values()) if (!s.offered) next = Math.min(next, s.lookedAt + this.settleMs);
    return Math.max(1, next - Date.now());
  }

  /**
   * Between full rescans only the paths file system events named, and files still settling, are
   * looked at, so a folder holding years of logs costs one walk per rescan, not one per event.
   */
  async poll(): Promise<SourceObject[]> {
    const now = Date.now();
    const ready: FileObject[] = [];
    try {
      await stat(this.location);
    } catch (e) {
      this.fullDue = true;
      throw new Error(`cannot read ${this.location}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
    }
    if (!this.watchers.has(this.location)) this.startWatch();
    const full = this.fullDue || now - this.lastFull >= this.rescanEvery;
    const changed = [...this.changed];
    this.changed.clear();
    if (full) {
      this.fullDue = false;
      const present = new Set<string>();
      const dirs = new Set<string>();
      for await (const f of walk(this.location, (d) => { dirs.add(d); this.watchDir(d); })) {
        present.add(f.path);
        this.look(f, now, ready);
      }
      for (const p of this.files.keys()) if (!present.has(p)) this.files.delete(p);
      for (const [d, w] of this.watchers) if (!dirs.has(d)) { w.close(); this.watchers.delete(d); }
      this.lastWalkMs = Date.now() - now;
      this.lastFull = now;
    } else {
      const paths = new Set(changed);
      for (const [p, st] of this.files) if (!st.offered) paths.add(p);
      for (const p of [...paths].sort()) {
        if (relative(this.location, p).split(sep).some((part) => part.startsWith('.') || part === '..')) continue;
        let st;
        try { st = await stat(p); } catch { this.files.delete(p); continue; }
        if (st.isDirectory()) {
          for await (const f of walk(p, (d) => this.watchDir(d))) this.look(f, now, ready);
        } else if (st.isFile()) this.look({ path: p, size: st.size, mtimeMs: st.mtimeMs }, now, ready);
      }
    }
    // a file seen twice in one poll (an event and a walk) is offered once
    const seen = new Set<string>();
    return ready.filter((o) => !seen.has(o.uri) && seen.add(o.uri)).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  private look(f: { path: string; size: number; mtimeMs: number }, now: number, ready: FileObject[]): void {
    if (this.ctx.ignore.has(f.path)) return;
    const prev = this.files.get(f.path);
    const same = prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs;
    if (prev?.offered) {
      if (!same) {
        // changed after it was read: appended in place or rewritten
        if (f.size === 0 || f.size < prev.size) {
          // truncated (copytruncate rotation): whatever comes next is new content
          this.files.set(f.path, { size: f.size, mtimeMs: f.mtimeMs, lookedAt: now, offered: false });
        } else if (!prev.noticed) {
          prev.noticed = true;
          this.notices.push({ reason: 'modified-after-read', uri: f.path, at: new Date(now).toISOString() });
        }
      }
      return;
    }
    const settled = same ? now - prev.lookedAt >= this.settleMs : !prev && now - f.mtimeMs >= this.settleMs;
    if (settled && f.size > 0) {
      this.files.set(f.path, { size: f.size, mtimeMs: f.mtimeMs, lookedAt: now, offered: true });
      ready.push(new FileObject(f.path, f.path, f.size, f.mtimeMs));
    } else if (!same) {
      this.files.set(f.path, { size: f.size, mtimeMs: f.mtimeMs, lookedAt: now, offered: false });
    }
  }

  /** True while some file is waiting to settle (the loop looks again soon). */
  get pending(): boolean {
    for (const s of this.files.values()) if (!s.offered) return true;
    return false;
  }

  retry(objects: SourceObject[]): void {
    for (const o of objects) { const s = this.files.get(o.uri); if (s) s.offered = false; }
  }

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/**
 * Files under `dir` in name order (hidden entries skipped). `enter` is called for every folder
 * (`dir` included) before it is listed, so a watch set up there misses nothing written after.
 */
async function* walk(dir: string, enter: (dir: string) => void): AsyncGenerator<{ path: string; size: number; mtimeMs: number }> {
  enter(dir);
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // hidden files: editor swap files, partial downloads (.part), our own caches
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p, enter);
    else if (e.isFile()) {
      try { const st = await stat(p); yield { path: p, size: st.size, mtimeMs: st.mtimeMs }; } catch { /* gone meanwhile */ }
    }
  }
}
