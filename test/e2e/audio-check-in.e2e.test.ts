/**
 * A poll worker starts the audio ballot at check-in: on the desk they switch on
 * "start with the audio ballot", check the voter in on this kiosk, and the ballot
 * speaks at once (the welcome and the first screen) without the voter pressing a
 * key. The next voter, checked in without it, hears nothing until they press a
 * start key. Built renderer in Chromium behind the test bridge, real printer and
 * card-reader drivers on socat ptys, the demo card set's poll worker card.
 *
 * Screenshots of the check-in panel with the switch on go to artifacts/screens/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_RATE_STEPS, DEFAULT_AUDIO_SETTINGS } from '../../core/api/station-api';
import { SAMPLE_VOTER_IDS } from '../../core/election/sample';
import { translate } from '../../core/i18n/messages';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import type { PlayedUtterance } from '../../renderer/src/audio/player';
import { listenToSpeech, type SpeechLog } from '../support/speech-log';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { screenSettled, waitFor } from '../support/wait-for';

const SCREENS = path.resolve('artifacts/screens');
const WAIT = { timeout: 15_000 };
const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

describe('the audio ballot started by the poll worker at check-in', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;
  let speech: SpeechLog;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    station = startTestStation({
      stationId: 'st-e2e-audio-desk',
      precinctId: 'uik-1202',
      sampleElection: true,
      audio: true,
      devices: devices.config,
    });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
    page = bridged.page;
    await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
    speech = await listenToSpeech(page);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  const played = (): Promise<PlayedUtterance[]> => speech.played();

  async function signIn(): Promise<void> {
    const card = devices.cards.cards.get('worker');
    if (!card) throw new Error('the demo card set has no worker card');
    devices.cardReader.insert(card);
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').waitFor(WAIT);
  }

  async function finishIdleVoter(): Promise<void> {
    // The voter walks away: the session times out as the station's timer would end it.
    station.service.transition({ type: 'time-out' });
    await page.getByTestId('poll-worker-desk').waitFor(WAIT);
  }

  it('speaks the welcome and the first screen as the ballot opens, before any key', async () => {
    await signIn();
    await page.getByTestId('tab-check-in').click();
    const toggle = page.getByTestId('check-in-audio');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#audio-hint').textContent()).toBe(translate('ru', 'pw.checkIn.audioHint'));
    await page.getByTestId('voter-id').fill(VOTERS[0] ?? '');
    await screenSettled(page);
    await page.screenshot({ path: path.join(SCREENS, 'desk-check-in-audio-ru.png') });

    await page.getByTestId('check-in-kiosk').click();
    await page.getByTestId('screen-language').waitFor(WAIT);
    expect(station.service.voterScreen().audio).toEqual({ ...DEFAULT_AUDIO_SETTINGS, enabled: true });
    let first: PlayedUtterance | undefined;
    await waitFor(
      async () => {
        first = (await played())[0];
        return first !== undefined;
      },
      { what: 'the audio ballot to speak', timeout: 15_000 },
    );
    if (!first) throw new Error('nothing heard');
    expect(first.language).toBe('ru');
    expect(first.phrases.slice(0, 3)).toEqual(['msg:audio.welcome', 'msg:language.heading', 'msg:audio.help.language']);
    expect(first.missing).toEqual([]);
    for (const clip of first.clips) expect(clip.rms, clip.phrase).toBeGreaterThan(0.02);
    // The keypad works at once: down says the first language. Said once before it: the
    // screen's own announcement did not start the welcome's screen again.
    await page.keyboard.press('Numpad2');
    await waitFor(async () => (await played()).length > 1, { what: 'speech after a key', timeout: 15_000 });
    const heard = await played();
    expect(heard).toHaveLength(2);
    expect(heard[1]?.phrases[0]).toMatch(/^msg:language\./);

    // Faster: said at the new rate, shorter by the rate (the pitch is the recording's: test/unit/audio/stretch.test.ts).
    await page.keyboard.press('Numpad9');
    await waitFor(async () => (await played()).length > 2, { what: 'speech after the faster key', timeout: 15_000 });
    const faster = (await played())[2];
    expect(faster?.phrases).toEqual(['msg:audio.faster']);
    expect(faster?.rate).toBe(AUDIO_RATE_STEPS[DEFAULT_AUDIO_SETTINGS.speechRate + 1]);
    for (const clip of faster?.clips ?? [])
      expect(Math.abs(clip.playedMs - clip.durationMs / (faster?.rate ?? 1))).toBeLessThanOrEqual(2);
    expect(
      station.logger.events.filter((e) => e.eventId === 'pollbook.checked-in').map((e) => e.fields['audio']),
    ).toEqual([true]);
  });

  it('resets for the next voter: the switch is off again, and a session started without it is silent', async () => {
    await finishIdleVoter();
    expect(station.service.voterScreen().audio).toEqual(DEFAULT_AUDIO_SETTINGS);
    const heardBefore = (await played()).length;
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').waitFor(WAIT);
    await page.getByTestId('tab-check-in').click();
    expect(await page.getByTestId('check-in-audio').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('voter-id').fill(VOTERS[1] ?? '');
    await page.getByTestId('check-in-kiosk').click();
    await page.getByTestId('screen-language').waitFor(WAIT);
    expect(station.service.voterScreen().audio.enabled).toBe(false);
    // Down is not a start key: silence. Then the voter's own start key (0): the welcome is the first thing said.
    await page.keyboard.press('Numpad2');
    await page.keyboard.press('Numpad0');
    await waitFor(async () => (await played()).length > heardBefore, { what: 'the welcome', timeout: 15_000 });
    expect((await played()).slice(heardBefore).map((u) => u.phrases[0])).toEqual(['msg:audio.welcome']);
    expect(station.service.voterScreen().audio.enabled).toBe(true);
  });
});
