/**
 * Syslog (RFC 5424) with the event as JSON, or CEF (ArcSight Common Event Format) carried in
 * an RFC 5424 message — over UDP (one datagram per message), TCP or TLS (octet-counted framing,
 * RFC 6587 / RFC 5425). TCP and TLS keep one connection and reconnect after an error.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { CommonNotifierConfig, FindingEvent, Notifier } from '../types.js';

export interface SyslogConfig extends CommonNotifierConfig {
  type: 'syslog';
  host: string;
  port?: number;
  protocol?: 'udp' | 'tcp' | 'tls';
  format?: 'rfc5424' | 'cef';
  /** Syslog facility number (default 10, authpriv: security messages). */
  facility?: number;
  /** PEM file of the CA that signed the receiver's certificate (TLS). */
  ca?: string;
  /** false only for tests against self-signed receivers without a `ca`. */
  rejectUnauthorized?: boolean;
}

/** Finding severity → syslog severity: Critical 2 (crit), High 3 (err), Medium 4 (warning), Low 5 (notice). */
export function syslogSeverity(s: number): number { return s >= 9 ? 2 : s >= 7 ? 3 : s >= 4 ? 4 : 5; }

const sdEscape = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
const cefHeader = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
const cefExt = (v: string) => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

export function cefMessage(e: FindingEvent, version = '0.1.0'): string {
  const f = e.detail;
  const ext: [string, string | number][] = [
    ['rt', Date.parse(f.updatedAt)], ['cat', f.type], ['externalId', f.id], ['cnt', f.service.count],
    ['cs1Label', 'accountId'], ['cs1', f.accountId], ['cs2Label', 'region'], ['cs2', f.region],
    ['cs3Label', 'resourceType'], ['cs3', f.resource.resourceType], ['start', Date.parse(f.service.eventFirstSeen)], ['end', Date.parse(f.service.eventLastSeen)],
    ['msg', f.description ?? f.title],
  ];
  return `CEF:0|Vigil|GuardDuty|${cefHeader(version)}|${cefHeader(f.type)}|${cefHeader(f.title)}|${Math.round(f.severity)}|${ext.map(([k, v]) => `${k}=${cefExt(String(v))}`).join(' ')}`;
}

export function rfc5424(e: FindingEvent, format: 'rfc5424' | 'cef', facility = 10, host = hostname()): string {
  const f = e.detail;
  const pri = facility * 8 + syslogSeverity(f.severity);
  const sd = `[guardduty@32473 id="${sdEscape(f.id)}" type="${sdEscape(f.type)}" severity="${f.severity}" account="${f.accountId}" region="${sdEscape(f.region)}" count="${f.service.count}"]`;
  const msg = format === 'cef' ? cefMessage(e) : JSON.stringify(e);
  return `<${pri}>1 ${new Date().toISOString()} ${host.replace(/\s/g, '') || '-'} vigil ${process.pid} GuardDutyFinding ${format === 'cef' ? '-' : sd} ${msg}`;
}

export class SyslogNotifier implements Notifier {
  readonly name: string;
  private sock?: net.Socket;
  private udp?: dgram.Socket;
  private readonly protocol: 'udp' | 'tcp' | 'tls';
  private readonly port: number;

  constructor(private readonly cfg: SyslogConfig) {
    if (typeof cfg.host !== 'string' || !cfg.host) throw new Error('syslog notifier: `host` is required');
    this.protocol = cfg.protocol ?? 'udp';
    if (!['udp', 'tcp', 'tls'].includes(this.protocol)) throw new Error(`syslog notifier: protocol must be udp, tcp or tls (got ${cfg.protocol})`);
    if (cfg.format && !['rfc5424', 'cef'].includes(cfg.format)) throw new Error(`syslog notifier: format must be rfc5424 or cef (got ${cfg.format})`);
    this.port = cfg.port ?? (this.protocol === 'tls' ? 6514 : 514);
    this.name = cfg.name ?? `syslog:${this.protocol}://${cfg.host}:${this.port}`;
  }

  async send(events: FindingEvent[]): Promise<void> {
    const lines = events.map((e) => rfc5424(e, this.cfg.format ?? 'rfc5424', this.cfg.facility));
    if (this.protocol === 'udp') {
      const udp = (this.udp ??= dgram.createSocket(net.isIPv6(this.cfg.host) ? 'udp6' : 'udp4'));
      for (const l of lines) await new Promise<void>((res, rej) => udp.send(Buffer.from(l), this.port, this.cfg.host, (err) => (err ? rej(err) : res())));
      return;
    }
    const sock = await this.connect();
    const data = lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
    await new Promise<void>((res, rej) => sock.write(data, (err) => (err ? rej(err) : res())));
  }

  private connect(): Promise<net.Socket> {
    if (this.sock && !this.sock.destroyed && this.sock.writable) return Promise.resolve(this.sock);
    return new Promise((res, rej) => {
      const onErr = (e: Error) => { rej(e); };
      const s = this.protocol === 'tls'
        ? tls.connect({ host: this.cfg.host, port: this.port, ca: this.cfg.ca ? readFileSync(this.cfg.ca) : undefined, rejectUnauthorized: this.cfg.rejectUnauthorized ?? true, servername: net.isIP(this.cfg.host) ? undefined : this.cfg.host }, () => { s.off('error', onErr); res(s); })
        : net.connect({ host: this.cfg.host, port: this.port }, () => { s.off('error', onErr); res(s); });
      s.once('error', onErr);
      s.on('error', () => s.destroy());
      s.on('close', () => { if (this.sock === s) this.sock = undefined; });
      this.sock = s;
    });
  }

  async close(): Promise<void> {
    this.sock?.end();
    this.sock?.destroy();
    this.udp?.close();
  }
}
