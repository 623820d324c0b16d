/**
 * UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B (Medium): one principal signs in to the
 * console successfully from two geographies around the same time — within 2 hours, from
 * different countries, or (when one sign-in cannot be placed: a private, placeholder or unmapped
 * address) from different networks. Sign-ins from one country and network never raise it.
 * One finding per principal; the details name both sign-ins.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { accessKeyResource, apiCallAction, fromCloudTrail, userNameOf } from '../common/cloudtrail.js';
import { netOf, netText } from './common.js';

export const CONSOLE_WINDOW_MS = 2 * 3_600_000;
const MAX_KEPT = 8;

/** A recent successful sign-in: time, address, country, network. */
type Login = [t: number, ip: string, cc: string, net: string];

export const consoleLogin = defineDetector({
  id: 'console-login-geography',
  description: 'Successful console sign-ins of one principal from several geographies around the same time',
  kinds: ['cloudtrail'],
  cloudTrail: { eventNames: ['ConsoleLogin'], eventSources: ['signin.amazonaws.com'] },
  findingTypes: ['UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B'],
  onEvent(e, ctx) {
    const ok = (e.raw.responseElements as { ConsoleLogin?: string } | null | undefined)?.ConsoleLogin === 'Success' && !e.errorCode;
    const who = e.identity.arn ?? e.enrich.principal;
    if (!ok || !who || e.enrich.callerIp === '') return;
    const logins = ctx.state<Login[]>('logins', { maxEntries: 200_000, ttlMs: CONSOLE_WINDOW_MS * 2 });
    const here: Login = [e.time, e.enrich.callerIp, e.enrich.country, netOf(e)];
    const recent = (logins.get(who) ?? []).filter((l) => Math.abs(l[0] - e.time) <= CONSOLE_WINDOW_MS);
    const other = recent.find((l) => l[1] !== here[1] && (l[2] && here[2] ? l[2] !== here[2] : l[3] !== here[3]));
    recent.push(here);
    logins.set(who, recent.slice(-MAX_KEPT));
    if (!other) return;
    const place = (l: Login) => `${l[1]} (${l[2] || 'unknown country'}, ${l[3]})`;
    ctx.emit({
      ...fromCloudTrail(e),
      type: 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
      severity: SEVERITY.Medium,
      key: who,
      resourceRole: 'TARGET',
      resource: accessKeyResource(e),
      action: apiCallAction(e),
      title: `Multiple worldwide successful console logins for ${userNameOf(e) || who}.`,
      description: `${who} signed in to the console from ${place(here)} at ${new Date(e.time).toISOString()} and from ${place(other)} `
        + `at ${new Date(other[0]).toISOString()}: two geographies within ${CONSOLE_WINDOW_MS / 3_600_000} hours.`,
      additionalInfo: {
        logins: [other, here].map((l) => ({ time: new Date(l[0]).toISOString(), ip: l[1], country: l[2] || 'unknown', network: l[3] })),
        network: netText(e),
        mfaUsed: (e.raw.additionalEventData as { MFAUsed?: string } | undefined)?.MFAUsed,
      },
    });
  },
});
