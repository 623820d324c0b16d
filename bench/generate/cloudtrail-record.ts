/**
 * Builds one CloudTrail record (field order and shapes as CloudTrail writes them) from an API
 * definition, a principal and a time.
 */
import type { Prng } from '../prng.js';
import type { Api, ApiCtx } from './cloudtrail-apis.js';
import type { Principal } from './cloudtrail-principals.js';
import { isoSeconds } from './world.js';

export interface RecordOptions {
  error?: [code: string, message: string];
  /** Overrides the principal's usual user agent. */
  userAgent?: string;
  /** Overrides the API's requestParameters. */
  requestParameters?: unknown;
}

const TLS = ['TLSv1.3', 'TLS_AES_128_GCM_SHA256'] as const;

export function buildRecord(rng: Prng, api: Api, p: Principal, region: string, timeMs: number, opts: RecordOptions = {}): Record<string, unknown> {
  const time = isoSeconds(timeMs);
  const awsRegion = api.global ? 'us-east-1' : region;
  const c: ApiCtx = { rng, account: p.account, region: awsRegion, p, time };
  const host = api.source === 'signin.amazonaws.com' ? 'signin.aws.amazon.com' : `${api.source.replace('.amazonaws.com', '')}.${awsRegion}.amazonaws.com`;
  const rec: Record<string, unknown> = {
    eventVersion: api.source === 's3.amazonaws.com' ? '1.10' : '1.09',
    userIdentity: p.identity,
    eventTime: time,
    eventSource: api.source,
    eventName: api.name,
    awsRegion,
    sourceIPAddress: rng.pick(p.ips),
    userAgent: opts.userAgent ?? rng.pick(p.agents),
  };
  if (opts.error) {
    rec.errorCode = opts.error[0];
    rec.errorMessage = opts.error[1].replace('{arn}', p.arn).replaceAll('{action}', `${api.source.split('.')[0]}:${api.name}`);
  }
  rec.requestParameters = opts.requestParameters ?? (api.req ? api.req(c) : null);
  rec.responseElements = !opts.error && api.resp ? api.resp(c) : null;
  if (api.more) Object.assign(rec, api.more(c));
  rec.requestID = api.source === 's3.amazonaws.com' ? rng.alnum(16) : rng.uuid();
  rec.eventID = rng.uuid();
  rec.readOnly = api.readOnly;
  rec.eventType = api.eventType ?? 'AwsApiCall';
  rec.managementEvent = true;
  rec.recipientAccountId = p.account;
  rec.eventCategory = 'Management';
  if (p.type !== 'AWSService') rec.tlsDetails = { tlsVersion: TLS[0], cipherSuite: TLS[1], clientProvidedHostHeader: host };
  if (p.type === 'AssumedRole' && rec.userAgent === 'AWS Internal') rec.sessionCredentialFromConsole = 'true';
  return rec;
}
