/**
 * Corpora 2 and 4: Panther's rule tests (panther-labs/panther-analysis, Apache-2.0), one test
 * event per line. Every event is run alone (fresh detector state) through the real parser,
 * enrichers and all detectors (src/testing/harness.ts). Events of mapped rules are judged
 * against their GuardDuty type (eval/panther-map.ts); any finding on an event Panther expects no
 * alert for, of a type no mapping of its rule judges, is a false-finding candidate to list.
 *
 * Panther's fixtures are partial events. Test events of other log types (Okta, GSuite…) are fed
 * to the CloudTrail parser too, only to show they are rejected and raise nothing; a missing or
 * placeholder eventTime is replaced by a fixed time (counted); anything the parser still rejects
 * is counted by reason, and is a miss when the event was a positive.
 * Route 53 tests carry Panther's parsed form and are turned back into Resolver query log lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogKind } from '../src/core/index.js';
import { detect } from '../src/testing/harness.js';
import { DATA, Tally, typeStatus, type CorpusResult, type Item, type Pending } from './common.js';
import {
  CLOUDTRAIL_MAPPINGS, CLOUDTRAIL_NOT_MAPPED, DNS_MAPPINGS, DNS_NOT_MAPPED, CANDIDATE_ASSESSMENTS, VPCFLOW_NOT_MAPPED,
  type Mapping, type PantherTest,
} from './panther-map.js';

const FIXED_TIME = '2024-01-01T00:00:00Z';

export function loadTests(path: string): PantherTest[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as PantherTest);
}

/** What one test event became: skipped, rejected by the parser, or the finding types raised. */
interface Outcome { skipped?: string; foreign?: string; rejected?: string; repaired?: string; types: string[] }

function runAlone(kind: LogKind, text: string): Pick<Outcome, 'rejected' | 'types'> {
  const r = detect([{ kind, text }]);
  const rejected = r.bad.length ? `${r.bad[0].reason}: ${r.bad[0].excerpt}` : undefined;
  return { rejected, types: [...new Set(r.candidates.map((c) => c.type))] };
}

export function runCloudTrailTest(t: PantherTest): Outcome {
  const logType = t.log.p_log_type;
  if (typeof logType === 'string' && logType !== 'AWS.CloudTrail') return { foreign: logType, ...runAlone('cloudtrail', JSON.stringify({ Records: [t.log] })) };
  const log = { ...t.log };
  let repaired: string | undefined;
  if (typeof log.eventTime !== 'string' || Number.isNaN(Date.parse(log.eventTime))) {
    repaired = `eventTime ${JSON.stringify(log.eventTime)} → ${FIXED_TIME}`;
    log.eventTime = FIXED_TIME;
  }
  return { repaired, ...runAlone('cloudtrail', JSON.stringify({ Records: [log] })) };
}

/** Panther's AWS.VPCDns form → one Route 53 Resolver query log line; undefined for other shapes. */
export function route53Line(log: Record<string, unknown>): string | undefined {
  if (typeof log.query_name !== 'string' || !('account_id' in log)) return undefined;
  const ts = String(log.query_timestamp ?? '');
  const answers = log.answers === undefined ? [] : Array.isArray(log.answers) ? log.answers : [log.answers];
  const rec: Record<string, unknown> = {
    version: log.version ?? '1.100000', account_id: log.account_id, region: log.region, vpc_id: log.vpc_id,
    query_timestamp: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(ts) ? ts.replace(' ', 'T') + 'Z' : ts,
    query_name: log.query_name, query_type: log.query_type, query_class: log.query_class, rcode: log.rcode,
    answers, srcaddr: log.srcaddr, srcport: log.srcport, transport: log.transport, srcids: log.srcids,
  };
  for (const k of Object.keys(rec)) if (rec[k] === undefined) delete rec[k];
  return JSON.stringify(rec);
}

export function runDnsTest(t: PantherTest): Outcome {
  const line = route53Line(t.log);
  if (!line) return { skipped: `log type ${String(t.log.p_log_type ?? 'unnamed')}`, types: [] };
  return runAlone('dns', line + '\n');
}

