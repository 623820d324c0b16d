/**
 * The `vigil` command line. Each command lives in commands/<name>.ts and registers itself here.
 * Registrations stay light (commander and small option helpers): what a command does is in
 * commands/<name>-run.ts, which its action imports when it runs, so `vigil --help`,
 * `vigil <command> --help` and `vigil --version` load none of the store, API, detectors, AWS SDK
 * or NATS (src/cli/startup.test.ts checks it).
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerScan } from './commands/scan.js';
import { registerFindings } from './commands/findings.js';
import { registerTypes } from './commands/types.js';
import { registerIntel } from './commands/intel.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerKeys } from './commands/keys.js';
import { registerWorker } from './commands/worker.js';

// `vigil … | head`: a reader that stops early is not an error
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('vigil')
  .description('Threat detection for AWS logs with GuardDuty\'s finding types and format')
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerScan(program);
registerFindings(program);
registerTypes(program);
registerIntel(program);
registerServe(program);
registerStatus(program);
registerQuarantine(program);
registerKeys(program);
registerWorker(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.stderr.write(`vigil: ${(e as Error).message}\n`);
  process.exit(1);
}
