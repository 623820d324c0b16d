/**
 * Keeps `npm run bench` from rotting: runs it in smoke mode (tiny seeded data, one run) into a
 * temporary folder and checks that it completes, that every measurement of every log type
 * handled records, and that each attack the generator injected raised at least one finding.
 * Timings are never asserted (the machine is shared and noisy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

interface Results {
  samples: { kind: string; mode: string; records: number }[];
  summary: { findings: { kind: string; type: string; created: number; injected?: number }[] };
  datasets: Record<string, { expected: Record<string, number> }>;
  api?: { findings: number; rows: { name: string; result: { requests: number; errors: number } }[] };
  baseline?: { events: number; principalProfiles: number; snapshotBytes: number; runs: Record<string, { events: number }> };
  behavior?: { flows: number; profiles: number; runs: Record<string, { flows: number; findings: number }> };
  soak?: { filesRead: number; written: Record<string, { files: number }>; api: { n: number; errors: number } };
  hostile?: { results: { name: string; records: number; reasons: Record<string, number> }[] };
}

test('bench --smoke completes, measures every log type and detects the injected attacks', () => {
  const out = mkdtempSync(join(tmpdir(), 'vigil-bench-smoke-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts'), '--smoke', '--out', out], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    // 0 = clean, 1 = it ran and reported problems (checked below); anything else is a crash
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}\n${r.stderr}\n${r.stdout}`);
    const resultsPath = join(out, 'results.json');
    assert.ok(existsSync(resultsPath), 'results.json written');
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;

    for (const kind of ['cloudtrail', 'vpcflow', 'dns']) {
      const samples = results.samples.filter((s) => s.kind === kind);
      assert.deepEqual([...new Set(samples.map((s) => s.mode))].sort(), kind === 'dns' ? ['ceiling', 'ceiling-json', 'parse', 'scan', 'scan-2t'] : ['ceiling', 'parse', 'scan', 'scan-2t'], kind);
      for (const s of samples) assert.ok(s.records > 0, `${kind} ${s.mode}: no records`);

      const expected = results.datasets[kind].expected;
      assert.ok(Object.keys(expected).length > 0, `${kind}: the generator injected no attacks`);
      for (const type of Object.keys(expected)) {
        const row = results.summary.findings.find((f) => f.kind === kind && f.type === type);
        assert.ok(row && row.created > 0, `${kind}: injected ${type} raised no finding`);
      }
    }
    // the API workload served every request it sent, without errors
    assert.equal(results.api?.findings, 20_000);
    assert.ok(results.api.rows.length >= 5);
    for (const r of results.api.rows) {
      assert.ok(r.result.requests > 0, `${r.name}: no requests`);
      assert.equal(r.result.errors, 0, `${r.name}: errors`);
    }
    // the baseline workload ran its three modes over every event and kept a profile per principal
    assert.equal(results.baseline?.events, 50_000);
    for (const mode of ['gen', 'off', 'on']) assert.equal(results.baseline.runs[mode].events, 50_000, mode);
    assert.equal(results.baseline.principalProfiles, 2_000);
    assert.ok(results.baseline.snapshotBytes > 0);
    // the network-behaviour workload parsed every flow in its three modes, kept a profile per instance, raised nothing on benign traffic
    for (const mode of ['gen', 'off', 'on']) assert.equal(results.behavior?.runs[mode].flows, 40_000, mode);
    assert.equal(results.behavior?.profiles, 1_000);
    assert.equal(results.behavior?.runs.on.findings, 0);
    // the soak read every file it wrote and its API trickle got answers, all of them good
    const written = Object.values(results.soak?.written ?? {}).reduce((n, k) => n + k.files, 0);
    assert.ok(results.soak && written > 0);
    assert.equal(results.soak.filesRead, written);
    assert.ok(results.soak.api.n > 0);
    assert.equal(results.soak.api.errors, 0);
    // every hostile object was rejected with a reason and yielded no event
    assert.equal(results.hostile?.results.length, 4);
    for (const h of results.hostile.results) {
      assert.equal(h.records, 0, h.name);
      assert.ok(Object.keys(h.reasons).length > 0, `${h.name}: rejected without a reason`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
