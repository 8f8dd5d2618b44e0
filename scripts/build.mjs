// Builds the kiosk: the Svelte renderer and the bulletin-board page with Vite, main and the preload with esbuild;
// then the command line and the validator (scripts/build-cli.mjs).
import { build as buildRenderer } from 'vite';
import { build as esbuild } from 'esbuild';
import { rmSync } from 'node:fs';
import { buildCli } from './build-cli.mjs';

const external = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', '@napi-rs/canvas'];

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });

await buildRenderer({ configFile: 'vite.config.ts', logLevel: 'warn' });
// The bulletin-board page every validator serves (validator/board-page.ts).
await buildRenderer({ configFile: 'vite.board.config.ts', logLevel: 'warn' });

await esbuild({
  entryPoints: ['main/index.ts'],
  outfile: 'dist/main/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
});

// A sandboxed preload may `require` only `electron`: bundle everything else in.
await esbuild({
  entryPoints: ['preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'chrome120',
  external: ['electron'],
  logLevel: 'warning',
});

await buildCli({ quiet: true });

console.log('built dist/renderer, dist/board, dist/main/index.cjs, dist/preload/index.cjs, dist/cli');
