/**
 * Pictures of every voter screen as the voter sees it on the kiosk's 1920×1080
 * panel (the viewport, not the whole page): both languages at the smallest and
 * the largest text size, and the high-contrast theme at the default size.
 *
 * They go to artifacts/screens/voter-gallery/ (git-ignored); with
 * URNA_DOCS_SCREENS=1 to docs/screens/voter/, the pictures the documentation
 * links to (regenerate them there after changing a voter screen, and look at them).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language, TextSize } from '../../core/api/station-api';
import { MemoryEventLogger } from '../../main/logging';
import { activateVoterSession } from '../../main/station/check-in';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { screenSettled } from '../support/wait-for';

const OUT = path.resolve(
  process.env['URNA_DOCS_SCREENS'] === '1' ? 'docs/screens/voter' : 'artifacts/screens/voter-gallery',
);
const WAIT = { timeout: 15_000 };
const STYLE = 'style-district-1';

type Look = { readonly language: Language; readonly size: TextSize; readonly contrast: boolean };
const LOOKS: readonly Look[] = [
  { language: 'ru', size: 1, contrast: false },
  { language: 'ru', size: 4, contrast: false },
  { language: 'en', size: 1, contrast: false },
  { language: 'en', size: 4, contrast: false },
  { language: 'ru', size: 2, contrast: true },
];
const suffix = (look: Look): string => `${look.language}-size${look.size}${look.contrast ? '-contrast' : ''}`;

async function setLook(page: Page, look: Look): Promise<void> {
  await page.getByTestId(`text-size-${look.size}`).click();
  await page.waitForFunction((s) => document.documentElement.classList.contains(`text-${s}`), look.size, WAIT);
  if (look.contrast) {
    await page.getByTestId('high-contrast').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('contrast'), undefined, WAIT);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await screenSettled(page);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

describe('pictures of the voter screens', () => {
  let devices: DemoDevices;
  let station: TestStation;
  let browser: Browser;
  let bridged: BridgedPage;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    station = startTestStation({ stationId: 'st-e2e-gallery', sampleElection: true, devices: devices.config });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error('polls did not open');
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
    page = bridged.page;
    await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  for (const look of LOOKS) {
    it(`every screen, ${suffix(look)}`, async () => {
      const name = (screen: string): string => `${screen}-${suffix(look)}`;
      const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
      if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
      await page.getByTestId('screen-language').waitFor(WAIT);
      await setLook(page, look);
      if (look.language === 'ru') await shot(page, `01-language-size${look.size}${look.contrast ? '-contrast' : ''}`);
      await page.getByTestId(`choose-${look.language}`).click();
      await page.getByTestId('screen-contest').waitFor(WAIT);
      await page.getByTestId('option-charter-yes').click();
      await shot(page, name('02-contest-one'));
      await page.getByTestId('nav-next').click();
      await page.locator('[data-contest="council-district-1"]').waitFor(WAIT);
      await shot(page, name('03-contest-many'));
      await page.getByTestId('option-bogdanov-ilya').click();
      await page.getByTestId('option-ivanova-svetlana').click();
      await page.getByTestId('option-write-in-1').click();
      await page.getByTestId('write-in-keyboard').waitFor(WAIT);
      // Done on an empty name (aria-disabled, so Playwright must be told to press it anyway).
      await page.getByTestId('keyboard-done').click({ force: true });
      await shot(page, name('04-keyboard-empty'));
      for (const letter of look.language === 'ru' ? 'ПЕТРОВА' : 'LEE') await page.getByTestId(`key-${letter}`).click();
      await shot(page, name('05-keyboard'));
      await page.getByTestId('keyboard-done').click();
      await page.getByTestId('write-in-keyboard').waitFor({ state: 'detached', ...WAIT });
      await page.getByTestId('option-grigoryeva-olga').click();
      await page.getByTestId('overvote-notice').waitFor(WAIT);
      await shot(page, name('06-overvote'));
      await page.getByTestId('option-write-in-1').click();
      await page.getByTestId('nav-next').click();
      await page.getByTestId('screen-review').waitFor(WAIT);
      await shot(page, name('07-review'));
      await page.getByTestId('review-submit').click();
      await page.getByTestId('undervote-warning').waitFor(WAIT);
      await shot(page, name('08-undervote'));
      await page.getByTestId('undervote-confirm').click();
      await page.getByTestId('screen-confirm').waitFor(WAIT);
      await shot(page, name('09-code'));
      await page.getByTestId('challenge-ballot').click();
      await page.getByTestId('challenge-confirm-dialog').waitFor(WAIT);
      await shot(page, name('10-spoil-confirm'));
      await page.getByTestId('challenge-confirm').click();
      await page.getByTestId('challenged-notice').waitFor(WAIT);
      await shot(page, name('11-spoiled-review'));
      await page.getByTestId('review-submit').click();
      await page.getByTestId('undervote-confirm').click();
      await page.getByTestId('screen-confirm').waitFor(WAIT);
      await page.getByTestId('cast-ballot').click();
      await page.getByTestId('screen-done').waitFor(WAIT);
      await shot(page, name('12-done'));
      await page.getByTestId('finish').click();
      await page.getByTestId('waiting-screen').waitFor(WAIT);
      expect(station.service.voterScreen().session.phase).toBe('none');
    });
  }
});

describe('pictures of the inactivity warning', () => {
  let station: TestStation;
  let browser: Browser;
  let bridged: BridgedPage;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    station = startTestStation({
      stationId: 'st-e2e-gallery-idle',
      sampleElection: true,
      inactivity: { warnAfterMs: 1500, endAfterMs: 60_000 },
    });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error('polls did not open');
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  it('before a language is chosen (both languages), and on a contest at the largest size', async () => {
    const { page } = bridged;
    const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    const warning = page.getByTestId('inactivity-warning');
    await warning.waitFor(WAIT);
    await shot(page, '13-inactivity-language');
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached', ...WAIT });
    await page.getByTestId('choose-en').click();
    await page.getByTestId('text-size-4').click();
    await page.getByTestId('option-charter-no').click();
    await warning.waitFor(WAIT);
    await shot(page, '13-inactivity-en-size4');
    await page.keyboard.press('Escape');
    await warning.waitFor({ state: 'detached', ...WAIT });
    expect(await page.getByTestId('option-charter-no').getAttribute('aria-checked')).toBe('true');
  });
});
