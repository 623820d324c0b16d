/**
 * Turns one parsed CloudTrail JSON value into events. Besides plain records it unwraps the two
 * envelopes CloudTrail events travel in: EventBridge (`detail-type: AWS API Call via CloudTrail`)
 * and CloudWatch Logs subscription batches (`logEvents[].message`). Digest files are skipped.
 */
import type { CloudTrailEvent, CloudTrailRecord } from '../../core/index.js';
import { excerptValue } from '../../core/index.js';
import type { ParseOptions, ParseSink } from '../types.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { parseEventTime } from '../time.js';
import { validateCloudTrailRecord } from './validate.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Emits the events in one top-level JSON value; counts what it cannot use. Envelopes
 * (`Records`, `logEvents`, EventBridge) are unwrapped one level only (`nested`): an envelope
 * inside an envelope is not a shape AWS writes, and unbounded unwrapping would let a hostile
 * document recurse as deep as it likes.
 */
export function emitCloudTrailValue(value: unknown, index: number, opts: ParseOptions, sink: ParseSink, nested = false): void {
  if (!isObject(value)) {
    sink.bad('record-shape', index, 'not a JSON object: ' + excerptValue(value, 80));
    return;
  }
  if (value.eventName !== undefined && value.eventName !== null) {
    emitRecord(value as CloudTrailRecord, index, opts, sink); // a record: its types are checked there
    return;
  }
  if (isObject(value.detail) && typeof value['detail-type'] === 'string') {
    // EventBridge envelope: the CloudTrail record is `detail`; fill what EventBridge moved out.
    const rec = value.detail as CloudTrailRecord;
    if (!rec.recipientAccountId && typeof value.account === 'string') rec.recipientAccountId = value.account;
    if (!rec.awsRegion && typeof value.region === 'string') rec.awsRegion = value.region;
    if (!rec.eventTime && typeof value.time === 'string') rec.eventTime = value.time;
    emitRecord(rec, index, opts, sink);
    return;
  }
  if (!nested && Array.isArray(value.Records)) {
    for (const r of value.Records) emitCloudTrailValue(r, index, opts, sink, true);
    return;
  }
  if (!nested && Array.isArray(value.logEvents)) {
    for (const le of value.logEvents) {
      const msg = isObject(le) ? le.message : undefined;
      if (typeof msg !== 'string') { sink.bad('record-shape', index, 'logEvents entry without a message'); continue; }
      let inner: unknown;
      try { inner = JSON.parse(msg); } catch (e) { sink.bad('json-invalid', index, (e as Error).message); continue; }
      emitCloudTrailValue(inner, index, opts, sink, true);
    }
    return;
  }
  if (typeof value.digestStartTime === 'string' || typeof value.awsAccountId === 'string') {
    sink.skipped('digest');
    return;
  }
  sink.bad('record-shape', index, 'no eventName: ' + excerptValue(value, 100));
}

function emitRecord(rec: CloudTrailRecord, index: number, opts: ParseOptions, sink: ParseSink): void {
  const rejected = validateCloudTrailRecord(rec, opts.limits ?? DEFAULT_LIMITS);
  if (rejected) {
    sink.bad(rejected.reason, index, `${rejected.detail} in ${excerptValue(rec.eventName, 80)}`);
    return;
  }
  const eventSource = rec.eventSource;
  if (typeof eventSource !== 'string' || typeof rec.eventName !== 'string') {
    sink.bad('record-shape', index, 'record without eventSource/eventName');
    return;
  }
  const time = parseEventTime(rec.eventTime);
  if (Number.isNaN(time)) {
    sink.bad('bad-time', index, `eventTime ${excerptValue(rec.eventTime, 60)} in ${rec.eventName}`);
    return;
  }
  const identity = rec.userIdentity ?? {};
  const ev: CloudTrailEvent = {
    kind: 'cloudtrail',
    time,
    accountId: rec.recipientAccountId || identity.accountId || opts.hints.accountId || '',
    region: rec.awsRegion || opts.hints.region || opts.defaultRegion,
    eventSource,
    eventName: rec.eventName,
    sourceIp: typeof rec.sourceIPAddress === 'string' ? rec.sourceIPAddress : '',
    userAgent: typeof rec.userAgent === 'string' ? rec.userAgent : '',
    errorCode: typeof rec.errorCode === 'string' ? rec.errorCode : '',
    identity,
    raw: rec,
    // filled by the enrichment stage
    enrich: {
      callerIp: '', viaAwsService: false, callerIpPublic: false, intel: 0, trusted: false, asn: 0, asnOrg: '', country: '',
      callerInAws: false, awsRegion: '', awsService: '', uaFamily: '', principal: '', orgId: opts.hints.orgId ?? '', dataEvent: rec.eventCategory === 'Data',
    },
  };
  sink.event(ev);
}
