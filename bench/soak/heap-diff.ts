/**
 * Compares two V8 heap snapshots (the soak's `--soak-heap-snapshots` writes one at the end of the
 * warm-up and one at the end): self size and count per constructor / node type, largest growth
 * first, and the strings that grew most in number by their first characters (keys of growing
 * maps usually show here).
 *
 *   node --import tsx bench/soak/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [top]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

interface Tally { count: number; bytes: number }

function tally(path: string): { groups: Map<string, Tally>; strings: Map<string, number>; total: number } {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size');
  const types = s.snapshot.meta.node_types[iType] as string[];
  const groups = new Map<string, Tally>();
  const strings = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    const name = s.strings[s.nodes[i + iName]];
    const size = s.nodes[i + iSize];
    total += size;
    // objects by constructor; strings, arrays, code and the rest by node type (their names are contents)
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${name}` : type === 'array' || type === 'hidden' || type === 'object shape' ? `${type} ${name.slice(0, 40)}` : type;
    const t = groups.get(key) ?? { count: 0, bytes: 0 };
    t.count++; t.bytes += size;
    groups.set(key, t);
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      const k = name.slice(0, 24).replace(/[0-9a-f]{6,}/g, '…').replace(/\d+/g, '#');
      strings.set(k, (strings.get(k) ?? 0) + 1);
    }
  }
  return { groups, strings, total };
}

function main(): void {
  const [a, b, topArg] = process.argv.slice(2);
  if (!a || !b) { console.error('usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [top]'); process.exitCode = 2; return; }
  const top = Number(topArg ?? 25);
  const x = tally(a), y = tally(b);
  console.log(`self size: ${(x.total / 1048576).toFixed(1)} MB → ${(y.total / 1048576).toFixed(1)} MB (${((y.total - x.total) / 1048576).toFixed(2)} MB)`);
  const keys = new Set([...x.groups.keys(), ...y.groups.keys()]);
  const rows = [...keys].map((k) => {
    const p = x.groups.get(k) ?? { count: 0, bytes: 0 }, q = y.groups.get(k) ?? { count: 0, bytes: 0 };
    return { k, dBytes: q.bytes - p.bytes, dCount: q.count - p.count, bytes: q.bytes, count: q.count };
  }).sort((m, n) => n.dBytes - m.dBytes).slice(0, top);
  console.log('\n  Δ KB  Δ count     KB   count  group');
  for (const r of rows) console.log(`${(r.dBytes / 1024).toFixed(0).padStart(6)} ${String(r.dCount).padStart(8)} ${(r.bytes / 1024).toFixed(0).padStart(6)} ${String(r.count).padStart(7)}  ${r.k}`);
  const sk = new Set([...x.strings.keys(), ...y.strings.keys()]);
  const srows = [...sk].map((k) => ({ k, d: (y.strings.get(k) ?? 0) - (x.strings.get(k) ?? 0), n: y.strings.get(k) ?? 0 })).sort((m, n) => n.d - m.d).slice(0, top);
  console.log('\nstrings by prefix (digits → #, hex → …), most grown in number:\n  Δ count   count  prefix');
  for (const r of srows) console.log(`${String(r.d).padStart(9)} ${String(r.n).padStart(7)}  ${JSON.stringify(r.k)}`);
}

main();
