/**
 * Test harness: feeds real-shaped log text through the real parser, enrichers and engine and
 * returns what detectors emitted and what the parser rejected. Detector tests use it so that
 * every finding is proven from log records, not from hand-built event objects.
 */
import type { BadReason, FindingCandidate, LogKind, VigilEvent } from '../core/index.js';
import { Engine, StateRegistry, type Detector, type Enricher, type EngineServices } from '../engine/index.js';
import { ENRICHERS } from '../enrich/registry.js';
import { DETECTORS } from '../detectors/registry.js';
import { keyHints, parserFor } from '../parsers/index.js';
import type { ParseLimits } from '../parsers/limits.js';
import { IntelIndexBuilder } from '../intel/matcher/index.js';
import { emitIndicator, parseIndicator } from '../intel/ip-text.js';

export interface ParsedText {
  events: VigilEvent[];
  bad: { reason: BadReason; position?: number; excerpt: string }[];
  skipped: Record<string, number>;
}

/** Parses text (or bytes) as one object of `kind`, in chunks of `chunkSize` bytes. Events are copied (parsers reuse them). */
export function parseText(kind: LogKind, input: string | Buffer, opts: { path?: string; chunkSize?: number; flowFields?: string[]; limits?: ParseLimits } = {}): ParsedText {
  const out: ParsedText = { events: [], bad: [], skipped: {} };
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const session = parserFor(kind).open({
    objectName: opts.path ?? 'test', hints: keyHints(opts.path ?? ''), defaultRegion: 'us-east-1', flowFields: opts.flowFields, limits: opts.limits,
  }, {
    // a plain copy: parsers reuse events, and flow records build address text on demand
    event: (e) => out.events.push(JSON.parse(JSON.stringify(e))),
    bad: (reason, position, excerpt) => out.bad.push({ reason, position, excerpt }),
    skipped: (reason, n = 1) => { out.skipped[reason] = (out.skipped[reason] ?? 0) + n; },
  });
  const step = opts.chunkSize ?? buf.length;
  for (let i = 0; i < buf.length; i += Math.max(1, step)) session.push(buf.subarray(i, i + Math.max(1, step)));
  session.end(false);
  return out;
}

export interface DetectRun {
  candidates: FindingCandidate[];
  bad: ParsedText['bad'];
  engine: Engine;
}

/**
 * Runs log text of one or more kinds through parser → enrichers → engine with the given
 * detectors (default: all registered). Pass `state` to continue from an earlier run.
 */
export function detect(inputs: { kind: LogKind; text: string; path?: string }[], opts: { detectors?: readonly Detector[]; enrichers?: readonly Enricher[]; state?: StateRegistry; services?: EngineServices } = {}): DetectRun {
  const candidates: FindingCandidate[] = [];
  const engine = new Engine(opts.detectors ?? DETECTORS, opts.enrichers ?? ENRICHERS, (c) => candidates.push(c), { services: opts.services }, opts.state ?? new StateRegistry());
  const bad: ParsedText['bad'] = [];
  for (const input of inputs) {
    const session = parserFor(input.kind).open({ objectName: input.path ?? 'test', hints: keyHints(input.path ?? ''), defaultRegion: 'us-east-1' }, {
      event: (e) => engine.process(e),
      bad: (reason, position, excerpt) => bad.push({ reason, position, excerpt }),
      skipped: () => {},
    });
    session.push(Buffer.from(input.text));
    session.end(false);
  }
  return { candidates, bad, engine };
}

/** CloudTrail records → the `{"Records":[…]}` text an S3-delivered file holds. */
export function cloudTrailFile(records: object[]): string {
  return JSON.stringify({ Records: records });
}

/** A realistic CloudTrail record; override any field. */
export function ctRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL1', arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333', accessKeyId: 'AKIAEXAMPLEKEY000001', userName: 'alice',
    },
    eventTime: '2026-03-02T10:15:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off command/iam.list-users',
    requestParameters: null,
    responseElements: null,
    requestID: 'd3c8b1f2-6a1e-4c59-9a1b-3f0c2a7e8d11',
    eventID: 'b7e5c1a4-2f93-4d8e-8c0a-5e6f7a8b9c01',
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'iam.amazonaws.com' },
    ...over,
  };
}

/** VPC flow log v2 text with the header AWS writes to S3. */
export function flowFile(lines: string[], header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'): string {
  return [header, ...lines].join('\n') + '\n';
}

