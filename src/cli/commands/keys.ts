/**
 * `vigil keys`: the access keys kept in the database (list, create, revoke, rotate). Secrets are
 * sealed with the secrets key (the key file beside the database, or VIGIL_SECRETS_KEY): the same
 * one `vigil serve` uses, so point both at the same --db (or --store). A running server picks every change up
 * within about a second, without a restart. A secret is printed once, when it is made; `list`
 * never shows one. Keys in the YAML configuration are the file's and are not listed here.
 * The flags are here; what each command does is in keys-run.ts, loaded when it runs.
 */
import { Option, type Command } from 'commander';
import { dbOption, storeOption } from './common.js';
import type { KeysCreateOptions, KeysFlags, KeysRotateOptions } from './keys-run.js';

const common = (c: Command): Command => c
  .addOption(storeOption('the store of vigil serve')).addOption(dbOption('the store of vigil serve'))
  .addOption(new Option('--secrets-key-file <file>', 'key file sealing the secrets (default <db>.key beside a SQLite file; a PostgreSQL store needs it or VIGIL_SECRETS_KEY)').env('VIGIL_SECRETS_KEY_FILE'))
  .option('--json', 'print JSON');

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
    .action(async (o: KeysFlags) => (await import('./keys-run.js')).keysList(o));

  common(keys.command('create').description('a new key pair for an account and role (the secret is printed once)'))
    .requiredOption('--account <id>', 'the 12-digit account the key belongs to')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['administrator', 'member', 'read-only']).makeOptionMandatory())
    .option('--admin-account <id>', 'the administrator account (default: the one vigil serve recorded in the database)')
    .action(async (o: KeysCreateOptions) => (await import('./keys-run.js')).keysCreate(o));

  common(keys.command('revoke').description('revoke a key: its secret is deleted; a running server refuses it within a second').argument('<accessKeyId>'))
    .action(async (id: string, o: KeysFlags) => (await import('./keys-run.js')).keysRevoke(id, o));

  common(keys.command('rotate').description('a new key with the same account and role; the old one is revoked unless --keep-old').argument('<accessKeyId>'))
    .option('--keep-old', 'leave the old key active (revoke it yourself once clients have moved)')
    .option('--admin-account <id>', 'the administrator account (default: the one vigil serve recorded in the database)')
    .action(async (id: string, o: KeysRotateOptions) => (await import('./keys-run.js')).keysRotate(id, o));
}
