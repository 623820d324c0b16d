/**
 * The web console: the static bundle `npm run build` writes to web/dist, served under /console/
 * (GET / redirects there). Only files found in the bundle at start are served, so no request path
 * reaches the file system; any other /console/ path gets index.html (the console routes in the
 * browser). The console calls the same SigV4-signed API as every other client.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** web/dist at the repository root, from src/api/routes or dist/api/routes alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

interface Asset { body: Buffer; gzip?: Buffer; type: string; immutable: boolean }

function readBundle(dir: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  if (!existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      const rel = relative(dir, p).split(sep).join('/');
      // Vite puts content-hashed names under assets/: those never change
      const body = readFileSync(p);
      const type = TYPES[extname(p)] ?? 'application/octet-stream';
      // compressed once at start: the script bundle is a third of its size gzipped
      const gzip = /^text\/|svg|json/.test(type) && body.length > 1024 ? gzipSync(body) : undefined;
      files.set(rel, { body, gzip, type, immutable: rel.startsWith('assets/') });
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vigil console</title>
<body><h1>The console is not built</h1><p>Run <code>npm run build</code> in Vigil's folder, then restart <code>vigil serve</code>.
The GuardDuty API and <code>/vigil/health</code> work without it.</p></body></html>`;

export function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): void {
  const files = readBundle(dir);
  const index = files.get('index.html');
  const headers = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
  app.get('/', async (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console', async (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'].split('?')[0];
    const asset = files.get(rel);
    void reply.headers(headers);
    if (asset && rel !== 'index.html') {
      void reply.header('content-type', asset.type).header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('vary', 'accept-encoding');
      if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzip);
      return reply.send(asset.body);
    }
    if (rel.startsWith('assets/')) return reply.status(404).header('content-type', 'text/plain').send('not found');
    if (!index) return reply.status(503).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(index.body);
  });
}
