/** What every workload reports back to the harness (one child process, one workload). */

export interface WorkloadResult {
  /** Records the workload handled: events for Vigil, records/lines for the ceilings. */
  records: number;
  /** Compressed bytes read. */
  bytesIn: number;
  /** Decompressed bytes processed. */
  bytesOut: number;
  /** Vigil scan only: findings by type, bad records, exit code. */
  scan?: {
    findings: { type: string; created: number; updated: number; occurrences: number }[];
    bad: number;
    skipped: Record<string, number>;
    exitCode: number;
    detectorErrors: number;
  };
}