/** Judges every test against the mappings; see eval/panther-map.ts for the rules. */
function judge(id: string, title: string, tests: PantherTest[], mappings: readonly Mapping[], run: (t: PantherTest) => Outcome, notMapped: Record<string, string>): CorpusResult {
  const tally = new Tally();
  const misses: Item[] = [], falseFindings: Item[] = [], otherFindings: Item[] = [], pending: Pending[] = [];
  const candidates: (Item & { rule: string; test: string; assessment?: string })[] = [];
  const perMapping = new Map<Mapping, { pos: number; neg: number; hits: number; misses: number; false: number; overridden: number; pending: number }>();
  const skipped = new Map<string, number>(), rejected = new Map<string, number>();
  const rejectedPositives: Item[] = [];
  let repaired = 0, evaluated = 0;
  const foreign = { run: 0, rejected: 0, types: new Set<string>() };

  for (const t of tests) {
    const o = run(t);
    if (o.skipped) { skipped.set(o.skipped, (skipped.get(o.skipped) ?? 0) + 1); continue; }
    evaluated++;
    if (o.foreign) {
      foreign.run++;
      if (o.rejected) foreign.rejected++;
      for (const type of o.types) {
        foreign.types.add(type);
        candidates.push({ type, where: `${t.rule_id} | ${t.test_name}`, rule: t.rule_id, test: t.test_name, detail: `raised on a ${o.foreign} event` });
      }
      continue;
    }
    if (o.repaired) repaired++;
    if (o.rejected) rejected.set(o.rejected.split(':')[0], (rejected.get(o.rejected.split(':')[0]) ?? 0) + 1);
    const where = `${t.rule_id} | ${t.test_name}`;
    const judged = new Set<string>();
    for (const m of mappings.filter((x) => x.rule === t.rule_id)) {
      const pm = perMapping.get(m) ?? { pos: 0, neg: 0, hits: 0, misses: 0, false: 0, overridden: 0, pending: 0 };
      perMapping.set(m, pm);
      const ov = m.overrides?.[t.test_name];
      if (ov) pm.overridden++;
      const expected = ov ? ov.expected : t.expected;
      const inScope = !m.scope || m.scope.test(t.log);
      if (expected === null || (expected && !inScope)) continue;
      judged.add(m.type);
      const raised = o.types.includes(m.type);
      const st = typeStatus(m.type);
      if (st.status !== 'implemented') {
        if (expected) { pm.pending++; pending.push({ type: m.type, status: st.status, issue: st.issue, where }); }
        continue;
      }
      if (expected) {
        pm.pos++;
        tally.expect(m.type, raised);
        if (raised) pm.hits++;
        else {
          pm.misses++;
          misses.push({ type: m.type, where, detail: o.rejected ? `parser rejected the event (${o.rejected})` : `raised: ${o.types.join(', ') || 'nothing'}; event: ${summary(t.log)}` });
          if (o.rejected) rejectedPositives.push({ type: m.type, where, detail: o.rejected });
        }
      } else {
        pm.neg++;
        if (raised) {
          pm.false++;
          tally.falseFinding(m.type);
          falseFindings.push({ type: m.type, where, detail: `Panther expects no alert${ov ? ` (${ov.why})` : ''}; event: ${summary(t.log)}${o.repaired ? `; ${o.repaired}` : ''}` });
        }
      }
    }
    for (const type of o.types) {
      if (judged.has(type)) continue;
      if (t.expected) { otherFindings.push({ type, where, detail: 'on a Panther positive whose rule is not mapped to this type' }); continue; }
      const assessment = CANDIDATE_ASSESSMENTS[`${t.rule_id}|${t.test_name}|${type}`];
      candidates.push({ type, where, rule: t.rule_id, test: t.test_name, assessment, detail: summary(t.log) });
    }
  }

  for (const c of candidates) tally.row(c.type);
  const mappingRows = [...perMapping].map(([m, s]) => {
    const st = typeStatus(m.type);
    const implemented = st.status === 'implemented';
    return [m.rule, implemented ? m.type : `${m.type} (issue ${st.issue ?? '?'})`, m.scope?.describe ?? 'all',
      implemented ? `${s.hits}/${s.pos}` : `${s.pending} pending`, s.neg, s.false, s.overridden];
  });
  const rulesInCorpus = new Set(tests.map((t) => t.rule_id));
  return {
    id, title,
    rows: tally.rows().map((r) => ({ ...r, candidates: candidates.filter((c) => c.type === r.type).length })),
    misses, falseFindings, otherFindings, pending,
    notes: [
      `${tests.length} test events, ${evaluated} run alone`
        + (foreign.run ? ` (${foreign.run} of them other products' logs: ${foreign.rejected} rejected, ${foreign.types.size ? `raised ${[...foreign.types].join(', ')}` : 'nothing raised'})` : '')
        + (skipped.size ? `; not convertible, skipped: ${[...skipped].map(([k, n]) => `${n} ${k}`).join(', ')}` : '')
        + (repaired ? `; ${repaired} given a fixed eventTime (the fixture had none or a placeholder)` : '')
        + `; the parser rejected ${[...rejected].map(([k, n]) => `${n} (${k})`).join(', ') || 'none'} of the rest.`,
      `${new Set(mappings.map((m) => m.rule)).size} of ${rulesInCorpus.size} rules mapped (table above). Considered and not mapped:`,
      ...Object.entries(notMapped).filter(([r]) => rulesInCorpus.has(r)).map(([r, why]) => `  ${r}: ${why}`),
      'Where Panther and GuardDuty differ:',
      ...mappings.filter((m) => m.differs && perMapping.has(m)).map((m) => `  ${m.rule} → ${m.type}: ${m.differs}`),
      ...mappings.flatMap((m) => Object.entries(m.overrides ?? {}).map(([test, ov]) => `  override ${m.rule} | ${test}: expected ${ov.expected} — ${ov.why}`)),
    ],
    detail: { head: ['Panther rule', 'GuardDuty type', 'scope', 'hits/pos', 'neg', 'false', 'overrides'], rows: mappingRows },
    extra: {
      tests: tests.length, evaluated, repaired, foreign: { run: foreign.run, rejected: foreign.rejected, types: [...foreign.types] },
      skipped: Object.fromEntries(skipped), rejected: Object.fromEntries(rejected), rejectedPositives,
      candidates,
      mappings: mappings.map((m) => ({ rule: m.rule, type: m.type, scope: m.scope?.describe, why: m.why, differs: m.differs, ...perMapping.get(m) })),
    },
  };
}

