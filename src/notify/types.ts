/**
 * Notifications: EventBridge-shaped GuardDuty finding events, the shape GuardDuty puts on the
 * default event bus (`source: aws.guardduty`, `detail-type: GuardDuty Finding`, detail = the
 * finding), handed to notifiers. One folder per notifier kind plus one line in registry.ts.
 */
import type { Finding } from '../core/index.js';

export interface FindingEvent {
  version: '0';
  id: string;
  'detail-type': 'GuardDuty Finding';
  source: 'aws.guardduty';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Finding;
}

export interface Notifier {
  /** For logs, health and the dead-letter file. */
  readonly name: string;
  /** Delivers a batch; throws when it was not delivered (the dispatcher retries, then dead-letters). */
  send(events: FindingEvent[]): Promise<void>;
  close?(): Promise<void>;
}

/** Options every notifier entry may carry. */
export interface CommonNotifierConfig {
  name?: string;
  /** Lowest severity sent (default 0: all). */
  minSeverity?: number;
  /** Attempts before dead-lettering (default 5). */
  attempts?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  backoffMs?: number;
}
