/**
 * The intel benchmark's list: N IPv4 addresses, C CIDR blocks and D domains as one TXT list file
 * (seeded, written in blocks, reused when it exists). `replay` yields the same indicators again as
 * numbers and strings, for the measuring process's queries and baselines, without the file.
 *
 * CIDR prefix lengths: 60 % /24, 25 % /28, 10 % /20, 5 % /16 (the mix measured before).
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../prng.js';

/** Bump when what the generator writes changes: the file name changes with it. */
const VERSION = 1;
const SEED = 7;
const TLDS = ['com', 'net', 'org', 'xyz', 'io'];

export interface IntelSizes { ipv4: number; cidrs: number; domains: number }

export interface Replay {
  ips: Uint32Array;
  cidrStart: Uint32Array;
  cidrPrefix: Uint8Array;
  domains: string[];
}

const dotted = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/** Calls back with every indicator in file order: addresses, then blocks, then domains. */
function generate(s: IntelSizes, onIp: (a: number) => void, onCidr: (a: number, p: number) => void, onDomain: (d: string) => void): void {
  const rng = new Prng(SEED);
  const u32 = () => rng.next() >>> 0;
  for (let i = 0; i < s.ipv4; i++) onIp(u32());
  for (let i = 0; i < s.cidrs; i++) {
    const r = rng.float();
    const p = r < 0.6 ? 24 : r < 0.85 ? 28 : r < 0.95 ? 20 : 16;
    onCidr((u32() & (0xffffffff << (32 - p))) >>> 0, p);
  }
  for (let i = 0; i < s.domains; i++) onDomain(`${u32().toString(36)}${i.toString(36)}.${TLDS[i % 5]}`);
}

/** The list file for these sizes under `dir` (written once). */
export function ensureIntelList(dir: string, s: IntelSizes): { path: string; reused: boolean; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `list-v${VERSION}-${s.ipv4}-${s.cidrs}-${s.domains}-s${SEED}.txt`);
  if (existsSync(path)) return { path, reused: true, bytes: 0 };
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let buf: string[] = [];
  let bytes = 0;
  const put = (line: string) => {
    buf.push(line);
    if (buf.length === 65536) { const t = buf.join('\n') + '\n'; bytes += t.length; writeSync(fd, t); buf = []; }
  };
  generate(s, (a) => put(dotted(a)), (a, p) => put(`${dotted(a)}/${p}`), put);
  const t = buf.join('\n');
  bytes += t.length;
  writeSync(fd, t);
  closeSync(fd);
  renameSync(tmp, path);
  return { path, reused: false, bytes };
}

/** The same indicators as arrays (for queries and the baselines). */
export function replay(s: IntelSizes): Replay {
  const r: Replay = { ips: new Uint32Array(s.ipv4), cidrStart: new Uint32Array(s.cidrs), cidrPrefix: new Uint8Array(s.cidrs), domains: [] };
  let i = 0, c = 0;
  generate(s, (a) => { r.ips[i++] = a; }, (a, p) => { r.cidrStart[c] = a; r.cidrPrefix[c++] = p; }, (d) => { r.domains.push(d); });
  return r;
}
