import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, flowFile, flowLine, flowLineV5, tcpConnection, FLOW_V5_HEADER } from '../../testing/harness.js';
import { networkBaseline } from './network-baseline.js';
import { readInstanceBaselineConfig } from './config.js';

/** A finding's JSON bags, read loosely in assertions. */
interface Loose { [k: string]: Loose }

const T0 = 1_772_446_500; // 2026-03-02T10:15:00Z, epoch seconds
const DAY = 86_400;
const ME = '10.0.1.25';
const ENI = 'eni-0a1b2c3d4e5f60718';
const WEB = ['52.94.236.248', '151.101.1.69', '104.16.132.229'];

function run(lines: string[], header?: string) {
  return detect([{ kind: 'vpcflow', text: flowFile(lines, header) }], { detectors: [networkBaseline] }).candidates;
}

/** Nine days of an application server's usual outbound traffic: HTTPS to a few hosts, NTP, some HTTP; hourly a few MB. */
function history(days = 9, extra: (day: number, t: number) => string[] = () => []): string[] {
  const out: string[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 3; h++) {
      const t = T0 + d * DAY + h * 3600;
      WEB.forEach((w, i) => out.push(...tcpConnection({ client: ME, server: w, clientPort: 40000 + d * 10 + h * 3 + i, serverPort: 443, start: t + i * 7, packets: [900, 1200], bytes: [4_000_000, 9_000_000] })));
      out.push(...tcpConnection({ client: ME, server: '18.66.2.10', clientPort: 41000 + d, serverPort: 80, start: t + 30 }));
    }
    out.push(...extra(d, T0 + d * DAY + 4 * 3600));
  }
  return out;
}

const AFTER = T0 + 9 * DAY + 600;

