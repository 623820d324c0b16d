/** A finding for store tests: every required member, overridable where the cases vary it. */
import type { Finding } from '../../core/index.js';

export function sampleFinding(id: string, over: { type?: string; severity?: number; accountId?: string; archived?: boolean; updatedAt?: string } = {}): Finding {
  return {
    schemaVersion: '2.0', accountId: over.accountId ?? '111122223333', region: 'us-east-1', partition: 'aws', id,
    arn: `arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/${id}`, type: over.type ?? 'Recon:EC2/Portscan',
    title: 't', description: 'd', severity: over.severity ?? 5, createdAt: '2026-03-02T10:00:00.000Z', updatedAt: over.updatedAt ?? '2026-03-02T10:00:00.000Z',
    resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-1' } },
    service: { serviceName: 'guardduty', detectorId: 'd', archived: over.archived ?? false, count: 1, eventFirstSeen: '2026-03-02T09:00:00.000Z',
      eventLastSeen: '2026-03-02T10:00:00.000Z', resourceRole: 'ACTOR', action: { actionType: 'NETWORK_CONNECTION' }, additionalInfo: { value: '{}', type: 'default' } },
  };
}
