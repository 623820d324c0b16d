/**
 * `vigil serve` configuration: defaults ← YAML file (`--config`, VIGIL_CONFIG) ← environment ←
 * flags. SERVE_SETTINGS below is the schema: docs/config.md is generated from it (a test keeps
 * them in step). Secrets (secret access keys) are never logged or printed, except a generated
 * administrator key, once, when it is created.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SourceConfig } from '../sources/registry.js';
import type { NotifierConfig } from '../notify/registry.js';

export type KeyRole = 'administrator' | 'member' | 'read-only';
export interface KeyConfig { accessKeyId: string; secretAccessKey: string; role: KeyRole }
export interface AccountConfig { accountId: string; keys: KeyConfig[] }

export interface ServeConfig {
  host: string;
  port: number;
  /**
   * The store's location (setting `store`, or its older name `db`): a PostgreSQL URL
   * (`postgres://…`) or a SQLite file.
   */
  db: string;
  region: string;
  adminAccountId: string;
  /** Keys per account (the administrator's included). */
  accounts: AccountConfig[];
  bodyLimitBytes: number;
  /** Hostile clients (connections.ts): time to the end of the headers, and the idle time of a new connection. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /** Idle time a keep-alive connection is kept between requests. */
  keepAliveTimeoutMs: number;
  /** Connections that have not yet made an authenticated request, overall and per remote address. */
  maxUnauthenticatedConnections: number;
  maxUnauthenticatedPerAddress: number;
  /** File holding the key that encrypts secret access keys in the database (default `<db>.key`). */
  secretsKeyFile?: string;
  /** The secrets key itself (VIGIL_SECRETS_KEY only: never in the YAML file); wins over the file. */
  secretsKey?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Continuous ingestion (issue 7): where logs land (docs/continuous.md). */
  sources: SourceConfig[];
  /** Where finding events go (docs/continuous.md). */
  notifiers: NotifierConfig[];
  /** Days findings are kept (exported first when a publishing destination is set). */
  retentionDays: number;
}

export interface Setting { key: string; env?: string; flag?: string; default: string; description: string }

