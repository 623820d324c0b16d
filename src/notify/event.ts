/** Finding → EventBridge event (GuardDuty's "GuardDuty Finding" event). */
import { createHash } from 'node:crypto';
import type { Finding } from '../core/index.js';
import type { FindingEvent } from './types.js';

export function findingEvent(f: Finding): FindingEvent {
  // one id per finding version, stable for retries: a receiver can drop duplicates by it
  const h = createHash('sha256').update(`${f.id}|${f.updatedAt}|${f.service.count}`).digest('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return {
    version: '0', id, 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty',
    account: f.accountId, time: f.updatedAt, region: f.region, resources: [], detail: f,
  };
}
