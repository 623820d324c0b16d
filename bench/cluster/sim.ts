/**
 * Cluster simulation (`npm run bench -- --only cluster-sim`): 1,000 accounts of skewed size
 * (Zipf, s = 1.1: a few accounts carry most events, as in a real organisation) hashed to P
 * partitions (partitions.ts), the partitions assigned to 100 workers exactly as the workers
 * assign them (`assign`). It reports, for each P, how even the work is (busiest worker's events
 * over the mean; partitions per worker), what moves when one worker is lost and when one joins
 * (partitions and share of events, against the ideal: only the lost worker's, only the joiner's
 * share), and how long one assignment takes (each worker computes it every lease round).
 * Pure computation: no NATS, no store.
 */
import { assign, fnv1a, partitionOfAccount } from '../../src/cluster/partitions.js';
import { table } from '../table.js';

export interface SimRow {
  partitions: number; workers: number; accounts: number; zipf: number;
  /** Busiest worker's events / mean events per worker (1 = perfect). */
  eventImbalance: number;
  /** Fewest and most partitions a worker owns. */
  minPartitions: number; maxPartitions: number;
  /** Largest single account's share of all events (a floor for any per-account partitioning). */
  largestAccountShare: number;
  lossMoved: number; lossIdeal: number; lossEventsMovedPct: number;
  joinMoved: number; joinIdeal: number; joinEventsMovedPct: number;
  /** One assignment from nothing (a cluster's first round), and one in the steady state (every lease round). */
  assignMs: number; steadyMs: number;
  /** The best any per-account assignment can do: max(mean, the busiest partition) / mean. */
  optimum: number;
}

function accounts(n: number, s: number): { id: string; events: number }[] {
  const out: { id: string; events: number }[] = [];
  for (let i = 0; i < n; i++) {
    // twelve-digit ids spread like real ones (not consecutive)
    const id = String(100_000_000_000 + ((fnv1a(`acct-${i}`) * 7919) % 899_999_999_999)).padStart(12, '0');
    out.push({ id, events: 1e9 / Math.pow(i + 1, s) });
  }
  return out;
}

export function simulate(partitions: number, workers = 100, nAccounts = 1000, zipf = 1.1): SimRow {
  const accts = accounts(nAccounts, zipf);
  const total = accts.reduce((n, a) => n + a.events, 0);
  const perPartition = new Float64Array(partitions);
  for (const a of accts) perPartition[partitionOfAccount(a.id, partitions)] += a.events;
  const ws = Array.from({ length: workers }, (_, i) => `worker-${String(i).padStart(3, '0')}`);
  const t0 = performance.now();
  const base = assign(ws, partitions);
  const assignMs = performance.now() - t0;
  const load = new Map<string, { events: number; parts: number }>(ws.map((w) => [w, { events: 0, parts: 0 }]));
  for (const [p, w] of base) { const l = load.get(w)!; l.events += perPartition[p]; l.parts++; }
  const loads = [...load.values()];
  const moved = (next: Map<number, string>) => {
    let parts = 0, events = 0;
    for (const [p, w] of next) if (base.get(p) !== w) { parts++; events += perPartition[p]; }
    return { parts, pct: (100 * events) / total };
  };
  const t1 = performance.now();
  assign(ws, partitions, base);
  const steadyMs = performance.now() - t1;
  const lost = ws[Math.floor(workers / 2)];
  const loss = moved(assign(ws.filter((w) => w !== lost), partitions, base));
  const join = moved(assign([...ws, 'worker-new'], partitions, base));
  return {
    partitions, workers, accounts: nAccounts, zipf,
    eventImbalance: Math.max(...loads.map((l) => l.events)) / (total / workers),
    minPartitions: Math.min(...loads.map((l) => l.parts)), maxPartitions: Math.max(...loads.map((l) => l.parts)),
    largestAccountShare: accts[0].events / total,
    lossMoved: loss.parts, lossIdeal: load.get(lost)!.parts, lossEventsMovedPct: loss.pct,
    joinMoved: join.parts, joinIdeal: Math.floor(partitions / (workers + 1)), joinEventsMovedPct: join.pct,
    assignMs, steadyMs, optimum: Math.max(total / workers, ...perPartition) / (total / workers),
  };
}

export interface ClusterSim { rows: SimRow[] }

export function runClusterSim(partitionCounts = [128, 256, 1024, 4096], zipfs = [1.1, 0.8]): ClusterSim {
  return { rows: zipfs.flatMap((z) => partitionCounts.map((p) => simulate(p, 100, 1000, z))) };
}

export function printClusterSim(s: ClusterSim): string {
  const r0 = s.rows[0];
  return [
    `Cluster simulation: ${r0.accounts.toLocaleString('en-US')} accounts of Zipf-distributed size on ${r0.workers} workers`,
    table(['Zipf s (largest account)', 'Partitions', 'Partitions/worker', 'Busiest worker / mean (optimum)', 'Loss: moved (ideal)', 'Loss: events moved', 'Join: moved (ideal)', 'Join: events moved', 'assign() ms first/steady'],
      s.rows.map((r) => [`${r.zipf} (${(100 * r.largestAccountShare).toFixed(1)}%)`, String(r.partitions), `${r.minPartitions}–${r.maxPartitions}`, `${r.eventImbalance.toFixed(2)}× (${r.optimum.toFixed(2)}×)`, `${r.lossMoved} (${r.lossIdeal})`, `${r.lossEventsMovedPct.toFixed(1)}%`,
        `${r.joinMoved} (${r.joinIdeal})`, `${r.joinEventsMovedPct.toFixed(1)}%`, `${r.assignMs.toFixed(1)} / ${r.steadyMs.toFixed(1)}`])),
    'The busiest worker cannot be below the largest account\'s share × workers (an account has one owner).',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(printClusterSim(runClusterSim()));
