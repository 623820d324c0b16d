/**
 * The partition model of a cluster: every log object goes to one of a fixed number of
 * partitions, chosen by the AWS account its key names, so that every baseline, window and
 * sequence of an account lives with one owner (GuardDuty's detectors are per account too, and
 * no detector keeps state across accounts except through findings). Objects whose key names no
 * account (a folder of loose files) all go to partition 0: their records may belong to any
 * account, and one owner for all of them keeps their state whole.
 *
 * Partitions are spread over the live workers by `assign`: a balanced rendezvous assignment that
 * every worker computes alike from the same list of live workers, so no coordinator is needed.
 */

/** Partitions of a new cluster; fixed at its creation (a power of two above the largest worker count expected). */
export const DEFAULT_PARTITIONS = 64;

/** `…AWSLogs/[o-<org>/]<account>/…`, the layout every AWS log delivery uses. */
const ACCOUNT_IN_KEY = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?(\d{12})\//;

export function accountOfKey(key: string): string | undefined {
  return ACCOUNT_IN_KEY.exec(key)?.[1];
}

/** 32-bit FNV-1a of a string's UTF-16 code units (stable across processes and versions). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function partitionOfAccount(account: string | undefined, partitions: number): number {
  return account === undefined ? 0 : fnv1a(account) % partitions;
}

export function partitionOfKey(key: string, partitions: number): number {
  return partitionOfAccount(accountOfKey(key), partitions);
}

/**
 * Partition → worker, for a set of live workers. Each (worker, partition) pair has a score (a
 * hash); partitions propose to workers in their score order and a worker over its capacity turns
 * away its lowest-scored partition, which proposes to its next choice (deferred acceptance with
 * capacities). Capacities are ⌊P/W⌋, one more for P mod W of the workers, so loads differ by at
 * most one. The matching is stable, so when a worker joins or leaves mostly the partitions it
 * takes or gives move. Deterministic: the same workers give the same map in every process.
 */
export function assign(workers: readonly string[], partitions: number): Map<number, string> {
  const out = new Map<number, string>();
  const ws = [...new Set(workers)].sort();
  if (ws.length === 0 || partitions <= 0) return out;
  const floor = Math.floor(partitions / ws.length);
  const extra = partitions % ws.length;
  const cap = new Map<string, number>();
  [...ws].sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : 1)).forEach((w, i) => cap.set(w, floor + (i < extra ? 1 : 0)));
  const score = (w: string, p: number) => fnv1a(`${w}\u0000${p}`);
  const prefs = Array.from({ length: partitions }, (_, p) => [...ws].sort((a, b) => score(b, p) - score(a, p) || (a < b ? -1 : 1)));
  const next = new Array<number>(partitions).fill(0);
  const held = new Map<string, number[]>(ws.map((w) => [w, []]));
  const free = Array.from({ length: partitions }, (_, p) => partitions - 1 - p);
  while (free.length > 0) {
    const p = free.pop()!;
    const w = prefs[p][next[p]++];
    const mine = held.get(w)!;
    mine.push(p);
    if (mine.length > cap.get(w)!) {
      let worst = 0;
      for (let i = 1; i < mine.length; i++) if (score(w, mine[i]) < score(w, mine[worst])) worst = i;
      free.push(mine.splice(worst, 1)[0]);
    }
  }
  for (const [w, ps] of held) for (const p of ps) out.set(p, w);
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}
