/**
 * `npm run eval`: scans the public corpora in /work/shared/data (override with VIGIL_EVAL_DATA)
 * and reports, per finding type, hits / expected and false findings. It is a report, not a
 * gate: it exits 0 whatever the figures, and non-zero only if the evaluation itself failed.
 * `--json` prints the results as JSON instead of tables. Either way the results are written to
 * eval/.eval/results.json (git-ignored).
 *
 *   eval/stratus.ts       Stratus Red Team CloudTrail detonations (LABELS.json)
 *   eval/stratus-baseline.ts  the same detonations on two weeks of benign background (baselines), and an ablation
 *   eval/panther.ts       Panther rule tests: CloudTrail, Route 53 (mapping in eval/panther-map.ts), VPC flow (none map)
 *   eval/stratosphere.ts  Stratosphere captures as labelled VPC flow logs
 *   eval/intel.ts         public threat lists injected into those logs (seeded), recall and false findings
 *   eval/network.ts       DGA families, DNSExfiltrator captures, instance baselines on Stratosphere flows with injected behaviour
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStratus } from './stratus.js';
import { runStratusOnBackground } from './stratus-baseline.js';
import { pantherVpcFlowNote, runPantherCloudTrail, runPantherDns } from './panther.js';
import { runStratosphere } from './stratosphere.js';
import { runIntel } from './intel.js';
import { runNetwork } from './network.js';
import { renderCorpus, renderTotals, totals } from './report.js';
import { DATA, type CorpusResult } from './common.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '.eval', 'results.json');

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const started = Date.now();
  const corpora: CorpusResult[] = [
    await runStratus(),
    await runStratusOnBackground(),
    await runStratusOnBackground({ sameNetwork: true }),
    runPantherCloudTrail(),
    await runStratosphere(),
    runPantherDns(),
    pantherVpcFlowNote(),
    await runIntel(),
    await runNetwork(),
  ];
  const all = totals(corpora);
  const results = { generatedAt: new Date().toISOString(), data: DATA, durationMs: Date.now() - started, corpora, totals: all };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  if (json) {
    process.stdout.write(JSON.stringify(results) + '\n');
    return;
  }
  const out = [`Vigil evaluation — corpora from ${DATA}`];
  for (const c of corpora) out.push(renderCorpus(c));
  out.push(renderTotals(all));
  out.push(`\nDone in ${(results.durationMs / 1000).toFixed(1)} s; results in ${OUT}`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`eval crashed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
