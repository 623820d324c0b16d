/**
 * PostgreSQL schema, as numbered migrations (never edited once released: add a new one). The
 * schema_migrations table records each applied version; migrate() applies the missing ones in
 * order, each in its own transaction, under an advisory lock so two processes starting over the
 * same database do not both apply one.
 *
 * Text columns are `COLLATE "C"` (byte order), as SQLite compares: sort orders, cursors and
 * time comparisons (ISO-8601 text) give the same answers on both backends. `archived` is a
 * smallint 1/0 for the same reason (the criteria translation binds 1/0). The finding JSON is
 * `text`, not `jsonb`: jsonb refuses the `\u0000` a hostile log line can put into a finding.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: everything the SQLite store holds after its migration 8, in one step
  `
  CREATE SEQUENCE findings_seq;
  -- findings partitioned by the month of created_at (which never changes for a finding id):
  -- retention drops whole months; partitions are made on demand ('2026-03' ≤ created_at < '2026-04'),
  -- and the default partition takes a created_at that is not an ISO-8601 time
  CREATE TABLE findings (
    id text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    -- insertion order, kept through upserts: the tie-break of every sort (SQLite's rowid)
    seq bigint NOT NULL DEFAULT nextval('findings_seq'),
    account_id text COLLATE "C" NOT NULL,
    region text COLLATE "C" NOT NULL,
    detector_id text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    severity double precision NOT NULL,
    archived smallint NOT NULL DEFAULT 0,
    count bigint NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    event_first_seen text COLLATE "C" NOT NULL,
    event_last_seen text COLLATE "C" NOT NULL,
    resource_type text COLLATE "C" NOT NULL,
    resource_id text COLLATE "C" NOT NULL,
    -- '<field code>:<value>' of the attributes inside the JSON that equals-filters read (terms.ts)
    terms text[] COLLATE "C" NOT NULL DEFAULT '{}',
    json text NOT NULL,
    PRIMARY KEY (id, created_at)
  ) PARTITION BY RANGE (created_at);
  CREATE TABLE findings_default PARTITION OF findings DEFAULT;
  -- the API's list pages (scoped to a region; sorted by update time, by default newest first),
  -- per account, per type, per severity, by resource; the CLI's and exporter's region-less scans
  CREATE INDEX findings_region_updated ON findings (region, updated_at, seq);
  CREATE INDEX findings_region_account ON findings (region, account_id, updated_at, seq);
  CREATE INDEX findings_region_type ON findings (region, type, updated_at);
  CREATE INDEX findings_region_severity ON findings (region, severity, updated_at);
  CREATE INDEX findings_resource ON findings (resource_id);
  CREATE INDEX findings_updated ON findings (updated_at, seq);
  CREATE INDEX findings_severity ON findings (severity, updated_at);
  -- no pending list: with it, lookups after a bulk write scan it until a vacuum (5 ms instead of
  -- 0.03 ms at 100k findings), and writing straight into the index measured no slower
  CREATE INDEX findings_terms ON findings USING gin (terms) WITH (fastupdate = off);

  CREATE TABLE processed_objects (
    fingerprint text COLLATE "C" PRIMARY KEY,
    uri text NOT NULL,
    kind text COLLATE "C" NOT NULL,
    size bigint NOT NULL,
    records bigint NOT NULL,
    bad bigint NOT NULL,
    processed_at text COLLATE "C" NOT NULL
  );

  CREATE TABLE detector_state (
    namespace text COLLATE "C" PRIMARY KEY,
    data text NOT NULL,
    updated_at text NOT NULL
  );

  CREATE TABLE filters (
    detector_id text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    description text,
    action text NOT NULL,
    rank integer NOT NULL,
    criteria text NOT NULL,
    tags text,
    PRIMARY KEY (detector_id, name)
  );

  CREATE TABLE intel_lists (
    id text COLLATE "C" PRIMARY KEY,
    name text COLLATE "C" NOT NULL UNIQUE,
    json text NOT NULL
  );

  CREATE TABLE documents (
    kind text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    json text NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX documents_account ON documents (kind, account_id);

  CREATE TABLE usage (
    account_id text COLLATE "C" NOT NULL,
    data_source text COLLATE "C" NOT NULL,
    day text COLLATE "C" NOT NULL,
    events bigint NOT NULL,
    bytes bigint NOT NULL,
    PRIMARY KEY (account_id, data_source, day)
  );
  `,

  // 2: finding counts per group (and the severity sort's index, below), kept by statement triggers from the transition tables (one
  // aggregated upsert per statement, not one per row), so statistics over millions of findings read
  // thousands of rows — the same summaries as SQLite's migrations 5–7, with the findings table's
  // column names so criteria translated for findings apply to them unchanged. `last` is the newest
  // updated_at ever counted in the group (a row leaving it does not lower it). A group whose count
  // falls to 0 keeps its row until optimize() deletes it (readers skip n = 0): deleting at write
  // time would scan the summaries on every commit. Rows in statements on a partition itself, and
  // partitions dropped whole, are not seen by these triggers: partitions.ts counts those.
  `
  CREATE TABLE finding_counts (
    region text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    severity double precision NOT NULL,
    archived smallint NOT NULL,
    day text COLLATE "C" NOT NULL,
    n bigint NOT NULL,
    last text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, account_id, type, severity, archived, day)
  );
  CREATE TABLE finding_totals (
    region text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    severity double precision NOT NULL,
    archived smallint NOT NULL,
    n bigint NOT NULL,
    last text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, account_id, type, severity, archived)
  );
  CREATE TABLE finding_resources (
    region text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    archived smallint NOT NULL,
    resource_id text COLLATE "C" NOT NULL,
    resource_type text COLLATE "C" NOT NULL,
    n bigint NOT NULL,
    last text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, account_id, archived, resource_id, resource_type)
  );

  -- adds n (+1 a row that came, -1 a row that left) per group; rows are locked in key order so
  -- two writers over the same groups wait for each other instead of deadlocking
  CREATE FUNCTION vigil_count_findings(d_region text[], d_account text[], d_type text[], d_severity float8[], d_archived smallint[],
      d_updated text[], d_resource_id text[], d_resource_type text[], d_n bigint[]) RETURNS void LANGUAGE sql AS $fn$
    INSERT INTO finding_counts AS t
      SELECT region, account_id, type, severity, archived, substr(updated_at, 1, 10), sum(n), coalesce(max(updated_at) FILTER (WHERE n > 0), '')
      FROM unnest(d_region, d_account, d_type, d_severity, d_archived, d_updated, d_n) AS d(region, account_id, type, severity, archived, updated_at, n)
      GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (region, account_id, type, severity, archived, day) DO UPDATE SET n = t.n + EXCLUDED.n, last = GREATEST(t.last, EXCLUDED.last)
      WHERE EXCLUDED.n <> 0 OR EXCLUDED.last > t.last;
    INSERT INTO finding_totals AS t
      SELECT region, account_id, type, severity, archived, sum(n), coalesce(max(updated_at) FILTER (WHERE n > 0), '')
      FROM unnest(d_region, d_account, d_type, d_severity, d_archived, d_updated, d_n) AS d(region, account_id, type, severity, archived, updated_at, n)
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (region, account_id, type, severity, archived) DO UPDATE SET n = t.n + EXCLUDED.n, last = GREATEST(t.last, EXCLUDED.last)
      WHERE EXCLUDED.n <> 0 OR EXCLUDED.last > t.last;
    INSERT INTO finding_resources AS t
      SELECT region, account_id, archived, resource_id, resource_type, sum(n), coalesce(max(updated_at) FILTER (WHERE n > 0), '')
      FROM unnest(d_region, d_account, d_archived, d_resource_id, d_resource_type, d_updated, d_n) AS d(region, account_id, archived, resource_id, resource_type, updated_at, n)
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (region, account_id, archived, resource_id, resource_type) DO UPDATE SET n = t.n + EXCLUDED.n, last = GREATEST(t.last, EXCLUDED.last)
      WHERE EXCLUDED.n <> 0 OR EXCLUDED.last > t.last;
  $fn$;

  -- an update counts its rows out of their old groups and into their new ones in one call: a
  -- finding seen again (same groups, a newer update) then rewrites only groups whose last moved
  CREATE FUNCTION vigil_findings_counted() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM vigil_count_findings(array_agg(region), array_agg(account_id), array_agg(type), array_agg(severity), array_agg(archived),
        array_agg(updated_at), array_agg(resource_id), array_agg(resource_type), array_agg(1::bigint)) FROM vigil_new HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM vigil_count_findings(array_agg(region), array_agg(account_id), array_agg(type), array_agg(severity), array_agg(archived),
        array_agg(updated_at), array_agg(resource_id), array_agg(resource_type), array_agg(-1::bigint)) FROM vigil_old HAVING count(*) > 0;
    ELSE
      PERFORM vigil_count_findings(array_agg(region), array_agg(account_id), array_agg(type), array_agg(severity), array_agg(archived),
        array_agg(updated_at), array_agg(resource_id), array_agg(resource_type), array_agg(n))
      FROM (SELECT region, account_id, type, severity, archived, updated_at, resource_id, resource_type, 1::bigint AS n FROM vigil_new
        UNION ALL SELECT region, account_id, type, severity, archived, updated_at, resource_id, resource_type, -1::bigint FROM vigil_old) d
      HAVING count(*) > 0;
    END IF;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER findings_counted_insert AFTER INSERT ON findings REFERENCING NEW TABLE AS vigil_new
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_findings_counted();
  CREATE TRIGGER findings_counted_update AFTER UPDATE ON findings REFERENCING OLD TABLE AS vigil_old NEW TABLE AS vigil_new
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_findings_counted();
  CREATE TRIGGER findings_counted_delete AFTER DELETE ON findings REFERENCING OLD TABLE AS vigil_old
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_findings_counted();

  -- "most severe first" pages in index order (seq is every sort's tie-break), instead of sorting
  -- every finding of the top severity; severity ranges are served as before
  DROP INDEX findings_region_severity;
  CREATE INDEX findings_region_severity ON findings (region, severity, seq);

  -- what is already there (grouped in SQL: an upgrade over millions of findings builds no arrays)
  INSERT INTO finding_counts SELECT region, account_id, type, severity, archived, substr(updated_at, 1, 10), count(*), max(updated_at)
    FROM findings GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO finding_totals SELECT region, account_id, type, severity, archived, count(*), max(updated_at) FROM findings GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO finding_resources SELECT region, account_id, archived, resource_id, resource_type, count(*), max(updated_at)
    FROM findings GROUP BY 1, 2, 3, 4, 5;
  `,
];
