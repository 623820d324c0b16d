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

/** Where a partition's detector state is saved: its namespaces under this prefix. */
export function statePrefix(partition: number): string { return `p/${partition}/`; }

export function partitionOfKey(key: string, partitions: number): number {
  return partitionOfAccount(accountOfKey(key), partitions);
}

/**
 * Partition → worker, for a set of live workers, sticky to the current owners. Capacities are
 * ⌊P/W⌋, one more for P mod W of the workers (those holding the most now), so loads differ by at
 * most one. Each live worker keeps what it owns now, up to its capacity (the partitions it scores
 * highest); the partitions left — a lost worker's, a worker's excess when one joins, those never
 * owned — are matched to the workers with room by deferred acceptance on a per-(worker,
 * partition) hash score (rendezvous). So when a worker leaves, only its partitions move, and when
 * one joins, only its share. Deterministic: the same live workers and current owners give the
 * same map in every process.
 */
export function assign(workers: readonly string[], partitions: number, current?: ReadonlyMap<number, string>): Map<number, string> {
  const out = new Map<number, string>();
  const ws = [...new Set(workers)].sort();
  if (ws.length === 0 || partitions <= 0) return out;
  const score = (w: string, p: number) => fnv1a(`${w}\u0000${p}`);
  const live = new Set(ws);
  const owned = new Map<string, number[]>(ws.map((w) => [w, []]));
  for (const [p, w] of current ?? []) if (p >= 0 && p < partitions && live.has(w)) owned.get(w)!.push(p);
  const floor = Math.floor(partitions / ws.length);
  const extra = partitions % ws.length;
  const cap = new Map<string, number>();
  [...ws].sort((a, b) => owned.get(b)!.length - owned.get(a)!.length || fnv1a(a) - fnv1a(b) || (a < b ? -1 : 1))
    .forEach((w, i) => cap.set(w, floor + (i < extra ? 1 : 0)));
  const held = new Map<string, number[]>(ws.map((w) => [w, []]));
  const taken = new Set<number>();
  for (const w of ws) {
    const keep = owned.get(w)!.sort((a, b) => score(w, b) - score(w, a)).slice(0, cap.get(w));
    held.set(w, keep);
    for (const p of keep) taken.add(p);
  }
  const prefs = new Map<number, string[]>();
  const next = new Map<number, number>();
  const free: number[] = [];
  for (let p = partitions - 1; p >= 0; p--) if (!taken.has(p)) free.push(p);
  while (free.length > 0) {
    const p = free.pop()!;
    let order = prefs.get(p);
    if (!order) prefs.set(p, (order = [...ws].sort((a, b) => score(b, p) - score(a, p) || (a < b ? -1 : 1))));
    const i = next.get(p) ?? 0;
    next.set(p, i + 1);
    const w = order[i];
    const mine = held.get(w)!;
    mine.push(p);
    if (mine.length > cap.get(w)!) {
      // over capacity: turn away the lowest-scored partition it did not own before
      const kept = new Set(owned.get(w));
      let worst = -1;
      for (let j = 0; j < mine.length; j++) if (!kept.has(mine[j]) && (worst < 0 || score(w, mine[j]) < score(w, mine[worst]))) worst = j;
      free.push(mine.splice(worst, 1)[0]);
    }
  }
  for (const [w, ps] of held) for (const p of ps) out.set(p, w);
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}
