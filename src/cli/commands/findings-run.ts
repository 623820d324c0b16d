/**
 * What `vigil findings list|get|archive|unarchive` do once their flags are parsed
 * (commands/findings.ts registers them): loaded only when one runs, as it opens the store.
 */
import type { Finding, SeverityLevel } from '../../core/index.js';
import { parseSeverityLevel } from '../../core/index.js';
import { redactLocation, type Store } from '../../store/index.js';
import { fail, severityLabel, table } from '../format.js';
import type { StoreFlags } from './common.js';
import { openStoreOrFail, storeLocation } from './store-open.js';

export interface FindingsListOptions extends StoreFlags { type?: string[]; severity?: string[]; account?: string[]; archived?: boolean; all?: boolean; sort: string; limit: number; json?: boolean }

function resourceName(f: Finding): string {
  const r = f.resource;
  if (r.instanceDetails) return r.instanceDetails.instanceId || r.instanceDetails.networkInterfaces?.[0]?.networkInterfaceId || 'instance';
  if (r.s3BucketDetails?.length) return r.s3BucketDetails.map((b) => b.name).join(', ');
  if (r.accessKeyDetails) return r.accessKeyDetails.userName || r.accessKeyDetails.accessKeyId || r.accessKeyDetails.principalId || 'access key';
  return r.resourceType;
}

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStoreOrFail(db);
  try { return await fn(store); } finally { await store.close(); }
}

export async function listFindings(o: FindingsListOptions): Promise<void> {
  const severities = (o.severity ?? []).map((s) => parseSeverityLevel(s) ?? fail(`unknown severity "${s}": use Low, Medium, High or Critical`, 2)) as SeverityLevel[];
  if (!['severity', 'updatedAt', 'createdAt', 'count', 'type'].includes(o.sort)) fail(`--sort must be severity, updatedAt, createdAt, count or type`, 2);
  if (!Number.isFinite(o.limit) || o.limit < 1) fail('--limit must be a positive number', 2);
  await withStore(storeLocation(o), async (store) => {
    const q = { types: o.type, severities, accountIds: o.account, archived: o.all ? undefined : Boolean(o.archived) };
    const list = await store.queryFindings({ ...q, limit: o.limit, sort: { field: o.sort as 'severity', order: o.sort === 'type' ? 'ASC' : 'DESC' } });
    if (o.json) { process.stdout.write(JSON.stringify(list, null, 2) + '\n'); return; }
    const counts = await store.countFindings(q);
    if (list.length === 0) { process.stdout.write(`No findings match (${counts.total} in ${redactLocation(storeLocation(o))}).\n`); return; }
    process.stdout.write(table(['Severity', 'Type', 'Resource', 'Account', 'Region', 'Count', 'Last seen', 'Id'],
      list.map((f) => [severityLabel(f.severity), f.type, resourceName(f), f.accountId, f.region, f.service.count,
        f.service.eventLastSeen.replace('.000Z', 'Z'), f.id])) + '\n');
    process.stdout.write(`${list.length} of ${counts.total} shown. Details: vigil findings get <id>\n`);
  });
}

export async function getFindings(ids: string[], o: StoreFlags & { json?: boolean }): Promise<void> {
  await withStore(storeLocation(o), async (store) => {
    const found = await store.getFindings(ids);
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (o.json) process.stdout.write(JSON.stringify(found, null, 2) + '\n');
    else for (const f of found) process.stdout.write(describe(f));
    if (missing.length) {
      process.stderr.write(`vigil: no finding with id ${missing.join(', ')} in ${redactLocation(storeLocation(o))} (vigil findings list shows the ids)\n`);
      process.exitCode = found.length ? 3 : 1;
    }
  });
}

export async function setArchived(ids: string[], archived: boolean, o: StoreFlags): Promise<void> {
  await withStore(storeLocation(o), async (store) => {
    const n = await store.setArchived(ids, archived);
    process.stdout.write(`${n} finding${n === 1 ? '' : 's'} ${archived ? 'archived' : 'unarchived'}.\n`);
  });
}

function describe(f: Finding): string {
  const s = f.service;
  const a = s.action;
  const lines = [
    `${f.title}`,
    `  ${severityLabel(f.severity)}  ${f.type}`,
    `  id ${f.id}  ·  account ${f.accountId}  ·  ${f.region}${s.archived ? '  ·  ARCHIVED' : ''}`,
    `  ${f.description}`,
    `  resource: ${f.resource.resourceType} ${resourceName(f)} (${s.resourceRole})`,
    `  seen ${s.count}× from ${s.eventFirstSeen} to ${s.eventLastSeen}`,
  ];
  if (a.awsApiCallAction) {
    const c = a.awsApiCallAction;
    lines.push(`  api: ${c.serviceName} ${c.api} by ${c.callerType}${c.remoteIpDetails ? ` ${c.remoteIpDetails.ipAddressV4 ?? c.remoteIpDetails.ipAddressV6}` : ''}${c.userAgent ? `  (${c.userAgent})` : ''}`);
  }
  if (a.networkConnectionAction) {
    const n = a.networkConnectionAction;
    lines.push(`  connection: ${n.connectionDirection} ${n.protocol} local ${n.localIpDetails?.ipAddressV4 ?? n.localIpDetails?.ipAddressV6}:${n.localPortDetails?.port}`
      + ` remote ${n.remoteIpDetails?.ipAddressV4 ?? n.remoteIpDetails?.ipAddressV6}:${n.remotePortDetails?.port}${n.blocked ? ' (blocked)' : ''}`);
  }
  if (a.dnsRequestAction) lines.push(`  dns: ${a.dnsRequestAction.domain}`);
  const extra = s.additionalInfo.value;
  if (extra && extra !== '{}') lines.push(`  details: ${extra}`);
  return lines.join('\n') + '\n\n';
}
