/**
 * A threat or trusted list as Vigil keeps it: where it comes from, how it is read, what its
 * entries mean, and its GuardDuty status. The last good copy of its content is cached on disk
 * (see manager.ts), so a failed refresh never unloads a list.
 */
import type { ListFormat, ListRole, ListStatus, ThreatPurpose } from './types.js';

export interface ListCounts {
  ipv4: number;
  ipv4Cidrs: number;
  ipv6: number;
  domains: number;
  ipPort: number;
  /** Lines that could not be used. */
  errors: number;
  /** Entries skipped on purpose (expired, unsupported indicator types), by reason. */
  skipped: Record<string, number>;
}

export interface IntelList {
  /** 32 hex characters, like GuardDuty's ThreatIntelSet / IPSet ids. */
  id: string;
  /** Unique; what findings show as `threatListName`. */
  name: string;
  role: ListRole;
  format: ListFormat;
  /** A file path, an http(s) URL, or an S3 location (s3://bucket/key and GuardDuty's https forms). */
  location: string;
  /** What the entries are (THREAT lists); decides the finding types. TRUSTED lists: 'trusted'. */
  purpose: ThreatPurpose | 'trusted';
  /** GuardDuty's `activate`: an inactive list is kept but not used. */
  activate: boolean;
  status: ListStatus;
  /** Why the status is what it is: the error for ERROR, a partial-load note for ACTIVE. */
  statusReason?: string;
  /** Seconds between refreshes; 0 = only on demand. */
  refreshSeconds: number;
  /** The catalogue feed this list was added from, if any. */
  feed?: string;
  counts?: ListCounts;
  /** SHA-256 of the loaded content (GuardDuty's `threatFileSha256`). */
  sha256?: string;
  etag?: string;
  lastModified?: string;
  /** When the content in use was fetched. */
  fetchedAt?: string;
  lastAttemptAt?: string;
  /** The last refresh failure, while an older good copy stays in use. */
  lastError?: string;
  tags?: Record<string, string>;
  /** Which GuardDuty resource the list is through the API (default: ThreatIntelSet / IPSet by role). */
  apiKind?: 'IPSet' | 'ThreatIntelSet' | 'ThreatEntitySet' | 'TrustedEntitySet';
  expectedBucketOwner?: string;
  createdAt: string;
  updatedAt: string;
}
