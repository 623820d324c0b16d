/**
 * The store the flags of common.ts name, and opening it. Loaded by a command's action (never by
 * its registration): it imports the store, and with it SQLite and PostgreSQL.
 */
import { existsSync } from 'node:fs';
import { isPostgresUrl, openStore, redactLocation, StoreMissingError, StoreUnavailableError, type Store } from '../../store/index.js';
import { fail } from '../format.js';
import { DEFAULT_DB, type StoreFlags } from './common.js';

/** The store location the flags give: --store or --db (they must agree when both are set), else vigil.db. */
export function storeLocation(o: StoreFlags): string {
  if (o.store && o.db && o.store !== o.db) fail(`--store (VIGIL_STORE) and --db (VIGIL_DB) name different stores (${redactLocation(o.store)}, ${o.db}): give one`, 2);
  return o.store || o.db || DEFAULT_DB;
}

/** How to name this store again on a command line (for hints): `--store <url>` or `--db <file>`, password hidden. */
export function storeFlag(location: string): string {
  return `${isPostgresUrl(location) ? '--store' : '--db'} ${redactLocation(location)}`;
}

/** Why a store did not open (an unreachable server's message already names it). */
const cannotOpen = (location: string, e: Error) => (e instanceof StoreUnavailableError ? e.message : `cannot open ${redactLocation(location)}: ${e.message}`);

/** Opens a store (created when missing); a store that cannot be opened ends the command with its reason. */
export async function openStoreOrFail(location: string): Promise<Store> {
  return openStore(location).catch((e: Error) => fail(cannotOpen(location, e)));
}

/**
 * Opens the store of a command that reads what a scan or a server wrote: a wrong location (a
 * missing SQLite file, a PostgreSQL database without Vigil's schema) is a mistake to report with
 * `hint`, never a new empty store; an unreachable server says so.
 */
export async function openExistingStore(location: string, hint: string): Promise<Store> {
  if (!isPostgresUrl(location) && location !== ':memory:' && !existsSync(location)) fail(`no database at ${location}: ${hint}`, 2);
  return openStore(location, { existing: true }).catch((e: Error) =>
    fail(e instanceof StoreMissingError ? `${e.message}: ${hint}` : cannotOpen(location, e), e instanceof StoreMissingError ? 2 : 1));
}
