/** What `vigil types` prints (commands/types.ts registers it): loaded only when it runs, as it reads every detector. */
import { FINDING_TYPES } from '../../core/index.js';
import { DETECTORS } from '../../detectors/registry.js';
import { severityLabel, table } from '../format.js';

export function implementedTypes(): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of DETECTORS) for (const t of d.findingTypes) m.set(t, d.id);
  return m;
}

export function printTypes(o: { json?: boolean }): void {
  const impl = implementedTypes();
  const rows = FINDING_TYPES.map((t) => ({ ...t, detector: impl.get(t.type) ?? null, status: impl.has(t.type) ? 'implemented' : `planned (issue ${t.issue})` }));
  if (o.json) { process.stdout.write(JSON.stringify(rows, null, 2) + '\n'); return; }
  process.stdout.write(table(['Type', 'Severity', 'Source', 'Status'], rows.map((r) => [r.type, severityLabel(r.severity), r.source, r.detector ?? r.status])) + '\n');
  process.stdout.write(`${impl.size} of ${rows.length} types implemented.\n`);
}
