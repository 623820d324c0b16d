/** JSON lines: one EventBridge event per line, appended (a SIEM agent tails the file). */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CommonNotifierConfig, FindingEvent, Notifier } from '../types.js';

export interface FileConfig extends CommonNotifierConfig { type: 'file'; path: string }

export class FileNotifier implements Notifier {
  readonly name: string;
  private readonly path: string;
  constructor(cfg: FileConfig) {
    if (typeof cfg.path !== 'string' || !cfg.path) throw new Error('file notifier: `path` is required');
    this.path = resolve(cfg.path);
    this.name = cfg.name ?? `file:${this.path}`;
  }

  async send(events: FindingEvent[]): Promise<void> {
    // findings are private: the file 0600, a folder made for it 0700
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, events.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
  }
}
