/**
 * Instance identity: which EC2 instance a network interface belongs to, so flow findings name
 * `resource.instanceDetails.instanceId` even when the flow log does not carry it. Sources, first
 * match wins:
 *  1. the record itself (`instance-id`, flow logs v3+): also learned for the interface;
 *  2. an inventory the user supplies (VIGIL_INSTANCE_INVENTORY=<file>, or
 *     `setInstanceInventory()`): JSON (an array of objects, or an object keyed by ENI) or CSV
 *     with a header, giving ENI → instance id, and optionally VPC, subnet, instance type, image,
 *     availability zone and tags;
 *  3. learned from CloudTrail when CloudTrail is scanned too: `RunInstances` (each instance's
 *     `networkInterfaceSet`), `CreateNetworkInterface` (VPC, subnet; the instance comes with
 *     `AttachNetworkInterface`), kept in keyed state (persisted, 400 days).
 * An interface nothing names keeps its findings keyed by ENI.
 *
 * The enricher fills `instanceId` / `vpcId` / `subnetId` of a flow event that lacks them. Flow
 * events are reused between records and a format without those fields does not reset them, so
 * what the enricher wrote into an event object is remembered and cleared on the next record.
 */
import { readFileSync } from 'node:fs';
import { defineEnricher } from '../engine/index.js';
import type { CloudTrailEvent, FlowEvent } from '../core/index.js';
import { forEachCsvRecord } from '../intel/formats/csv.js';

export interface InstanceInfo {
  instanceId: string;
  vpcId?: string;
  subnetId?: string;
  instanceType?: string;
  imageId?: string;
  availabilityZone?: string;
  tags?: { key: string; value: string }[];
}

/** Learned from CloudTrail: i = instance, v = VPC, s = subnet. */
interface Learned { i: string; v: string; s: string }

let inventory: Map<string, InstanceInfo> | undefined;
let byInstance: Map<string, InstanceInfo> | undefined;

function pick(o: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    for (const k of Object.keys(o)) if (k.toLowerCase().replace(/[-_ ]/g, '') === n) {
      const v = o[k];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return undefined;
}

function tagsOf(v: unknown): { key: string; value: string }[] | undefined {
  if (Array.isArray(v)) {
    const out = v.flatMap((t) => (t && typeof t === 'object' ? [{ key: String((t as Record<string, unknown>).key ?? (t as Record<string, unknown>).Key ?? ''), value: String((t as Record<string, unknown>).value ?? (t as Record<string, unknown>).Value ?? '') }] : []));
    return out.filter((t) => t.key).length ? out.filter((t) => t.key) : undefined;
  }
  if (v && typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value) }));
  if (typeof v === 'string' && v.trim()) {
    return v.split(/[;|]/).map((kv) => kv.split('=')).filter((kv) => kv[0]?.trim()).map(([k, ...rest]) => ({ key: k.trim(), value: rest.join('=').trim() }));
  }
  return undefined;
}

function entry(o: Record<string, unknown>, eni?: string): [string, InstanceInfo] | undefined {
  const id = eni ?? pick(o, 'networkinterfaceid', 'eni', 'interfaceid', 'eniid');
  const instanceId = pick(o, 'instanceid', 'instance');
  if (!id || !instanceId) return undefined;
  const info: InstanceInfo = { instanceId };
  const set = (k: keyof InstanceInfo, ...names: string[]) => { const v = pick(o, ...names); if (v) (info as unknown as Record<string, string>)[k] = v; };
  set('vpcId', 'vpcid', 'vpc');
  set('subnetId', 'subnetid', 'subnet');
  set('instanceType', 'instancetype', 'type');
  set('imageId', 'imageid', 'ami');
  set('availabilityZone', 'availabilityzone', 'az');
  const tagKey = Object.keys(o).find((k) => k.toLowerCase() === 'tags');
  const tags = tagKey ? tagsOf(o[tagKey]) : undefined;
  if (tags?.length) info.tags = tags;
  return [id, info];
}

/** Parses an inventory file's text (JSON or CSV) into ENI → instance. Throws with the reason on a malformed file. */
export function parseInventory(text: string): Map<string, InstanceInfo> {
  const map = new Map<string, InstanceInfo>();
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    const doc = JSON.parse(t) as unknown;
    const rows: [Record<string, unknown>, string | undefined][] = Array.isArray(doc)
      ? doc.map((r) => [r as Record<string, unknown>, undefined])
      : Object.entries(doc as Record<string, unknown>).map(([k, v]) => (typeof v === 'string' ? [{ instanceId: v }, k] : [v as Record<string, unknown>, k]));
    for (const [r, eni] of rows) { const e = r && typeof r === 'object' ? entry(r, eni) : undefined; if (e) map.set(e[0], e[1]); }
    return map;
  }
  let header: string[] | undefined;
  forEachCsvRecord(t, (cells) => {
    if (!header) {
      header = cells;
      if (!header.some((h) => /instance/i.test(h))) throw new Error('inventory CSV needs a header naming an instance-id column');
      return;
    }
    const e = entry(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
    if (e) map.set(e[0], e[1]);
  }, (line, message) => { throw new Error(`inventory CSV line ${line}: ${message}`); });
  return map;
}

