/**
 * `vigil types`: the GuardDuty finding types Vigil knows, with severity, source and status. What
 * it prints is in types-run.ts, loaded when it runs (it reads every detector).
 */
import type { Command } from 'commander';

export function registerTypes(program: Command): void {
  program.command('types')
    .description('list the GuardDuty finding types Vigil knows and which detector raises each')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => (await import('./types-run.js')).printTypes(o));
}
