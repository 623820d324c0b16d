/**
 * Child-process entry of the network-behaviour benchmark: seeded VPC flow v2 text (ten days of
 * instances talking to their usual public peers, both records of each connection) cut into
 * ~1 MiB chunks and pushed through the real flow parser, enrichers and engine, with the
 * per-instance baselines and the DoS heuristic on or off. Prints one `BENCH_RESULT {json}` line.
 *
 *   node --expose-gc --import tsx bench/behavior/measure.ts <gen|off|on> <flows> <instances> <seed>
 *
 * `gen` builds the text and parses it (no enrichers, no detectors); `off` runs every registered
 * detector and enricher except the network-behaviour ones; `on` runs them all. The text is built
 * chunk by chunk, so memory held is the state, not the input.
 */
import { Engine, StateRegistry } from '../../src/engine/index.js';
import { DETECTORS } from '../../src/detectors/registry.js';
import { ENRICHERS } from '../../src/enrich/registry.js';
import { parserFor } from '../../src/parsers/index.js';
import { keyHints } from '../../src/parsers/index.js';
import type { VigilEvent } from '../../src/core/index.js';
import { Prng } from '../prng.js';
import { RESULT_MARK } from '../protocol.js';

export const BEHAVIOR_DETECTORS = new Set(['network-baseline', 'denial-of-service']);
export const BEHAVIOR_ENRICHERS = new Set(['instance-identity']);

const START = Date.UTC(2026, 1, 1) / 1000;
const SPAN = 10 * 86_400;
const PORTS = [443, 443, 443, 80, 123, 22, 5432, 3306, 9200, 8443];

interface Inst { eni: string; ip: string; peers: string[]; ports: number[] }

function publicIp(rng: Prng): string {
  for (;;) {
    const a = 1 + rng.int(222);
    if (a === 10 || a === 127 || a === 100 || a === 169 || a === 172 || a === 192 || a === 198 || a === 203) continue;
    return `${a}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
  }
}

function instances(n: number, rng: Prng): Inst[] {
  const shared = Array.from({ length: 200 }, () => publicIp(rng)); // SaaS and AWS endpoints many instances use
  return Array.from({ length: n }, (_, i) => ({
    eni: `eni-${(0x10000000 + i).toString(16)}${rng.hex(9)}`,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) || 1}`,
    peers: Array.from({ length: 3 + rng.int(6) }, () => (rng.chance(0.6) ? rng.pick(shared) : publicIp(rng))),
    ports: Array.from({ length: 1 + rng.int(3) }, () => rng.pick(PORTS)),
  }));
}

function main(): void {
  const [mode, flowsArg, instancesArg, seedArg] = process.argv.slice(2);
  const flows = Number(flowsArg), nInst = Number(instancesArg), seed = Number(seedArg ?? 1);
  const rng = new Prng(seed);
  const insts = instances(nInst, rng);
  const state = new StateRegistry();
  let findings = 0, count = 0;
  const byType: Record<string, number> = {};
  const engine = mode === 'gen' ? undefined : new Engine(
    mode === 'on' ? DETECTORS : DETECTORS.filter((d) => !BEHAVIOR_DETECTORS.has(d.id)),
    mode === 'on' ? ENRICHERS : ENRICHERS.filter((e) => !BEHAVIOR_ENRICHERS.has(e.id)),
    (c) => { findings++; byType[c.type] = (byType[c.type] ?? 0) + 1; }, {}, state);
  const session = parserFor('vpcflow').open({ objectName: 'bench', hints: keyHints(''), defaultRegion: 'us-east-1' }, {
    event: (e: VigilEvent) => { count++; engine?.process(e); }, bad: () => {}, skipped: () => {},
  });
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let buf: string[] = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'];
  let size = 0;
  // time advances with k; the first three rounds visit every instance and each of its ports in
  // turn (so what it does later was learned), then instances are drawn at random
  for (let k = 0; k < flows; k += 2) {
    const c = k / 2, round = Math.floor(c / nInst);
    const inst = insts[round < 3 ? c % nInst : rng.int(nInst)];
    const t = START + Math.floor((k / flows) * SPAN);
    const peer = inst.peers[rng.int(inst.peers.length)], sport = 32768 + rng.int(28000);
    const port = round < 3 ? inst.ports[round % inst.ports.length] : inst.ports[rng.int(inst.ports.length)];
    const proto = port === 123 ? 17 : 6;
    const po = 2 + rng.int(40), pi = 2 + rng.int(60);
    const a = `2 123456789012 ${inst.eni} ${inst.ip} ${peer} ${sport} ${port} ${proto} ${po} ${po * (60 + rng.int(900))} ${t} ${t + 60} ACCEPT OK`;
    const b = `2 123456789012 ${inst.eni} ${peer} ${inst.ip} ${port} ${sport} ${proto} ${pi} ${pi * (60 + rng.int(1400))} ${t} ${t + 60} ACCEPT OK`;
    buf.push(a, b);
    size += a.length + b.length + 2;
    if (size > 1 << 20) { session.push(Buffer.from(buf.join('\n') + '\n')); buf = []; size = 0; }
  }
  if (buf.length) session.push(Buffer.from(buf.join('\n') + '\n'));
  session.end(false);
  const wallMs = performance.now() - t0;
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const stats = state.stats();
  const snapshotBytes = mode === 'gen' ? 0 : Buffer.byteLength(JSON.stringify(state.snapshots()));
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${RESULT_MARK}${JSON.stringify({ mode, flows: count, instances: nInst, wallMs, heapHeldMb: (heap1 - heap0) / 1e6, maxRssMb, snapshotBytes, findings, byType, namespaces: stats })}\n`);
}

main();
