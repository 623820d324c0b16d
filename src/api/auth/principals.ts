/**
 * Who is calling: access keys resolve to an account and a role. The administrator account sees
 * and manages every member; a member sees only its own account; a read-only key sees what its
 * account sees and may not change anything.
 *
 * Keys come from the configuration (fixed for the run) and from the database (key-store.ts:
 * the generated administrator key and those of `vigil keys`). The database's are re-read every
 * REFRESH_MS and, at most once per REFRESH_MS, when a request names a key not known yet — so a
 * key created, revoked or rotated by `vigil keys` against the running server's database takes
 * effect within about a second, without a restart. Secrets live only in memory and in sealed form.
 */
import type { ServeConfig, KeyRole } from '../config.js';
import type { Store } from '../../store/index.js';
import { KeyStore, type StoredKey } from './key-store.js';
import { SecretBox, loadSecretsKey } from './secret-box.js';

export { newKeyPair } from './key-pair.js';

export interface Principal { accessKeyId: string; accountId: string; role: KeyRole; isAdmin: boolean; canWrite: boolean }

interface KeyEntry { secret: string; principal: Principal }

export const REFRESH_MS = 1000;

export class Principals {
  private readonly fixed = new Map<string, KeyEntry>();
  private stored = new Map<string, KeyEntry>();
  /** Sealed value → secret, so a refresh decrypts only what changed. */
  private opened = new Map<string, string>();
  private lastRefresh = 0;
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** Why the last refresh failed (a key that no longer opens, a store error), for the log. */
  lastError?: string;

  constructor(private readonly adminAccountId: string, private readonly keys?: KeyStore) {}

  private entry(accountId: string, accessKeyId: string, secret: string, role: KeyRole): KeyEntry {
    const isAdmin = accountId === this.adminAccountId && role !== 'member';
    return { secret, principal: { accessKeyId, accountId, role, isAdmin, canWrite: role !== 'read-only' } };
  }

  /** A key from the configuration. */
  add(accountId: string, accessKeyId: string, secret: string, role: KeyRole): void {
    this.fixed.set(accessKeyId, this.entry(accountId, accessKeyId, secret, role));
  }

  private lookup(accessKeyId: string): KeyEntry | undefined {
    return this.fixed.get(accessKeyId) ?? this.stored.get(accessKeyId);
  }

  /** Re-reads the database's keys: new ones are known, revoked and deleted ones are not. */
  refresh(): Promise<void> {
    if (!this.keys) return Promise.resolve();
    this.refreshing ??= (async () => {
      this.lastError = undefined;
      try {
        const next = new Map<string, KeyEntry>();
        const opened = new Map<string, string>();
        for (const k of await this.keys!.list()) {
          if (k.status !== 'active' || !k.secret) continue;
          const seal = k.secret.data + k.secret.iv;
          let secret = this.opened.get(seal);
          try { secret ??= this.keys!.secretOf(k as StoredKey); } catch {
            this.lastError = `the secret of ${k.accessKeyId} does not open with this secrets key`;
            continue;
          }
          if (secret === undefined) continue;
          opened.set(seal, secret);
          next.set(k.accessKeyId, this.entry(k.accountId, k.accessKeyId, secret, k.role));
        }
        this.stored = next;
        this.opened = opened;
      } catch (e) {
        this.lastError = (e as Error).message;
      } finally {
        this.lastRefresh = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Re-reads on a timer until stop(). */
  start(periodMs = REFRESH_MS): void {
    this.timer ??= setInterval(() => { void this.refresh(); }, periodMs);
    this.timer.unref();
  }

  stop(): void { clearInterval(this.timer); this.timer = undefined; }

  secretFor = async (accessKeyId: string): Promise<string | undefined> => {
    let e = this.lookup(accessKeyId);
    // an unknown key may be one made a moment ago; unknown keys cost at most one read per period
    if (!e && this.keys && Date.now() - this.lastRefresh >= REFRESH_MS) {
      await this.refresh();
      e = this.lookup(accessKeyId);
    }
    return e?.secret;
  };

  principal(accessKeyId: string): Principal | undefined { return this.lookup(accessKeyId)?.principal; }

  get size(): number { return this.fixed.size + this.stored.size; }
}

export interface LoadedPrincipals {
  principals: Principals;
  keys: KeyStore;
  /** The administrator key made at this start, to print once. */
  created?: { accessKeyId: string; secretAccessKey: string };
  /** Set when an older version's plaintext administrator secret was sealed at this start. */
  migrated: boolean;
  /** Where the secrets key came from (a file path, VIGIL_SECRETS_KEY or memory). */
  secretsKeyFrom: string;
}

/**
 * Loads the configured keys and the database's; seals a plaintext administrator secret an older
 * version left; with no administrator key anywhere, makes one (sealed in the database) and
 * returns it so the caller prints it once.
 */
export async function loadPrincipals(config: ServeConfig, store: Store): Promise<LoadedPrincipals> {
  const { key, from } = loadSecretsKey({ db: config.db, keyFile: config.secretsKeyFile, key: config.secretsKey, create: true });
  const keys = new KeyStore(store, new SecretBox(key));
  const p = new Principals(config.adminAccountId, keys);
  for (const a of config.accounts) for (const k of a.keys) p.add(a.accountId, k.accessKeyId, k.secretAccessKey, k.role);
  const { migrated } = await keys.migrateLegacy(config.adminAccountId);
  await p.refresh();
  if (p.lastError) throw new Error(`access keys in ${config.db}: ${p.lastError} (${from}); was the database moved without its key file?`);
  const hasAdmin = config.accounts.some((a) => a.accountId === config.adminAccountId && a.keys.some((k) => k.role === 'administrator'))
    || (await keys.list()).some((k) => k.status === 'active' && k.role === 'administrator' && k.accountId === config.adminAccountId);
  if (hasAdmin) return { principals: p, keys, migrated, secretsKeyFrom: from };
  const made = await keys.create({ accountId: config.adminAccountId, role: 'administrator', adminAccountId: config.adminAccountId, origin: 'generated-admin' });
  await p.refresh();
  return { principals: p, keys, created: { accessKeyId: made.accessKeyId, secretAccessKey: made.secretAccessKey }, migrated, secretsKeyFrom: from };
}
