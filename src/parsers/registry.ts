/**
 * The parsers Vigil knows, one line each. Adding a log format is one folder plus one line here.
 */
import type { LogKind } from '../core/index.js';
import type { Parser } from './types.js';
import { cloudTrailParser } from './cloudtrail/index.js';
import { vpcFlowParser } from './vpcflow/index.js';
import { route53Parser } from './route53/index.js';

export const PARSERS: readonly Parser[] = [
  cloudTrailParser,
  vpcFlowParser,
  route53Parser,
];

export function parserFor(kind: LogKind): Parser {
  const p = PARSERS.find((x) => x.kind === kind);
  if (!p) throw new Error(`no parser for log type ${kind}`);
  return p;
}
