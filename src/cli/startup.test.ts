/**
 * Start-up stays light: `vigil --help`, `vigil --version` and `vigil <command> --help` load the
 * commands' registrations (commander and small option helpers) and nothing of the store, the API,
 * the detectors, the AWS SDK or NATS; what a command does is loaded by its action (commands/<name>-run.ts).
 *
 * No timing: each case runs the CLI from source in a child process with a module-resolution hook
 * that writes every module it resolves (ES modules, and packages entered from them) to a log file,
 * plus, at exit, every CommonJS module in require's cache (what those packages required in turn).
 * Two runs that do load the heavy parts (`vigil types`, `vigil findings list`) show the probe sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'vigil-startup-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// runs in the module-hooks thread: logs each resolved URL (resolve hooks see dynamic imports too)
const HOOK = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(path) { log = path; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}`;
// preloaded after tsx: registers the hook, and at exit adds the CommonJS modules loaded
const PRELOAD = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.VIGIL_STARTUP_LOG;
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), { data: log });
process.on('exit', () => appendFileSync(log, Object.keys(createRequire(process.cwd() + '/').cache).map((p) => 'file://' + p + '\\n').join('')));`;

/** A path under the project as `src/…`, a package's as `node_modules/<package>/…` (node_modules may be a link elsewhere); others undefined. */
function shortPath(p: string): string | undefined {
  const inModules = p.lastIndexOf('/node_modules/');
  if (inModules >= 0) return p.slice(inModules + 1);
  return p.startsWith(ROOT) ? p.slice(ROOT.length).replace(/^\/+/, '') : undefined;
}

let runs = 0;
/** Runs `vigil <args>` from source; returns its exit code, stdout and the modules it loaded (see shortPath). */
function vigil(...args: string[]): Promise<{ code: number | null; out: string; err: string; modules: string[] }> {
  const log = join(dir, `modules-${++runs}.log`);
  return new Promise((res) => execFile(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, MAIN, ...args],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', VIGIL_STARTUP_LOG: log } }, (e, out, err) => {
      const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file://'));
      const modules = [...new Set(urls.map((u) => shortPath(fileURLToPath(u))).filter((p) => p !== undefined))];
      res({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out, err, modules });
    }));
}

/** What help must never load: heavy packages and the parts of src/ only a running command needs. */
const HEAVY: [string, RegExp][] = [
  ['better-sqlite3', /node_modules\/better-sqlite3\//],
  ['pg', /node_modules\/(pg|pg-[a-z-]+)\//],
  ['@aws-sdk/*', /node_modules\/@aws-sdk\//],
  ['@smithy/*', /node_modules\/@smithy\//],
  ['@nats-io/*', /node_modules\/@nats-io\//],
  ['fastify', /node_modules\/fastify\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['src/api', /^src\/api\//],
  ['src/detectors', /^src\/detectors\//],
  ['src/store', /^src\/store\//],
  ['src/app', /^src\/app\//],
  ['src/cluster', /^src\/cluster\//],
  ['src/engine', /^src\/engine\//],
  ['src/parsers', /^src\/parsers\//],
  ['src/intel/manager', /^src\/intel\/manager\./],
  ['a command body (commands/*-run, store-open, cluster-open)', /^src\/cli\/commands\/(.+-run|store-open|cluster-open)\./],
];

function heavyIn(modules: string[]): string[] {
  return HEAVY.flatMap(([name, re]) => modules.filter((m) => re.test(m)).slice(0, 3).map((m) => `${name}: ${m}`));
}

const LIGHT_CASES = [
  ['--help'], ['--version'], [],
  ['scan', '--help'], ['findings', '--help'], ['findings', 'list', '--help'], ['findings', 'get', '--help'],
  ['intel', '--help'], ['intel', 'add', '--help'], ['intel', 'validate', '--help'],
  ['serve', '--help'], ['status', '--help'], ['worker', '--help'], ['types', '--help'],
  ['keys', '--help'], ['keys', 'create', '--help'], ['quarantine', 'requeue', '--help'],
  ['no-such-command'], ['scan'],
];

test('help, --version and usage errors load no store, API, detector, AWS SDK or NATS module', async () => {
  const results = await Promise.all(LIGHT_CASES.map(async (args) => ({ args, ...(await vigil(...args)) })));
  for (const r of results) {
    const what = `vigil ${r.args.join(' ')}`;
    assert.ok(r.modules.includes('src/cli/main.ts'), `${what}: the probe saw main.ts (${r.err})`);
    assert.ok(r.modules.includes('src/cli/commands/worker.ts'), `${what}: and every command's registration`);
    assert.ok(r.modules.some((m) => m.startsWith('node_modules/commander/')), `${what}: and commander`);
    assert.deepEqual(heavyIn(r.modules), [], `${what} loaded modules only a running command needs`);
  }
  const help = results.find((r) => r.args[0] === '--help')!;
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: vigil \[options\] \[command\]/);
  for (const c of ['scan', 'findings', 'types', 'intel', 'serve', 'status', 'quarantine', 'keys', 'worker']) assert.match(help.out, new RegExp(`\\n  ${c}\\b`));
  const version = results.find((r) => r.args[0] === '--version')!;
  assert.equal(version.code, 0);
  assert.equal(version.out.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  assert.equal(results.find((r) => r.args[0] === 'no-such-command')!.code, 2);
  assert.equal(results.find((r) => r.args[0] === 'scan' && r.args.length === 1)!.code, 2);
});

test('the probe sees what a running command loads lazily: detectors for `vigil types`, SQLite for `vigil findings list`', async () => {
  const [types, list] = await Promise.all([vigil('types', '--json'), vigil('findings', 'list', '--db', join(dir, 'v.db'), '--json')]);
  assert.equal(types.code, 0, types.err);
  assert.ok(types.modules.includes('src/cli/commands/types-run.ts'), 'types-run.ts loaded by the action');
  assert.ok(types.modules.some((m) => m.startsWith('src/detectors/')), 'and the detectors');
  assert.equal(list.code, 0, list.err);
  assert.deepEqual(JSON.parse(list.out), []);
  assert.ok(list.modules.includes('src/cli/commands/store-open.ts'), 'store-open.ts loaded by the action');
  assert.ok(list.modules.some((m) => /node_modules\/better-sqlite3\//.test(m)), 'and better-sqlite3');
});
