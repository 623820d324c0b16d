/**
 * `vigil intel add|list|remove|refresh|activate|deactivate|test|validate|feeds`: threat and
 * trusted lists in GuardDuty's formats, from files, URLs, S3 or the known public feeds. The flags
 * are here; what each command does is in intel-run.ts, loaded when it runs.
 */
import type { Command } from 'commander';
import { FEEDS } from '../../intel/feeds.js';
import { LIST_FORMATS, THREAT_PURPOSES } from '../../intel/types.js';
import { dbOption, storeOption, type StoreFlags } from './common.js';
import type { IntelAddOptions, IntelRefreshOptions, IntelTestOptions } from './intel-run.js';

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
    .action(async (name: string | undefined, location: string | undefined, o: IntelAddOptions) => (await import('./intel-run.js')).intelAdd(name, location, o));

  intel.command('list')
    .description('the lists, their status, entry counts and last refresh')
    .addOption(storeOption()).addOption(dbOption())
    .option('--json', 'print as JSON')
    .action(async (o: StoreFlags & { json?: boolean }) => (await import('./intel-run.js')).intelList(o));

  intel.command('remove')
    .description('remove a list')
    .argument('<name>', 'list name or id')
    .addOption(storeOption()).addOption(dbOption())
    .action(async (name: string, o: StoreFlags) => (await import('./intel-run.js')).intelRemove(name, o));

  for (const [cmd, on] of [['activate', true], ['deactivate', false]] as const) {
    intel.command(cmd)
      .description(on ? 'use a list again' : 'stop using a list without removing it')
      .argument('<name>', 'list name or id')
      .addOption(storeOption()).addOption(dbOption())
      .action(async (name: string, o: StoreFlags) => (await import('./intel-run.js')).intelSetActive(name, on, o));
  }

  intel.command('refresh')
    .description('fetch lists again (conditional requests: unchanged lists cost nothing); all active lists by default')
    .argument('[name]', 'one list (name or id)')
    .addOption(storeOption()).addOption(dbOption())
    .option('--due', 'only lists whose refresh interval is over')
    .option('--force', 'fetch even if unchanged')
    .option('--json', 'print the lists as JSON')
    .action(async (name: string | undefined, o: IntelRefreshOptions) => (await import('./intel-run.js')).intelRefresh(name, o));

  intel.command('test')
    .description('check an IP address or domain against every active list')
    .argument('<value>', 'an IPv4/IPv6 address or a domain')
    .addOption(storeOption()).addOption(dbOption())
    .option('--port <port>', 'remote port, for ip:port entries', (v) => Number.parseInt(v, 10))
    .option('--json', 'print as JSON')
    .action(async (value: string, o: IntelTestOptions) => (await import('./intel-run.js')).intelTest(value, o));

  intel.command('validate')
    .description('parse a list file and report what it would load, with every invalid line')
    .argument('<file>', 'the list file')
    .requiredOption('--format <format>', `list format: ${LIST_FORMATS.join(', ')}`)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { format: string; json?: boolean }) => (await import('./intel-run.js')).intelValidate(file, o));

  intel.command('feeds')
    .description('the public feeds Vigil knows (add one with vigil intel add --feed <name>)')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => (await import('./intel-run.js')).intelFeeds(o));
}