/** One v2 flow line. */
export function flowLine(f: { src: string; dst: string; sport: number; dport: number; proto?: number; packets?: number; bytes?: number; start: number; end?: number; action?: 'ACCEPT' | 'REJECT'; eni?: string; account?: string }): string {
  return [2, f.account ?? '111122223333', f.eni ?? 'eni-0a1b2c3d4e5f60718', f.src, f.dst, f.sport, f.dport, f.proto ?? 6,
    f.packets ?? 3, f.bytes ?? 180, f.start, f.end ?? f.start + 60, f.action ?? 'ACCEPT', 'OK'].join(' ');
}

/** The full v5 field set, in the order AWS documents it, as the header of a custom-format file. */
export const FLOW_V5_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status '
  + 'vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id '
  + 'pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';

/** One line for FLOW_V5_HEADER: adds the VPC, subnet and instance ids, TCP flags and flow direction. */
export function flowLineV5(f: Parameters<typeof flowLine>[0] & { tcpFlags?: number; direction: 'ingress' | 'egress'; instance?: string; vpc?: string; subnet?: string }): string {
  const v2 = flowLine(f).split(' ');
  v2[0] = '5';
  return [...v2, f.vpc ?? 'vpc-0a1b2c3d4e5f60718', f.subnet ?? 'subnet-0f1e2d3c4b5a69788', f.instance ?? 'i-0a1b2c3d4e5f60718',
    f.tcpFlags ?? 0, f.src.includes(':') ? 'IPv6' : 'IPv4', f.src, f.dst, 'us-east-1', 'use1-az4', '-', '-', '-', '-',
    f.direction, f.direction === 'egress' ? '8' : '-'].join(' ');
}

/**
 * One TCP connection as the interface logs it (v2): the client→server record, then the
 * server→client one. A REJECTed connection logs only the client's record (no reply got out).
 */
export function tcpConnection(c: {
  client: string; server: string; clientPort: number; serverPort: number; start: number; end?: number;
  packets?: [number, number]; bytes?: [number, number]; action?: 'ACCEPT' | 'REJECT'; eni?: string;
}): string[] {
  const [pc, ps] = c.packets ?? [12, 10];
  const [bc, bs] = c.bytes ?? [pc * 110, ps * 160];
  const common = { start: c.start, end: c.end ?? c.start + 60, action: c.action, eni: c.eni };
  const out = [flowLine({ ...common, src: c.client, dst: c.server, sport: c.clientPort, dport: c.serverPort, packets: pc, bytes: bc })];
  if (c.action !== 'REJECT') out.push(flowLine({ ...common, src: c.server, dst: c.client, sport: c.serverPort, dport: c.clientPort, packets: ps, bytes: bs }));
  return out;
}

/** One Route 53 Resolver query log line (JSON). */
export function dnsLine(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '1.100000', account_id: '111122223333', region: 'us-east-1', vpc_id: 'vpc-0a1b2c3d4e5f60718',
    query_timestamp: '2026-03-02T10:15:00Z', query_name: 'example.com.', query_type: 'A', query_class: 'IN',
    rcode: 'NOERROR', answers: [{ Rdata: '93.184.216.34', Type: 'A', Class: 'IN' }], srcaddr: '10.0.1.25', srcport: '45678',
    transport: 'UDP', srcids: { instance: 'i-0a1b2c3d4e5f60718' },
    ...over,
  });
}

/** A list for `intelServices`: indicators as text lines (IP, CIDR, ip:port, domain), optionally "indicator,threat name". */
export interface TestList { name: string; purpose: string; entries: string[] }

/** Engine services with these threat and trusted lists loaded, as the intel subsystem would build them. */
export function intelServices(lists: { threat?: TestList[]; trusted?: TestList[] }): EngineServices {
  const build = (ls: TestList[] = []) => {
    const b = new IntelIndexBuilder();
    for (const l of ls) {
      const sink = b.sink({ id: l.name, name: l.name, purpose: l.purpose, sha256: 'a'.repeat(64) });
      l.entries.forEach((line, i) => {
        const [indicator, threat] = line.split(',');
        emitIndicator(parseIndicator(indicator), sink, threat, i + 1);
      });
    }
    return b.build();
  };
  return { intel: { threat: build(lists.threat), trusted: build(lists.trusted) } };
}
