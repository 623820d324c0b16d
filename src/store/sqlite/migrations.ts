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
  // 3: the API's records (detectors, members, invitations, tags, publishing destinations,
  // organisation settings) as JSON documents; usage counters; a resource id column for statistics
  `
  CREATE TABLE documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX documents_account ON documents (kind, account_id);

  CREATE TABLE usage (
    account_id TEXT NOT NULL,
    data_source TEXT NOT NULL,
    day TEXT NOT NULL,
    events INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (account_id, data_source, day)
  );

  ALTER TABLE findings ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
  UPDATE findings SET resource_id = coalesce(
    json_extract(json, '$.resource.instanceDetails.instanceId'),
    json_extract(json, '$.resource.instanceDetails.networkInterfaces[0].networkInterfaceId'),
    json_extract(json, '$.resource.s3BucketDetails[0].name'),
    json_extract(json, '$.resource.accessKeyDetails.accessKeyId'),
    json_extract(json, '$.resource.accessKeyDetails.principalId'), '');
  CREATE INDEX findings_region_account ON findings (region, account_id, updated_at);
  `,
  // 4: covering indexes for the API's list pages and statistics over many findings
  `
  CREATE INDEX findings_region_updated ON findings (region, updated_at);
  CREATE INDEX findings_region_type ON findings (region, type, updated_at, severity);
  CREATE INDEX findings_region_severity ON findings (region, severity, updated_at);
  CREATE INDEX findings_region_resource ON findings (region, resource_id, resource_type, account_id, updated_at, severity);
  `,
  // 5: finding counts per (region, account, type, severity, archived, day), kept by triggers, so
  // statistics over millions of findings read thousands of rows. Its columns carry the findings
  // table's names, so criteria translated for findings apply to it unchanged. \`last\` is the
  // newest updated_at ever counted in the group (a row leaving the group does not lower it).
  `
  CREATE TABLE finding_counts (
    region TEXT NOT NULL,
    account_id TEXT NOT NULL,
    type TEXT NOT NULL,
    severity REAL NOT NULL,
    archived INTEGER NOT NULL,
    day TEXT NOT NULL,
    n INTEGER NOT NULL,
    last TEXT NOT NULL,
    PRIMARY KEY (region, account_id, type, severity, archived, day)
  ) WITHOUT ROWID;
  INSERT INTO finding_counts
    SELECT region, account_id, type, severity, archived, substr(updated_at, 1, 10), COUNT(*), MAX(updated_at)
    FROM findings GROUP BY 1, 2, 3, 4, 5, 6;
  CREATE TRIGGER finding_counts_insert AFTER INSERT ON findings BEGIN
    INSERT INTO finding_counts VALUES (NEW.region, NEW.account_id, NEW.type, NEW.severity, NEW.archived, substr(NEW.updated_at, 1, 10), 1, NEW.updated_at)
      ON CONFLICT DO UPDATE SET n = n + 1, last = max(last, excluded.last);
  END;
  CREATE TRIGGER finding_counts_delete AFTER DELETE ON findings BEGIN
    UPDATE finding_counts SET n = n - 1 WHERE region = OLD.region AND account_id = OLD.account_id AND type = OLD.type
      AND severity = OLD.severity AND archived = OLD.archived AND day = substr(OLD.updated_at, 1, 10);
    DELETE FROM finding_counts WHERE n <= 0 AND region = OLD.region AND account_id = OLD.account_id AND type = OLD.type
      AND severity = OLD.severity AND archived = OLD.archived AND day = substr(OLD.updated_at, 1, 10);
  END;
  CREATE TRIGGER finding_counts_update AFTER UPDATE OF region, account_id, type, severity, archived, updated_at ON findings
  WHEN OLD.region IS NOT NEW.region OR OLD.account_id IS NOT NEW.account_id OR OLD.type IS NOT NEW.type OR OLD.severity IS NOT NEW.severity
    OR OLD.archived IS NOT NEW.archived OR substr(OLD.updated_at, 1, 10) IS NOT substr(NEW.updated_at, 1, 10) OR NEW.updated_at > OLD.updated_at
  BEGIN
    UPDATE finding_counts SET n = n - 1 WHERE region = OLD.region AND account_id = OLD.account_id AND type = OLD.type
      AND severity = OLD.severity AND archived = OLD.archived AND day = substr(OLD.updated_at, 1, 10);
    DELETE FROM finding_counts WHERE n <= 0 AND region = OLD.region AND account_id = OLD.account_id AND type = OLD.type
      AND severity = OLD.severity AND archived = OLD.archived AND day = substr(OLD.updated_at, 1, 10);
    INSERT INTO finding_counts VALUES (NEW.region, NEW.account_id, NEW.type, NEW.severity, NEW.archived, substr(NEW.updated_at, 1, 10), 1, NEW.updated_at)
      ON CONFLICT DO UPDATE SET n = n + 1, last = max(last, excluded.last);
  END;
  `,
  // 6: the same counts without the day (a few thousand rows where the daily ones are tens of
  // thousands), for every grouping but DATE
  `
  CREATE TABLE finding_totals (
    region TEXT NOT NULL,
    account_id TEXT NOT NULL,
    type TEXT NOT NULL,
    severity REAL NOT NULL,
    archived INTEGER NOT NULL,
    n INTEGER NOT NULL,
    last TEXT NOT NULL,
    PRIMARY KEY (region, account_id, type, severity, archived)
  ) WITHOUT ROWID;
  INSERT INTO finding_totals
    SELECT region, account_id, type, severity, archived, SUM(n), MAX(last) FROM finding_counts GROUP BY 1, 2, 3, 4, 5;
  CREATE TRIGGER finding_totals_insert AFTER INSERT ON finding_counts BEGIN
    INSERT INTO finding_totals VALUES (NEW.region, NEW.account_id, NEW.type, NEW.severity, NEW.archived, NEW.n, NEW.last)
      ON CONFLICT DO UPDATE SET n = n + excluded.n, last = max(last, excluded.last);
  END;
  CREATE TRIGGER finding_totals_update AFTER UPDATE OF n, last ON finding_counts BEGIN
    UPDATE finding_totals SET n = n + NEW.n - OLD.n, last = max(last, NEW.last) WHERE region = NEW.region AND account_id = NEW.account_id
      AND type = NEW.type AND severity = NEW.severity AND archived = NEW.archived;
  END;
  CREATE TRIGGER finding_totals_delete AFTER DELETE ON finding_counts BEGIN
    UPDATE finding_totals SET n = n - OLD.n WHERE region = OLD.region AND account_id = OLD.account_id
      AND type = OLD.type AND severity = OLD.severity AND archived = OLD.archived;
    DELETE FROM finding_totals WHERE n <= 0 AND region = OLD.region AND account_id = OLD.account_id
      AND type = OLD.type AND severity = OLD.severity AND archived = OLD.archived;
  END;
  `,
  // 7: finding counts per resource (region, account, archived, resource id and type), kept by
  // triggers, so grouping by resource reads one row per resource instead of every finding
  `
  CREATE TABLE finding_resources (
    region TEXT NOT NULL,
    account_id TEXT NOT NULL,
    archived INTEGER NOT NULL,
    resource_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    last TEXT NOT NULL,
    PRIMARY KEY (region, account_id, archived, resource_id, resource_type)
  ) WITHOUT ROWID;
  INSERT INTO finding_resources
    SELECT region, account_id, archived, resource_id, resource_type, COUNT(*), MAX(updated_at) FROM findings GROUP BY 1, 2, 3, 4, 5;
  CREATE TRIGGER finding_resources_insert AFTER INSERT ON findings BEGIN
    INSERT INTO finding_resources VALUES (NEW.region, NEW.account_id, NEW.archived, NEW.resource_id, NEW.resource_type, 1, NEW.updated_at)
      ON CONFLICT DO UPDATE SET n = n + 1, last = max(last, excluded.last);
  END;
  CREATE TRIGGER finding_resources_delete AFTER DELETE ON findings BEGIN
    UPDATE finding_resources SET n = n - 1 WHERE region = OLD.region AND account_id = OLD.account_id AND archived = OLD.archived
      AND resource_id = OLD.resource_id AND resource_type = OLD.resource_type;
    DELETE FROM finding_resources WHERE n <= 0 AND region = OLD.region AND account_id = OLD.account_id AND archived = OLD.archived
      AND resource_id = OLD.resource_id AND resource_type = OLD.resource_type;
  END;
  CREATE TRIGGER finding_resources_update AFTER UPDATE OF region, account_id, archived, resource_id, resource_type, updated_at ON findings
  WHEN OLD.region IS NOT NEW.region OR OLD.account_id IS NOT NEW.account_id OR OLD.archived IS NOT NEW.archived
    OR OLD.resource_id IS NOT NEW.resource_id OR OLD.resource_type IS NOT NEW.resource_type OR NEW.updated_at > OLD.updated_at
  BEGIN
    UPDATE finding_resources SET n = n - 1 WHERE region = OLD.region AND account_id = OLD.account_id AND archived = OLD.archived
      AND resource_id = OLD.resource_id AND resource_type = OLD.resource_type;
    DELETE FROM finding_resources WHERE n <= 0 AND region = OLD.region AND account_id = OLD.account_id AND archived = OLD.archived
      AND resource_id = OLD.resource_id AND resource_type = OLD.resource_type;
    INSERT INTO finding_resources VALUES (NEW.region, NEW.account_id, NEW.archived, NEW.resource_id, NEW.resource_type, 1, NEW.updated_at)
      ON CONFLICT DO UPDATE SET n = n + 1, last = max(last, excluded.last);
  END;
  `,
  // 8: attributes kept only in the finding JSON that analysts filter on (access keys, buckets, IPs,
  // API, domain, network interfaces), as (field, value, finding id) terms kept by triggers from the
  // JSON itself, so "equals" on them is answered from an index instead of reading every finding.
  // A term is a scalar at exactly the criterion's path: its parent object's path (array elements
  // at any index, nothing nested deeper) and its key. Field codes and criterion names match
  // TERM_FIELDS in criteria-sql.ts (a test checks it).
  `
  CREATE TABLE finding_term_fields (
    field INTEGER PRIMARY KEY, criterion TEXT NOT NULL UNIQUE, subtree TEXT NOT NULL,
    parent TEXT NOT NULL, deeper TEXT NOT NULL, key TEXT NOT NULL
  );
  INSERT INTO finding_term_fields VALUES
    (1, 'resource.accessKeyDetails.accessKeyId', '$.resource', '$.resource.accessKeyDetails', '', 'accessKeyId'),
    (2, 'resource.accessKeyDetails.principalId', '$.resource', '$.resource.accessKeyDetails', '', 'principalId'),
    (3, 'resource.accessKeyDetails.userName', '$.resource', '$.resource.accessKeyDetails', '', 'userName'),
    (4, 'resource.s3BucketDetails.name', '$.resource', '$.resource.s3BucketDetails[[]*]', '$.resource.s3BucketDetails[[]*][.[]*', 'name'),
    (5, 'resource.instanceDetails.networkInterfaces.networkInterfaceId', '$.resource', '$.resource.instanceDetails.networkInterfaces[[]*]', '$.resource.instanceDetails.networkInterfaces[[]*][.[]*', 'networkInterfaceId'),
    (6, 'resource.instanceDetails.networkInterfaces.privateIpAddress', '$.resource', '$.resource.instanceDetails.networkInterfaces[[]*]', '$.resource.instanceDetails.networkInterfaces[[]*][.[]*', 'privateIpAddress'),
    (7, 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4', '$.service.action', '$.service.action.networkConnectionAction.remoteIpDetails', '', 'ipAddressV4'),
    (8, 'service.action.networkConnectionAction.localIpDetails.ipAddressV4', '$.service.action', '$.service.action.networkConnectionAction.localIpDetails', '', 'ipAddressV4'),
    (9, 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4', '$.service.action', '$.service.action.awsApiCallAction.remoteIpDetails', '', 'ipAddressV4'),
    (10, 'service.action.awsApiCallAction.api', '$.service.action', '$.service.action.awsApiCallAction', '', 'api'),
    (11, 'service.action.dnsRequestAction.domain', '$.service.action', '$.service.action.dnsRequestAction', '', 'domain'),
    (12, 'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4', '$.service.action',
      '$.service.action.portProbeAction.portProbeDetails[[]*].remoteIpDetails', '$.service.action.portProbeAction.portProbeDetails[[]*[.[]*].remoteIpDetails', 'ipAddressV4');
  CREATE TABLE finding_terms (
    field INTEGER NOT NULL,
    value TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (field, value, id)
  ) WITHOUT ROWID;
  CREATE INDEX finding_terms_id ON finding_terms (id);
  INSERT OR IGNORE INTO finding_terms
    SELECT p.field, t.atom, f.id FROM findings f, finding_term_fields p, json_tree(f.json, p.subtree) t
    WHERE t.type IN ('text', 'integer', 'real') AND t.key = p.key AND t.path GLOB p.parent AND NOT t.path GLOB p.deeper;
  CREATE TRIGGER finding_terms_insert AFTER INSERT ON findings BEGIN
    INSERT OR IGNORE INTO finding_terms
      SELECT p.field, t.atom, NEW.id FROM finding_term_fields p, json_tree(NEW.json, p.subtree) t
      WHERE t.type IN ('text', 'integer', 'real') AND t.key = p.key AND t.path GLOB p.parent AND NOT t.path GLOB p.deeper;
  END;
  CREATE TRIGGER finding_terms_update AFTER UPDATE OF json ON findings BEGIN
    DELETE FROM finding_terms WHERE id = OLD.id;
    INSERT OR IGNORE INTO finding_terms
      SELECT p.field, t.atom, NEW.id FROM finding_term_fields p, json_tree(NEW.json, p.subtree) t
      WHERE t.type IN ('text', 'integer', 'real') AND t.key = p.key AND t.path GLOB p.parent AND NOT t.path GLOB p.deeper;
  END;
  CREATE TRIGGER finding_terms_delete AFTER DELETE ON findings BEGIN
    DELETE FROM finding_terms WHERE id = OLD.id;
  END;
  `,
  // 9: "most severe first" pages (the console's severity sort) in index order: (region, severity)
  // carries the rowid tie-break itself, so a page stops after its rows instead of sorting every
  // finding of the top severity (68 ms at 1M findings). The index it replaces served only
  // severity ranges, which this one serves as well.
  `
  DROP INDEX findings_region_severity;
  CREATE INDEX findings_region_severity ON findings (region, severity);
  `,
];