function summary(log: Record<string, unknown>): string {
  const id = (log.userIdentity ?? {}) as Record<string, unknown>;
  if (log.eventName) {
    return `${String(log.eventName)} by ${String(id.type ?? '?')}${id.invokedBy ? ` invokedBy ${String(id.invokedBy)}` : ''}`
      + `${log.errorCode ? ` errorCode ${String(log.errorCode)}` : ''}${log.responseElements ? ` response ${JSON.stringify(log.responseElements).slice(0, 60)}` : ''}`;
  }
  return String(log.query_name ?? JSON.stringify(log).slice(0, 80));
}

export function runPantherCloudTrail(): CorpusResult {
  const tests = loadTests(join(DATA, 'cloudtrail/panther-analysis-tests/aws_cloudtrail_rule_tests.jsonl'));
  return judge('panther-cloudtrail', 'Panther CloudTrail rule tests (each event alone, all detectors)', tests, CLOUDTRAIL_MAPPINGS, runCloudTrailTest, CLOUDTRAIL_NOT_MAPPED);
}

export function runPantherDns(): CorpusResult {
  const tests = loadTests(join(DATA, 'dns/panther-analysis-tests/aws_vpcdns_rule_tests.jsonl'));
  const r = judge('panther-dns', 'Panther Route 53 Resolver rule tests (converted to query log lines, each alone)', tests, DNS_MAPPINGS, runDnsTest, DNS_NOT_MAPPED);
  r.notes.unshift('No rule maps to an implemented type; the events are still run to check the parser and for false findings.');
  return r;
}

/** VPC flow tests: no rule maps to any of our types, so nothing is converted or run. */
export function pantherVpcFlowNote(): CorpusResult {
  const tests = loadTests(join(DATA, 'vpcflow/panther-analysis-tests/aws_vpcflow_rule_tests.jsonl'));
  const rules = [...new Set(tests.map((t) => t.rule_id))];
  return {
    id: 'panther-vpcflow', title: 'Panther VPC flow rule tests (not run)',
    rows: [], misses: [], falseFindings: [], otherFindings: [], pending: [],
    notes: [
      `${tests.length} tests over ${rules.length} rules; none maps to a GuardDuty type (single-record rules; ours need many records or threat intelligence):`,
      ...rules.map((r) => `${r}: ${VPCFLOW_NOT_MAPPED[r] ?? 'not a VPC flow rule (enrichment-based, several log types)'}`),
    ],
    extra: { tests: tests.length, rules },
  };
}
