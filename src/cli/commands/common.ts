/**
 * Options several commands share. Light on purpose (commander only): every command's
 * registration imports it, and `vigil --help` loads every registration. Reading the flags'
 * values and opening the store they name is in store-open.ts, loaded when a command runs.
 */
import { Option } from 'commander';

export const DEFAULT_DB = 'vigil.db';

/**
 * The store flags: `--store <url>` (env VIGIL_STORE) and `--db <path>` (env VIGIL_DB) name the
 * same setting (storeLocation in store-open.ts reads them); both on a command, `.addOption(storeOption()).addOption(dbOption())`.
 */
export function storeOption(what = 'the store'): Option {
  return new Option('--store <url>', `${what}: postgres://user@host/db for PostgreSQL, else a SQLite file (default ${DEFAULT_DB})`).env('VIGIL_STORE');
}

export function dbOption(what = 'the store'): Option {
  return new Option('--db <path>', `${what} as a SQLite file, created if missing (what --store names too; default ${DEFAULT_DB})`).env('VIGIL_DB');
}

/** The values of storeOption() and dbOption() as commander gives them to an action. */
export interface StoreFlags { store?: string; db?: string }
