/** Slack incoming webhook: one message per finding with severity, type, account/region and title. */
import type { CommonNotifierConfig, FindingEvent, Notifier } from '../types.js';
import { postJson } from '../webhook/index.js';

export interface SlackConfig extends CommonNotifierConfig {
  type: 'slack';
  url: string;
  /** Console or API base to link findings to (optional). */
  consoleUrl?: string;
}

export function severityLabel(s: number): string { return s >= 9 ? 'Critical' : s >= 7 ? 'High' : s >= 4 ? 'Medium' : 'Low'; }

export function slackMessage(e: FindingEvent, consoleUrl?: string): Record<string, unknown> {
  const f = e.detail;
  const label = severityLabel(f.severity);
  const emoji = { Critical: ':red_circle:', High: ':large_orange_circle:', Medium: ':large_yellow_circle:', Low: ':white_circle:' }[label];
  const link = consoleUrl ? ` <${consoleUrl.replace(/\/$/, '')}/#/findings/${f.id}|open>` : '';
  const text = `${emoji} *${label} (${f.severity})* \`${f.type}\` in ${f.accountId}/${f.region}: ${f.title}${link}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `count ${f.service.count} · first seen ${f.service.eventFirstSeen} · last seen ${f.service.eventLastSeen} · id ${f.id}` }] },
    ],
  };
}

export class SlackNotifier implements Notifier {
  readonly name: string;
  constructor(private readonly cfg: SlackConfig) {
    if (!/^https?:\/\//.test(cfg.url ?? '')) throw new Error('slack notifier: `url` must be the incoming-webhook URL');
    this.name = cfg.name ?? 'slack';
  }

  async send(events: FindingEvent[]): Promise<void> {
    for (const e of events) await postJson(this.cfg.url, JSON.stringify(slackMessage(e, this.cfg.consoleUrl)), {}, 10_000);
  }
}
