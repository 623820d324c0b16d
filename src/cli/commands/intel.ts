/**
 * `vigil intel add|list|remove|refresh|activate|deactivate|test|validate|feeds`: threat and
 * trusted lists in GuardDuty's formats, from files, URLs, S3 or the known public feeds.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { FEEDS, findFeed } from '../../intel/feeds.js';
import { validateList } from '../../intel/validate.js';
import type { IntelList } from '../../intel/list.js';
import { IntelError } from '../../intel/manager.js';
import { LIST_FORMATS, THREAT_PURPOSES } from '../../intel/types.js';
import { isIp, isPublicIp } from '../../core/index.js';
import { normaliseDomain } from '../../intel/ip-text.js';
import type { Store } from '../../store/index.js';
import { fail, table } from '../format.js';
import { dbOption, openStoreOrFail, storeLocation, storeOption } from './common.js';
import { intelManager, parseFormat, parsePurpose } from '../intel-setup.js';

async function withManager<T>(db: string, fn: (m: ReturnType<typeof intelManager>, store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreOrFail(db);
  try {
    return await fn(intelManager(store, db), store);
  } catch (e) {
    if (e instanceof IntelError || (e as Error).message?.startsWith('unknown ')) fail((e as Error).message, 2);
    throw e;
  } finally {
    await store.close();
  }
}

function duration(s: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(s.trim());
  if (!m) fail(`--refresh takes a duration such as 30m, 6h, 1d or 0 (got ${s})`, 2);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
}

function entries(l: IntelList): string {
  const c = l.counts;
  if (!c) return '–';
  const parts = [c.ipv4 && `${c.ipv4.toLocaleString('en-US')} IPv4`, c.ipv4Cidrs && `${c.ipv4Cidrs.toLocaleString('en-US')} CIDR`, c.ipv6 && `${c.ipv6} IPv6`,
    c.domains && `${c.domains.toLocaleString('en-US')} domains`, c.ipPort && `${c.ipPort} ip:port`].filter(Boolean);
  return parts.join(', ') || '0';
}

function statusText(l: IntelList): string {
  return [l.status, l.statusReason, l.lastError && `last refresh failed: ${l.lastError}`].filter(Boolean).join(' — ');
}

function printLists(lists: IntelList[]): void {
  process.stdout.write(table(['Name', 'Role', 'Purpose', 'Format', 'Entries', 'Status', 'Fetched', 'Location'],
    lists.map((l) => [l.name, l.role, l.purpose, l.format, entries(l), statusText(l), l.fetchedAt?.replace(/\.\d+Z$/, 'Z') ?? '–', l.location])) + '\n');
}

export function registerIntel(program: Command): void {
  const intel = program.command('intel').description('threat and trusted lists (GuardDuty ThreatIntelSets and IPSets)');

  intel.command('add')
    .description('add a threat list (or --trusted list) from a file, URL or S3, or a known feed with --feed')
    .argument('[name]', 'list name (shown in findings as threatListName); defaults to the feed name')
    .argument('[location]', 'file path, http(s) URL, or s3://bucket/key')
    .addOption(storeOption()).addOption(dbOption())
    .option('--feed <feed>', `a known public feed: ${FEEDS.map((f) => f.name).join(', ')}`)
    .option('--format <format>', `list format: ${LIST_FORMATS.join(', ')}`, 'TXT')
    .option('--purpose <purpose>', `what the entries are (decides the finding types): ${THREAT_PURPOSES.join(', ')}`, 'custom')
    .option('--trusted', 'a trusted list: traffic and calls from its addresses raise no findings')
    .option('--refresh <duration>', 'refresh interval such as 1h or 1d (0: on demand only)')
    .option('--inactive', 'add it without activating it')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', `
Examples:
  vigil intel add --feed tor-exit
  vigil intel add blocklist ./blocklist.txt
  vigil intel add partners https://example.com/partners.csv --format OTX_CSV --purpose malicious --refresh 6h
  vigil intel add office s3://acme-sec/lists/office-ips.txt --trusted`)
    .action(async (name: string | undefined, location: string | undefined, o: { db?: string; store?: string; feed?: string; format: string; purpose: string; trusted?: boolean; refresh?: string; inactive?: boolean; json?: boolean }) => {
      await withManager(storeLocation(o), async (m) => {
        const feed = o.feed ? findFeed(o.feed) ?? fail(`unknown feed ${o.feed}; vigil intel feeds lists them`, 2) : undefined;
        if (!feed && (!name || !location)) fail('give a name and a location, or --feed <name> (vigil intel add --help)', 2);
        const l = await m.add({
          name: name ?? feed!.name, location: location ?? feed!.url, format: feed?.format ?? parseFormat(o.format),
          role: o.trusted ? 'TRUSTED' : 'THREAT', purpose: feed?.purpose ?? parsePurpose(o.purpose), activate: !o.inactive,
          refreshSeconds: o.refresh !== undefined ? duration(o.refresh) : feed?.refreshSeconds ?? 0, feed: feed?.name,
        });
        if (o.json) process.stdout.write(JSON.stringify(l, null, 2) + '\n');
        else printLists([l]);
        if (l.status === 'ERROR') process.exitCode = 3;
      });
    });

  intel.command('list')
    .description('the lists, their status, entry counts and last refresh')
    .addOption(storeOption()).addOption(dbOption())
    .option('--json', 'print as JSON')
    .action(async (o: { db?: string; store?: string; json?: boolean }) => {
      await withManager(storeLocation(o), async (m) => {
        const lists = await m.list();
        if (o.json) process.stdout.write(JSON.stringify(lists, null, 2) + '\n');
        else if (lists.length === 0) process.stdout.write('No lists yet. Add one: vigil intel add --feed tor-exit, or vigil intel add <name> <file|url|s3://…>\n');
        else printLists(lists);
      });
    });

  intel.command('remove')
    .description('remove a list')
    .argument('<name>', 'list name or id')
    .addOption(storeOption()).addOption(dbOption())
    .action(async (name: string, o: { db?: string; store?: string }) => {
      await withManager(storeLocation(o), async (m) => { const l = await m.remove(name); process.stdout.write(`Removed ${l.name}.\n`); });
    });

  for (const [cmd, on] of [['activate', true], ['deactivate', false]] as const) {
    intel.command(cmd)
      .description(on ? 'use a list again' : 'stop using a list without removing it')
      .argument('<name>', 'list name or id')
      .addOption(storeOption()).addOption(dbOption())
      .action(async (name: string, o: { db?: string; store?: string }) => {
        await withManager(storeLocation(o), async (m) => printLists([await m.setActive(name, on)]));
      });
  }

  intel.command('refresh')
    .description('fetch lists again (conditional requests: unchanged lists cost nothing); all active lists by default')
    .argument('[name]', 'one list (name or id)')
    .addOption(storeOption()).addOption(dbOption())
    .option('--due', 'only lists whose refresh interval is over')
    .option('--force', 'fetch even if unchanged')
    .option('--json', 'print the lists as JSON')
    .action(async (name: string | undefined, o: { db?: string; store?: string; due?: boolean; force?: boolean; json?: boolean }) => {
      await withManager(storeLocation(o), async (m) => {
        const lists = await m.refresh(name, { force: o.force, dueOnly: o.due });
        if (o.json) process.stdout.write(JSON.stringify(lists, null, 2) + '\n');
        else printLists(lists);
        if (lists.some((l) => l.status === 'ERROR' || l.lastError)) process.exitCode = 3;
      });
    });

  intel.command('test')
    .description('check an IP address or domain against every active list')
    .argument('<value>', 'an IPv4/IPv6 address or a domain')
    .addOption(storeOption()).addOption(dbOption())
    .option('--port <port>', 'remote port, for ip:port entries', (v) => Number.parseInt(v, 10))
    .option('--json', 'print as JSON')
    .action(async (value: string, o: { db?: string; store?: string; port?: number; json?: boolean }) => {
      await withManager(storeLocation(o), async (m) => {
        const { services } = await m.buildServices();
        const ip = isIp(value);
        const domain = ip ? undefined : normaliseDomain(value);
        if (!ip && !domain) fail(`${value} is neither an IP address nor a domain`, 2);
        const look = (idx: typeof services.intel.threat) => idx.hits(ip ? idx.lookupIp(value, o.port ?? -1) : idx.lookupDomain(domain!));
        const threat = look(services.intel.threat), trusted = look(services.intel.trusted);
        const result = {
          value, trusted: trusted.map((h) => h.list.name),
          threats: threat.map((h) => ({ list: h.list.name, purpose: h.list.purpose, threat: h.threat ?? null })),
          note: ip && !isPublicIp(value) ? 'private or reserved address: lists are never applied to it in logs' : undefined,
        };
        if (o.json) { process.stdout.write(JSON.stringify(result, null, 2) + '\n'); return; }
        if (!threat.length && !trusted.length) process.stdout.write(`${value}: on no active list.\n`);
        for (const t of result.trusted) process.stdout.write(`${value}: TRUSTED by ${t} — findings for it are suppressed.\n`);
        for (const t of result.threats) process.stdout.write(`${value}: on ${t.list} (${t.purpose}${t.threat ? `, ${t.threat}` : ''})\n`);
        if (result.note) process.stdout.write(`note: ${result.note}\n`);
      });
    });

  intel.command('validate')
    .description('parse a list file and report what it would load, with every invalid line')
    .argument('<file>', 'the list file')
    .requiredOption('--format <format>', `list format: ${LIST_FORMATS.join(', ')}`)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { format: string; json?: boolean }) => {
      let format;
      try { format = parseFormat(o.format); } catch (e) { fail((e as Error).message, 2); }
      const text = await readFile(file, 'utf8').catch((e: Error) => fail(`cannot read ${file}: ${e.message}`));
      const r = validateList(text, format);
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        process.stdout.write(`${file}: ${r.status.toUpperCase()} — ${r.entries.toLocaleString('en-US')} entries (${r.ipv4} IPv4, ${r.ipv4Cidrs} CIDR, ${r.ipv6} IPv6, ${r.domains} domains, ${r.ipPort} ip:port)`
          + `${r.errorCount ? `, ${r.errorCount} invalid` : ''}${Object.keys(r.skipped).length ? `, skipped: ${Object.entries(r.skipped).map(([k, v]) => `${v} ${k}`).join(', ')}` : ''}\n`);
        for (const e of r.errors.slice(0, 50)) process.stdout.write(`  line ${e.line}: ${e.message}\n`);
        if (r.errors.length > 50) process.stdout.write(`  … ${r.errors.length - 50} more (--json lists them all)\n`);
      }
      process.exitCode = r.status === 'valid' ? 0 : r.status === 'partial' ? 3 : 1;
    });

  intel.command('feeds')
    .description('the public feeds Vigil knows (add one with vigil intel add --feed <name>)')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      if (o.json) { process.stdout.write(JSON.stringify(FEEDS, null, 2) + '\n'); return; }
      process.stdout.write(table(['Feed', 'What', 'Purpose', 'Refresh', 'Terms'], FEEDS.map((f) => [f.name, f.title, f.purpose, `${f.refreshSeconds / 3600} h`, f.terms])) + '\n');
    });
}
