/**
 * The soak's live log writer: the bench generators' CloudTrail, VPC flow and Route 53 Resolver
 * records (same seeded organisation, principals, network and attack scenarios as
 * bench/generate/), stamped with the current time and dropped into a watched folder as gzip
 * objects under their AWS key layout, at a fixed records/s per log type. Each file is written
 * under a hidden name and renamed into place, so the rename is its arrival time.
 *
 * Nominal rate (what one simulated organisation of the bench produces per second, from the
 * generators' own timelines):
 *   CloudTrail   1,000,000 records per simulated day (the default dataset)   11.6 records/s
 *   VPC flow     8,000 lines per VPC per 5 minutes × 5 VPCs                  133.3 lines/s
 *   Route 53     5,000 queries per VPC per 5 minutes × 5 VPCs                 83.3 queries/s
 * The soak runs at `speed` × these (default 2).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Prng, weights, type Weighted } from '../prng.js';
import { background as ctBackground } from '../generate/cloudtrail.js';
import { SCENARIOS } from '../generate/cloudtrail-attacks.js';
import { buildPrincipals, type AccountPrincipals } from '../generate/cloudtrail-principals.js';
import { background as dnsBackground, rebind } from '../generate/dns.js';
import { Expected } from '../generate/output.js';
import { ATTACKS, FLOW_HEADER, background as flowBackground } from '../generate/vpcflow.js';
import { networkFor, type Network } from '../generate/vpcflow-network.js';
import { REGIONS, accounts, datePath, stamp } from '../generate/world.js';
import type { BenchKind } from '../generate/index.js';

/** Records per second per log type at the bench's nominal rate (see the header). */
export const NOMINAL_RATE: Record<BenchKind, number> = { cloudtrail: 1_000_000 / 86_400, vpcflow: (5 * 8000) / 300, dns: (5 * 5000) / 300 };

export interface LiveFile { path: string; kind: BenchKind; records: number; gzBytes: number; rawBytes: number; writtenAt: number; attack: boolean }

export class LiveWriter {
  readonly expected = new Expected();
  readonly totals: Record<BenchKind, { files: number; records: number; gzBytes: number; rawBytes: number }> = {
    cloudtrail: { files: 0, records: 0, gzBytes: 0, rawBytes: 0 }, vpcflow: { files: 0, records: 0, gzBytes: 0, rawBytes: 0 }, dns: { files: 0, records: 0, gzBytes: 0, rawBytes: 0 },
  };
  private readonly rng: Record<BenchKind, Prng>;
  private readonly owed: Record<BenchKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  private readonly last: Record<BenchKind, number>;
  private readonly nextAttack: Record<BenchKind, number>;
  private readonly attacksDone: Record<BenchKind, number> = { cloudtrail: 0, vpcflow: 0, dns: 0 };
  private readonly principals: Map<string, AccountPrincipals>;
  private readonly accountWeights: Weighted<string>;
  private readonly net: Network;
  private readonly vpcTurn: Record<'vpcflow' | 'dns', number> = { vpcflow: 0, dns: 0 };

  /**
   * @param rates records/s per log type
   * @param attackEveryMs one injected attack per log type this often (the first at the first file)
   */
  constructor(private readonly root: string, seed: number, private readonly rates: Record<BenchKind, number>, private readonly attackEveryMs: number, start = Date.now()) {
    const base = new Prng(seed ^ 0x50a4);
    this.rng = { cloudtrail: base.fork(1), vpcflow: base.fork(2), dns: base.fork(3) };
    // the same organisation and network as the bench datasets of this seed
    const accts = accounts(seed);
    this.principals = buildPrincipals(new Prng(seed).fork(1), accts);
    this.accountWeights = weights(accts.map((a) => [a, this.principals.get(a)!.roles.length + this.principals.get(a)!.users.length] as const));
    this.net = networkFor(seed);
    this.last = { cloudtrail: start, vpcflow: start, dns: start };
    this.nextAttack = { cloudtrail: start, vpcflow: start, dns: start };
  }

  /** Writes, per log type, one file with the records owed since the previous call (none when fewer than one). */
  tick(now = Date.now()): LiveFile[] {
    const out: LiveFile[] = [];
    for (const kind of ['cloudtrail', 'vpcflow', 'dns'] as const) {
      if (!(this.rates[kind] > 0)) continue;
      this.owed[kind] += (this.rates[kind] * (now - this.last[kind])) / 1000;
      const n = Math.floor(this.owed[kind]);
      if (n < 1) continue;
      this.owed[kind] -= n;
      const from = this.last[kind];
      this.last[kind] = now;
      const attack = now >= this.nextAttack[kind];
      if (attack) this.nextAttack[kind] += this.attackEveryMs * Math.max(1, Math.ceil((now - this.nextAttack[kind] + 1) / this.attackEveryMs));
      const f = kind === 'cloudtrail' ? this.cloudTrail(n, from, now, attack) : kind === 'vpcflow' ? this.flow(n, from, now, attack) : this.dns(n, from, now, attack);
      out.push(this.write(kind, f.key, f.text, f.records, attack));
    }
    return out;
  }

