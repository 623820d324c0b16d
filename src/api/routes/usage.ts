/**
 * Usage statistics: how much each account, data source and feature was analysed, expressed as
 * what GuardDuty would have charged for it (US East list prices: $4.00 per million CloudTrail
 * management events; $1.00 per GB of VPC flow and DNS logs, first tier) — the cost Vigil saves.
 * The window is the last 30 days of analysed logs (by the day their events happened).
 */
import type { RouteDef } from '../server.js';
import { badRequest } from '../errors.js';
import { obj, onlyKeys, slice, str, strings, ACCOUNT_ID } from '../input.js';
import type { UsageRow } from '../../store/index.js';

const PRICE = { CLOUD_TRAIL: (r: UsageRow) => (r.events / 1e6) * 4, FLOW_LOGS: (r: UsageRow) => (r.bytes / 1e9) * 1, DNS_LOGS: (r: UsageRow) => (r.bytes / 1e9) * 1 };
const TYPES = ['SUM_BY_ACCOUNT', 'SUM_BY_DATA_SOURCE', 'SUM_BY_RESOURCE', 'TOP_RESOURCES', 'SUM_BY_FEATURES', 'TOP_ACCOUNTS_BY_FEATURE'] as const;
const total = (usd: number) => ({ amount: usd.toFixed(6), unit: 'USD' });

function sum<K extends string>(rows: UsageRow[], key: (r: UsageRow) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + PRICE[r.dataSource](r));
  return m;
}

export const usageRoutes: RouteDef[] = [
  ['POST', '/detector/{DetectorId}/usage/statistics', 'GetUsageStatistics', async (c) => {
    const d = await c.ctx.ownDetector(c.p, c.params.DetectorId, c.region);
    onlyKeys(c.body, ['usageStatisticsType', 'usageCriteria', 'unit', 'maxResults', 'nextToken']);
    const type = str(c.body, 'usageStatisticsType', { required: true, values: TYPES })!;
    const criteria = obj(c.body, 'usageCriteria', { required: true })!;
    onlyKeys(criteria, ['accountIds', 'dataSources', 'resources', 'features']);
    const asked = strings(criteria, 'accountIds', { max: 50, itemPattern: ACCOUNT_ID });
    const sources = strings(criteria, 'dataSources', { max: 10 });
    const features = strings(criteria, 'features', { max: 10 });
    str(c.body, 'unit', { max: 64 });
    // undefined: the administrator under auto-enable ALL, who sees every analysed account — also
    // those whose logs raised no finding (visibleAccounts knows accounts by their findings)
    const visible = await c.ctx.accountFilter(c.p, d.region);
    if (visible && asked?.some((a) => !visible.includes(a))) throw badRequest('The request is rejected because usageCriteria.accountIds holds an account that is not this account or one of its members.');
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const wanted = new Set([...(sources ?? []), ...(features ?? [])]);
    const rows = (await c.ctx.store.usage(asked ?? visible, from)).filter((r) => !wanted.size || wanted.has(r.dataSource));
    let list: unknown[] = [];
    const KEYS: Record<string, string> = { SUM_BY_ACCOUNT: 'sumByAccount', SUM_BY_DATA_SOURCE: 'sumByDataSource', SUM_BY_RESOURCE: 'sumByResource',
      TOP_RESOURCES: 'topResources', SUM_BY_FEATURES: 'sumByFeature', TOP_ACCOUNTS_BY_FEATURE: 'topAccountsByFeature' };
    const key = KEYS[type];
    if (type === 'SUM_BY_ACCOUNT') list = [...sum(rows, (r) => r.accountId)].map(([accountId, usd]) => ({ accountId, total: total(usd) }));
    else if (type === 'SUM_BY_DATA_SOURCE') list = [...sum(rows, (r) => r.dataSource)].map(([dataSource, usd]) => ({ dataSource, total: total(usd) }));
    else if (type === 'SUM_BY_FEATURES') list = [...sum(rows, (r) => r.dataSource)].map(([feature, usd]) => ({ feature, total: total(usd) }));
    else if (type === 'TOP_ACCOUNTS_BY_FEATURE') {
      const byFeature = new Map<string, UsageRow[]>();
      for (const r of rows) byFeature.set(r.dataSource, [...(byFeature.get(r.dataSource) ?? []), r]);
      list = [...byFeature].map(([feature, rs]) => ({ feature, accounts: [...sum(rs, (r) => r.accountId)].sort((a, b) => b[1] - a[1]).map(([accountId, usd]) => ({ accountId, total: total(usd) })) }));
    }
    // per-resource usage is not tracked: SUM_BY_RESOURCE and TOP_RESOURCES answer with no rows
    const { items, nextToken } = slice(list, c.body);
    return { usageStatistics: { [key]: items }, nextToken };
  }],
];