/** Every setting, with where it can be given. */
export const SERVE_SETTINGS: readonly Setting[] = [
  { key: 'host', env: 'VIGIL_HOST', flag: '--host', default: '127.0.0.1', description: 'Address to listen on (0.0.0.0 for all interfaces).' },
  { key: 'port', env: 'VIGIL_PORT', flag: '--port', default: '8765', description: 'TCP port of the GuardDuty API, the extensions and the console.' },
  { key: 'store', env: 'VIGIL_STORE', flag: '--store', default: 'vigil.db', description: 'The store `vigil scan` writes and the API serves: a SQLite file, or a PostgreSQL URL `postgres://user@host:5432/database` (several servers and workers over one database; see docs/store.md). Its older name `db` (`VIGIL_DB`, `--db`) is the same setting; given both at one level, they must agree.' },
  { key: 'region', env: 'VIGIL_REGION', flag: '--region', default: 'us-east-1', description: 'Region of the administrator detector created at start (other regions get one on CreateDetector).' },
  { key: 'adminAccountId', env: 'VIGIL_ADMIN_ACCOUNT_ID', flag: '--admin-account', default: '000000000000', description: 'The administrator account: sees and manages every member account.' },
  { key: 'admin key', env: 'VIGIL_ADMIN_ACCESS_KEY_ID / VIGIL_ADMIN_SECRET_ACCESS_KEY', default: 'generated once, printed once, kept in the database', description: 'An administrator access key pair, in addition to those in `accounts`.' },
  { key: 'accounts', default: '[]', description: 'Access keys per account: `[{accountId, keys: [{accessKeyId, secretAccessKey, role: administrator|member|read-only}]}]` (YAML file only).' },
  { key: 'bodyLimitBytes', env: 'VIGIL_BODY_LIMIT', default: '1048576', description: 'Largest request body accepted (bytes); larger requests get a BadRequestException.' },
  { key: 'headersTimeoutMs', env: 'VIGIL_HEADERS_TIMEOUT_MS', default: '10000', description: 'A request\'s headers must arrive within this time, and a new connection must start a request within it; otherwise the connection is closed (408).' },
  { key: 'requestTimeoutMs', env: 'VIGIL_REQUEST_TIMEOUT_MS', default: '30000', description: 'A whole request, body included, must arrive within this time (a body sent a byte at a time is cut off: 408). At least headersTimeoutMs.' },
  { key: 'keepAliveTimeoutMs', env: 'VIGIL_KEEP_ALIVE_TIMEOUT_MS', default: '5000', description: 'An idle keep-alive connection is closed after this time.' },
  { key: 'maxUnauthenticatedConnections', env: 'VIGIL_MAX_UNAUTHENTICATED_CONNECTIONS', default: '512', description: 'Open connections that have not yet made a SigV4-authenticated request (all addresses); a connection beyond it is closed at once. Authenticated connections do not count.' },
  { key: 'maxUnauthenticatedPerAddress', env: 'VIGIL_MAX_UNAUTHENTICATED_PER_ADDRESS', default: '64', description: 'The same, per remote address.' },
  { key: 'secretsKeyFile', env: 'VIGIL_SECRETS_KEY_FILE', default: '`<db>.key` (SQLite); none (PostgreSQL)', description: 'The AES-256 key that encrypts the secret access keys kept in the database (created 0600 on first use). `VIGIL_SECRETS_KEY` (64 hex characters or base64 of 32 bytes) gives the key itself instead. A PostgreSQL store needs one of the two, the same on every server over it. See docs/api.md.' },
  { key: 'sources', flag: '--watch DIR (repeatable)', default: '[]', description: 'Continuous ingestion (YAML): `{type: folder, path, settleMs}`, `{type: s3, bucket, prefix, start: now\\|backfill\\|DATE, region, endpoint, profile, pollSeconds}`, `{type: sqs, queueUrl, region, endpoint, s3Endpoint, visibilityTimeout}`; `--watch DIR` (repeatable) adds a folder with no file. See docs/continuous.md.' },
  { key: 'notifiers', default: '[]', description: 'Finding events (YAML): `{type: webhook, url, secret}`, `{type: slack, url}`, `{type: syslog, host, port, protocol: udp\\|tcp\\|tls, format: rfc5424\\|cef}`, `{type: file, path}`, each with `minSeverity`, `attempts`, `backoffMs`. See docs/continuous.md.' },
  { key: 'retentionDays', env: 'VIGIL_RETENTION_DAYS', default: '90', description: 'Findings last updated longer ago are exported to the publishing destination (if any), then deleted. At least 1.' },
  { key: 'logLevel', env: 'VIGIL_LOG_LEVEL', flag: '--log-level', default: 'info', description: 'fatal, error, warn, info, debug or silent. Request logs never contain credentials or bodies.' },
];

export class ConfigError extends Error {}

const ROLES: readonly KeyRole[] = ['administrator', 'member', 'read-only'];