  private write(kind: BenchKind, key: string, text: string, records: number, attack: boolean): LiveFile {
    const raw = Buffer.from(text, 'utf8');
    const gz = gzipSync(raw, { level: 1 });
    const path = join(this.root, key);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${key.slice(key.lastIndexOf('/') + 1)}.part`);
    writeFileSync(tmp, gz);
    renameSync(tmp, path);
    const t = this.totals[kind];
    t.files++; t.records += records; t.gzBytes += gz.length; t.rawBytes += raw.length;
    return { path, kind, records, gzBytes: gz.length, rawBytes: raw.length, writtenAt: Date.now(), attack };
  }

  private cloudTrail(n: number, from: number, to: number, attack: boolean): { key: string; text: string; records: number } {
    const rng = this.rng.cloudtrail;
    const account = rng.weighted(this.accountWeights);
    const region = rng.weighted(REGIONS);
    const p = this.principals.get(account)!;
    const recs: Record<string, unknown>[] = [];
    for (let j = 0; j < n; j++) recs.push(ctBackground(rng, p, region, from + Math.floor(((j + 1) * (to - from)) / n)));
    if (attack) {
      const k = this.attacksDone.cloudtrail++;
      const actor = rng.chance(0.7) ? rng.pick(p.roles) : rng.pick(p.users);
      // n: distinct trail/bucket names per injection, so each one is a new finding
      const injected = SCENARIOS[k % SCENARIOS.length]({ rng, actor, region, timeMs: from + rng.int(Math.max(1, to - from)), expected: this.expected, n: 100_000 + k });
      recs.splice(rng.int(recs.length + 1), 0, ...injected);
    }
    const key = `AWSLogs/${account}/CloudTrail/${region}/${datePath(to)}/${account}_CloudTrail_${region}_${stamp(to)}_${rng.alnum(16)}.json.gz`;
    return { key, text: `{"Records":[${recs.map((r) => JSON.stringify(r)).join(',')}]}`, records: recs.length };
  }

  private flow(n: number, from: number, to: number, attack: boolean): { key: string; text: string; records: number } {
    const rng = this.rng.vpcflow;
    const v = this.net.vpcs[this.vpcTurn.vpcflow++ % this.net.vpcs.length];
    const s0 = Math.floor(from / 1000), s1 = Math.floor(to / 1000);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) lines.push(flowBackground(rng, this.net, v, s0 + Math.floor(((j + 1) * (s1 - s0)) / n)));
    if (attack) {
      // the attacks span up to 4 minutes: they end about now
      const a = ATTACKS[this.attacksDone.vpcflow++ % ATTACKS.length];
      lines.push(...a(rng, v, s1 - 250, this.expected).map((f) => f.line));
    }
    const key = `AWSLogs/${v.account}/vpcflowlogs/${v.region}/${datePath(to)}/${v.account}_vpcflowlogs_${v.region}_fl-0${rng.hex(16)}_${stamp(to)}_${rng.hex(8)}.log.gz`;
    return { key, text: `${FLOW_HEADER}\n${lines.join('\n')}\n`, records: lines.length };
  }

  private dns(n: number, from: number, to: number, attack: boolean): { key: string; text: string; records: number } {
    const rng = this.rng.dns;
    const v = this.net.vpcs[this.vpcTurn.dns++ % this.net.vpcs.length];
    const clients = v.enis.filter((e) => e.instanceId);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) lines.push(dnsBackground(rng, this.net, v, clients[rng.skewed(clients.length)], from + Math.floor(((j + 1) * (to - from)) / n)));
    if (attack) lines.push(...rebind(rng, v, to - 30_000, this.attacksDone.dns++, this.expected).map((q) => q.line));
    const key = `AWSLogs/${v.account}/vpcdnsquerylogs/${v.vpcId}/${datePath(to)}/${v.account}_vpcdnsquerylogs_${v.vpcId}_${stamp(to)}_${rng.hex(8)}.log.gz`;
    return { key, text: `${lines.join('\n')}\n`, records: lines.length };
  }
}
