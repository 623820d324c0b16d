/**
 * SQLite schema, as numbered migrations. A migration is never edited once released: add a new
 * one. `user_version` records how far a database has come.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: findings, processed objects, detector state, filters
  `
  CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    detector_id TEXT NOT NULL,
    type TEXT NOT NULL,
    severity REAL NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    event_first_seen TEXT NOT NULL,
    event_last_seen TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX findings_sev ON findings (severity DESC, updated_at DESC);
  CREATE INDEX findings_type ON findings (type);
  CREATE INDEX findings_account ON findings (account_id, region);
  CREATE INDEX findings_updated ON findings (updated_at);

  CREATE TABLE processed_objects (
    fingerprint TEXT PRIMARY KEY,
    uri TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    records INTEGER NOT NULL,
    bad INTEGER NOT NULL,
    processed_at TEXT NOT NULL
  );

  CREATE TABLE detector_state (
    namespace TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE filters (
    detector_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    action TEXT NOT NULL,
    rank INTEGER NOT NULL,
    criteria TEXT NOT NULL,
    tags TEXT,
    PRIMARY KEY (detector_id, name)
  );
  `,
  // 2: threat and trusted lists (GuardDuty's ThreatIntelSet/IPSet and entity sets)
  `
  CREATE TABLE intel_lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL
  );
  `,
];
