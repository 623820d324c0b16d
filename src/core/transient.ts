/**
 * Which failures belong to the environment rather than to an object: a store that is full,
 * locked or failing I/O, a network that dropped, a service that answered 5xx or throttled. Those
 * stop when their cause is fixed, whatever is being written, so the ingest loop backs off and
 * retries the same batch, and never quarantines an object for them. Every other error while
 * reading or committing a batch is suspected to come from an object and leads to isolating it.
 *
 * The lists err on the side of "environment" for the store (a corrupt or read-only database is
 * not an object's fault either): a wrong "environment" stalls a source with its error in health,
 * a wrong "object" would skip good logs.
 */

/** SQLite result codes (better-sqlite3's `code`, extended codes included by prefix). */
const SQLITE_ENVIRONMENT = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL|NOLFS|CORRUPT|NOTADB|INTERRUPT|AUTH)/;

/**
 * PostgreSQL SQLSTATE classes of the environment: connection exceptions (08), insufficient
 * resources such as a full disk (53), operator intervention such as a server shutting down (57P),
 * system errors (58), serialization failures and deadlocks (40001, 40P01).
 */
const PG_ENVIRONMENT = /^(08...|53...|57P..|58...|40001|40P01)$/;

/**
 * Error names of the environment: a cluster partition's lease lost to another worker
 * (store FencedError) is no object's fault; the worker gives the partition up.
 */
const NAMED_ENVIRONMENT = new Set(['FencedError']);

/** Node system errors of the file system, sockets and name resolution. */
const SYSTEM_ENVIRONMENT = new Set([
  'ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EROFS', 'ENOMEM',
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENETRESET', 'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** AWS SDK error names that mean "try again later". */
const AWS_TRANSIENT = new Set([
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ThrottlingException', 'Throttling',
  'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException',
  'SlowDown', 'ServiceUnavailable', 'InternalError', 'InternalFailure', 'ServiceUnavailableException',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'BandwidthLimitExceeded',
]);

const NETWORK_MESSAGE = /socket hang up|ECONNRESET|ECONNREFUSED|network socket disconnected|other side closed|connect ETIMEDOUT/i;

interface ErrorLike { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: unknown }

/** True when `e` (or its cause, or one of an AggregateError's errors) is an environment failure. */
export function isTransient(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const x = e as ErrorLike;
  const code = typeof x.code === 'string' ? x.code : '';
  if (SQLITE_ENVIRONMENT.test(code) || SYSTEM_ENVIRONMENT.has(code) || PG_ENVIRONMENT.test(code) || code.startsWith('UND_ERR_')) return true;
  if (typeof x.name === 'string' && (AWS_TRANSIENT.has(x.name) || NAMED_ENVIRONMENT.has(x.name))) return true;
  const status = x.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (x.$retryable) return true;
  if (typeof x.message === 'string' && NETWORK_MESSAGE.test(x.message)) return true;
  if (Array.isArray(x.errors) && x.errors.some((c) => isTransient(c, depth + 1))) return true;
  return isTransient(x.cause, depth + 1);
}

/** A one-line description for health and logs: the code when there is one, then the message. */
export function describeError(e: unknown): string {
  const x = (e ?? {}) as ErrorLike;
  const message = typeof x.message === 'string' && x.message ? x.message : String(e);
  const code = typeof x.code === 'string' ? x.code : typeof x.name === 'string' && x.name !== 'Error' ? x.name : '';
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
