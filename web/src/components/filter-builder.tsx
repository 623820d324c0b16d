/**
 * The filter builder: conditions over the same attributes ListFindings takes (type, severity,
 * account, resource, IPs, time, count…) plus current/archived. Edits a draft; the caller decides
 * when it applies (the findings list on "Apply", a rule as it is typed).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { FIELDS, SEVERITY_BANDS, fieldOf, type Archived, type FilterRow, type FilterState, type TextOp } from '../lib/criteria.js';

const TEXT_OPS: [TextOp, string][] = [['eq', 'is'], ['neq', 'is not'], ['matches', 'matches (* ?)'], ['notMatches', 'does not match']];

/** datetime-local value (local time) ↔ epoch ms. */
const toLocalInput = (ms?: number) => (ms === undefined ? '' : new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 16));
const fromLocalInput = (v: string) => (v ? new Date(v).getTime() : undefined);

function RowEditor({ row, index, onChange, onRemove }: { row: FilterRow; index: number; onChange: (r: FilterRow) => void; onRemove: () => void }) {
  const id = useId();
  const f = fieldOf(row.field);
  const n = index + 1;
  return (
    <fieldset className="row" data-testid="filter-row">
      <legend className="sr-only">Condition {n}</legend>
      <label className="sr-only" htmlFor={`${id}-f`}>Attribute of condition {n}</label>
      <select id={`${id}-f`} value={row.field} onChange={(e) => onChange(fieldOf(e.target.value).kind === 'text' ? { field: e.target.value, op: 'eq', values: [] } : { field: e.target.value })}>
        {!FIELDS.some((x) => x.name === row.field) && <option value={row.field}>{row.field}</option>}
        {FIELDS.map((x) => <option key={x.name} value={x.name}>{x.label}</option>)}
      </select>
      {f.kind === 'text' && <>
        <label className="sr-only" htmlFor={`${id}-o`}>Operator of condition {n}</label>
        <select id={`${id}-o`} value={row.op ?? 'eq'} onChange={(e) => onChange({ ...row, op: e.target.value as TextOp })}>
          {TEXT_OPS.map(([op, label]) => <option key={op} value={op}>{label}</option>)}
        </select>
        <label className="sr-only" htmlFor={`${id}-v`}>Values of condition {n} (comma-separated)</label>
        <input id={`${id}-v`} className="grow" placeholder={f.hint ?? 'value, another value'} value={(row.values ?? []).join(',')}
          onChange={(e) => onChange({ ...row, values: [e.target.value] })} spellCheck={false} />
      </>}
      {f.kind === 'severity' && <>
        <label htmlFor={`${id}-min`}>from</label>
        <select id={`${id}-min`} value={row.min ?? ''} onChange={(e) => onChange({ ...row, min: e.target.value === '' ? undefined : Number(e.target.value) })}>
          <option value="">any</option>
          {[...SEVERITY_BANDS].reverse().map((b) => <option key={b.name} value={b.min}>{b.name} ({b.min})</option>)}
          {row.min !== undefined && !SEVERITY_BANDS.some((b) => b.min === row.min) && <option value={row.min}>{row.min}</option>}
        </select>
        <label htmlFor={`${id}-max`}>to</label>
        <select id={`${id}-max`} value={row.max ?? ''} onChange={(e) => onChange({ ...row, max: e.target.value === '' ? undefined : Number(e.target.value) })}>
          <option value="">any</option>
          {[...SEVERITY_BANDS].reverse().map((b) => <option key={b.name} value={b.max}>{b.name} ({b.max})</option>)}
          {row.max !== undefined && !SEVERITY_BANDS.some((b) => b.max === row.max) && <option value={row.max}>{row.max}</option>}
        </select>
      </>}
      {f.kind === 'time' && <>
        <label htmlFor={`${id}-min`}>from</label>
        <input id={`${id}-min`} type="datetime-local" value={toLocalInput(row.min)} onChange={(e) => onChange({ ...row, min: fromLocalInput(e.target.value) })} />
        <label htmlFor={`${id}-max`}>to</label>
        <input id={`${id}-max`} type="datetime-local" value={toLocalInput(row.max)} onChange={(e) => onChange({ ...row, max: fromLocalInput(e.target.value) })} />
      </>}
      {f.kind === 'number' && <>
        <label htmlFor={`${id}-min`}>at least</label>
        <input id={`${id}-min`} type="number" min={0} value={row.min ?? ''} onChange={(e) => onChange({ ...row, min: e.target.value === '' ? undefined : Number(e.target.value) })} />
        <label htmlFor={`${id}-max`}>at most</label>
        <input id={`${id}-max`} type="number" min={0} value={row.max ?? ''} onChange={(e) => onChange({ ...row, max: e.target.value === '' ? undefined : Number(e.target.value) })} />
      </>}
      <button type="button" className="icon" onClick={onRemove} aria-label={`Remove condition ${n}`} title="Remove">✕</button>
    </fieldset>
  );
}

export function FilterBuilder({ value, onChange, archivedChoice = true }: { value: FilterState; onChange: (s: FilterState) => void; archivedChoice?: boolean }) {
  const name = useId();
  const box = useRef<HTMLDivElement>(null);
  // a condition added from the keyboard gets the focus, so Tab goes on through it
  const [added, setAdded] = useState(0);
  useEffect(() => {
    if (added) box.current?.querySelector<HTMLSelectElement>('[data-testid="filter-row"]:last-of-type select')?.focus();
  }, [added]);
  const setRow = (i: number, r: FilterRow) => onChange({ ...value, rows: value.rows.map((x, j) => (j === i ? r : x)) });
  return (
    <div className="builder" ref={box}>
      {value.rows.length === 0 && <p className="muted">No conditions.</p>}
      {value.rows.map((r, i) => <RowEditor key={i} row={r} index={i} onChange={(x) => setRow(i, x)} onRemove={() => onChange({ ...value, rows: value.rows.filter((_, j) => j !== i) })} />)}
      <div className="builder-foot">
        <button type="button" onClick={() => { onChange({ ...value, rows: [...value.rows, { field: 'type', op: 'eq', values: [] }] }); setAdded((n) => n + 1); }}>Add condition</button>
        {archivedChoice && (
          <fieldset className="radios">
            <legend>Show</legend>
            {([['current', 'Current'], ['archived', 'Archived'], ['all', 'All']] as [Archived, string][]).map(([v, label]) => (
              <label key={v}><input type="radio" name={name} value={v} checked={value.archived === v} onChange={() => onChange({ ...value, archived: v })} /> {label}</label>
            ))}
          </fieldset>
        )}
      </div>
    </div>
  );
}