function check(c: ServeConfig): ServeConfig {
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new ConfigError(`port must be 0–65535 (got ${c.port})`);
  if (!/^\d{12}$/.test(c.adminAccountId)) throw new ConfigError(`adminAccountId must be 12 digits (got ${c.adminAccountId})`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(c.region)) throw new ConfigError(`region does not look like an AWS region: ${c.region}`);
  if (!Number.isInteger(c.bodyLimitBytes) || c.bodyLimitBytes < 1024) throw new ConfigError('bodyLimitBytes must be an integer ≥ 1024');
  for (const k of ['headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 100) throw new ConfigError(`${k} must be an integer ≥ 100 (milliseconds; got ${c[k]})`);
  }
  if (c.requestTimeoutMs < c.headersTimeoutMs) throw new ConfigError('requestTimeoutMs must be at least headersTimeoutMs');
  for (const k of ['maxUnauthenticatedConnections', 'maxUnauthenticatedPerAddress'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new ConfigError(`${k} must be an integer ≥ 1 (got ${c[k]})`);
  }
  if (c.secretsKeyFile !== undefined && (typeof c.secretsKeyFile !== 'string' || !c.secretsKeyFile)) throw new ConfigError('secretsKeyFile must be a file path');
  if (!Number.isFinite(c.retentionDays) || c.retentionDays < 1) throw new ConfigError(`retentionDays must be a number ≥ 1 (got ${c.retentionDays})`);
  if (!Array.isArray(c.sources) || c.sources.some((x) => !x || typeof x !== 'object')) throw new ConfigError('sources must be a list of {type: …} entries');
  if (!Array.isArray(c.notifiers) || c.notifiers.some((x) => !x || typeof x !== 'object')) throw new ConfigError('notifiers must be a list of {type: …} entries');
  const seen = new Set<string>();
  for (const a of c.accounts) {
    if (!/^\d{12}$/.test(a.accountId)) throw new ConfigError(`accounts: accountId must be 12 digits (got ${a.accountId})`);
    for (const k of a.keys ?? []) {
      if (!/^[A-Z0-9]{16,128}$/.test(k.accessKeyId ?? '')) throw new ConfigError(`accounts: access key ids are 16–128 upper-case letters and digits (account ${a.accountId})`);
      if (typeof k.secretAccessKey !== 'string' || k.secretAccessKey.length < 16) throw new ConfigError(`accounts: the secret for ${k.accessKeyId} must be at least 16 characters`);
      if (!ROLES.includes(k.role)) throw new ConfigError(`accounts: role of ${k.accessKeyId} must be administrator, member or read-only`);
      if (k.role === 'administrator' && a.accountId !== c.adminAccountId) throw new ConfigError(`accounts: ${k.accessKeyId} has the administrator role but account ${a.accountId} is not the administrator (${c.adminAccountId})`);
      if (seen.has(k.accessKeyId)) throw new ConfigError(`accounts: access key ${k.accessKeyId} appears twice`);
      seen.add(k.accessKeyId);
    }
  }
  return c;
}

/** `store` and its older name `db`, given at one level: the one given, or both when they agree. */
function oneStore(what: string, store: string | undefined, db: string | undefined): string | undefined {
  if (store === '') store = undefined;
  if (db === '') db = undefined;
  if (store !== undefined && db !== undefined && String(store) !== String(db)) throw new ConfigError(`${what} and its older name db name different stores: give one`);
  return store === undefined ? (db === undefined ? undefined : String(db)) : String(store);
}

export function loadServeConfig(flags: Partial<Record<'config' | 'host' | 'port' | 'db' | 'store' | 'region' | 'adminAccount' | 'logLevel', string>> & { watch?: string[] }, env = process.env): ServeConfig {
  const c: ServeConfig = { host: '127.0.0.1', port: 8765, db: 'vigil.db', region: 'us-east-1', adminAccountId: '000000000000', accounts: [], bodyLimitBytes: 1 << 20,
    headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxUnauthenticatedConnections: 512, maxUnauthenticatedPerAddress: 64, logLevel: 'info', sources: [], notifiers: [], retentionDays: 90 };
  const file = flags.config ?? env.VIGIL_CONFIG;
  if (file) {
    let doc: Record<string, unknown>;
    try { doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>; } catch (e) { throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`); }
    const known = new Set(['host', 'port', 'db', 'store', 'region', 'adminAccountId', 'accounts', 'bodyLimitBytes', 'logLevel', 'sources', 'notifiers', 'retentionDays',
      'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs', 'maxUnauthenticatedConnections', 'maxUnauthenticatedPerAddress', 'secretsKeyFile']);
    for (const k of Object.keys(doc)) if (!known.has(k)) throw new ConfigError(`${file}: unknown setting "${k}" (see docs/config.md)`);
    const { store, ...rest } = doc;
    Object.assign(c, rest);
    c.db = oneStore(`${file}: store`, store as string | undefined, doc.db as string | undefined) ?? c.db;
    c.port = Number(c.port);
    c.accounts = (doc.accounts as AccountConfig[] | undefined)?.map((a) => ({ accountId: String(a.accountId), keys: a.keys ?? [] })) ?? [];
  }
  const pick = (e: string | undefined, f: string | undefined) => f ?? e;
  c.host = pick(env.VIGIL_HOST, flags.host) ?? c.host;
  c.port = Number(pick(env.VIGIL_PORT, flags.port) ?? c.port);
  c.db = pick(oneStore('VIGIL_STORE', env.VIGIL_STORE, env.VIGIL_DB), oneStore('--store', flags.store, flags.db)) ?? c.db;
  c.region = pick(env.VIGIL_REGION, flags.region) ?? c.region;
  c.adminAccountId = pick(env.VIGIL_ADMIN_ACCOUNT_ID, flags.adminAccount) ?? String(c.adminAccountId);
  c.bodyLimitBytes = Number(env.VIGIL_BODY_LIMIT ?? c.bodyLimitBytes);
  c.headersTimeoutMs = Number(env.VIGIL_HEADERS_TIMEOUT_MS ?? c.headersTimeoutMs);
  c.requestTimeoutMs = Number(env.VIGIL_REQUEST_TIMEOUT_MS ?? c.requestTimeoutMs);
  c.keepAliveTimeoutMs = Number(env.VIGIL_KEEP_ALIVE_TIMEOUT_MS ?? c.keepAliveTimeoutMs);
  c.maxUnauthenticatedConnections = Number(env.VIGIL_MAX_UNAUTHENTICATED_CONNECTIONS ?? c.maxUnauthenticatedConnections);
  c.maxUnauthenticatedPerAddress = Number(env.VIGIL_MAX_UNAUTHENTICATED_PER_ADDRESS ?? c.maxUnauthenticatedPerAddress);
  c.secretsKeyFile = env.VIGIL_SECRETS_KEY_FILE ?? c.secretsKeyFile;
  c.secretsKey = env.VIGIL_SECRETS_KEY || undefined;
  c.logLevel = (pick(env.VIGIL_LOG_LEVEL, flags.logLevel) ?? c.logLevel) as ServeConfig['logLevel'];
  c.retentionDays = Number(env.VIGIL_RETENTION_DAYS ?? c.retentionDays);
  c.sources = [...(c.sources ?? []), ...(flags.watch ?? []).map((path) => ({ type: 'folder' as const, path }))];
  c.notifiers ??= [];
  if (env.VIGIL_ADMIN_ACCESS_KEY_ID || env.VIGIL_ADMIN_SECRET_ACCESS_KEY) {
    if (!env.VIGIL_ADMIN_ACCESS_KEY_ID || !env.VIGIL_ADMIN_SECRET_ACCESS_KEY) throw new ConfigError('set both VIGIL_ADMIN_ACCESS_KEY_ID and VIGIL_ADMIN_SECRET_ACCESS_KEY, or neither');
    let admin = c.accounts.find((a) => a.accountId === c.adminAccountId);
    if (!admin) c.accounts.push(admin = { accountId: c.adminAccountId, keys: [] });
    admin.keys.push({ accessKeyId: env.VIGIL_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.VIGIL_ADMIN_SECRET_ACCESS_KEY, role: 'administrator' });
  }
  return check(c);
}

export function configMarkdown(): string {
  return ['# `vigil serve` configuration', '', '<!-- generated from SERVE_SETTINGS in src/api/config.ts by `npm run gen:docs`; do not edit -->', '',
    'Precedence: defaults, then the YAML file (`--config FILE` or `VIGIL_CONFIG`), then environment variables, then flags.', '',
    '| Setting | Environment | Flag | Default | Meaning |', '|---|---|---|---|---|',
    ...SERVE_SETTINGS.map((s) => `| \`${s.key}\` | ${s.env ? `\`${s.env}\`` : '–'} | ${s.flag ? `\`${s.flag}\`` : '–'} | ${s.default} | ${s.description} |`),
    '', 'Example file:', '', '```yaml', 'port: 8765', 'region: eu-west-1', 'adminAccountId: "111111111111"', 'accounts:',
    '  - accountId: "111111111111"', '    keys:', '      - { accessKeyId: AKIAADMINEXAMPLE0001, secretAccessKey: "…", role: administrator }',
    '      - { accessKeyId: AKIAAUDITEXAMPLE0001, secretAccessKey: "…", role: read-only }',
    '  - accountId: "222222222222"', '    keys:', '      - { accessKeyId: AKIAMEMBEREXAMPLE001, secretAccessKey: "…", role: member }', '```', ''].join('\n');
}
