/**
 * Retry policy of the ingest loop for a batch whose checkpoint (or read) failed: exponential
 * backoff with jitter, capped, and how many failures of one object committed alone, with an
 * error that is not the environment's, quarantine it.
 */

export interface RetryOptions {
  /** Delay after the first failure (ms, default 1000); doubles with each consecutive failure. */
  baseMs?: number;
  /** Longest delay (ms, default 60 000): a store that stays full is tried again at least this often. */
  maxMs?: number;
  /** Failures of one object checkpointed alone, with an object-specific error, before it is quarantined (default 3). */
  quarantineAfter?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { baseMs: 1000, maxMs: 60_000, quarantineAfter: 3 };

/**
 * Delay before attempt `failures + 1`: min(max, base·2^(failures−1)), of which a random half is
 * taken off ("equal jitter"), so sources failing together (one full disk) do not retry in step
 * while the wait still grows.
 */
export function backoffMs(failures: number, o: RetryOptions = {}, random: () => number = Math.random): number {
  const base = o.baseMs ?? RETRY_DEFAULTS.baseMs;
  const max = o.maxMs ?? RETRY_DEFAULTS.maxMs;
  const cap = Math.min(max, base * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
