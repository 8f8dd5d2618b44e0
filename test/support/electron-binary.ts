/**
 * Finds an Electron binary for the tests that need Electron itself. None can be
 * downloaded on this project's CI machine, so those tests skip there, loudly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronBinary = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

export function findElectronBinary(): ElectronBinary {
  const require = createRequire(import.meta.url);
  let binary: unknown;
  try {
    // With ELECTRON_OVERRIDE_DIST_PATH set, the package returns that binary.
    binary = require('electron');
  } catch (error) {
    return { found: false, reason: `the electron package has no binary (${(error as Error).message.split('\n')[0]}); installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1 because the binary cannot be downloaded` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { found: false, reason: `no Electron binary at ${String(binary)}` };
  }
  return { found: true, path: binary };
}

export function announceSkip(suite: string, reason: string): void {
  const banner = '!'.repeat(78);
  process.stderr.write(`\n${banner}\n!! SKIPPED: ${suite}\n!! because ${reason}.\n!! Set ELECTRON_OVERRIDE_DIST_PATH to an Electron build, or run \`npm install\` with network access, to run them.\n${banner}\n\n`);
}
