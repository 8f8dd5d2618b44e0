/**
 * The station status screen, rendered by the built renderer in Chromium, fed by
 * the real main-process handlers through the test bridge. The printer and card
 * reader are the real drivers talking to the simulators over socat pty pairs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardwareMessages } from '../../core/i18n/hardware';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { launchChromium } from '../support/chromium';
import { startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';

const SCREENS = path.resolve('artifacts/screens');

describe('station status screen', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    station = startTestStation({ stationId: 'st-e2e-01', devices: devices.config });
    station.appendDemoEntries('ballots', 3);
    station.appendDemoEntries('pollbook', 2);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station);
    // The station status is the poll worker's desk's details screen.
    await bridged.page.getByTestId('desk-details').click();
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  it('shows the station id, polls state, devices and ledger sizes from main', async () => {
    const { page } = bridged;
    await expect.poll(() => page.getByTestId('station-id').textContent()).toBe('st-e2e-01');
    await expect
      .poll(() => page.getByTestId('printer-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ready');
    await expect
      .poll(() => page.getByTestId('card-reader-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('no-card');
    expect(await page.getByTestId('polls-state').getAttribute('data-state')).toBe(station.service.status().pollsState);
    expect(await page.getByTestId('ledger-ballots').textContent()).toBe('3');
    expect(await page.getByTestId('ledger-pollbook').textContent()).toBe('2');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Состояние станции');
    expect(await page.getByTestId('printer-state').textContent()).toContain(hardwareMessages.ru.printer.ready);
    await page.screenshot({ path: path.join(SCREENS, 'status-ru.png'), fullPage: true });
  });

  it('follows the ledger as it grows', async () => {
    const { page } = bridged;
    station.appendDemoEntries('ballots', 2);
    await expect.poll(() => page.getByTestId('ledger-ballots').textContent(), { timeout: 5000 }).toBe('5');
  });

  it('shows a device fault with its own plain message', async () => {
    const { page } = bridged;
    devices.printer.setPaper('out');
    await expect
      .poll(() => page.getByTestId('printer-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('paper-out');
    expect(await page.getByTestId('printer-state').textContent()).toContain(hardwareMessages.ru.printer['paper-out']);
    const card = devices.cards.cards.get('worker');
    if (!card) throw new Error('the demo card set has no worker card');
    devices.cardReader.insert(card, { backwards: true });
    await expect
      .poll(() => page.getByTestId('card-reader-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('card-unreadable');
    await page.screenshot({ path: path.join(SCREENS, 'status-faults-ru.png'), fullPage: true });
    devices.printer.setPaper('ok');
    devices.cardReader.remove();
    await expect
      .poll(() => page.getByTestId('printer-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ready');
  });

  it('refuses malformed calls from the page with a clear error and no change', async () => {
    const { page } = bridged;
    const before = station.service.status();
    const results = await page.evaluate(async () => {
      const api = window.urna as unknown as Record<string, (arg: unknown) => Promise<unknown>>;
      return Promise.all([
        api['setDisplaySettings']?.({ language: 'de' }),
        api['setDisplaySettings']?.({ textSize: 99, highContrast: 'yes' }),
        api['setDisplaySettings']?.('en'),
        api['getStationStatus']?.({ stationId: 'forged' }),
      ]);
    });
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(results[1]).toMatchObject({ error: { issues: [{ path: 'textSize' }, { path: 'highContrast' }] } });
    expect(station.service.status()).toEqual(before);
    expect(station.logger.events.filter((e) => e.eventId === 'api.call-rejected')).toHaveLength(4);
  });

  it("switches language with the desk's own switch; the voter's setting does not move it", async () => {
    const { page } = bridged;
    const result = await page.evaluate(() => window.urna.setDisplaySettings({ language: 'en' }));
    expect(result).toMatchObject({ ok: true, value: { language: 'en' } });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Состояние станции');
    await page.getByTestId('desk-language-en').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Station status');
    expect(await page.getByTestId('printer-state').textContent()).toContain(hardwareMessages.en.printer.ready);
    await page.screenshot({ path: path.join(SCREENS, 'status-en.png'), fullPage: true });
  });
});
