/**
 * Per-instance network baselines (profile.ts) and the GuardDuty types that compare an instance
 * with its own past, once its profile has matured (VIGIL_INSTANCE_LEARNING_DAYS of event time,
 * default 7, and two active days):
 *
 * | type | severity | fires when (IPv4, public remote hosts only) |
 * |---|---|---|
 * | Behavior:EC2/NetworkPortUnusual | Medium; High for 389/1389 (`context: Possible log4j callback`) | the instance opens a connection to a remote port it never used (at most 5 ports a day; not 25/53/853/traceroute; silent when the instance already uses more than 128 ports) |
 * | Behavior:EC2/TrafficVolumeUnusual | Medium | bytes sent to one host within an hour reach max(512 MiB, 10 × the largest hour to one host learned) |
 * | Backdoor:EC2/Spambot | Medium | SMTP (TCP 25) to ≥ 5 distinct hosts within an hour, with no port-25 history before today |
 * | DefenseEvasion:EC2/UnusualDNSResolver | Medium | DNS (port 53) to a public resolver the instance never used (silent for instances using > 12: resolvers themselves) |
 * | DefenseEvasion:EC2/UnusualDoHActivity | Medium | HTTPS to a well-known DNS-over-HTTPS address the instance never used |
 * | DefenseEvasion:EC2/UnusualDoTActivity | Medium | TCP 853 (DNS over TLS) to a host the instance never used |
 *
 * Only records the instance sent to a public IPv4 address are looked at; everything else returns
 * after two comparisons. Findings carry what was unusual and what was learned, in
 * `service.detection.anomaly` and in additionalInfo.
 */
import { defineDetector, type DetectorContext } from '../../engine/index.js';
import { SEVERITY, intToIpv4, ipv4ToInt, type FlowEvent } from '../../core/index.js';
import { networkAction } from '../common/network.js';
import { isTracerouteProbe, portName, protocolName } from '../common/ports.js';
import { instanceBaselineConfig } from './config.js';
import { instanceKey, instanceResource } from './resource.js';
import {
  DAY_MS, HOUR_MS, addBytes, dayOf, daysBefore, mature, newProfile, observe, observePeer, peerDays, rollHour, subtype, touch, usualValues,
  type Freq, type NetProfile,
} from './profile.js';

/** Public resolvers that answer DNS over HTTPS on their anycast addresses (IPv4). */
export const DOH_SERVERS = [
  '1.1.1.1', '1.0.0.1', '1.1.1.2', '1.0.0.2', '1.1.1.3', '1.0.0.3', // Cloudflare
  '8.8.8.8', '8.8.4.4', // Google
  '9.9.9.9', '149.112.112.112', '9.9.9.10', '149.112.112.10', '9.9.9.11', '149.112.112.11', // Quad9
  '208.67.222.222', '208.67.220.220', '146.112.41.2', // OpenDNS
  '94.140.14.14', '94.140.15.15', '94.140.14.140', '94.140.14.141', // AdGuard
  '185.228.168.9', '185.228.169.9', '185.228.168.10', '185.228.168.168', // CleanBrowsing
  '45.90.28.0', '45.90.30.0', // NextDNS
  '76.76.2.0', '76.76.10.0', // Control D
  '194.242.2.2', '194.242.2.3', '194.242.2.4', // Mullvad
  '185.222.222.222', '45.11.45.11', // DNS.SB
  '223.5.5.5', '223.6.6.6', '1.12.12.12', '120.53.53.53', // AliDNS, DNSPod
  '8.26.56.26', '8.20.247.20', // Comodo
];
const DOH = new Set(DOH_SERVERS.map(ipv4ToInt));

/** LDAP ports a JNDI (log4j) exploit makes a vulnerable server call back to. */
const LDAP_CALLBACK = new Set([389, 1389]);
const MAX_PORT_FINDINGS_PER_DAY = 5;
/** State options, read when the namespace is made (an object per event would be garbage). */
const PROFILE_STATE = { get maxEntries() { return instanceBaselineConfig().maxProfiles; }, get ttlMs() { return instanceBaselineConfig().retentionMs; } };
const TCP = 6, UDP = 17;

const TYPES = {
  port: 'Behavior:EC2/NetworkPortUnusual',
  volume: 'Behavior:EC2/TrafficVolumeUnusual',
  spam: 'Backdoor:EC2/Spambot',
  resolver: 'DefenseEvasion:EC2/UnusualDNSResolver',
  doh: 'DefenseEvasion:EC2/UnusualDoHActivity',
  dot: 'DefenseEvasion:EC2/UnusualDoTActivity',
} as const;

interface Unusual {
  feature: string;
  value: string;
  /** Days the value was seen before (0 = never). */
  daysBefore: number;
  usual: string[];
}

const portLabel = (k: number) => `${k & 0xffff}/${protocolName(k >>> 16)}`;
const ipLabel = (k: number) => intToIpv4(k);

