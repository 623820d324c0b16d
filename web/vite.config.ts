// The web console's build: `npm run build` runs `vite build web`, which writes web/dist;
// `vigil serve` serves it under /console/ (src/api/routes/console.ts). Everything is bundled:
// no CDN, the console works offline.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  logLevel: 'warn',
});
