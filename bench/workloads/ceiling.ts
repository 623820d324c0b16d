/**
 * The ceilings Vigil is compared with, on the same files: the least work any reader of these
 * logs must do, written as plainly and quickly as Node allows (synchronous, 1 MiB gunzip chunks).
 *  - cloudtrail: gunzip + Buffer→string + JSON.parse of each whole file, touching a few fields;
 *  - lines (VPC flow, DNS): gunzip + line split (count lines);
 *  - json-lines (DNS, extra): gunzip + line split + JSON.parse of each line, touching a field.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { WorkloadResult } from './types.js';

const GUNZIP = { chunkSize: 1 << 20 };

interface CtRecord { eventName?: string; sourceIPAddress?: string; userIdentity?: { arn?: string; invokedBy?: string } }

export function ceilingCloudTrail(files: string[]): WorkloadResult {
  const r: WorkloadResult = { records: 0, bytesIn: 0, bytesOut: 0 };
  let touched = 0;
  for (const f of files) {
    const gz = readFileSync(f);
    const raw = gunzipSync(gz, GUNZIP);
    r.bytesIn += gz.length;
    r.bytesOut += raw.length;
    const doc = JSON.parse(raw.toString('utf8')) as { Records: CtRecord[] };
    for (const rec of doc.Records) {
      const who = rec.userIdentity?.arn ?? rec.userIdentity?.invokedBy ?? '';
      touched += who.length + (rec.eventName?.length ?? 0) + (rec.sourceIPAddress?.length ?? 0);
    }
    r.records += doc.Records.length;
  }
  if (touched < 0) throw new Error('unreachable');
  return r;
}

export function ceilingLines(files: string[]): WorkloadResult {
  const r: WorkloadResult = { records: 0, bytesIn: 0, bytesOut: 0 };
  for (const f of files) {
    const gz = readFileSync(f);
    const raw = gunzipSync(gz, GUNZIP);
    r.bytesIn += gz.length;
    r.bytesOut += raw.length;
    let pos = 0;
    for (let nl = raw.indexOf(10, pos); nl >= 0; nl = raw.indexOf(10, pos)) {
      if (nl > pos) r.records++;
      pos = nl + 1;
    }
    if (pos < raw.length) r.records++;
  }
  return r;
}

export function ceilingJsonLines(files: string[]): WorkloadResult {
  const r: WorkloadResult = { records: 0, bytesIn: 0, bytesOut: 0 };
  let touched = 0;
  for (const f of files) {
    const gz = readFileSync(f);
    const raw = gunzipSync(gz, GUNZIP);
    r.bytesIn += gz.length;
    r.bytesOut += raw.length;
    let pos = 0;
    while (pos < raw.length) {
      let nl = raw.indexOf(10, pos);
      if (nl < 0) nl = raw.length;
      if (nl > pos) {
        const rec = JSON.parse(raw.toString('utf8', pos, nl)) as { query_name?: string };
        touched += rec.query_name?.length ?? 0;
        r.records++;
      }
      pos = nl + 1;
    }
  }
  if (touched < 0) throw new Error('unreachable');
  return r;
}
