/**
 * Continuous sources (`vigil serve`): a source is polled for objects that are ready to read
 * (complete, not read before by this source in this run) and told when they are committed.
 * Identity for "already processed" stays the content fingerprint checked by the ingest loop
 * against the store, so a restart re-offering an object never counts it twice.
 */
import type { SourceObject } from './types.js';
import type { Store } from '../store/index.js';

export interface ContinuousSource {
  /** Unique name of this source (health, logs, the cursor document). */
  readonly id: string;
  /** `folder`, `s3`… (the registry key). */
  readonly type: string;
  /** Where it reads (a path or s3:// URI), for people. */
  readonly location: string;
  /** Objects ready to read now, oldest first. May throw (the loop records it as the last error). */
  poll(): Promise<SourceObject[]>;
  /**
   * After the objects' checkpoint is committed (S3 cursors move, SQS messages get deleted).
   * `failed`: those of them that could not be read (read errors, not bad content).
   */
  committed?(objects: SourceObject[], failed?: ReadonlySet<SourceObject>): Promise<void>;
  /** A failed checkpoint: offer these objects again. */
  retry?(objects: SourceObject[]): void;
  /** How long the loop waits before polling again (ms). */
  readonly intervalMs: number;
  /** Wakes the loop early (a file system event); the loop sets it. */
  onWake?: () => void;
  /** Problems that are not an object's content (a file changed after it was read…), counted with a reason. */
  notices?: { reason: string; uri: string; at: string }[];
  /** Counters of the source itself (SQS messages received and deleted, S3 partitions…), for health. */
  counters?(): Record<string, number>;
  stop(): Promise<void>;
}

export interface SourceContext {
  store: Store;
  /** Paths never read (the store's own files). */
  ignore: Set<string>;
}

/** Bad-config errors carry the source's name. */
export class SourceConfigError extends Error { override name = 'SourceConfigError'; }