/** GuardDuty's `service.detection.anomaly`: the learned profile of the feature and the unusual value. */
function detection(key: string, p: NetProfile, u: Unusual): Record<string, unknown> {
  const span = Math.max(1, (p.l - p.f) / DAY_MS);
  return {
    anomaly: {
      profiles: { [key]: { [u.feature]: [{ profileType: 'FREQUENCY', profileSubtype: 'FREQUENT', observations: { text: u.usual } }] } },
      unusual: { behavior: { [key]: { [u.feature]: { profileType: 'FREQUENCY', profileSubtype: subtype(u.daysBefore, span), observations: { text: [u.value] } } } } },
    },
  };
}

function emit(ctx: DetectorContext, e: FlowEvent, p: NetProfile, type: string, severity: number, key: string, title: string, description: string, u: Unusual, extra: Record<string, unknown> = {}): void {
  const who = instanceKey(e);
  ctx.emit({
    type, severity, accountId: e.accountId, region: e.region, time: e.time,
    key, resourceRole: 'ACTOR', resource: instanceResource(e), action: networkAction(e), title, description,
    additionalInfo: {
      ...extra,
      unusual: { feature: u.feature, value: u.value, daysSeenBefore: u.daysBefore },
      learned: { since: new Date(p.f).toISOString(), activeDays: p.d, usual: u.usual },
    },
    detection: detection(who, p, u),
  });
}

/** The learned values of a feature, without the unusual one (just recorded). */
function usualOf(f: Freq, label: (k: number) => string, p: NetProfile, except: number): string[] {
  return usualValues(f, label, p.d, except);
}

/** A resolver-like feature (public resolvers, DoH, DoT): a new value after maturity is news, unless the instance uses many. */
function resolverLike(f: Freq, n: number, ip: number, day: number, cap: number): { r: number; before: number } {
  const before = daysBefore(f, ip, day);
  return { r: n >= cap && f[ip] === undefined ? -1 : observe(f, ip, day, n, cap), before };
}

