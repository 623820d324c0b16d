/**
 * PostgreSQL failures at connection time, told the way an operator fixes them. The original
 * error stays the `cause` (isTransient reads its code: a server that is down is the
 * environment's fault, retried, never an object's).
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

const HINTS: Record<string, (where: string, e: Error) => string> = {
  ECONNREFUSED: (w) => `cannot reach PostgreSQL at ${w}: connection refused (is the server running and listening there?)`,
  ENOTFOUND: (w) => `cannot reach PostgreSQL at ${w}: unknown host`,
  EAI_AGAIN: (w) => `cannot reach PostgreSQL at ${w}: the host name does not resolve right now`,
  ETIMEDOUT: (w) => `cannot reach PostgreSQL at ${w}: the connection timed out`,
  EHOSTUNREACH: (w) => `cannot reach PostgreSQL at ${w}: host unreachable`,
  '3D000': (w, e) => `${e.message} on ${w}: create it (createdb, or CREATE DATABASE) or fix the store URL`,
  '28P01': (w, e) => `${e.message} (${w}): check the user and password in the store URL`,
  '28000': (w, e) => `${e.message} (${w}): check pg_hba.conf and the user in the store URL`,
  '57P03': (w, e) => `PostgreSQL at ${w} is not accepting connections yet (${e.message})`,
};

/** A connection-level failure as a StoreUnavailableError; any other error unchanged. */
export function explainConnectError(e: unknown, where: string): unknown {
  const err = e as Error & { code?: string };
  const code = typeof err?.code === 'string' ? err.code : '';
  const hint = HINTS[code] ?? (/timeout expired|Connection terminated/i.test(err?.message ?? '') ? HINTS.ETIMEDOUT : undefined);
  return hint ? new StoreUnavailableError(hint(where, err), { cause: e }) : e;
}
