/**
 * A live `vigil serve` for the API tests, driven by real clients: it starts the server in-process
 * (startServer, the same start-up `vigil serve` runs) on a random port with a temporary store — a
 * SQLite file, or with `store: 'postgres'` (or VIGIL_TEST_STORE=postgres) a database of its own on
 * the machine's PostgreSQL, dropped by `stop()` — and a YAML configuration holding an administrator key, a read-only key on the
 * administrator account and two member accounts' keys. It hands out `@aws-sdk/client-guardduty`
 * clients per key, runs the Debian AWS CLI (/usr/bin/aws, v2) against the server, and sends raw
 * SigV4-signed requests (for bodies no SDK would send). `stop()` closes the server and removes
 * the temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import * as GD from '@aws-sdk/client-guardduty';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { stringify } from 'yaml';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadServeConfig } from '../../src/api/config.js';
import { detectorIdFor } from '../../src/findings/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/postgres.js';
import { randomBytes } from 'node:crypto';

export const REGION = 'us-east-1';
export const ADMIN_ACCOUNT = '111111111111';
/** The account of the bundled samples' logs (samples/AWSLogs/111122223333). */
export const MEMBER1_ACCOUNT = '111122223333';
export const MEMBER2_ACCOUNT = '333333333333';

export interface Key { accessKeyId: string; secretAccessKey: string; accountId: string; role: 'administrator' | 'member' | 'read-only' }

export const KEYS = {
  admin: { accessKeyId: 'AKIAVIGILADMIN000001', secretAccessKey: 'admin/secret+key/0123456789abcdefghijk', accountId: ADMIN_ACCOUNT, role: 'administrator' },
  readOnly: { accessKeyId: 'AKIAVIGILAUDIT000001', secretAccessKey: 'audit/secret+key/0123456789abcdefghijk', accountId: ADMIN_ACCOUNT, role: 'read-only' },
  member1: { accessKeyId: 'AKIAVIGILMEMBER00001', secretAccessKey: 'member1/secret+key/0123456789abcdefgh', accountId: MEMBER1_ACCOUNT, role: 'member' },
  member2: { accessKeyId: 'AKIAVIGILMEMBER00002', secretAccessKey: 'member2/secret+key/0123456789abcdefgh', accountId: MEMBER2_ACCOUNT, role: 'member' },
} satisfies Record<string, Key>;

export const AWS_CLI = '/usr/bin/aws';
/** The Debian awscli package (`.ci/run` installs it); tests that need it skip without it. */
export const HAVE_CLI = existsSync(AWS_CLI);

export interface CliResult {
  code: number;
  /** Parsed stdout (JSON output), when there was any. */
  json: Record<string, unknown> | undefined;
  stdout: string;
  stderr: string;
  /** From "An error occurred (Code) when calling the Op operation[ (reached max retries: 0)]: message". */
  error?: { code: string; message: string };
}

export interface RawResponse { status: number; headers: Headers; text: string; json: Record<string, unknown> | undefined }

export interface RawRequest { method?: string; path: string; query?: Record<string, string>; body?: string | Buffer; headers?: Record<string, string>; region?: string }

export interface Harness {
  url: string;
  port: number;
  dir: string;
  server: RunningServer;
  /** The administrator's detector in REGION (created at start). */
  adminDetectorId: string;
  /** A GuardDuty SDK client signing with `key` (no retries, so errors surface at once). */
  sdk(key: Key): GuardDutyClient;
  /** Runs `aws guardduty <args>` against the server with `key`; never throws on a non-zero exit. */
  cli(key: Key, args: string[]): Promise<CliResult>;
  /** A SigV4-signed request with exactly this body (the header form, or presigned). */
  raw(key: Key, r: RawRequest, o?: { presign?: boolean; signingDate?: Date }): Promise<RawResponse>;
  /** An unsigned request. */
  unsigned(r: RawRequest): Promise<RawResponse>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Settings merged into the YAML configuration (timeouts, caps…). */
  settings?: Record<string, unknown>;
  /** Turns the server's request log on, into this stream. */
  logStream?: NodeJS.WritableStream;
  /** The backend (default VIGIL_TEST_STORE, else sqlite). */
  store?: 'sqlite' | 'postgres';
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  // the SDK is pinned by the lockfile and supports Node 20; its upgrade notice is noise in test output
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const byAccount = new Map<string, Key[]>();
  for (const k of Object.values(KEYS)) byAccount.set(k.accountId, [...(byAccount.get(k.accountId) ?? []), k]);
  const yaml = {
    region: REGION, adminAccountId: ADMIN_ACCOUNT, logLevel: o.logStream ? 'info' : 'silent', ...o.settings,
    accounts: [...byAccount].map(([accountId, keys]) => ({ accountId, keys: keys.map(({ accessKeyId, secretAccessKey, role }) => ({ accessKeyId, secretAccessKey, role })) })),
  };
  const configFile = join(dir, 'vigil.yaml');
  writeFileSync(configFile, stringify(yaml));
  const backend = o.store ?? (process.env.VIGIL_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite');
  const pg: TestDatabase | undefined = backend === 'postgres' ? await createTestDatabase() : undefined;
  // an empty environment: the developer's VIGIL_* settings must not leak into the tests. A
  // PostgreSQL store has no file beside which to keep the secrets key: it comes from the environment
  const config = pg
    ? loadServeConfig({ config: configFile, port: '0', store: pg.url }, { VIGIL_SECRETS_KEY: randomBytes(32).toString('hex') })
    : loadServeConfig({ config: configFile, port: '0', db: join(dir, 'vigil.db') }, {});
  const server = await startServer(config, o.logStream ? { logger: true, logStream: o.logStream } : {}).catch(async (e) => { await pg?.drop(); throw e; });
  const url = server.url;
  const awsConfig = join(dir, 'aws-config');
  writeFileSync(awsConfig, '');
  const clients = new Map<string, GuardDutyClient>();

  const send = async (r: RawRequest, signed?: { key: Key; presign?: boolean; signingDate?: Date }): Promise<RawResponse> => {
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
    const method = r.method ?? (body ? 'POST' : 'GET');
    let headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...(body ? { 'content-type': 'application/json' } : {}), ...r.headers };
    let query: Record<string, string> = { ...r.query };
    if (signed) {
      const signer = new SignatureV4({ credentials: signed.key, region: r.region ?? REGION, service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
      const req = { method, protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: r.path, query, headers, body: body ? new Uint8Array(body) : undefined };
      const s = signed.presign ? await signer.presign(req, { expiresIn: 300, signingDate: signed.signingDate }) : await signer.sign(req, { signingDate: signed.signingDate });
      headers = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, String(v)]));
      query = Object.fromEntries(Object.entries(s.query ?? {}).map(([k, v]) => [k, String(v)]));
    }
    delete headers.host; // fetch sets it (with the port)
    const qs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const res = await fetch(`${url}${r.path}${qs ? `?${qs}` : ''}`, { method, headers, body });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try { json = text ? JSON.parse(text) as Record<string, unknown> : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  };