export const networkBaseline = defineDetector({
  id: 'network-baseline',
  description: 'per-instance network baselines: unusual remote ports, traffic volume, SMTP, DNS resolvers, DoH and DoT',
  kinds: ['vpcflow'],
  findingTypes: Object.values(TYPES),
  onEvent(e, ctx) {
    const en = e.enrich;
    if (!en.srcIsLocal || !en.remotePublic || en.remoteIp4 < 0) return;
    const key = instanceKey(e);
    if (!key) return;
    const cfg = instanceBaselineConfig();
    const profiles = ctx.state<NetProfile>('profiles', PROFILE_STATE);
    const t = e.time, day = dayOf(t), ip = en.remoteIp4;
    let p = profiles.get(key);
    let dirty = false;
    if (!p) { p = newProfile(t); dirty = true; }
    if (touch(p, t, day)) dirty = true;
    const ripe = mature(p, t, cfg.learningDays * DAY_MS);
    const name = e.instanceId || e.interfaceId;

    // volume sent to this host in the current hour
    const hour = Math.floor(t / HOUR_MS);
    if (hour > p.vh) rollHour(p, hour);
    const sent = addBytes(p, ip, e.bytes);
    if (ripe && sent >= Math.max(cfg.volumeMinBytes, cfg.volumeFactor * p.vm) && !p.vx.includes(ip)) {
      p.vx.push(ip);
      const seen = peerDays(p, ip, day);
      const addr = intToIpv4(ip);
      emit(ctx, e, p, TYPES.volume, SEVERITY.Medium, `${key}|${addr}`,
        `EC2 instance ${name} is sending an unusually large amount of traffic to ${addr}.`,
        `EC2 instance ${name} sent ${sent} bytes to ${addr} within the hour; the most it sent to one host in an hour while learned was ${p.vm} bytes `
        + `(threshold ${cfg.volumeFactor}× that, at least ${cfg.volumeMinBytes} bytes). The host was seen on ${seen} earlier days.`,
        { feature: 'bytesPerHostHour', value: `${sent} bytes to ${addr}`, daysBefore: seen, usual: [`largest hour to one host: ${p.vm} bytes`, `largest hour to all public hosts: ${p.vtm} bytes`] },
        { bytesThisHour: sent, learnedMaxBytesPerHostHour: p.vm, learnedMaxBytesPerHour: p.vtm, threshold: Math.max(cfg.volumeMinBytes, cfg.volumeFactor * p.vm), peerDaysSeen: seen });
    }

    if (en.direction !== 'OUTBOUND') { if (dirty) profiles.set(key, p); return; }
    observePeer(p, ip, day);
    const proto = e.protocol;
    if (proto >= 0 && observe(p.pr, proto, day, 0, 256) > 0) dirty = true;
    const port = en.remotePort;
    if ((proto !== TCP && proto !== UDP) || port < 0) { if (dirty) profiles.set(key, p); return; }
    const pk = proto * 65536 + port;
    const portBefore = daysBefore(p.p, pk, day);
    const r = observe(p.p, pk, day, p.pn, cfg.maxPorts);
    if (r === 1) { p.pn++; dirty = true; } else if (r === 2) dirty = true;
    else if (r === -1 && !p.ps) { p.ps = 1; dirty = true; }

    if (port === 53) {
      const { r: rr, before } = resolverLike(p.r, p.rn, ip, day, cfg.maxResolvers);
      if (rr === 1) { p.rn++; dirty = true; } else if (rr === 2) dirty = true; else if (rr === -1 && !p.rs) { p.rs = 1; dirty = true; }
      if (ripe && rr === 1 && !p.rs) {
        const addr = intToIpv4(ip);
        emit(ctx, e, p, TYPES.resolver, SEVERITY.Medium, `${key}|${addr}`,
          `EC2 instance ${name} is communicating with an unusual DNS resolver.`,
          `EC2 instance ${name} sent DNS queries to the public resolver ${addr}, which it never used in ${p.d} active days of history. `
          + 'Malware uses its own resolvers to avoid DNS logging and filtering.',
          { feature: 'dnsResolver', value: addr, daysBefore: before, usual: usualOf(p.r, ipLabel, p, ip) }, { resolver: addr });
      }
    } else if (port === 853 && proto === TCP) {
      const { r: rr, before } = resolverLike(p.t, p.tn, ip, day, cfg.maxResolvers);
      if (rr === 1) { p.tn++; dirty = true; } else if (rr === 2) dirty = true;
      if (ripe && rr === 1) {
        const addr = intToIpv4(ip);
        emit(ctx, e, p, TYPES.dot, SEVERITY.Medium, `${key}|${addr}`,
          `EC2 instance ${name} is performing unusual DNS over TLS activity.`,
          `EC2 instance ${name} opened a DNS-over-TLS connection (TCP 853) to ${addr}, a server it never used before. `
          + 'Encrypted DNS bypasses the VPC resolver and its query logs.',
          { feature: 'dotServer', value: addr, daysBefore: before, usual: usualOf(p.t, ipLabel, p, ip) }, { server: addr });
      }
    } else if (port === 443 && proto === TCP && DOH.has(ip)) {
      const { r: rr, before } = resolverLike(p.h, p.hn, ip, day, cfg.maxResolvers);
      if (rr === 1) { p.hn++; dirty = true; } else if (rr === 2) dirty = true;
      if (ripe && rr === 1) {
        const addr = intToIpv4(ip);
        emit(ctx, e, p, TYPES.doh, SEVERITY.Medium, `${key}|${addr}`,
          `EC2 instance ${name} is performing unusual DNS over HTTPS activity.`,
          `EC2 instance ${name} opened an HTTPS connection to ${addr}, a public DNS-over-HTTPS resolver it never used before. `
          + 'Encrypted DNS bypasses the VPC resolver and its query logs.',
          { feature: 'dohServer', value: addr, daysBefore: before, usual: usualOf(p.h, ipLabel, p, ip) }, { server: addr });
      }
    } else if (port === 25 && proto === TCP) {
      if (p.ss === 0 || t - p.ss > HOUR_MS) { p.ss = t; p.sv = []; p.sx = 0; }
      if (!p.sx && !p.sv.includes(ip)) {
        p.sv.push(ip);
        if (p.sv.length >= cfg.spambotMinHosts) {
          p.sx = 1;
          if (ripe && portBefore === 0) {
            emit(ctx, e, p, TYPES.spam, SEVERITY.Medium, key,
              `EC2 instance ${name} is behaving in a manner that may indicate it is being used to send spam.`,
              `EC2 instance ${name} connected to ${p.sv.length} public hosts on port 25 (SMTP) within an hour; it had no port-25 history `
              + `in ${p.d} active days. Instances that relay mail usually use a mail service, not direct SMTP to many hosts.`,
              { feature: 'remotePort', value: '25/TCP', daysBefore: portBefore, usual: usualOf(p.p, portLabel, p, pk) },
              { smtpHosts: p.sv.map(intToIpv4) });
          }
        }
        dirty = true;
      }
    } else if (r === 1 && ripe && !p.ps && !isTracerouteProbe(proto, port)) {
      if (p.ud !== day) { p.ud = day; p.un = 0; }
      if (p.un < MAX_PORT_FINDINGS_PER_DAY) {
        p.un++;
        const ldap = LDAP_CALLBACK.has(port);
        const addr = intToIpv4(ip);
        emit(ctx, e, p, TYPES.port, ldap ? SEVERITY.High : SEVERITY.Medium, `${key}|${port}`,
          `Unusual outbound communication on port ${port} from EC2 instance ${name}.`,
          `EC2 instance ${name} is communicating with ${addr} on remote port ${port} (${portName(port)}, ${protocolName(proto)}), which it never used in `
          + `${p.d} active days of history.${ldap ? ' LDAP callbacks to the internet are how log4j (JNDI) exploits load their payload.' : ''}`,
          { feature: 'remotePort', value: portLabel(pk), daysBefore: portBefore, usual: usualOf(p.p, portLabel, p, pk) },
          ldap ? { context: 'Possible log4j callback', port } : { port });
      }
    }
    if (dirty) profiles.set(key, p);
  },
});
