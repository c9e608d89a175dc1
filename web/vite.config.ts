// The admin console's build: a static SPA in web/dist, served by the relais
// HTTPS server at / under a strict CSP (no inline scripts, no eval), so
// everything is emitted as files and the module-preload polyfill stays in the
// entry chunk.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    // Without inlined assets every image and font is a file: nothing needs data: beyond img-src.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a local relais (http.plain) on the default port.
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8025', ws: true },
      '/readyz': { target: 'http://127.0.0.1:8025' },
    },
  },
});
