/**
 * What a detector emits: one occurrence of a security issue. The findings service turns
 * candidates into GuardDuty findings (fingerprint → aggregate → severity → suppress → store).
 */
import type { Action, Resource, ThreatIntelligenceDetail } from './finding.js';

export interface FindingCandidate {
  /** A GuardDuty finding type from the catalogue, e.g. `UnauthorizedAccess:EC2/SSHBruteForce`. */
  type: string;
  /** Numeric severity 1.0–10.0; contextual (actor vs target, how much weaker…). */
  severity: number;
  accountId: string;
  region: string;
  /** Event time of this occurrence, epoch ms. */
  time: number;
  /**
   * The type-specific aggregation key (GuardDuty: "one finding per security issue"). Together with
   * type, account and region it makes the fingerprint, hence the finding id. Example: the target
   * instance for SSHBruteForce, the access key for RootCredentialUsage.
   */
  key: string;
  resourceRole: 'TARGET' | 'ACTOR';
  resource: Resource;
  action: Action;
  title: string;
  description: string;
  /** Goes to `service.additionalInfo.value` as a JSON string (GuardDuty's key bag). */
  additionalInfo?: Record<string, unknown>;
  threatIntelligenceDetails?: ThreatIntelligenceDetail[];
  /** How many occurrences this candidate stands for (a window can fold several); default 1. */
  count?: number;
  /** Goes to `service.detection`: GuardDuty's anomaly explanation (`anomaly`) or attack sequence (`sequence`). */
  detection?: Record<string, unknown>;
}
