/**
 * Webhook: POSTs each event as JSON. With a `secret`, the body is signed:
 * `X-Vigil-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and
 * `X-Vigil-Timestamp: <unix seconds>` (the timestamp is signed too, so a captured request cannot
 * be replayed later with a valid signature). Any non-2xx answer is a failure (retried).
 */
import { createHmac } from 'node:crypto';
import type { CommonNotifierConfig, FindingEvent, Notifier } from '../types.js';

export interface WebhookConfig extends CommonNotifierConfig {
  type: 'webhook';
  url: string;
  secret?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

export class WebhookNotifier implements Notifier {
  readonly name: string;
  constructor(private readonly cfg: WebhookConfig) {
    if (!/^https?:\/\//.test(cfg.url ?? '')) throw new Error('webhook notifier: `url` must be an http(s) URL');
    this.name = cfg.name ?? `webhook:${new URL(cfg.url).host}`;
  }

  async send(events: FindingEvent[]): Promise<void> {
    for (const e of events) {
      const body = JSON.stringify(e);
      const headers: Record<string, string> = { ...this.cfg.headers };
      if (this.cfg.secret) {
        const ts = String(Math.floor(Date.now() / 1000));
        headers['x-vigil-timestamp'] = ts;
        headers['x-vigil-signature'] = signature(this.cfg.secret, ts, body);
      }
      await postJson(this.cfg.url, body, headers, this.cfg.timeoutMs ?? 10_000);
    }
  }
}
