/**
 * Vigil's own endpoints, under /vigil/ so they never collide with GuardDuty's routes:
 *   GET /vigil/health      liveness (no auth)
 *   GET /vigil/ready       readiness: the store answers (no auth)
 *   GET /vigil/version     version and uptime (no auth)
 *   GET /vigil/metrics     Prometheus text format (no auth; bind to a private address or firewall it)
 *   GET /vigil/ingestion   what was read per log type and the threat lists' state (SigV4)
 *   GET /vigil/ingestion/sources  continuous sources' health and notifiers' delivery (SigV4)
 *   GET /vigil/whoami, /vigil/intel/test  for the web console (console-api.ts; SigV4)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { ApiContext } from '../context.js';
import { registry } from '../metrics.js';
import { registerConsoleApi } from './console-api.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function registerExtensions(app: FastifyInstance, ctx: ApiContext, authenticate: (req: FastifyRequest) => Promise<void>): void {
  app.get('/vigil/health', async () => ({ status: 'ok' }));
  app.get('/vigil/ready', async (_req, reply) => {
    try {
      await ctx.store.findingAccounts();
      return { status: 'ready' };
    } catch (e) {
      return reply.status(503).send({ status: 'not ready', message: (e as Error).message });
    }
  });
  app.get('/vigil/version', async () => ({ version: VERSION, node: process.version, uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000) }));
  app.get('/vigil/metrics', async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));
  app.get('/vigil/ingestion', { preHandler: authenticate }, async () => ({
    logTypes: await ctx.store.ingestionSummary(),
    lists: (await ctx.intel.list()).map((l) => ({ id: l.id, name: l.name, role: l.role, status: l.status, statusReason: l.statusReason, lastError: l.lastError,
      fetchedAt: l.fetchedAt, counts: l.counts })),
  }));
  app.get('/vigil/ingestion/sources', { preHandler: authenticate }, async () => ctx.continuous?.view() ?? { sources: [], notifiers: [] });
  registerConsoleApi(app, ctx, authenticate);
}
