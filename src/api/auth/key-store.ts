/**
 * Access keys kept in the database (store documents of kind `access-key`, one per key id): the
 * administrator key `vigil serve` makes when none is configured, and the keys `vigil keys`
 * creates. The secret is sealed (secret-box.ts); a revoked key keeps its record (who, when) but
 * loses its secret. Keys in the YAML configuration are not here: they are the file's.
 * A running server re-reads these records (principals.ts), so a create, revoke or rotate takes
 * effect without a restart.
 */
import type { Store } from '../../store/index.js';
import type { KeyRole } from '../config.js';
import { newKeyPair } from './key-pair.js';
import { SecretBox, type Sealed } from './secret-box.js';

export const ACCESS_KEY_KIND = 'access-key';
/** Before issue 13: the generated administrator key, in plaintext. Migrated and deleted on start. */
const LEGACY_KIND = 'credential';

export interface StoredKey {
  accessKeyId: string;
  accountId: string;
  role: KeyRole;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
  /** Why it exists: made by `vigil serve` at first start, or by `vigil keys`. */
  origin: 'generated-admin' | 'cli';
  secret?: Sealed;
}

/** What may be shown of a key: everything but the secret. */
export type KeyView = Omit<StoredKey, 'secret'>;

export class KeyStoreError extends Error {}

export class KeyStore {
  constructor(private readonly store: Store, readonly box: SecretBox) {}

  async list(): Promise<StoredKey[]> {
    return this.store.listDocs<StoredKey>(ACCESS_KEY_KIND);
  }

  async get(accessKeyId: string): Promise<StoredKey | undefined> {
    return this.store.getDoc<StoredKey>(ACCESS_KEY_KIND, accessKeyId);
  }

  /** The secret of an active key (throws when the secrets key is not the one it was sealed with). */
  secretOf(k: StoredKey): string | undefined {
    return k.status === 'active' && k.secret ? this.box.open(k.secret, k.accessKeyId) : undefined;
  }

  async create(o: { accountId: string; role: KeyRole; adminAccountId: string; origin?: StoredKey['origin'] }): Promise<{ accessKeyId: string; secretAccessKey: string; key: KeyView }> {
    if (!/^\d{12}$/.test(o.accountId)) throw new KeyStoreError(`the account must be 12 digits (got ${o.accountId})`);
    if (!['administrator', 'member', 'read-only'].includes(o.role)) throw new KeyStoreError(`the role must be administrator, member or read-only (got ${o.role})`);
    if (o.role === 'administrator' && o.accountId !== o.adminAccountId) {
      throw new KeyStoreError(`the administrator role belongs to the administrator account (${o.adminAccountId}), not ${o.accountId}`);
    }
    const pair = newKeyPair();
    const key: StoredKey = {
      accessKeyId: pair.accessKeyId, accountId: o.accountId, role: o.role, status: 'active', createdAt: new Date().toISOString(),
      origin: o.origin ?? 'cli', secret: this.box.seal(pair.secretAccessKey, pair.accessKeyId),
    };
    await this.store.putDoc(ACCESS_KEY_KIND, key.accessKeyId, key.accountId, key);
    return { ...pair, key: view(key) };
  }

  /** Revokes a key: its secret is dropped at once; running servers refuse it within their refresh period. */
  async revoke(accessKeyId: string): Promise<KeyView> {
    const k = await this.get(accessKeyId);
    if (!k) throw new KeyStoreError(`no key ${accessKeyId} in the database (keys in the configuration file are revoked by removing them there)`);
    if (k.status === 'revoked') return view(k);
    const revoked: StoredKey = { ...view(k), status: 'revoked', revokedAt: new Date().toISOString() };
    await this.store.putDoc(ACCESS_KEY_KIND, k.accessKeyId, k.accountId, revoked);
    return view(revoked);
  }

  /** A new key with the same account and role; the old one is revoked unless `keepOld`. */
  async rotate(accessKeyId: string, o: { adminAccountId: string; keepOld?: boolean }): Promise<{ accessKeyId: string; secretAccessKey: string; key: KeyView; old: KeyView }> {
    const k = await this.get(accessKeyId);
    if (!k) throw new KeyStoreError(`no key ${accessKeyId} in the database (keys in the configuration file are rotated there)`);
    if (k.status !== 'active') throw new KeyStoreError(`${accessKeyId} is revoked: create a new key instead`);
    const made = await this.create({ accountId: k.accountId, role: k.role, adminAccountId: o.adminAccountId, origin: k.origin });
    const old = o.keepOld ? view(k) : await this.revoke(accessKeyId);
    return { ...made, old };
  }

  /**
   * The plaintext administrator credential older versions kept (document `credential` /
   * `admin:<account>`) becomes a sealed key record with the same id and secret, and the plaintext
   * document is deleted (the store zeroes deleted rows). Returns whether there was one, and how
   * many plaintext credentials remain (those of another administrator account than this one).
   */
  async migrateLegacy(adminAccountId: string): Promise<{ migrated: boolean; remaining: number }> {
    const docId = `admin:${adminAccountId}`;
    const legacy = await this.store.getDoc<{ accessKeyId?: string; secretAccessKey?: string }>(LEGACY_KIND, docId);
    let migrated = false;
    if (legacy?.accessKeyId && legacy.secretAccessKey) {
      if (!(await this.get(legacy.accessKeyId))) {
        const key: StoredKey = {
          accessKeyId: legacy.accessKeyId, accountId: adminAccountId, role: 'administrator', status: 'active',
          createdAt: new Date().toISOString(), origin: 'generated-admin', secret: this.box.seal(legacy.secretAccessKey, legacy.accessKeyId),
        };
        await this.store.putDoc(ACCESS_KEY_KIND, key.accessKeyId, key.accountId, key);
      }
      migrated = true;
    }
    if (legacy) await this.store.deleteDoc(LEGACY_KIND, docId);
    return { migrated, remaining: (await this.store.listDocs(LEGACY_KIND)).length };
  }
}

export function view(k: StoredKey): KeyView {
  const { secret: _secret, ...rest } = k;
  return rest;
}
