/**
 * Hostile clients at the connection level, before fastify sees a request:
 *   - a new connection must start a request within headersTimeoutMs (Node itself never times out
 *     a connection that sends nothing), its headers must be complete within headersTimeoutMs and
 *     the whole request, body included, within requestTimeoutMs (Node's own timers, checked every
 *     CHECK_MS); an idle keep-alive connection lasts keepAliveTimeoutMs;
 *   - connections that have not yet made a SigV4-authenticated request are capped overall and per
 *     remote address: one beyond either cap is destroyed as it is accepted, before any byte is
 *     read. A connection counts as authenticated from its first authenticated request on, so
 *     clients with keys keep working while anonymous connections are at the cap.
 * Timeouts and malformed HTTP are answered in GuardDuty's error shape, with fixed messages (the
 * parser's error can carry the request's bytes, headers and signatures included).
 */
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxUnauthenticatedConnections: number;
  maxUnauthenticatedPerAddress: number;
}

/** How often Node checks the header and request timers (its default is 30 s). */
const CHECK_MS = 250;

interface Tracked { address: string; authenticated: boolean; started: boolean }

const TRACKED = Symbol('vigil.connection');
type GuardedSocket = Socket & { [TRACKED]?: Tracked };

export interface ConnectionStats { unauthenticated: number; addresses: number; refused: number; timedOut: number }

export class ConnectionGuard {
  private unauthenticated = 0;
  private readonly perAddress = new Map<string, number>();
  private refused = 0;
  private timedOut = 0;

  constructor(private readonly limits: ConnectionLimits) {}

  /** Sets the server's timers and starts watching its connections; call before listen(). */
  attach(server: Server): void {
    server.headersTimeout = this.limits.headersTimeoutMs;
    server.requestTimeout = this.limits.requestTimeoutMs;
    server.keepAliveTimeout = this.limits.keepAliveTimeoutMs;
    // read when the server starts listening (node:http setupConnectionsTracking)
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(CHECK_MS, this.limits.headersTimeoutMs);
    server.on('connection', (socket: Socket) => this.accept(socket as GuardedSocket));
    server.on('request', (req: { socket: Socket }) => {
      const t = (req.socket as GuardedSocket)[TRACKED];
      // the first request started: from here Node's header and request timers govern
      if (t && !t.started) { t.started = true; req.socket.setTimeout(0); }
    });
  }

  private accept(socket: GuardedSocket): void {
    const address = socket.remoteAddress;
    if (!address) { socket.destroy(); return; }
    const here = this.perAddress.get(address) ?? 0;
    if (this.unauthenticated >= this.limits.maxUnauthenticatedConnections || here >= this.limits.maxUnauthenticatedPerAddress) {
      this.refused++;
      socket.destroy();
      return;
    }
    const t: Tracked = { address, authenticated: false, started: false };
    socket[TRACKED] = t;
    this.unauthenticated++;
    this.perAddress.set(address, here + 1);
    socket.once('close', () => { if (!t.authenticated) this.release(t); });
    // a connection that sends nothing: node:http's socket timeout handler destroys it
    socket.setTimeout(this.limits.headersTimeoutMs);
    socket.once('timeout', () => { if (!t.started) this.timedOut++; });
  }

  private release(t: Tracked): void {
    this.unauthenticated--;
    const n = (this.perAddress.get(t.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(t.address, n);
    else this.perAddress.delete(t.address);
  }

  /** The connection made an authenticated request: it no longer counts against the caps. */
  authenticated(socket: Socket): void {
    const t = (socket as GuardedSocket)[TRACKED];
    if (!t || t.authenticated) return;
    t.authenticated = true;
    this.release(t);
  }

  /** Counts a request cut off by Node's header or request timer (clientError). */
  noteTimeout(): void { this.timedOut++; }

  stats(): ConnectionStats {
    return { unauthenticated: this.unauthenticated, addresses: this.perAddress.size, refused: this.refused, timedOut: this.timedOut };
  }
}

/**
 * fastify's clientErrorHandler: what node:http could not parse or did not receive in time gets a
 * GuardDuty-shaped error and the connection is closed. Never echoes the error's message or bytes.
 */
export function clientErrorResponse(err: NodeJS.ErrnoException, socket: Socket, guard?: ConnectionGuard): void {
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  if (timeout) guard?.noteTimeout();
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight) { socket.destroy(); return; }
  const [status, name, type, message] = timeout
    ? [408, 'RequestTimeoutException', 'RequestTimeoutException', 'The request was not received in time.']
    : err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'BadRequestException', 'InvalidInputException', 'The request is rejected because its headers are too large.']
      : [400, 'BadRequestException', 'InvalidInputException', 'The request is rejected because it is not a valid HTTP request.'];
  const body = JSON.stringify({ message, __type: type });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\nx-amzn-errortype: ${name}\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy());
}
