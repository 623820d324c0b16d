/**
 * What `vigil scan` does once its flags are parsed (commands/scan.ts registers it): loaded only
 * when the command runs, as it imports the store, every parser and detector, and intel.
 */
import { BAD_REASONS, LOG_KINDS, type BadReason, type LogKind } from '../../core/index.js';
import { scan, type ScanReport } from '../../app/scan.js';
import { redactLocation } from '../../store/index.js';
import { bytes, fail, rate, severityLabel, table } from '../format.js';
import { progressReporter } from '../progress.js';
import type { StoreFlags } from './common.js';
import { openStoreOrFail, storeFlag, storeLocation } from './store-open.js';
import { intelManager, intelOptions, parseAdHoc } from '../intel-setup.js';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseInventory, setInstanceInventory } from '../../enrich/instance-identity.js';

export interface ScanOptions extends StoreFlags { type?: string; region: string; flowFields?: string; force?: boolean; json?: boolean; progress: boolean; threatList?: string[]; trustedList?: string[]; offline?: boolean; inventory?: string; threads?: string }

export async function runScan(paths: string[], o: ScanOptions): Promise<void> {
  if (o.type && !LOG_KINDS.includes(o.type as LogKind)) fail(`--type must be one of ${LOG_KINDS.join(', ')} (got ${o.type})`, 2);
  const threads = o.threads === undefined ? availableParallelism() : Number(o.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) fail(`--threads must be a whole number from 1 to 256 (got ${o.threads})`, 2);
  const inventoryPath = o.inventory ?? process.env.VIGIL_INSTANCE_INVENTORY;
  if (inventoryPath) {
    try { setInstanceInventory(parseInventory(readFileSync(inventoryPath, 'utf8'))); } catch (e) { fail(`--inventory ${inventoryPath}: ${(e as Error).message}`, 2); }
  }
  let adHoc;
  try {
    adHoc = [...(o.threatList ?? []).map((v) => parseAdHoc(v, 'THREAT')), ...(o.trustedList ?? []).map((v) => parseAdHoc(v, 'TRUSTED'))];
  } catch (e) { fail((e as Error).message, 2); }
  const db = storeLocation(o);
  const store = await openStoreOrFail(db);
  const intel = intelManager(store, db);
  if (!o.offline) await intel.refresh(undefined, { dueOnly: true });
  const { services, loaded, problems } = await intel.buildServices(adHoc);
  if (problems.length && adHoc.some((a) => problems.some((p) => p.startsWith(`list ${a.name}:`)))) {
    await store.close();
    fail(problems.join('\n'), 2);
  }
  const bar = progressReporter(o.progress && !o.json);
  let report: ScanReport;
  try {
    report = await scan({
      inputs: paths, store, type: o.type as LogKind | undefined, defaultRegion: o.region, force: o.force,
      flowFields: o.flowFields?.split(/[\s,]+/).filter(Boolean),
      services,
      threads, threadSetup: { store: db, intel: { options: intelOptions(db), adHoc: adHoc ?? [] }, inventory: inventoryPath },
      minBytesPerThread: envBytes('VIGIL_SCAN_THREAD_MIN_BYTES'),
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  const totals = await store.countFindings({ archived: false });
  await store.close();
  if (report.objects.total === 0) fail(`nothing to scan: ${report.inputs.missing.map((m) => `${m.arg} (${m.reason})`).join(', ')}`, 2);
  const lists = { loaded, problems };
  if (o.json) process.stdout.write(JSON.stringify({ ...jsonReport(report, redactLocation(db), totals.total), lists }, null, 2) + '\n');
  else process.stdout.write(textReport(report, db, totals.total) + listsSummary(lists, report));
  process.exitCode = report.exitCode;
}

/** A byte count from the environment (undefined when unset or not a number ≥ 0). */
function envBytes(name: string): number | undefined {
  const v = process.env[name];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function listsSummary(l: { loaded: { name: string; role: string; entries: number }[]; problems: string[] }, r: ScanReport): string {
  if (!l.loaded.length && !l.problems.length) return '';
  const out = [`Lists: ${l.loaded.map((x) => `${x.name} (${x.role.toLowerCase()}, ${x.entries.toLocaleString('en-US')})`).join(', ') || 'none loaded'}`];
  const skipped = Object.entries(r.trustedSkipped).map(([k, n]) => `${n} ${k}`).join(', ');
  if (skipped) out.push(`Not analysed (trusted addresses): ${skipped} events.`);
  for (const p of l.problems) out.push(`warning: ${p}`);
  return out.join('\n') + '\n';
}

function jsonReport(r: ScanReport, db: string, activeFindings: number) {
  return {
    db,
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    objects: r.objects,
    missingInputs: r.inputs.missing,
    ingest: r.ingest.kinds,
    findings: { ...r.findings, activeInDatabase: activeFindings },
    detectorErrors: r.detectorErrors,
    trustedSkipped: r.trustedSkipped,
  };
}

function textReport(r: ScanReport, db: string, activeFindings: number): string {
  const out: string[] = [];
  const f = r.findings;
  out.push('');
  if (f.byType.length) {
    out.push('Findings');
    out.push(table(['Severity', 'Type', 'New', 'Updated', 'Occurrences'],
      f.byType.map((t) => [severityLabel(t.severity), t.type, t.created, t.updated, t.occurrences])));
  } else out.push('No findings from these logs.');
  out.push(`${f.created} new, ${f.updated} updated${f.suppressed ? `, ${f.suppressed} suppressed by filters` : ''}; ${activeFindings} active findings in ${redactLocation(db)}.`);
  out.push('');
  out.push('Ingestion');
  const rows: (string | number)[][] = [];
  for (const [kind, k] of Object.entries(r.ingest.kinds)) {
    const badCount = Object.values(k!.bad).reduce((n, b) => n + b!.count, 0);
    const skipped = Object.entries(k!.skipped).map(([why, n]) => `${n} ${why}`).join(', ');
    rows.push([kind, k!.objects, k!.records.toLocaleString('en-US'), bytes(k!.bytesIn), badCount, skipped || '–']);
  }
  out.push(table(['Log type', 'Objects', 'Records', 'Read', 'Bad', 'Skipped'], rows));
  const o = r.objects;
  const mb = Object.values(r.ingest.kinds).reduce((n, k) => n + k!.bytesOut, 0) / 1e6;
  out.push(`${o.processed} objects read${o.alreadyProcessed ? `, ${o.alreadyProcessed} already processed (skipped; --force re-reads them)` : ''}`
    + ` in ${(r.durationMs / 1000).toFixed(1)} s (${rate(r.ingest.recordTotal, r.durationMs, 'records')}, ${rate(mb, r.durationMs, 'MB')} decompressed).`);
  const problems: string[] = [];
  for (const [kind, k] of Object.entries(r.ingest.kinds)) {
    for (const [reason, b] of Object.entries(k!.bad)) {
      problems.push(`  ${kind} · ${reason} × ${b!.count}: ${BAD_REASONS[reason as BadReason]}`);
      for (const s of b!.samples) problems.push(`      ${s.object}${s.position ? `:${s.position}` : ''}  ${s.excerpt}`);
    }
  }
  for (const m of r.inputs.missing) problems.push(`  input ${m.arg}: ${m.reason}`);
  for (const d of r.detectorErrors) problems.push(`  detector ${d.detector} failed ${d.count}× (events skipped for it): ${d.sample}`);
  if (problems.length) {
    out.push('');
    out.push('Completed with errors (exit code 3); everything else was read:');
    out.push(...problems);
  }
  out.push('');
  out.push(f.byType.length ? `Next: vigil findings list ${storeFlag(db)}` : '');
  return out.join('\n') + '\n';
}