/** Sets (or with undefined, clears) the inventory; null re-reads VIGIL_INSTANCE_INVENTORY on next use. */
export function setInstanceInventory(inv: Map<string, InstanceInfo> | undefined | null): void {
  inventory = inv === null ? undefined : (inv ?? new Map());
  byInstance = undefined;
}

/** The inventory in force: from VIGIL_INSTANCE_INVENTORY on first use, else empty. */
export function instanceInventory(): Map<string, InstanceInfo> {
  if (!inventory) {
    const path = process.env.VIGIL_INSTANCE_INVENTORY;
    inventory = path ? parseInventory(readFileSync(path, 'utf8')) : new Map();
  }
  return inventory;
}

/** Inventory details of an instance (tags, type…), by instance id. */
export function inventoryByInstance(instanceId: string): InstanceInfo | undefined {
  if (!byInstance) {
    byInstance = new Map();
    for (const info of instanceInventory().values()) byInstance.set(info.instanceId, info);
  }
  return byInstance.get(instanceId);
}

/** What the enricher wrote into each (reused) flow event object; `anyFilled` spares the lookup until something was. */
const filled = new WeakMap<object, Learned>();
let anyFilled = false;

/** `v` when it is a JSON object (not null, not an array), else undefined: responses are free-form JSON. */
function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
/** The objects of `v` when it is an array. */
function objs(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(obj).filter((x): x is Record<string, unknown> => x !== undefined) : [];
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function learnFromCloudTrail(e: CloudTrailEvent, learned: { get(k: string): Learned | undefined; set(k: string, v: Learned): void }): void {
  if (e.errorCode) return;
  const resp = obj(e.raw.responseElements) ?? {};
  if (e.eventName === 'RunInstances') {
    for (const inst of objs(obj(resp.instancesSet)?.items)) {
      const instanceId = str(inst.instanceId);
      for (const ni of objs(obj(inst.networkInterfaceSet)?.items)) {
        if (typeof ni.networkInterfaceId !== 'string' || !instanceId) continue;
        learned.set(ni.networkInterfaceId, { i: instanceId, v: str(ni.vpcId) || str(inst.vpcId), s: str(ni.subnetId) || str(inst.subnetId) });
      }
    }
  } else if (e.eventName === 'CreateNetworkInterface') {
    const ni = obj(resp.networkInterface);
    if (!ni || typeof ni.networkInterfaceId !== 'string') return;
    const attached = obj(ni.attachment)?.instanceId;
    const prev = learned.get(ni.networkInterfaceId);
    learned.set(ni.networkInterfaceId, { i: typeof attached === 'string' ? attached : prev?.i ?? '', v: str(ni.vpcId), s: str(ni.subnetId) });
  } else if (e.eventName === 'AttachNetworkInterface') {
    const req = obj(e.raw.requestParameters);
    const eni = req?.networkInterfaceId, inst = req?.instanceId;
    if (typeof eni !== 'string' || typeof inst !== 'string') return;
    const prev = learned.get(eni);
    learned.set(eni, { i: inst, v: prev?.v ?? '', s: prev?.s ?? '' });
  }
}

function fillFlow(e: FlowEvent, learned: { readonly size: number; get(k: string): Learned | undefined; set(k: string, v: Learned): void }): void {
  const mine = anyFilled ? filled.get(e) : undefined;
  if (mine) {
    if (mine.i && e.instanceId === mine.i) e.instanceId = '';
    if (mine.v && e.vpcId === mine.v) e.vpcId = '';
    if (mine.s && e.subnetId === mine.s) e.subnetId = '';
    filled.delete(e);
  }
  const eni = e.interfaceId;
  if (!eni) return;
  if (e.instanceId) {
    // the record names it: remember for records of this interface that do not
    const l = learned.get(eni);
    if (!l || l.i !== e.instanceId) learned.set(eni, { i: e.instanceId, v: e.vpcId, s: e.subnetId });
    return;
  }
  const inv = (inventory ?? instanceInventory()).size ? (inventory ?? instanceInventory()).get(eni) : undefined;
  let i = '', v = '', s = '';
  if (inv) { i = inv.instanceId; v = inv.vpcId ?? ''; s = inv.subnetId ?? ''; } else {
    if (learned.size === 0) return; // nothing learned yet: no lookup per record
    const l = learned.get(eni);
    if (!l || !l.i) return;
    i = l.i; v = l.v; s = l.s;
  }
  const wrote: Learned = { i: '', v: '', s: '' };
  e.instanceId = wrote.i = i;
  if (!e.vpcId && v) e.vpcId = wrote.v = v;
  if (!e.subnetId && s) e.subnetId = wrote.s = s;
  filled.set(e, wrote);
  anyFilled = true;
}

const LEARNED_STATE = { maxEntries: 500_000, ttlMs: 400 * 86_400_000 };
const CT_NAMES = new Set(['RunInstances', 'CreateNetworkInterface', 'AttachNetworkInterface']);

export const instanceIdentity = defineEnricher({
  id: 'instance-identity',
  kinds: ['vpcflow', 'cloudtrail'],
  enrich(e, ctx) {
    const learned = ctx.state<Learned>('eni-instance', LEARNED_STATE);
    if (e.kind === 'cloudtrail') { if (CT_NAMES.has(e.eventName)) learnFromCloudTrail(e, learned); return; }
    if (e.kind === 'vpcflow') fillFlow(e, learned);
  },
});
