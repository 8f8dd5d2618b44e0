/**
 * The voter's screens measured as they appear on the kiosk's panel: a 15.6"
 * 1920×1080 panel at the station's configured 141 DPI. Every screen of a ballot
 * is measured at each of the four text sizes, in both themes:
 *
 * - every interactive element is at least 12.7 mm each way (VVSG 2.0), and
 *   voter choices and navigation at least the 15 mm we promise;
 * - neighbouring targets are at least 2.54 mm apart (VVSG 2.0);
 * - the body text's capital-letter height is within VVSG 2.0's range for the
 *   setting (3.5–4.2, 4.8–5.6, 6.4–7.1, 8.5–9.0 mm), and no text is smaller;
 * - every text on its background reaches 10:1 in the default theme; in high
 *   contrast the body text is 21:1 and every other text at least 15:1;
 * - every Tab stop lands on something, and its focus ring reaches the same
 *   contrast against what it is drawn on.
 *
 * It walks one ballot (language, both contests with an overvote notice and the
 * write-in keyboard, review with the undervote warning, the code, the spoil
 * confirmation, review after spoiling, the code again, cast, done),
 * changing size and theme through the settings bar on each screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_SIZES, type TextSize } from '../../core/api/station-api';
import { MemoryEventLogger } from '../../main/logging';
import { activateVoterSession } from '../../main/station/check-in';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { measureScreen, type FocusStop, type ScreenMeasurement } from '../support/physical-measure';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { screenSettled } from '../support/wait-for';

const PANEL_DPI = 141;
const PX_PER_MM = PANEL_DPI / 25.4;
const WAIT = { timeout: 15_000 };

/** VVSG 2.0 7.1-G: the four text-size ranges, as capital-letter height in millimetres. */
const VVSG_CAP_HEIGHT_MM: Readonly<Record<TextSize, readonly [number, number]>> = {
  1: [3.5, 4.2],
  2: [4.8, 5.6],
  3: [6.4, 7.1],
  4: [8.5, 9.0],
};
const MIN_TARGET_MM = 12.7;
const PROMISED_TARGET_MM = 15;
const MIN_GAP_MM = 2.54;
const MIN_CONTRAST = 10;
const HIGH_CONTRAST_BODY = 20.9;
const HIGH_CONTRAST_REST = 15;

/** Voter choices and navigation: where we promise 15 mm. */
const PROMISED = [
  /^option-/u,
  /^choose-/u,
  /^nav-/u,
  /^review-submit$/u,
  /^undervote-/u,
  /^cast-ballot$/u,
  /^challenge-/u,
  /^finish$/u,
  /^inactivity-continue$/u,
  /^change-/u,
];

type Sample = {
  readonly screen: string;
  readonly size: TextSize;
  readonly contrast: boolean;
  readonly measured: ScreenMeasurement;
  readonly focus: readonly FocusStop[];
};

