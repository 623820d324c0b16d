/**
 * `vigil keys`: the access keys kept in the database (list, create, revoke, rotate). Secrets are
 * sealed with the secrets key (the key file beside the database, or VIGIL_SECRETS_KEY): the same
 * one `vigil serve` uses, so point both at the same --db (or --store). A running server picks every change up
 * within about a second, without a restart. A secret is printed once, when it is made; `list`
 * never shows one. Keys in the YAML configuration are the file's and are not listed here.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { isPostgresUrl, type Store } from '../../store/index.js';
import { KeyStore, KeyStoreError, view, type KeyView } from '../../api/auth/key-store.js';
import { SecretBox, SecretsKeyError, loadSecretsKey } from '../../api/auth/secret-box.js';
import type { KeyRole } from '../../api/config.js';
import { fail, table } from '../format.js';
import { dbOption, openExistingStore, openStoreOrFail, storeLocation, storeOption } from './common.js';

interface Common { db?: string; store?: string; secretsKeyFile?: string; json?: boolean }

const common = (c: Command): Command => c
  .addOption(storeOption('the store of vigil serve')).addOption(dbOption('the store of vigil serve'))
  .addOption(new Option('--secrets-key-file <file>', 'key file sealing the secrets (default <db>.key beside a SQLite file; a PostgreSQL store needs it or VIGIL_SECRETS_KEY)').env('VIGIL_SECRETS_KEY_FILE'))
  .option('--json', 'print JSON');

async function open(o: Common, create: boolean): Promise<{ store: Store; keys: KeyStore }> {
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

async function run<T>(o: Common, create: boolean, body: (keys: KeyStore, store: Store) => Promise<T>): Promise<T> {
  const { store, keys } = await open(o, create);
  try {
    return await body(keys, store);
  } catch (e) {
    if (e instanceof KeyStoreError) fail(e.message, 2);
    throw e;
  } finally { await store.close(); }
}

function printPair(o: Common, made: { accessKeyId: string; secretAccessKey: string; key: KeyView }, extra: Record<string, unknown> = {}): void {
  if (o.json) { console.log(JSON.stringify({ ...made.key, secretAccessKey: made.secretAccessKey, ...extra }, null, 2)); return; }
  console.log([`Key for account ${made.key.accountId} (${made.key.role}), shown this once:`,
    `  aws_access_key_id     = ${made.accessKeyId}`, `  aws_secret_access_key = ${made.secretAccessKey}`,
    'A vigil serve running on this database accepts it within a second.'].join('\n'));
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys')
    .description('list, create, revoke and rotate the access keys kept (encrypted) in the database; a running vigil serve picks changes up without a restart')
    .addHelpText('after', `
Examples:
  vigil keys list --db vigil.db
  vigil keys create --account 111122223333 --role read-only --db vigil.db
  vigil keys revoke AKIA... --db vigil.db
  vigil keys rotate AKIA... --db vigil.db           # a new key, same account and role; the old one revoked`);

  common(keys.command('list').description('the keys in the database, active and revoked (never their secrets)'))
    .action(async (o: Common) => run(o, false, async (ks) => {
      const list = (await ks.list()).map(view);
      if (o.json) { console.log(JSON.stringify({ keys: list }, null, 2)); return; }
      if (!list.length) { console.log('No keys in the database (keys in the configuration file are not listed).'); return; }
      console.log(table(['Access key', 'Account', 'Role', 'Status', 'Created', 'Revoked', 'Origin'],
        list.map((k) => [k.accessKeyId, k.accountId, k.role, k.status, k.createdAt.slice(0, 19), k.revokedAt?.slice(0, 19) ?? '–', k.origin])));
    }));

  common(keys.command('create').description('a new key pair for an account and role (the secret is printed once)'))
    .requiredOption('--account <id>', 'the 12-digit account the key belongs to')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['administrator', 'member', 'read-only']).makeOptionMandatory())
    .option('--admin-account <id>', 'the administrator account (default: the one vigil serve recorded in the database)')
    .action(async (o: Common & { account: string; role: KeyRole; adminAccount?: string }) => run(o, true, async (ks, store) => {
      printPair(o, await ks.create({ accountId: o.account, role: o.role, adminAccountId: await adminAccount(store, o.adminAccount) }));
    }));

  common(keys.command('revoke').description('revoke a key: its secret is deleted; a running server refuses it within a second').argument('<accessKeyId>'))
    .action(async (id: string, o: Common) => run(o, false, async (ks) => {
      const k = await ks.revoke(id);
      if (o.json) console.log(JSON.stringify(k, null, 2));
      else console.log(`Revoked ${k.accessKeyId} (account ${k.accountId}, ${k.role}) at ${k.revokedAt}.`);
    }));

  common(keys.command('rotate').description('a new key with the same account and role; the old one is revoked unless --keep-old').argument('<accessKeyId>'))
    .option('--keep-old', 'leave the old key active (revoke it yourself once clients have moved)')
    .option('--admin-account <id>', 'the administrator account (default: the one vigil serve recorded in the database)')
    .action(async (id: string, o: Common & { keepOld?: boolean; adminAccount?: string }) => run(o, false, async (ks, store) => {
      const r = await ks.rotate(id, { adminAccountId: await adminAccount(store, o.adminAccount), keepOld: o.keepOld });
      printPair(o, r, { replaced: r.old });
      if (!o.json) console.log(r.old.status === 'revoked' ? `${r.old.accessKeyId} is revoked.` : `${r.old.accessKeyId} stays active until you revoke it.`);
    }));
}
