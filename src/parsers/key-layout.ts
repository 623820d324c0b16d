/**
 * Reads account, region and log kind off AWS's S3 key layouts:
 *   AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>
 *   AWSLogs/<org-id>/<account>/CloudTrail/<region>/…          (organization trails)
 *   AWSLogs/<account>/CloudTrail-Digest/<region>/…            (digest files: skipped)
 *   AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/…
 *   AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/…   (Route 53 Resolver)
 */
import type { LogKind } from '../core/index.js';

export interface KeyHints {
  kind?: LogKind;
  accountId?: string;
  region?: string;
  orgId?: string;
  vpcId?: string;
  /** A CloudTrail digest file: integrity data, not events. */
  digest?: boolean;
}

const LAYOUT = /(?:^|\/)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/(CloudTrail|CloudTrail-Digest|CloudTrail-Insight|vpcflowlogs|vpcdnsquerylogs)\/([^/]+)\//;

export function keyHints(path: string): KeyHints {
  const p = path.replace(/\\/g, '/');
  const m = LAYOUT.exec(p);
  if (!m) {
    // Digest files keep their name even out of the layout.
    return /_CloudTrail-Digest_/.test(p) ? { kind: 'cloudtrail', digest: true } : {};
  }
  const [, orgId, accountId, product, next] = m;
  const hints: KeyHints = { accountId };
  if (orgId) hints.orgId = orgId;
  switch (product) {
    case 'CloudTrail':
    case 'CloudTrail-Insight':
      hints.kind = 'cloudtrail'; hints.region = next; break;
    case 'CloudTrail-Digest':
      hints.kind = 'cloudtrail'; hints.region = next; hints.digest = true; break;
    case 'vpcflowlogs':
      hints.kind = 'vpcflow'; hints.region = next; break;
    case 'vpcdnsquerylogs':
      hints.kind = 'dns'; hints.vpcId = next; break;
  }
  return hints;
}
