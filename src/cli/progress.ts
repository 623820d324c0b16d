/**
 * Scan progress on stderr: a live bar on a terminal (objects, records, MB/s, bad records), and
 * a plain line every few seconds when stderr is not a terminal (CI logs), so long runs always
 * show they are moving.
 */
import { createRequire } from 'node:module';
import type { ScanProgress } from '../app/scan.js';
import { rate } from './format.js';

// the bar's package only when a terminal shows it (start-up of scans in scripts and CI stays lighter)
const loadCliProgress = () => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

export function progressReporter(enabled: boolean): { update(p: ScanProgress): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(p) {
        if (p.elapsedMs - last < 5000 && p.objectsDone < p.objectsTotal) return;
        last = p.elapsedMs;
        process.stderr.write(`scan: ${p.objectsDone}/${p.objectsTotal} objects, ${p.records.toLocaleString('en-US')} records, `
          + `${rate(p.bytesIn / 1e6, p.elapsedMs, 'MB')}, ${p.bad} bad\n`);
      },
      stop() {},
    };
  }
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'scan [{bar}] {value}/{total} objects | {records} records | {mbs} | {bad} bad | {current}',
    hideCursor: true,
    clearOnComplete: true,
    barsize: 24,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const payload = { records: p.records.toLocaleString('en-US'), mbs: rate(p.bytesIn / 1e6, p.elapsedMs, 'MB'), bad: p.bad, current: p.current.slice(-40) };
      if (!started) { bar.start(p.objectsTotal, p.objectsDone, payload); started = true; }
      else bar.update(p.objectsDone, payload);
    },
    stop() { if (started) bar.stop(); },
  };
}
