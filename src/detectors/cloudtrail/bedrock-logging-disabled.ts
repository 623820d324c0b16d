/**
 * DefenseEvasion:IAMUser/BedrockLoggingDisabled (Medium): Amazon Bedrock model invocation
 * logging was deleted, hiding later model use (prompt abuse, LLMjacking).
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, succeeded } from '../common/cloudtrail.js';

export const bedrockLoggingDisabled = defineDetector({
  id: 'bedrock-logging-disabled',
  description: 'Amazon Bedrock model invocation logging deleted',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['DeleteModelInvocationLoggingConfiguration'], eventSources: ['bedrock.amazonaws.com'] },
  findingTypes: ['DefenseEvasion:IAMUser/BedrockLoggingDisabled'],
  onEvent(e, ctx) {
    if (!succeeded(e)) return;
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'DefenseEvasion:IAMUser/BedrockLoggingDisabled',
      severity: SEVERITY.Medium,
      key: 'bedrock-logging',
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e),
      title: 'Amazon Bedrock model invocation logging was disabled.',
      description: `${e.identity.arn ?? 'A principal'} deleted the Amazon Bedrock model invocation logging configuration in ${e.region}; `
        + 'model calls made after this are no longer logged.',
    });
  },
});
