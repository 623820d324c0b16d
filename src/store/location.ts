/**
 * What a store location names: a PostgreSQL server (a `postgres://` or `postgresql://` URL) or,
 * for anything else, a SQLite file. Shared code asks this (not which class it holds) where a
 * location matters outside the store: the default secrets key file and the intel cache sit
 * beside a SQLite file, and a server has no file to sit beside.
 */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The location for messages and logs: a URL's password replaced by `***`. */
export function redactLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return location.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
