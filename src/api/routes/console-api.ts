/**
 * Extension routes the web console needs beyond GuardDuty's API (both SigV4):
 *   GET /vigil/whoami  the signed-in key's account, role and what it may do
 *   GET /vigil/intel/test?value=<ip|domain>[&port=<n>]  (administrator) an address or domain
 *     checked against every active threat and trusted list, as `vigil intel test` does; the lists
 *     are the administrator's (as in GuardDuty), so members are refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { isIp, isPublicIp } from '../../core/index.js';
import { normaliseDomain } from '../../intel/ip-text.js';
import { badRequest } from '../errors.js';

export function registerConsoleApi(app: FastifyInstance, ctx: ApiContext, authenticate: (req: FastifyRequest) => Promise<void>): void {
  app.get('/vigil/whoami', { preHandler: authenticate }, async (req) => {
    const p = req.principal!;
    return { accessKeyId: p.accessKeyId, accountId: p.accountId, role: p.role, isAdmin: p.isAdmin, canWrite: p.canWrite, adminAccountId: ctx.adminAccountId };
  });
  app.get('/vigil/intel/test', { preHandler: authenticate }, async (req) => {
    ctx.requireAdmin(req.principal!, 'test values against threat and trusted lists');
    const q = req.query as Record<string, string | undefined>;
    const value = (q.value ?? '').trim();
    const port = q.port === undefined || q.port === '' ? -1 : Number(q.port);
    if (!Number.isInteger(port) || port < -1 || port > 65535) throw badRequest('The request is rejected because port must be a number from 0 to 65535.');
    const ip = value.length <= 64 && isIp(value);
    const domain = ip ? undefined : normaliseDomain(value.slice(0, 300));
    if (!ip && !domain) throw badRequest('The request is rejected because value is neither an IP address nor a domain.');
    const { services, problems } = await ctx.intel.buildServices();
    const look = (idx: typeof services.intel.threat) => idx.hits(ip ? idx.lookupIp(value, port) : idx.lookupDomain(domain!));
    return {
      value,
      kind: ip ? 'ip' : 'domain',
      trusted: look(services.intel.trusted).map((h) => h.list.name),
      threats: look(services.intel.threat).map((h) => ({ list: h.list.name, purpose: h.list.purpose, threat: h.threat ?? null })),
      note: ip && !isPublicIp(value) ? 'private or reserved address: lists are never applied to it in logs' : undefined,
      problems,
    };
  });
}