describe('physical sizes on a 1920×1080 panel at 141 DPI', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;
  const samples: Sample[] = [];

  async function setDisplay(size: TextSize, contrast: boolean): Promise<void> {
    const rootHas = (cls: string, present: boolean) =>
      page.waitForFunction(
        ([c, p]) => document.documentElement.classList.contains(c) === p,
        [cls, present] as const,
        WAIT,
      );
    await page.getByTestId(`text-size-${size}`).click();
    await rootHas(`text-${size}`, true);
    const isContrast = await page.evaluate(() => document.documentElement.classList.contains('contrast'));
    if (isContrast !== contrast) await page.getByTestId('high-contrast').click();
    await rootHas('contrast', contrast);
    await screenSettled(page);
  }

  /** Tab through the screen (or its dialog) once round, measuring each stop. */
  async function tabStops(): Promise<FocusStop[]> {
    const stops: FocusStop[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const { focus: stop } = await page.evaluate(measureScreen, { pxPerMm: PX_PER_MM, focusOnly: true });
      // Past the last element focus leaves the page for the browser: not a stop of ours.
      if (stop === null) continue;
      if (seen.has(stop.id)) break;
      seen.add(stop.id);
      stops.push(stop);
    }
    return stops;
  }

  /** Measures the screen now shown at every size in both themes, then leaves it at size 1, default theme. */
  async function measureAll(screen: string): Promise<void> {
    for (const contrast of [false, true]) {
      for (const size of TEXT_SIZES) {
        await setDisplay(size, contrast);
        const measured = await page.evaluate(measureScreen, { pxPerMm: PX_PER_MM, focusOnly: false });
        const focus = size === 1 ? await tabStops() : [];
        samples.push({ screen, size, contrast, measured, focus });
      }
    }
    await setDisplay(1, false);
  }

  /** A dialog covers the settings bar: sizes are set first, then the dialog opened for each. */
  async function measureDialog(screen: string, open: () => Promise<void>, close: () => Promise<void>): Promise<void> {
    for (const contrast of [false, true]) {
      for (const size of TEXT_SIZES) {
        await setDisplay(size, contrast);
        await open();
        await screenSettled(page);
        const measured = await page.evaluate(measureScreen, { pxPerMm: PX_PER_MM, focusOnly: false });
        const focus = size === 1 ? await tabStops() : [];
        samples.push({ screen, size, contrast, measured, focus });
        await close();
      }
    }
    await setDisplay(1, false);
  }

  beforeAll(async () => {
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    station = startTestStation({ stationId: 'st-e2e-sizes', sampleElection: true, devices: devices.config });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
    page = bridged.page;
    await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);

    const activated = activateVoterSession(station.context, { ballotStyleId: 'style-district-1' });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    await page.getByTestId('screen-language').waitFor(WAIT);
    await measureAll('language');
    await page.getByTestId('choose-en').click();
    await page.getByTestId('screen-contest').waitFor(WAIT);
    await page.getByTestId('option-charter-yes').click();
    await measureAll('contest-yes-no');
    await page.getByTestId('nav-next').click();
    await page.locator('[data-contest="council-district-1"]').waitFor(WAIT);
    await page.getByTestId('option-bogdanov-ilya').click();
    await page.getByTestId('option-ivanova-svetlana').click();
    await measureDialog(
      'write-in-keyboard',
      async () => {
        await page.getByTestId('option-write-in-1').click();
        await page.getByTestId('write-in-keyboard').waitFor(WAIT);
      },
      async () => {
        await page.getByTestId('keyboard-cancel').click();
        await page.getByTestId('write-in-keyboard').waitFor({ state: 'detached', ...WAIT });
      },
    );
    await page.getByTestId('option-demidov-artem').click();
    await page.getByTestId('option-grigoryeva-olga').click();
    await page.getByTestId('overvote-notice').waitFor(WAIT);
    await measureAll('contest-full-with-overvote');
    await page.getByTestId('option-demidov-artem').click();
    await page.getByTestId('nav-next').click();
    await page.getByTestId('screen-review').waitFor(WAIT);
    await measureAll('review');
    await measureDialog(
      'undervote-warning',
      async () => {
        await page.getByTestId('review-submit').click();
        await page.getByTestId('undervote-warning').waitFor(WAIT);
      },
      async () => {
        await page.getByTestId('undervote-back').click();
        await page.getByTestId('undervote-warning').waitFor({ state: 'detached', ...WAIT });
      },
    );
    await page.getByTestId('review-submit').click();
    await page.getByTestId('undervote-confirm').click();
    await page.getByTestId('screen-confirm').waitFor(WAIT);
    await measureAll('confirm');
    await measureDialog(
      'spoil-confirm',
      async () => {
        await page.getByTestId('challenge-ballot').click();
        await page.getByTestId('challenge-confirm-dialog').waitFor(WAIT);
      },
      async () => {
        await page.getByTestId('challenge-cancel').click();
        await page.getByTestId('challenge-confirm-dialog').waitFor({ state: 'detached', ...WAIT });
      },
    );
    await page.getByTestId('challenge-ballot').click();
    await page.getByTestId('challenge-confirm').click();
    await page.getByTestId('challenged-notice').waitFor(WAIT);
    await measureAll('spoiled-review');
    await page.getByTestId('review-submit').click();
    await page.getByTestId('undervote-confirm').click();
    await page.getByTestId('screen-confirm').waitFor(WAIT);
    await page.getByTestId('cast-ballot').click();
    await page.getByTestId('screen-done').waitFor(WAIT);
    await measureAll('done');
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  const where = (s: Sample): string => `${s.screen} size ${s.size}${s.contrast ? ' high contrast' : ''}`;
  const mm = (n: number): string => n.toFixed(1);

  it('every interactive element is at least 12.7 mm each way, voter choices and navigation at least 15 mm', () => {
    const short: string[] = [];
    for (const s of samples) {
      for (const t of s.measured.targets) {
        const min = PROMISED.some((p) => p.test(t.id)) ? PROMISED_TARGET_MM : MIN_TARGET_MM;
        if (t.widthMm < min || t.heightMm < min)
          short.push(`${where(s)}: ${t.id} ${mm(t.widthMm)}×${mm(t.heightMm)} mm (needs ${min})`);
      }
    }
    expect(samples.length).toBeGreaterThan(0);
    expect([...new Set(short)]).toEqual([]);
  });

  it('neighbouring targets are at least 2.54 mm apart', () => {
    const close = samples.flatMap((s) =>
      s.measured.gaps.filter((g) => g.mm < MIN_GAP_MM).map((g) => `${where(s)}: ${g.between} ${mm(g.mm)} mm`),
    );
    expect(close).toEqual([]);
  });

  it("body text is within VVSG 2.0's range at each of the four sizes, and no text is smaller", () => {
    const wrong: string[] = [];
    for (const s of samples) {
      const [min, max] = VVSG_CAP_HEIGHT_MM[s.size];
      if (s.measured.bodyCapMm < min || s.measured.bodyCapMm > max)
        wrong.push(`${where(s)}: body text cap height ${s.measured.bodyCapMm.toFixed(2)} mm, not ${min}–${max}`);
      for (const t of s.measured.texts)
        if (t.capMm < min - 0.005) wrong.push(`${where(s)}: "${t.text}" (${t.id}) cap height ${t.capMm.toFixed(2)} mm`);
    }
    expect(wrong).toEqual([]);
  });

  it('every text reaches 10:1 in the default theme; high contrast gives 21:1 body text and 15:1 elsewhere', () => {
    const low: string[] = [];
    for (const s of samples) {
      const min = s.contrast ? HIGH_CONTRAST_REST : MIN_CONTRAST;
      if (s.contrast && s.measured.bodyContrast < HIGH_CONTRAST_BODY)
        low.push(`${where(s)}: body text ${s.measured.bodyContrast.toFixed(1)}:1`);
      for (const t of s.measured.texts)
        if (t.contrast < min)
          low.push(
            `${s.screen}${s.contrast ? ' high contrast' : ''}: "${t.text}" (${t.id}) ${t.contrast.toFixed(1)}:1`,
          );
    }
    expect([...new Set(low)]).toEqual([]);
  });

  it('every Tab stop lands on something, with a focus ring of the same contrast', () => {
    const wrong: string[] = [];
    for (const s of samples) {
      const min = s.contrast ? HIGH_CONTRAST_REST : MIN_CONTRAST;
      for (const stop of s.focus) {
        if (stop.empty) wrong.push(`${where(s)}: a Tab stop on nothing (${stop.id})`);
        else if (stop.ringContrast < min)
          wrong.push(
            `${s.screen}${s.contrast ? ' high contrast' : ''}: focus ring on ${stop.id} ${stop.ringContrast.toFixed(1)}:1`,
          );
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
  });
});
