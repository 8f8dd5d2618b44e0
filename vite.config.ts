import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { defineConfig } from 'vite';

// The renderer is served from urna://app/ in Electron and from a routed origin
// in the Chromium tests; relative asset paths work in both.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte({ configFile: path.resolve('svelte.config.js') })],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // No inline module preload polyfill: the CSP forbids inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      onwarn(warning, warn) {
        // Dependencies (zod, @scure/base) ship comment annotations Rollup cannot place; harmless, not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
    },
  },
});
