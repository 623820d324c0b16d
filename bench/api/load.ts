/**
 * A small HTTP load generator for the API benchmark: replays pre-signed SigV4 requests (the
 * signature stays valid for minutes, and the server does not refuse a replay) over keep-alive
 * connections at a fixed concurrency for a fixed time, and reports requests/s and latency
 * percentiles.
 */
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';

export interface Req { method: string; path: string; body?: string; headers: Record<string, string> }
export interface LoadResult { requests: number; errors: number; seconds: number; perSec: number; p50: number; p99: number; max: number }

export async function sign(url: string, key: { accessKeyId: string; secretAccessKey: string }, method: string, path: string, body?: object): Promise<Req> {
  const u = new URL(url);
  const text = body ? JSON.stringify(body) : undefined;
  const signer = new SignatureV4({ credentials: key, region: 'us-east-1', service: 'guardduty', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const s = await signer.sign({ method, protocol: 'http:', hostname: u.hostname, port: Number(u.port), path, query: {}, headers: { host: u.host, 'content-type': 'application/json' }, body: text });
  return { method, path, body: text, headers: s.headers as Record<string, string> };
}

export async function load(url: string, req: Req, o: { concurrency: number; seconds: number }): Promise<LoadResult> {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + o.seconds * 1000;
  const one = () => new Promise<void>((resolve) => {
    const t = performance.now();
    const r = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path, headers: req.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode !== 200) errors++; lat.push(performance.now() - t); resolve(); });
    });
    r.on('error', () => { errors++; resolve(); });
    if (req.body) r.write(req.body);
    r.end();
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, async () => { while (performance.now() < end) await one(); }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return { requests: lat.length, errors, seconds, perSec: lat.length / seconds, p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] ?? 0 };
}
