/**
 * A commit (CommitBatch: findings, processed objects, detector state, usage, an optional fence) as
 * statements inside the caller's transaction on PostgreSQL. Findings are upserted by id in
 * statements of CHUNK rows, each statement's rows travelling as one JSON document; usage counters
 * add; a fence refuses an older owner's epoch.
 */
import type pg from 'pg';
import type { Finding } from '../../core/index.js';
import { resourceIdOf } from '../../findings/resource-id.js';
import type { CommitBatch, UsageRow } from '../types.js';
import { FencedError } from '../types.js';
import { termsOf } from './terms.js';
import { pgText } from './text.js';

/** Findings per upsert statement: big enough to amortise a round trip, small enough for one message. */
const CHUNK = 5_000;

/** The last of each key wins, as a sequence of single-row upserts would leave it. */
export function lastByKey<T>(rows: T[], key: (r: T) => string): T[] {
  return [...new Map(rows.map((r) => [key(r), r])).values()];
}

/** Writes `batch` (its findings already folded by id: `findings`) on `c`, inside its transaction. */
export async function writeBatch(c: pg.PoolClient, batch: CommitBatch, findings: Finding[]): Promise<void> {
  if (batch.fence) await checkFence(c, batch.fence);
  for (let i = 0; i < findings.length; i += CHUNK) await upsertFindings(c, findings.slice(i, i + CHUNK));
  const usage = new Map<string, UsageRow>();
  for (const u of batch.usage ?? []) {
    const k = `${u.accountId}|${u.dataSource}|${u.day}`;
    const prev = usage.get(k);
    usage.set(k, prev ? { ...prev, events: prev.events + u.events, bytes: prev.bytes + u.bytes } : { ...u });
  }
  if (usage.size) {
    const us = [...usage.values()];
    await c.query(`INSERT INTO usage (account_id, data_source, day, events, bytes)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
      ON CONFLICT (account_id, data_source, day) DO UPDATE SET events = usage.events + EXCLUDED.events, bytes = usage.bytes + EXCLUDED.bytes`,
    [us.map((u) => u.accountId), us.map((u) => u.dataSource), us.map((u) => u.day), us.map((u) => u.events), us.map((u) => u.bytes)]);
  }
  const objects = lastByKey(batch.objects ?? [], (o) => o.fingerprint);
  if (objects.length) {
    await c.query(`INSERT INTO processed_objects (fingerprint, uri, kind, size, records, bad, processed_at)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[])
      ON CONFLICT (fingerprint) DO UPDATE SET uri = EXCLUDED.uri, kind = EXCLUDED.kind, size = EXCLUDED.size, records = EXCLUDED.records,
        bad = EXCLUDED.bad, processed_at = EXCLUDED.processed_at`,
    [objects.map((o) => o.fingerprint), objects.map((o) => pgText(o.uri)), objects.map((o) => o.kind), objects.map((o) => o.size), objects.map((o) => o.records),
      objects.map((o) => o.bad), objects.map((o) => o.processedAt)]);
  }
  const state = lastByKey(batch.state ?? [], (s) => s.namespace);
  if (state.length) {
    const now = new Date().toISOString();
    await c.query(`INSERT INTO detector_state (namespace, data, updated_at) SELECT n, d, $3 FROM unnest($1::text[], $2::text[]) AS u(n, d)
      ON CONFLICT (namespace) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
    [state.map((s) => s.namespace), state.map((s) => JSON.stringify(s.data)), now]);
  }
}

async function upsertFindings(c: pg.PoolClient, fs: Finding[]): Promise<void> {
  if (fs.length === 0) return;
  const ids = fs.map((f) => f.id), created = fs.map((f) => f.createdAt);
  // the key is (id, created_at) (a partitioned table's keys hold its partition key); a stored
  // finding of the same id under another created time is replaced, so an id stays one finding
  // (`id = ANY` gives each partition's key index an exact probe: joined alone with the unnest, a
  // planner with stale statistics sorted every finding for it, 1.7 s a batch at 1M findings)
  await c.query(`DELETE FROM findings f USING unnest($1::text[], $2::text[]) AS n(id, created_at)
    WHERE f.id = ANY($1::text[]) AND f.id = n.id AND f.created_at <> n.created_at`, [ids, created]);
  const rows = fs.map((f) => ({
    id: f.id, created_at: f.createdAt, account_id: pgText(f.accountId), region: pgText(f.region), detector_id: pgText(f.service.detectorId), type: pgText(f.type),
    severity: f.severity, archived: f.service.archived ? 1 : 0, count: f.service.count, updated_at: pgText(f.updatedAt),
    event_first_seen: pgText(f.service.eventFirstSeen), event_last_seen: pgText(f.service.eventLastSeen), resource_type: pgText(f.resource.resourceType),
    resource_id: pgText(resourceIdOf(f)), terms: termsOf(f).map(pgText), json: JSON.stringify(f),
  }));
  // the rows travel as one JSON document: much cheaper to encode and decode than sixteen
  // text[] parameters, whose element escaping costs more than the insert itself
  await c.query(`INSERT INTO findings (id, created_at, account_id, region, detector_id, type, severity, archived, count, updated_at,
      event_first_seen, event_last_seen, resource_type, resource_id, terms, json)
    SELECT id, created_at, account_id, region, detector_id, type, severity, archived, count, updated_at, event_first_seen, event_last_seen,
      resource_type, resource_id, terms, json
    FROM json_to_recordset($1::json) AS u(id text, created_at text, account_id text, region text, detector_id text, type text, severity float8,
      archived smallint, count bigint, updated_at text, event_first_seen text, event_last_seen text, resource_type text, resource_id text,
      terms text[], json text)
    ON CONFLICT (id, created_at) DO UPDATE SET severity = EXCLUDED.severity, archived = EXCLUDED.archived, count = EXCLUDED.count,
      updated_at = EXCLUDED.updated_at, event_first_seen = EXCLUDED.event_first_seen, event_last_seen = EXCLUDED.event_last_seen,
      resource_type = EXCLUDED.resource_type, resource_id = EXCLUDED.resource_id, terms = EXCLUDED.terms, json = EXCLUDED.json,
      account_id = EXCLUDED.account_id, region = EXCLUDED.region, detector_id = EXCLUDED.detector_id, type = EXCLUDED.type`, [JSON.stringify(rows)]);
}

/** Inside a commit's transaction: refuse an older epoch, record a newer one (CommitBatch.fence). */
async function checkFence(c: pg.PoolClient, f: { key: string; epoch: number }): Promise<void> {
  // commits under one key wait for each other here, so two owners never both pass the check
  await c.query("SELECT pg_advisory_xact_lock(hashtextextended('vigil-fence:' || $1, 0))", [f.key]);
  const { rows } = await c.query<{ json: string }>("SELECT json FROM documents WHERE kind = 'fence' AND id = $1", [f.key]);
  const current = rows.length ? (JSON.parse(rows[0].json) as { epoch: number }).epoch : -1;
  if (current > f.epoch) throw new FencedError(f.key, f.epoch, current);
  if (current < f.epoch) {
    await c.query(`INSERT INTO documents (kind, id, account_id, json) VALUES ('fence', $1, '', $2)
      ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json`, [f.key, JSON.stringify({ epoch: f.epoch })]);
  }
}