  return {
    url, port: server.port, dir, server,
    adminDetectorId: detectorIdFor(ADMIN_ACCOUNT, REGION),
    sdk(key) {
      let c = clients.get(key.accessKeyId);
      if (!c) {
        c = new GuardDutyClient({ region: REGION, endpoint: url, maxAttempts: 1,
          credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
        clients.set(key.accessKeyId, c);
      }
      return c;
    },
    cli(key, args) {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8',
        AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: REGION,
        AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: awsConfig, AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard',
        AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
      };
      return new Promise((resolve) => {
        execFile(AWS_CLI, ['guardduty', ...args, '--endpoint-url', url, '--output', 'json', '--no-cli-pager'], { env, timeout: 30_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          let json: Record<string, unknown> | undefined;
          try { json = stdout.trim() ? JSON.parse(stdout) as Record<string, unknown> : undefined; } catch { json = undefined; }
          const m = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \([^)]*\))?: (.*)/.exec(stderr);
          resolve({ code, json, stdout, stderr, ...(m ? { error: { code: m[1], message: m[2].trim() } } : {}) });
        });
      });
    },
    raw: (key, r, opts = {}) => send(r, { key, ...opts }),
    unsigned: (r) => send(r),
    async stop() {
      for (const c of clients.values()) c.destroy();
      await server.stop();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error an SDK call failed with: name, HTTP status and message (fails the test if it succeeded). */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string; type?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; Type?: string; __type?: string };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message, type: err.Type };
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/**
 * Feeds the bundled samples through `vigil scan`'s pipeline into the server's database (the path
 * real findings take: detectors → findings service with the suppression rules → store): about a
 * dozen findings (tests use the count the scan reports) of account MEMBER1_ACCOUNT in us-east-1,
 * dated March 2026, among them PenTest:IAMUser/KaliLinux, Recon:EC2/Portscan and an attack sequence.
 */
export interface ScanResult { created: number; suppressed: number; occurrences: Record<string, number> }

export async function scanSamples(h: Harness): Promise<ScanResult> {
  const { scan } = await import('../../src/app/scan.js');
  const root = new URL('../../samples', import.meta.url).pathname;
  const r = await scan({ inputs: [root], store: h.server.store, force: true });
  return { created: r.findings.created, suppressed: r.findings.suppressed, occurrences: Object.fromEntries(r.findings.byType.map((t) => [t.type, t.occurrences])) };
}

/** Every page of a paginated call, following nextToken. */
export async function allPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>, max = 100): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = await fetchPage(token);
    items.push(...p.items);
    token = p.next;
    if (++pages > max) throw new Error('pagination does not end');
  } while (token);
  return { items, pages };
}

/** Every GuardDuty operation in the SDK's model: name, method, path template. */
export function sdkOperations(): { op: string; method: string; path: string }[] {
  const out: { op: string; method: string; path: string }[] = [];
  for (const [k, v] of Object.entries(GD)) {
    if (!k.endsWith('$') || !Array.isArray(v) || v[0] !== 9) continue;
    const [method, path] = (v[3] as { http: [string, string, number] }).http;
    out.push({ op: v[2] as string, method, path });
  }
  return out;
}

/** A concrete path for a route template: the detector given, a filter name, an ARN of that detector, 'x1' for the rest. */
export function concretePath(template: string, detectorId: string, accountId = ADMIN_ACCOUNT): string {
  return template.split('?')[0].replace(/\{(\w+)\+?\}/g, (_m, p: string) => (p === 'DetectorId' ? detectorId
    : p === 'FilterName' ? 'some-filter'
      : p === 'ResourceArn' ? encodeURIComponent(`arn:aws:guardduty:${REGION}:${accountId}:detector/${detectorId}`) : 'x1'));
}
