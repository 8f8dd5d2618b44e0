/**
 * The real kiosk in the real Electron binary: launched with Playwright's
 * `_electron.launch`, checked for the lockdown the renderer must live under.
 * Runs when an Electron binary is present; otherwise skips, saying why.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, findElectronBinary, launchKiosk, type LaunchedKiosk } from '../support/electron-binary';
import { waitFor } from '../support/wait-for';

const binary = findElectronBinary();
if (!binary.found) announceSkip('Electron launch tests (test/e2e/electron-launch.e2e.test.ts)', binary.reason);

describe.skipIf(!binary.found)('the kiosk in Electron', () => {
  let kiosk: LaunchedKiosk | undefined;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (!binary.found) return;
    kiosk = await launchKiosk(binary.path, { display: 97, dataDirPrefix: 'urna-electron-' });
    ({ app, page } = kiosk);
  });

  afterAll(async () => {
    await kiosk?.close();
  });

  it('shows the station status from main over IPC', async () => {
    // The station's details are behind the poll worker's desk's "details" button.
    await page.getByTestId('desk-details').click();
    await expect.poll(() => page.getByTestId('station-id').textContent()).toMatch(/\S/);
    await expect.poll(() => page.getByTestId('ledger-ballots').textContent()).toMatch(/^\d+$/);
  });

  it('gives the renderer no Node: no require, no process, no Buffer', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      buffer: typeof (window as unknown as { Buffer?: unknown }).Buffer,
      urna: typeof window.urna,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', buffer: 'undefined', urna: 'object' });
  });

  it('runs sandboxed with context isolation and the kiosk origin', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const window = BrowserWindow.getAllWindows()[0];
      const contents = window?.webContents;
      return { url: contents?.getURL(), devtools: contents?.isDevToolsOpened() };
    });
    expect(prefs.url).toBe('urna://app/index.html');
    expect(prefs.devtools).toBe(false);
  });

  it('refuses window.open and navigation away', async () => {
    const opened = await page.evaluate(() => window.open('https://example.org') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.org';
    });
    const eventLog = path.join(kiosk?.dataDir ?? '', 'logs', 'events.jsonl');
    await waitFor(
      () => existsSync(eventLog) && readFileSync(eventLog, 'utf8').includes('"security.navigation-blocked"'),
      { what: 'the navigation away blocked', timeout: 10_000 },
    );
    expect(page.url()).toBe('urna://app/index.html');
  });

  it('rejects malformed station API arguments over real IPC', async () => {
    const result = await page.evaluate(() => window.urna.setDisplaySettings({ language: 'de' } as never));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid-argument');
  });
});
