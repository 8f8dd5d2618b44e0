/**
 * Long contests on the kiosk's 1920×1080 panel: the settings bar and Back/Next
 * stay in view however far the voter scrolls, a "more below" cue shows while
 * choices are below the fold, the overvote notice appears where the voter is
 * looking and is announced, and every screen opens at its top.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';

const WAIT = { timeout: 15_000 };

/** Whether the whole of `locator` is on screen, clear of the sticky bars unless it is in one. */
async function inView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) return false;
  return box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
}

/** Whether `locator` lies between the settings bar and the navigation, where nothing covers it. */
async function uncovered(page: Page, locator: Locator): Promise<boolean> {
  const [box, bar, nav] = await Promise.all([
    locator.boundingBox(),
    page.getByTestId('settings-bar').boundingBox(),
    page.locator('.nav').boundingBox(),
  ]);
  if (!box || !bar || !nav) return false;
  return box.y >= bar.y + bar.height && box.y + box.height <= nav.y;
}

describe('a long contest on the panel', () => {
  let station: TestStation;
  let browser: Browser;
  let bridged: BridgedPage;
  let page: Page;

  beforeAll(async () => {
    station = startTestStation({ stationId: 'st-e2e-layout', sampleElection: true });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error('polls did not open');
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
    page = bridged.page;
    const activated = activateVoterSession(station.context, { ballotStyleId: 'style-district-1' });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    await page.getByTestId('screen-language').waitFor(WAIT);
    await page.getByTestId('choose-en').click();
    await page.getByTestId('option-charter-yes').click();
    await page.getByTestId('nav-next').click();
    await page.locator('[data-contest="council-district-1"]').waitFor(WAIT);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  const scrollTo = (y: number | 'bottom'): Promise<void> =>
    page.evaluate((to) => window.scrollTo(0, to === 'bottom' ? document.body.scrollHeight : to), y);

  it('at the default size, Next is in view and a cue says more choices are below, until they are seen', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    expect(await inView(page, page.getByTestId('nav-next'))).toBe(true);
    await page.getByTestId('more-below').waitFor(WAIT);
    expect(await inView(page, page.getByTestId('more-below'))).toBe(true);
    await scrollTo('bottom');
    await page.getByTestId('more-below').waitFor({ state: 'detached', ...WAIT });
    await scrollTo(0);
    await page.getByTestId('more-below').waitFor(WAIT);
  });

  it('at the largest size, the settings bar and Back/Next stay in view at the bottom of the contest', async () => {
    await page.getByTestId('text-size-4').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('text-4'), undefined, WAIT);
    await scrollTo('bottom');
    for (const id of ['settings-bar', 'nav-back', 'nav-next', 'text-size-1', 'high-contrast'])
      expect(await inView(page, page.getByTestId(id)), id).toBe(true);
  });

  it('at the largest size, a refused mark is explained right under the option tapped, in view and announced', async () => {
    for (const id of ['bogdanov-ilya', 'ivanova-svetlana', 'aleksandrova-maria']) {
      await page.getByTestId(`option-${id}`).click();
    }
    await scrollTo('bottom');
    await page.getByTestId('option-write-in-1').click();
    const notice = page.getByTestId('overvote-notice');
    await notice.waitFor(WAIT);
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await uncovered(page, notice)).toBe(true);
    // Right under the option the voter tapped.
    const [option, shown] = await Promise.all([
      page.getByTestId('option-write-in-1').boundingBox(),
      notice.boundingBox(),
    ]);
    expect(shown && option && shown.y - (option.y + option.height)).toBeLessThan(40);
    expect(await page.getByTestId('write-in-keyboard').count()).toBe(0);
  });

  it('a new screen opens at its top, with focus on its heading', async () => {
    await scrollTo('bottom');
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await page.getByTestId('nav-next').click();
    await page.getByTestId('screen-review').waitFor(WAIT);
    await page.waitForFunction(() => document.activeElement?.id === 'review-heading', undefined, WAIT);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await scrollTo('bottom');
    await page.getByTestId('change-council-district-1').click();
    await page.locator('[data-contest="council-district-1"]').waitFor(WAIT);
    await page.waitForFunction(() => document.activeElement?.id === 'contest-heading', undefined, WAIT);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
  });
});
