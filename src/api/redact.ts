/**
 * What of a request may be logged: the path, and the query with the values of SigV4's
 * presigned-URL parameters that are or lead to secrets (signature, credential scope, session
 * token) replaced by `[redacted]`. Headers and bodies are never logged.
 */
const SECRET_PARAMS = /^x-amz-(signature|credential|security-token)$/i;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1).split('&').map((part) => {
    const eq = part.indexOf('=');
    let name = eq < 0 ? part : part.slice(0, eq);
    try { name = decodeURIComponent(name); } catch { /* an undecodable name is kept as sent */ }
    return SECRET_PARAMS.test(name) ? `${eq < 0 ? part : part.slice(0, eq)}=[redacted]` : part;
  });
  return `${url.slice(0, q)}?${query.join('&')}`;
}
