// The web console's build: `npm run build` runs `vite build web`, which writes web/dist;
// `vigil serve` serves it under /console/ (src/api/routes/console.ts). Everything is bundled:
// no CDN, the console works offline.
import { defineConfig } from 'vite';

// `npx vite web` serves the console with live reload on :5173/console/ and passes API calls to a
// `vigil serve` on :8765 (VIGIL_URL to change); the host header is kept, so signatures still match.
const api = process.env.VIGIL_URL ?? 'http://127.0.0.1:8765';
const proxy = Object.fromEntries(['/detector', '/invitation', '/admin', '/organization', '/tags', '/usage', '/vigil'].map((p) => [p, { target: api, changeOrigin: false }]));

export default defineConfig({
  base: '/console/',
  server: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  logLevel: 'warn',
});
