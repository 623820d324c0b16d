/**
 * Policy:IAMUser/RootCredentialUsage and Policy:IAMUser/ShortTermRootCredentialUsage (Low):
 * a request made with the root user's credentials. Short-term root sessions (centralised root
 * access, `sts:AssumeRoot`) carry `sessionContext.assumedRoot = "true"` and get their own type.
 * Not raised for calls an AWS service makes on root's behalf (`invokedBy` other than the console
 * sign-in service, AwsServiceEvent) or for failed sign-in steps (login, password change: nobody
 * got in). One finding per root access key (or console).
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY, type CloudTrailRecord } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail } from '../common/cloudtrail.js';

/** Sign-in events report failure as `responseElements.<Something>: "Failure"` or an error. */
function failedSignIn(rec: CloudTrailRecord): boolean {
  if (rec.errorCode || rec.errorMessage) return true;
  const r = rec.responseElements;
  return typeof r === 'object' && r !== null && Object.values(r).includes('Failure');
}

export const rootCredentialUsage = defineDetector({
  id: 'root-credential-usage',
  description: 'requests made with root user credentials (long-term or short-term)',
  kinds: ['cloudtrail'],
  findingTypes: ['Policy:IAMUser/RootCredentialUsage', 'Policy:IAMUser/ShortTermRootCredentialUsage'],
  onEvent(e, ctx) {
    const id = e.identity;
    if (id.type !== 'Root' || e.raw.eventType === 'AwsServiceEvent') return;
    // invokedBy names a service acting for root, except signin.amazonaws.com: root's own console session
    if (id.invokedBy && id.invokedBy !== 'signin.amazonaws.com') return;
    if (e.eventSource === 'signin.amazonaws.com' && failedSignIn(e.raw)) return;
    const shortTerm = id.sessionContext?.assumedRoot === 'true';
    const type = shortTerm ? 'Policy:IAMUser/ShortTermRootCredentialUsage' : 'Policy:IAMUser/RootCredentialUsage';
    const via = e.enrich.callerIp ? ` from IP address ${e.enrich.callerIp}` : '';
    ctx.emit({
      ...fromCloudTrail(e),
      type,
      severity: SEVERITY.Low,
      key: id.accessKeyId || (e.eventName === 'ConsoleLogin' ? 'console' : 'root'),
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e),
      title: `API ${e.eventName} was invoked using ${shortTerm ? 'short-term ' : ''}root credentials.`,
      description: `API ${e.eventName} was invoked using ${shortTerm ? 'short-term root session' : 'root'} credentials${via}.`
        + ' Root credentials have unrestricted access to the account; use them only for the few tasks that need them.',
      additionalInfo: { shortTermRoot: shortTerm, errorCode: e.errorCode || undefined },
    });
  },
});
