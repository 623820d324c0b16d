/**
 * `vigil findings list|get|archive|unarchive`: read and triage stored findings. `--json`
 * prints GuardDuty's finding JSON exactly (as GetFindings returns it). The flags are here; what
 * each command does is in findings-run.ts, loaded when it runs.
 */
import type { Command } from 'commander';
import { dbOption, storeOption, type StoreFlags } from './common.js';
import type { FindingsListOptions } from './findings-run.js';

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerFindings(program: Command): void {
  const findings = program.command('findings').description('list, show and triage stored findings');

  findings.command('list')
    .description('list findings, most severe first (active ones unless --archived or --all)')
    .addOption(storeOption()).addOption(dbOption())
    .option('--type <type>', 'finding type (repeatable or comma-separated)', collect)
    .option('--severity <level>', 'Low, Medium, High or Critical (repeatable or comma-separated)', collect)
    .option('--account <id>', 'AWS account id (repeatable or comma-separated)', collect)
    .option('--archived', 'only archived findings')
    .option('--all', 'active and archived findings')
    .option('--sort <field>', 'severity | updatedAt | createdAt | count | type', 'severity')
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print the findings as a JSON array of GuardDuty findings')
    .action(async (o: FindingsListOptions) => (await import('./findings-run.js')).listFindings(o));

  findings.command('get')
    .description('show findings by id')
    .argument('<ids...>', 'finding ids (32 hex characters)')
    .addOption(storeOption()).addOption(dbOption())
    .option('--json', 'print GuardDuty finding JSON (an array, as GetFindings returns)')
    .action(async (ids: string[], o: StoreFlags & { json?: boolean }) => (await import('./findings-run.js')).getFindings(ids, o));

  for (const [name, archived] of [['archive', true], ['unarchive', false]] as const) {
    findings.command(name)
      .description(`${archived ? 'archive' : 'unarchive'} findings by id`)
      .argument('<ids...>', 'finding ids')
      .addOption(storeOption()).addOption(dbOption())
      .action(async (ids: string[], o: StoreFlags) => (await import('./findings-run.js')).setArchived(ids, archived, o));
  }
}
