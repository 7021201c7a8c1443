import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { pdfjsAssets } from './vite/pdfjs-assets.js';

/** Where signaling listens in development; the built app is served by signaling itself. */
const signalingUrl = process.env.EHOP_SIGNALING_URL ?? 'http://127.0.0.1:3000';

const proxy = {
  '/api': { target: signalingUrl, changeOrigin: false },
  '/socket.io': { target: signalingUrl, ws: true, changeOrigin: false },
};

export default defineConfig({
  plugins: [svelte(), pdfjsAssets()],
  resolve: {
    // The browser bundles the protocol's TypeScript source: one contract, no separate build step.
    alias: { '@ehop/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
  },
  server: { host: '127.0.0.1', port: 5173, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
