/**
 * What the audio ballot says besides the ballot itself: a refusal the screen shows
 * (here a commit refused because the printer is out of paper) and the inactivity
 * warning, which the keypad's select key dismisses. The built renderer runs in
 * Chromium behind the test bridge; the player announces each utterance it starts
 * (renderer/src/audio/player.ts), which is what this test listens to.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../core/i18n/messages';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import type { PlayedUtterance } from '../../renderer/src/audio/player';
import { listenToSpeech, type SpeechLog } from '../support/speech-log';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { waitFor } from '../support/wait-for';

const WAIT = { timeout: 15_000 };
const WARN_AFTER_MS = 6000;

describe('the audio ballot says the screens’ refusals and the inactivity warning', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;
  let speech: SpeechLog;

  beforeAll(async () => {
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    station = startTestStation({
      stationId: 'st-e2e-audio-notices',
      sampleElection: true,
      audio: true,
      devices: devices.config,
      inactivity: { warnAfterMs: WARN_AFTER_MS, endAfterMs: 120_000 },
    });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1280, height: 900 } });
    page = bridged.page;
    speech = await listenToSpeech(page);
    const activated = activateVoterSession(station.context, { ballotStyleId: 'style-district-1' });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    await page.getByTestId('screen-language').waitFor(WAIT);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  const played = (): Promise<PlayedUtterance[]> => speech.played();

  async function heardFirst(first: string, since: number): Promise<PlayedUtterance> {
    const heard = await speech.heardFirst(first, since, { timeout: 15_000 });
    expect(heard.missing, heard.phrases.join(' ')).toEqual([]);
    return heard;
  }

  /** Presses a keypad key and waits until the voter hears an utterance starting with `first`. */
  async function press(code: string, first: string): Promise<PlayedUtterance> {
    const before = (await played()).length;
    await page.keyboard.press(code);
    return heardFirst(first, before);
  }

  /** Presses a keypad key and returns the next utterance the voter hears. */
  async function next(code = 'Numpad2'): Promise<PlayedUtterance> {
    const before = (await played()).length;
    await page.keyboard.press(code);
    await waitFor(async () => (await played()).length > before, { what: `speech after ${code}`, timeout: 15_000 });
    const heard = (await played())[before];
    if (heard === undefined) throw new Error(`invariant failed: no speech after ${code}`);
    return heard;
  }

  it('a commit refused for want of paper is said as the review screen shows it; with paper the code follows', async () => {
    await press('NumpadMultiply', 'msg:audio.welcome');
    for (let i = 0; i < 5 && (await next()).phrases[0] !== 'msg:language.ru'; i++);
    let heard = await press('Numpad5', 'msg:nav.progress#0');
    // Forward through the contests, choosing nothing, to the review.
    for (let i = 0; i < 10 && heard.phrases[0] !== 'msg:review.heading'; i++) heard = await next('Numpad6');
    expect(heard.phrases[0]).toBe('msg:review.heading');

    devices.printer.setPaper('out');
    await press('Numpad6', 'msg:review.undervote.heading');
    const refused = await press('Numpad6', 'msg:review.error');
    expect(refused.phrases).toEqual(['msg:review.error']);
    expect(station.service.voterScreen().session.phase).toBe('marking');
    await page.getByText(translate('ru', 'review.error')).waitFor(WAIT);

    devices.printer.setPaper('ok');
    await page.keyboard.press('Numpad1');
    await press('Numpad6', 'msg:review.undervote.heading');
    await press('Numpad6', 'msg:confirm.heading');
    expect(station.service.voterScreen().session.phase).toBe('committed');
  });

  it('the inactivity warning is said when it appears, and the keypad’s select key continues', async () => {
    const before = (await played()).length;
    await page.getByTestId('inactivity-warning').waitFor({ timeout: WARN_AFTER_MS + 15_000 });
    const warning = await heardFirst('msg:inactivity.heading', before);
    expect(warning.phrases[1]).toBe('msg:inactivity.body#0');
    expect(warning.phrases.at(-1)).toBe('msg:inactivity.continue');

    await press('Numpad5', 'msg:confirm.heading');
    await page.getByTestId('inactivity-warning').waitFor({ state: 'detached', ...WAIT });
    expect(station.service.voterScreen().session.phase).toBe('committed');
  });

  it('the spoil dialog is said and can be answered from the keypad: left goes back, right spoils', async () => {
    let heard = await next();
    for (let i = 0; i < 5 && heard.phrases[0] !== 'msg:confirm.challenge'; i++) heard = await next();
    expect(heard.phrases[0]).toBe('msg:confirm.challenge');
    const dialog = await press('Numpad5', 'msg:challenge.confirm.heading');
    expect(dialog.phrases).toContain('msg:audio.help.confirm');
    await page.getByTestId('challenge-confirm-dialog').waitFor(WAIT);
    // Up and down walk the dialog's two answers, each said.
    const answers = [(await next('Numpad2')).phrases[0], (await next('Numpad8')).phrases[0]];
    expect(answers.sort()).toEqual(['msg:challenge.confirm.no', 'msg:challenge.confirm.yes']);
    // Left: "No, go back", the confirmation screen again.
    await press('Numpad4', 'msg:confirm.heading');
    await page.getByTestId('challenge-confirm-dialog').waitFor({ state: 'detached', ...WAIT });
    expect(station.service.voterScreen().session.phase).toBe('committed');

    heard = await next();
    for (let i = 0; i < 5 && heard.phrases[0] !== 'msg:confirm.challenge'; i++) heard = await next();
    await press('Numpad5', 'msg:challenge.confirm.heading');
    // Right: "Yes, spoil it"; the voter marks again.
    const before = (await played()).length;
    await page.keyboard.press('Numpad6');
    await waitFor(() => Promise.resolve(station.service.voterScreen().session.phase === 'marking'), {
      what: 'the ballot spoiled and a new one to mark',
      timeout: 15_000,
    });
    await waitFor(async () => (await played()).length > before, { what: 'speech after spoiling', timeout: 15_000 });
  });
});
