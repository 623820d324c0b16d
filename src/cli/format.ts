/** Shared terminal formatting: severity labels (coloured on a TTY), sizes, rates, tables. */
import Table from 'cli-table3';
import { severityLevel } from '../core/index.js';

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const COLOURS = { Critical: '\x1b[1;35m', High: '\x1b[31m', Medium: '\x1b[33m', Low: '\x1b[36m' } as const;

export function severityLabel(n: number): string {
  const level = severityLevel(n);
  const text = `${level} (${n.toFixed(1)})`;
  return useColour ? `${COLOURS[level]}${text}\x1b[0m` : text;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function rate(n: number, ms: number, unit: string): string {
  if (ms <= 0) return `– ${unit}/s`;
  const v = (n * 1000) / ms;
  return `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)} ${unit}/s`;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: useColour ? ['bold'] : [], border: [] }, wordWrap: true });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(code);
}