test('a never-used LDAP port after learning raises NetworkPortUnusual (High) with the log4j context and what was learned', () => {
  const out = run([...history(), ...tcpConnection({ client: ME, server: '45.83.193.150', clientPort: 51515, serverPort: 1389, start: AFTER, packets: [6, 5] })]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Behavior:EC2/NetworkPortUnusual');
  assert.equal(c.severity, 8);
  assert.equal(c.resourceRole, 'ACTOR');
  assert.deepEqual(c.resource.instanceDetails?.networkInterfaces, [{ networkInterfaceId: ENI, privateIpAddress: ME }]);
  assert.equal(c.key, `${ENI}|1389`);
  const n = c.action.networkConnectionAction!;
  assert.equal(n.connectionDirection, 'OUTBOUND');
  assert.deepEqual(n.remotePortDetails, { port: 1389, portName: 'Unknown' });
  assert.equal(n.remoteIpDetails?.ipAddressV4, '45.83.193.150');
  const info = c.additionalInfo as unknown as Loose;
  assert.equal(info.context, 'Possible log4j callback');
  assert.deepEqual(info.unusual, { feature: 'remotePort', value: '1389/TCP', daysSeenBefore: 0 });
  assert.equal(info.learned.activeDays, 10);
  assert.deepEqual(info.learned.usual, ['80/TCP (seen on 9 of 10 days)', '443/TCP (seen on 9 of 10 days)']);
  const d = c.detection as unknown as Loose;
  assert.deepEqual(d.anomaly.unusual.behavior[ENI].remotePort, { profileType: 'FREQUENCY', profileSubtype: 'UNSEEN', observations: { text: ['1389/TCP'] } });
  assert.deepEqual(d.anomaly.profiles[ENI].remotePort[0].observations.text, info.learned.usual);
});

test('an unusual non-LDAP port is Medium and names the instance from v5 records; each new port once', () => {
  const lines = history().map((l) => l); // v2 history, then v5 records for the same interface
  const v5 = [
    flowLineV5({ src: ME, dst: '185.220.101.4', sport: 52000, dport: 9001, start: AFTER, direction: 'egress', tcpFlags: 2 }),
    flowLineV5({ src: ME, dst: '185.220.101.4', sport: 52001, dport: 9001, start: AFTER + 60, direction: 'egress', tcpFlags: 2 }),
  ];
  const out = detect([{ kind: 'vpcflow', text: flowFile(lines) }, { kind: 'vpcflow', text: flowFile(v5, FLOW_V5_HEADER) }], { detectors: [networkBaseline] }).candidates;
  // the v5 records carry the instance id: its profile starts fresh, so nothing yet
  assert.deepEqual(out, []);
  const v2 = run([...history(), flowLine({ src: ME, dst: '185.220.101.4', sport: 52000, dport: 9001, start: AFTER }), flowLine({ src: ME, dst: '185.220.101.4', sport: 52001, dport: 9001, start: AFTER + 60 })]);
  assert.equal(v2.length, 1);
  assert.equal(v2[0].severity, 5);
  assert.equal((v2[0].additionalInfo as unknown as Loose).port, 9001);
  assert.equal((v2[0].additionalInfo as unknown as Loose).context, undefined);
});

test('silent while learning, for known ports, inbound connections, and private peers', () => {
  // a new port on day 3 of 9: still learning (the default is 7 days)
  assert.deepEqual(run(history(4, (d, t) => (d === 3 ? tcpConnection({ client: ME, server: '45.83.193.150', clientPort: 51515, serverPort: 1389, start: t }) : []))), []);
  // known ports after maturity; an inbound client on a new local port; a private host on a new port
  assert.deepEqual(run([
    ...history(),
    ...tcpConnection({ client: ME, server: '151.101.1.69', clientPort: 51000, serverPort: 443, start: AFTER }),
    ...tcpConnection({ client: '91.198.174.192', server: ME, clientPort: 50123, serverPort: 8443, start: AFTER + 5 }),
    ...tcpConnection({ client: ME, server: '10.0.9.9', clientPort: 51001, serverPort: 5432, start: AFTER + 9 }),
  ]), []);
});

test('silent for an instance that already talks to many remote ports (a crawler, a P2P node)', () => {
  const wide = history(9, (d, t) => Array.from({ length: 20 }, (_, i) => flowLine({ src: ME, dst: `198.18.${d}.${i + 1}`.replace('198.18', '93.184'), sport: 40000 + i, dport: 2000 + d * 20 + i, start: t + i })));
  assert.deepEqual(run([...wide, flowLine({ src: ME, dst: '45.83.193.150', sport: 51515, dport: 4444, start: AFTER })]), []);
});

test('sending far more to one host than ever learned raises TrafficVolumeUnusual (Medium) with the learned maximum', () => {
  const burst = Array.from({ length: 12 }, (_, i) => flowLine({ src: ME, dst: '185.199.108.153', sport: 50500, dport: 443, packets: 40_000, bytes: 60_000_000, start: AFTER + i * 60 }));
  const out = run([...history(), ...burst]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Behavior:EC2/TrafficVolumeUnusual');
  assert.equal(c.severity, 5);
  assert.equal(c.key, `${ENI}|185.199.108.153`);
  const info = c.additionalInfo as unknown as Loose;
  assert.equal(info.bytesThisHour, 540_000_000); // the ninth minute crosses 512 MiB
  assert.equal(info.learnedMaxBytesPerHostHour, 4_000_000);
  assert.equal(info.peerDaysSeen, 0);
  assert.equal(c.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4, '185.199.108.153');
});

test('silent below the floor, and for a backup host whose usual hour is already large', () => {
  const small = Array.from({ length: 4 }, (_, i) => flowLine({ src: ME, dst: '185.199.108.153', sport: 50500, dport: 443, packets: 40_000, bytes: 60_000_000, start: AFTER + i * 60 }));
  assert.deepEqual(run([...history(), ...small]), []);
  const backup = history(9, (d, t) => [flowLine({ src: ME, dst: '52.216.8.1', sport: 50000 + d, dport: 443, packets: 900_000, bytes: 900_000_000, start: t })]);
  const big = [flowLine({ src: ME, dst: '52.216.8.1', sport: 50999, dport: 443, packets: 1_500_000, bytes: 2_000_000_000, start: AFTER })];
  assert.deepEqual(run([...backup, ...big]), []);
});

const smtp = (hosts: number, start: number) => Array.from({ length: hosts }, (_, i) => tcpConnection({ client: ME, server: `198.51.${100 + i}.25`.replace('198.51', '64.233'), clientPort: 45000 + i, serverPort: 25, start: start + i * 30, packets: [14, 10] })).flat();

test('SMTP to many hosts with no port-25 history raises Backdoor:EC2/Spambot (Medium)', () => {
  const out = run([...history(), ...smtp(6, AFTER)]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'Backdoor:EC2/Spambot');
  assert.equal(c.severity, 5);
  assert.equal(c.key, ENI);
  assert.equal((c.additionalInfo as unknown as Loose).smtpHosts.length, 5);
  assert.deepEqual((c.additionalInfo as unknown as Loose).unusual, { feature: 'remotePort', value: '25/TCP', daysSeenBefore: 0 });
  assert.equal(c.action.networkConnectionAction?.remotePortDetails?.port, 25);
});

test('silent for a mail relay with port-25 history, and for a handful of SMTP hosts', () => {
  const relay = history(9, (d, t) => smtp(3, t));
  assert.deepEqual(run([...relay, ...smtp(8, AFTER)]), []);
  assert.deepEqual(run([...history(), ...smtp(4, AFTER)]), []);
});

const dnsQuery = (resolver: string, t: number, sport = 53000) => [
  flowLine({ src: ME, dst: resolver, sport, dport: 53, proto: 17, packets: 1, bytes: 72, start: t }),
  flowLine({ src: resolver, dst: ME, sport: 53, dport: sport, proto: 17, packets: 1, bytes: 160, start: t }),
];

test('DNS to a public resolver never used raises UnusualDNSResolver (Medium)', () => {
  const out = run([...history(9, (d, t) => dnsQuery('8.8.8.8', t)), ...dnsQuery('77.88.8.8', AFTER)]);
  assert.equal(out.length, 1);
  const c = out[0];
  assert.equal(c.type, 'DefenseEvasion:EC2/UnusualDNSResolver');
  assert.equal(c.severity, 5);
  assert.equal(c.key, `${ENI}|77.88.8.8`);
  assert.equal((c.additionalInfo as unknown as Loose).resolver, '77.88.8.8');
  assert.deepEqual((c.additionalInfo as unknown as Loose).learned.usual, ['8.8.8.8 (seen on 9 of 10 days)']);
});

test('silent for the usual public resolver, the VPC resolver, and a recursive resolver querying many name servers', () => {
  assert.deepEqual(run([...history(9, (d, t) => dnsQuery('8.8.8.8', t)), ...dnsQuery('8.8.8.8', AFTER), ...dnsQuery('10.0.0.2', AFTER + 1), ...dnsQuery('169.254.169.253', AFTER + 2)]), []);
  const recursive = history(9, (d, t) => Array.from({ length: 15 }, (_, i) => dnsQuery(`192.${5 + i}.${d}.30`, t + i, 53000 + i)).flat());
  assert.deepEqual(run([...recursive, ...dnsQuery('199.7.83.42', AFTER)]), []);
});

test('HTTPS to a DoH resolver and TCP 853 to a new server raise UnusualDoHActivity and UnusualDoTActivity (Medium)', () => {
  const out = run([
    ...history(),
    ...tcpConnection({ client: ME, server: '1.1.1.1', clientPort: 52100, serverPort: 443, start: AFTER, packets: [10, 10] }),
    ...tcpConnection({ client: ME, server: '9.9.9.9', clientPort: 52101, serverPort: 853, start: AFTER + 30, packets: [10, 10] }),
  ]);
  assert.deepEqual(out.map((c) => [c.type, c.severity, c.key, (c.additionalInfo as unknown as Loose).server]), [
    ['DefenseEvasion:EC2/UnusualDoHActivity', 5, `${ENI}|1.1.1.1`, '1.1.1.1'],
    ['DefenseEvasion:EC2/UnusualDoTActivity', 5, `${ENI}|9.9.9.9`, '9.9.9.9'],
  ]);
});

test('silent for DoH/DoT servers already in the baseline and HTTPS to ordinary hosts', () => {
  const usual = history(9, (d, t) => [
    ...tcpConnection({ client: ME, server: '1.1.1.1', clientPort: 52100 + d, serverPort: 443, start: t }),
    ...tcpConnection({ client: ME, server: '9.9.9.9', clientPort: 52200 + d, serverPort: 853, start: t }),
  ]);
  assert.deepEqual(run([
    ...usual,
    ...tcpConnection({ client: ME, server: '1.1.1.1', clientPort: 53100, serverPort: 443, start: AFTER }),
    ...tcpConnection({ client: ME, server: '9.9.9.9', clientPort: 53101, serverPort: 853, start: AFTER }),
    ...tcpConnection({ client: ME, server: '140.82.112.3', clientPort: 53102, serverPort: 443, start: AFTER }),
  ]), []);
});

test('the learning period is read from VIGIL_INSTANCE_LEARNING_DAYS, else VIGIL_BASELINE_LEARNING_DAYS, else 7 days', () => {
  assert.equal(readInstanceBaselineConfig({}).learningDays, 7);
  assert.equal(readInstanceBaselineConfig({ VIGIL_BASELINE_LEARNING_DAYS: '14' }).learningDays, 14);
  assert.equal(readInstanceBaselineConfig({ VIGIL_BASELINE_LEARNING_DAYS: '14', VIGIL_INSTANCE_LEARNING_DAYS: '3' }).learningDays, 3);
  assert.throws(() => readInstanceBaselineConfig({ VIGIL_INSTANCE_LEARNING_DAYS: 'soon' }), /VIGIL_INSTANCE_LEARNING_DAYS/);
});

test('late records of earlier days count neither as new days nor as new sightings', () => {
  // nine days learned, then the records of day 4 arrive again (a late, re-delivered file), then the LDAP callback
  const late = history(9).filter((l) => { const start = Number(l.split(' ')[10]); return start >= T0 + 4 * DAY && start < T0 + 5 * DAY; });
  const [c] = run([...history(), ...late, ...tcpConnection({ client: ME, server: '45.83.193.150', clientPort: 51515, serverPort: 1389, start: AFTER, packets: [6, 5] })]);
  const info = c.additionalInfo as unknown as Loose;
  assert.equal(info.learned.activeDays, 10);
  assert.deepEqual(info.learned.usual, ['80/TCP (seen on 9 of 10 days)', '443/TCP (seen on 9 of 10 days)']);
});
