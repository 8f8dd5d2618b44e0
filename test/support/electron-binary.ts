/**
 * Finds an Electron binary for the tests that need Electron itself. None can be
 * downloaded on this project's CI machine, so those tests skip there, loudly.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { waitFor } from './wait-for';

export type ElectronBinary =
  { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

export function findElectronBinary(): ElectronBinary {
  const require = createRequire(import.meta.url);
  let binary: unknown;
  try {
    // With ELECTRON_OVERRIDE_DIST_PATH set, the package returns that binary.
    binary = require('electron');
  } catch (error) {
    return {
      found: false,
      reason: `the electron package has no binary (${(error as Error).message.split('\n')[0]}); installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1 because the binary cannot be downloaded`,
    };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { found: false, reason: `no Electron binary at ${String(binary)}` };
  }
  return { found: true, path: binary };
}

export function announceSkip(suite: string, reason: string): void {
  const banner = '!'.repeat(78);
  process.stderr.write(
    `\n${banner}\n!! SKIPPED: ${suite}\n!! because ${reason}.\n!! Set ELECTRON_OVERRIDE_DIST_PATH to an Electron build, or run \`npm install\` with network access, to run them.\n${banner}\n\n`,
  );
}

/** The kiosk as `npm start` runs it (demo mode, no --dev), in a fresh data folder, under Xvfb when there is no display. */
export type LaunchedKiosk = {
  readonly app: ElectronApplication;
  readonly page: Page;
  readonly dataDir: string;
  close(): Promise<void>;
};

export async function launchKiosk(
  binaryPath: string,
  options: { readonly display: number; readonly dataDirPrefix: string },
): Promise<LaunchedKiosk> {
  execFileSync(process.execPath, ['scripts/ensure-electron-native.mjs'], { stdio: 'inherit' });
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  let xvfb: ChildProcess | null = null;
  if (!env['DISPLAY']) {
    xvfb = spawn('Xvfb', [`:${options.display}`, '-screen', '0', '1280x800x24'], { stdio: 'ignore' });
    env['DISPLAY'] = `:${options.display}`;
    const socket = `/tmp/.X11-unix/X${options.display}`;
    await waitFor(() => existsSync(socket), { what: `Xvfb to listen on ${socket}`, timeout: 10_000 });
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), options.dataDirPrefix));
  const app = await electron.launch({
    executablePath: binaryPath,
    args: ['.', '--demo', `--data-dir=${dataDir}`, '--no-sandbox'],
    env,
  });
  const page = await app.firstWindow();
  await page.getByTestId('station-id').waitFor();
  return {
    app,
    page,
    dataDir,
    close: async () => {
      await app.close();
      xvfb?.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
