/**
 * Secrets at rest: secret access keys are kept in the database sealed with AES-256-GCM under a
 * key that never enters the database. SigV4 needs the secret itself, so it is encrypted, not
 * hashed. The key comes from VIGIL_SECRETS_KEY (64 hex characters, or base64 of 32 bytes), else
 * from a key file — `secretsKeyFile`, by default `<db>.key` beside a SQLite database — created
 * 0600 with a random key on first use. A PostgreSQL store has no file to sit beside, and every
 * server over it must share the key: it needs VIGIL_SECRETS_KEY or secretsKeyFile given. Each sealed value is bound to its access key id (GCM's
 * additional data), so a sealed secret copied onto another key's record does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isPostgresUrl, redactLocation } from '../../store/location.js';

export interface Sealed { alg: 'A256GCM'; iv: string; tag: string; data: string }

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  }

  seal(plain: string, boundTo: string): Sealed {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(boundTo));
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return { alg: 'A256GCM', iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** The plaintext, or an error when the key is not the one it was sealed with (or the value was changed). */
  open(s: Sealed, boundTo: string): string {
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(s.iv, 'base64'));
    d.setAAD(Buffer.from(boundTo));
    d.setAuthTag(Buffer.from(s.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(s.data, 'base64')), d.final()]).toString('utf8');
  }
}

export class SecretsKeyError extends Error {}

function parseKey(text: string, from: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new SecretsKeyError(`${from} must hold 32 bytes (64 hex characters or base64)`);
  return key;
}

export const defaultKeyFile = (db: string): string => `${db}.key`;

/**
 * The secrets key for a database. With `create`, a missing key file is made (0600, in a folder
 * made 0700); an existing one is narrowed to 0600. An in-memory database gets a key of its own.
 */
export function loadSecretsKey(o: { db: string; keyFile?: string; key?: string; create: boolean }): { key: Buffer; from: string } {
  if (o.key) return { key: parseKey(o.key, 'VIGIL_SECRETS_KEY'), from: 'VIGIL_SECRETS_KEY' };
  if (!o.keyFile && isPostgresUrl(o.db)) {
    throw new SecretsKeyError(`the store ${redactLocation(o.db)} is PostgreSQL, with no database file to keep the secrets key beside: `
      + 'set VIGIL_SECRETS_KEY (64 hex characters, e.g. from `openssl rand -hex 32`; the same for every server and `vigil keys` over this store), '
      + 'or secretsKeyFile / VIGIL_SECRETS_KEY_FILE (vigil keys: --secrets-key-file), a file made on first use and shared between servers');
  }
  const file = o.keyFile ?? (o.db === ':memory:' ? undefined : defaultKeyFile(o.db));
  if (!file) return { key: randomBytes(32), from: 'memory' };
  if (!existsSync(file)) {
    if (!o.create) throw new SecretsKeyError(`no secrets key at ${file} (set secretsKeyFile / VIGIL_SECRETS_KEY_FILE, or VIGIL_SECRETS_KEY)`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // written whole under a temporary name, then linked into place: a reader never sees half a
    // key, and when another process (`vigil keys` beside a starting server) got there first, its key wins
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try { writeSync(fd, `${randomBytes(32).toString('hex')}\n`); } finally { closeSync(fd); }
    try { linkSync(tmp, file); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally { unlinkSync(tmp); }
  }
  try { chmodSync(file, 0o600); } catch { /* not ours to change: read it as it is */ }
  return { key: parseKey(readFileSync(file, 'utf8'), file), from: file };
}
