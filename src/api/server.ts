/**
 * The HTTP server: GuardDuty's REST API (restJson1, SigV4) plus Vigil's extensions under
 * `/vigil/`. Every GuardDuty route is authenticated and answered in GuardDuty's wire shapes;
 * every failure is a GuardDuty-shaped error. Route groups live in routes/, one file each.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { verifySigV4 } from './auth/sigv4.js';
import { mutates } from './auth/access.js';
import type { Principal, Principals } from './auth/principals.js';
import { ApiError, badRequest, denied, notFound } from './errors.js';
import type { ApiContext } from './context.js';
import type { Body } from './input.js';
import { ROUTE_GROUPS } from './routes/index.js';
import { registerExtensions } from './routes/extensions.js';
import { registerConsole } from './routes/console.js';
import { apiMetrics } from './metrics.js';
import { ConnectionGuard, clientErrorResponse } from './connections.js';
import { redactUrl } from './redact.js';

export interface Call {
  p: Principal;
  /** Region of the request's credential scope. */
  region: string;
  params: Record<string, string>;
  query: Body;
  body: Body;
  ctx: ApiContext;
}

export type Handler = (c: Call) => Promise<unknown>;

/** How route files declare operations: method, GuardDuty path template, operation name, handler. */
export type RouteDef = [method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH', path: string, op: string, handler: Handler, status?: number];

declare module 'fastify' {
  interface FastifyRequest { rawBody?: Buffer; principal?: Principal; region?: string; op?: string }
  /** Set on GuardDuty routes from the operation name (auth/access.ts); others go by method. */
  interface FastifyContextConfig { mutates?: boolean; op?: string }
  interface FastifyInstance { vigilRoutes: ServedRoute[]; vigilConnections: ConnectionGuard }
}

/** A route the server answers, as registered: for tests that walk every route. */
export interface ServedRoute { method: string; url: string; op?: string; authenticated: boolean; mutates: boolean }

/** A path parameter as the handler sees it; a broken %-escape is the client's error (400), not ours. */
function decodeParam(name: string, v: string): string {
  try { return decodeURIComponent(v); } catch { throw badRequest(`The request is rejected because the ${name} in the path is not validly escaped.`); }
}

/** `/detector/{DetectorId}/filter/{FilterName}` → fastify's `/detector/:DetectorId/filter/:FilterName`. */
function toFastifyPath(p: string): string {
  return p.replace(/\{(\w+)\}/g, ':$1');
}

export interface ServerOptions {
  logger?: boolean;
  /** Where log lines go (default stdout): tests read them. */
  logStream?: NodeJS.WritableStream;
}

export function buildServer(ctx: ApiContext, principals: Principals, o: ServerOptions = {}): FastifyInstance {
  const guard = new ConnectionGuard(ctx.config);
  const app = Fastify({
    bodyLimit: ctx.config.bodyLimitBytes,
    // request logs carry the method, the path and a query whose signature, credential and session
    // token are blanked (presigned URLs), never headers or bodies
    logger: o.logger ? {
      level: ctx.config.logLevel, ...(o.logStream ? { stream: o.logStream } : {}),
      serializers: { req: (req: { method: string; url: string; socket?: { remoteAddress?: string } }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.socket?.remoteAddress }) },
    } : false,
    // GuardDuty's ARNs in /tags/{ResourceArn} carry ':' and '/' escaped: keep routing on the raw path
    routerOptions: { maxParamLength: 2048 },
    clientErrorHandler: (err, socket) => clientErrorResponse(err, socket, guard),
    // what the router itself refuses (a path that does not decode) is GuardDuty's 400 too
    frameworkErrors: (_err, _req, reply) => {
      const e = badRequest('The request is rejected because its path is not validly escaped.');
      void (reply as unknown as FastifyReply).code(e.status).header('x-amzn-errortype', e.name).header('content-type', 'application/json').send(JSON.stringify(e.body));
    },
  });
  guard.attach(app.server);
  app.decorate('vigilConnections', guard);

  // every route, recorded as it is registered (GuardDuty's, the extensions, the console)
  const served: ServedRoute[] = [];
  app.decorate('vigilRoutes', served);
  app.addHook('onRoute', (r) => {
    const handlers = [r.preHandler].flat();
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      const op = r.config?.op;
      served.push({ method, url: r.url, op, authenticated: handlers.includes(authenticate), mutates: r.config?.mutates ?? mutates({ method, op }) });
    }
  });

  // keep the raw body, whatever its content type: SigV4 signs the bytes, and the handler parses
  // them as JSON (fastify's own text/plain parser would hand over a string, which then failed
  // the body hash: a 403 for a correctly signed request)
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') e = badRequest(`The request is rejected because the body is larger than ${ctx.config.bodyLimitBytes} bytes.`);
    else if (err.statusCode && err.statusCode < 500) e = badRequest(`The request is rejected: ${err.message}`);
    else {
      req.log?.error({ err, op: req.op }, 'internal error');
      e = new ApiError('InternalServerErrorException', 'The request could not be completed because of an internal error.');
    }
    apiMetrics.errors.inc({ op: req.op ?? 'unknown', type: e.name });
    void reply.status(e.status).header('x-amzn-errortype', e.name).header('content-type', 'application/json').send(e.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const e = notFound(`No GuardDuty operation at ${req.method} ${req.url.split('?')[0]}.`);
    void reply.status(e.status).header('x-amzn-errortype', e.name).send(e.body);
  });

  // authentication, then the one write rule: a principal that cannot write is refused every
  // mutating route here, before any handler (and so before any validation) runs
  async function authenticate(req: FastifyRequest): Promise<void> {
    const [rawPath, rawQuery = ''] = req.raw.url!.split(/\?(.*)/s, 2);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = body;
    const r = await verifySigV4({ method: req.method, rawPath, rawQuery, headers: req.headers, body }, principals.secretFor);
    if (!r.ok) {
      apiMetrics.authFailures.inc({ reason: r.reason });
      throw denied(r.message);
    }
    const p = principals.principal(r.accessKeyId);
    if (!p) throw denied('The security token included in the request is invalid.');
    guard.authenticated(req.raw.socket);
    req.principal = p;
    req.region = r.region;
    if (!p.canWrite && (req.routeOptions.config.mutates ?? mutates({ method: req.method }))) {
      apiMetrics.authFailures.inc({ reason: 'read-only' });
      throw denied(`The key ${p.accessKeyId} is read-only and cannot change anything.`);
    }
  }

  for (const group of ROUTE_GROUPS) {
    for (const [method, path, op, handler, status] of group) {
      app.route({
        method, url: toFastifyPath(path),
        config: { op, mutates: mutates({ method, op }) },
        onRequest: async (req) => { req.op = op; },
        preHandler: authenticate,
        handler: async (req, reply) => {
          const end = apiMetrics.latency.startTimer({ op });
          let body: Body = {};
          if (req.rawBody && req.rawBody.length) {
            let parsed: unknown;
            try { parsed = JSON.parse(req.rawBody.toString('utf8')); } catch { throw badRequest('The request is rejected because the body is not valid JSON.'); }
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('The request is rejected because the body must be a JSON object.');
            body = parsed as Body;
          }
          const params = Object.fromEntries(Object.entries(req.params as Record<string, string>).map(([k, v]) => [k, decodeParam(k, v)]));
          const out = await handler({ p: req.principal!, region: req.region!, params, query: req.query as Body, body, ctx });
          end();
          apiMetrics.requests.inc({ op });
          if (status === 204) return reply.status(204).send();
          return reply.status(status ?? 200).header('content-type', 'application/json').send(JSON.stringify(out ?? {}));
        },
      });
    }
  }
  registerExtensions(app, ctx, authenticate);
  registerConsole(app);
  return app;
}
