/**
 * A loopback TCP proxy for tests that need a real lost connection to a service whose state must
 * survive it (fauxqs keeps its queues in memory: restarting it would lose them). Clients talk to
 * the proxy's port; the proxy pipes each connection to the target. `cut()` makes the service
 * unreachable the way a network does — every live connection is torn down (a TCP reset, so a
 * request in flight fails with ECONNRESET) and new ones are refused (`refuse`: the port stops
 * listening, ECONNREFUSED) or reset as soon as they connect (`reset`) — and `restore()` brings it
 * back on the same port. The target itself never notices more than its peers going away.
 *
 * node:net only. Not for production: no limits, no TLS, loopback only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type CutMode = 'refuse' | 'reset';

export interface TcpProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** True between `cut()` and `restore()`. */
  readonly isCut: boolean;
  /** Connections accepted and piped to the target since the start. */
  readonly accepted: number;
  /** Connections refused or reset while cut (`reset` mode; `refuse` refuses in the kernel, uncounted). */
  readonly rejected: number;
  /**
   * Live connections whose client sent bytes the target has not answered yet (a request in
   * flight, such as a long poll). A heuristic of byte timing, good enough for HTTP/1.1.
   */
  awaiting(): number;
  /** Tears every live connection down; returns how many were awaiting an answer. */
  cut(mode?: CutMode): Promise<number>;
  /** Accepts and pipes connections again, on the same port. */
  restore(): Promise<void>;
  /** Tears everything down and stops listening for good. */
  close(): Promise<void>;
}

interface Pair { client: Socket; upstream: Socket; lastUp: number; lastDown: number }

/** Starts a proxy on 127.0.0.1 (`port` 0: a free port) to `target` (host default 127.0.0.1). */
export async function startTcpProxy(target: { port: number; host?: string }, o: { port?: number } = {}): Promise<TcpProxy> {
  const host = '127.0.0.1';
  const pairs = new Set<Pair>();
  let mode: CutMode | undefined;
  let closed = false;
  let accepted = 0;
  let rejected = 0;
  let tick = 0; // orders byte events: Date.now() is too coarse for a request and its answer

  const server: Server = createServer((client) => {
    if (mode !== undefined || closed) { rejected++; client.on('error', () => undefined); client.resetAndDestroy(); return; }
    accepted++;
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    const p: Pair = { client, upstream, lastUp: 0, lastDown: 0 };
    pairs.add(p);
    // either end going away takes the other with it: no half-open connection is left behind
    const drop = (): void => { pairs.delete(p); client.destroy(); upstream.destroy(); };
    client.on('data', () => { p.lastUp = ++tick; });
    upstream.on('data', () => { p.lastDown = ++tick; });
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const listen = (port: number): Promise<number> => new Promise((res, rej) => {
    const onError = (e: Error): void => { server.off('listening', onListening); rej(e); };
    const onListening = (): void => { server.off('error', onError); res((server.address() as { port: number }).port); };
    server.once('error', onError).once('listening', onListening);
    server.listen(port, host);
  });
  const unlisten = (): Promise<void> => new Promise((res) => { if (!server.listening) { res(); return; } server.close(() => res()); });

  const teardown = (): number => {
    let inFlight = 0;
    for (const p of [...pairs]) {
      if (p.lastUp > p.lastDown) inFlight++;
      pairs.delete(p);
      // a reset, not a FIN: the client sees the connection lost, not a clean end of a response
      p.client.resetAndDestroy();
      p.upstream.destroy();
    }
    return inFlight;
  };

  const port = await listen(o.port ?? 0);
  return {
    port,
    endpoint: `http://${host}:${port}`,
    get isCut() { return mode !== undefined; },
    get accepted() { return accepted; },
    get rejected() { return rejected; },
    awaiting: () => [...pairs].filter((p) => p.lastUp > p.lastDown).length,
    async cut(m: CutMode = 'refuse') {
      if (closed) throw new Error('tcp proxy: closed');
      mode = m;
      const n = teardown();
      if (m === 'refuse') await unlisten();
      return n;
    },
    async restore() {
      if (closed) throw new Error('tcp proxy: closed');
      if (!server.listening) {
        // the port was free a moment ago; on a busy machine another bind may race us, so try a few times
        for (let i = 0; ; i++) {
          try { await listen(port); break; } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i >= 20) throw e;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
      mode = undefined;
    },
    async close() {
      closed = true;
      teardown();
      await unlisten();
    },
  };
}
