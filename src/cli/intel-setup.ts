/**
 * Where the intel subsystem keeps its cache for a database, the limits from the environment,
 * and the `--threat-list`/`--trusted-list` argument syntax (`path[:FORMAT[:purpose]]`).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { isPostgresUrl, type Store } from '../store/index.js';
import { DEFAULT_LIMITS, IntelManager, type AdHocList, type IntelManagerOptions } from '../intel/manager.js';
import { LIST_FORMATS, THREAT_PURPOSES, type ListFormat, type ListRole, type ThreatPurpose } from '../intel/types.js';

/**
 * VIGIL_INTEL_CACHE, else `<dir of db>/.<db name>.intel/` for a SQLite file — hidden, so scanning
 * the folder never reads it — or, for a PostgreSQL store, `.vigil-<host>-<port>-<database>.intel/`
 * in the working directory.
 */
export function intelCacheDir(db: string): string {
  if (process.env.VIGIL_INTEL_CACHE) return process.env.VIGIL_INTEL_CACHE;
  if (isPostgresUrl(db)) {
    const u = new URL(db);
    const name = [u.hostname || 'local', u.port || '5432', u.pathname.slice(1) || 'postgres'].join('-').replace(/[^A-Za-z0-9._-]/g, '_');
    return resolve(`.vigil-${name}.intel`);
  }
  return join(dirname(resolve(db)), `.${basename(db)}.intel`);
}

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

/** The intel manager's settings for a database: its cache and the limits from the environment (plain data: scan threads get them too). */
export function intelOptions(db: string): IntelManagerOptions {
  return {
    cacheDir: intelCacheDir(db),
    s3Endpoint: process.env.VIGIL_S3_ENDPOINT,
    limits: {
      maxLists: envInt('VIGIL_INTEL_MAX_LISTS', DEFAULT_LIMITS.maxLists),
      maxEntriesPerList: envInt('VIGIL_INTEL_MAX_ENTRIES', DEFAULT_LIMITS.maxEntriesPerList),
      maxBytes: envInt('VIGIL_INTEL_MAX_BYTES', DEFAULT_LIMITS.maxBytes),
    },
  };
}

export function intelManager(store: Store, db: string): IntelManager {
  return new IntelManager(store, intelOptions(db));
}

export function parseFormat(f: string): ListFormat {
  const up = f.toUpperCase();
  if (!(LIST_FORMATS as readonly string[]).includes(up)) throw new Error(`unknown list format ${f}: use ${LIST_FORMATS.join(', ')}`);
  return up as ListFormat;
}

export function parsePurpose(p: string): ThreatPurpose {
  if (!(THREAT_PURPOSES as readonly string[]).includes(p)) throw new Error(`unknown purpose ${p}: use ${THREAT_PURPOSES.join(', ')}`);
  return p as ThreatPurpose;
}

/** `path[:FORMAT[:purpose]]`; a Windows drive letter or URL scheme is not taken for a format. */
export function parseAdHoc(arg: string, role: ListRole): AdHocList {
  const parts = arg.split(':');
  let format: ListFormat = 'TXT';
  let purpose: ThreatPurpose | 'trusted' = role === 'TRUSTED' ? 'trusted' : 'custom';
  const last = parts[parts.length - 1];
  const prev = parts[parts.length - 2];
  let location = arg;
  if (parts.length >= 3 && (LIST_FORMATS as readonly string[]).includes(prev?.toUpperCase()) && role === 'THREAT') {
    format = parseFormat(prev);
    purpose = parsePurpose(last);
    location = parts.slice(0, -2).join(':');
  } else if (parts.length >= 2 && (LIST_FORMATS as readonly string[]).includes(last.toUpperCase())) {
    format = parseFormat(last);
    location = parts.slice(0, -1).join(':');
  }
  return { name: basename(location), location, format, role, purpose };
}
