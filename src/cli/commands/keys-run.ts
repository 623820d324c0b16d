/**
 * What `vigil keys list|create|revoke|rotate` do once their flags are parsed (commands/keys.ts
 * registers them): loaded only when one runs, as it opens the store and the secrets key.
 */
import { existsSync } from 'node:fs';
import { isPostgresUrl, type Store } from '../../store/index.js';
import { KeyStore, KeyStoreError, view, type KeyView } from '../../api/auth/key-store.js';
import { SecretBox, SecretsKeyError, loadSecretsKey } from '../../api/auth/secret-box.js';
import type { KeyRole } from '../../api/config.js';
import { fail, table } from '../format.js';
import type { StoreFlags } from './common.js';
import { openExistingStore, openStoreOrFail, storeLocation } from './store-open.js';

export interface KeysFlags extends StoreFlags { secretsKeyFile?: string; json?: boolean }
export interface KeysCreateOptions extends KeysFlags { account: string; role: KeyRole; adminAccount?: string }
export interface KeysRotateOptions extends KeysFlags { keepOld?: boolean; adminAccount?: string }

async function open(o: KeysFlags, create: boolean): Promise<{ store: Store; keys: KeyStore }> {
  const db = storeLocation(o);
  // a typo in --db must not make an empty database and a key nobody's server reads
  const hint = 'pass --db <file> or --store <url> (as given to vigil serve)';
  if (!create && !isPostgresUrl(db) && db !== ':memory:' && !existsSync(db)) fail(`no database at ${db}: ${hint}`, 2);
  let box: SecretBox;
  try { box = new SecretBox(loadSecretsKey({ db, keyFile: o.secretsKeyFile, key: process.env.VIGIL_SECRETS_KEY || undefined, create }).key); } catch (e) {
    if (e instanceof SecretsKeyError) fail(e.message, 2);
    throw e;
  }
  const store = create ? await openStoreOrFail(db) : await openExistingStore(db, hint);
  return { store, keys: new KeyStore(store, box) };
}

/** The administrator account vigil serve recorded in the database, unless given. */
async function adminAccount(store: Store, given?: string): Promise<string> {
  return given ?? (await store.getDoc<{ accountId: string }>('admin', 'admin'))?.accountId ?? '000000000000';
}

async function run<T>(o: KeysFlags, create: boolean, body: (keys: KeyStore, store: Store) => Promise<T>): Promise<T> {
  const { store, keys } = await open(o, create);
  try {
    return await body(keys, store);
  } catch (e) {
    if (e instanceof KeyStoreError) fail(e.message, 2);
    throw e;
  } finally { await store.close(); }
}

function printPair(o: KeysFlags, made: { accessKeyId: string; secretAccessKey: string; key: KeyView }, extra: Record<string, unknown> = {}): void {
  if (o.json) { console.log(JSON.stringify({ ...made.key, secretAccessKey: made.secretAccessKey, ...extra }, null, 2)); return; }
  console.log([`Key for account ${made.key.accountId} (${made.key.role}), shown this once:`,
    `  aws_access_key_id     = ${made.accessKeyId}`, `  aws_secret_access_key = ${made.secretAccessKey}`,
    'A vigil serve running on this database accepts it within a second.'].join('\n'));
}

export async function keysList(o: KeysFlags): Promise<void> {
  return run(o, false, async (ks) => {
    const list = (await ks.list()).map(view);
    if (o.json) { console.log(JSON.stringify({ keys: list }, null, 2)); return; }
    if (!list.length) { console.log('No keys in the database (keys in the configuration file are not listed).'); return; }
    console.log(table(['Access key', 'Account', 'Role', 'Status', 'Created', 'Revoked', 'Origin'],
      list.map((k) => [k.accessKeyId, k.accountId, k.role, k.status, k.createdAt.slice(0, 19), k.revokedAt?.slice(0, 19) ?? '–', k.origin])));
  });
}

export async function keysCreate(o: KeysCreateOptions): Promise<void> {
  return run(o, true, async (ks, store) => {
    printPair(o, await ks.create({ accountId: o.account, role: o.role, adminAccountId: await adminAccount(store, o.adminAccount) }));
  });
}

export async function keysRevoke(id: string, o: KeysFlags): Promise<void> {
  return run(o, false, async (ks) => {
    const k = await ks.revoke(id);
    if (o.json) console.log(JSON.stringify(k, null, 2));
    else console.log(`Revoked ${k.accessKeyId} (account ${k.accountId}, ${k.role}) at ${k.revokedAt}.`);
  });
}

export async function keysRotate(id: string, o: KeysRotateOptions): Promise<void> {
  return run(o, false, async (ks, store) => {
    const r = await ks.rotate(id, { adminAccountId: await adminAccount(store, o.adminAccount), keepOld: o.keepOld });
    printPair(o, r, { replaced: r.old });
    if (!o.json) console.log(r.old.status === 'revoked' ? `${r.old.accessKeyId} is revoked.` : `${r.old.accessKeyId} stays active until you revoke it.`);
  });
}
