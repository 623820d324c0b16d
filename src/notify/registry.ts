/** Notifier kinds: one folder each, one line here. */
import type { Notifier } from './types.js';
import { WebhookNotifier, type WebhookConfig } from './webhook/index.js';
import { SlackNotifier, type SlackConfig } from './slack/index.js';
import { SyslogNotifier, type SyslogConfig } from './syslog/index.js';
import { FileNotifier, type FileConfig } from './file/index.js';

export type NotifierConfig = WebhookConfig | SlackConfig | SyslogConfig | FileConfig;

export const NOTIFIER_KINDS: Record<string, (cfg: never) => Notifier> = {
  webhook: (c: WebhookConfig) => new WebhookNotifier(c),
  slack: (c: SlackConfig) => new SlackNotifier(c),
  syslog: (c: SyslogConfig) => new SyslogNotifier(c),
  file: (c: FileConfig) => new FileNotifier(c),
};

export function makeNotifier(cfg: { type?: string }): Notifier {
  const make = NOTIFIER_KINDS[cfg?.type ?? ''];
  if (!make) throw new Error(`notifiers: unknown type "${cfg?.type}" (use ${Object.keys(NOTIFIER_KINDS).join(', ')})`);
  return make(cfg as never);
}
