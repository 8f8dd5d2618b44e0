/**
 * The audio ballot, end to end: a voter who cannot see the screen casts a whole
 * ballot with the keypad alone (yes/no; vote for 3 of 8 with a write-in; the
 * review's undervote warning; cast), the screen blanked, in Russian and again in
 * English. The built renderer runs in Chromium behind the test bridge with the
 * signed sample election and its audio ballot; the player announces each utterance
 * it starts with the decoded clips' length and loudness (renderer/src/audio/player.ts),
 * which is what this test listens to. The ballot printed on the paper record must
 * be what the keys chose.
 *
 * Screenshots of the audio mode go to artifacts/screens/audio-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIO_SETTINGS, type Language } from '../../core/api/station-api';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';
import { launchChromium } from '../support/chromium';
import { sampleAudioManifest } from '../support/election';
import { printoutLog } from '../support/printouts';
import { POLL_WORKER, startTestStation, type TestStation } from '../support/station';
import type { PlayedUtterance } from '../../renderer/src/audio/player';
import { listenToSpeech, type SpeechLog } from '../support/speech-log';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { waitFor } from '../support/wait-for';

const SCREENS = path.resolve('artifacts/screens');
const RECEIPTS = path.resolve('artifacts/receipts/audio-ballot');
const STYLE = 'style-district-1';
const WAIT = { timeout: 15_000 };

const clipLengths = new Map(sampleAudioManifest().clips.map((c) => [`${c.language}|${c.phrase}`, c.durationMs]));

describe('the audio ballot with the keypad', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;
  let speech: SpeechLog;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    rmSync(RECEIPTS, { recursive: true, force: true });
    devices = await startDemoDevices({ logger: new MemoryEventLogger(), renderDir: RECEIPTS });
    station = startTestStation({
      stationId: 'st-e2e-audio',
      sampleElection: true,
      audio: true,
      devices: devices.config,
    });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1280, height: 900 } });
    page = bridged.page;
    speech = await listenToSpeech(page);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  const printouts = () => printoutLog(devices, RECEIPTS);

  const played = (): Promise<PlayedUtterance[]> => speech.played();

  /** Every clip of every utterance is speech: loud enough, and as long as the package says (at the rate played). */
  function expectSpeech(utterance: PlayedUtterance): void {
    expect(utterance.missing, utterance.phrases.join(' ')).toEqual([]);
    expect(utterance.clips.map((c) => c.phrase)).toEqual(utterance.phrases);
    for (const clip of utterance.clips) {
      expect(clip.rms, clip.phrase).toBeGreaterThan(0.02);
      expect(clip.peak, clip.phrase).toBeGreaterThan(0.1);
      expect(clip.durationMs, clip.phrase).toBeGreaterThan(50);
      expect(clip.durationMs, clip.phrase).toBeLessThan(30_000);
      expect(clip.durationMs).toBe(clipLengths.get(`${utterance.language}|${clip.phrase}`));
    }
  }

  /** Presses a keypad key and returns what the voter hears next. */
  async function press(code: string, expectFirst?: string): Promise<PlayedUtterance> {
    const before = (await played()).length;
    await page.keyboard.press(code);
    let heard: PlayedUtterance | undefined;
    await waitFor(
      async () => {
        const all = await played();
        heard = all.slice(before).find((u) => expectFirst === undefined || u.phrases[0] === expectFirst);
        return heard !== undefined;
      },
      { what: `speech after ${code}${expectFirst ? ` starting with ${expectFirst}` : ''}`, timeout: 15_000 },
    );
    if (!heard) throw new Error('nothing heard');
    expectSpeech(heard);
    return heard;
  }

  /** Presses down until the voter hears `phrase` first, or up once the list has ended. */
  async function seek(phrase: string): Promise<void> {
    let key = 'Numpad2';
    for (let i = 0; i < 120; i++) {
      const heard = await press(key);
      if (heard.phrases[0] === phrase) return;
      if (heard.phrases[0] === 'msg:audio.endOfList') key = 'Numpad8';
    }
    throw new Error(`never heard ${phrase}`);
  }

  async function type(letters: string): Promise<void> {
    for (const letter of letters) {
      await seek(`char:${letter}`);
      const heard = await press('Numpad5');
      expect(heard.phrases).toEqual([`char:${letter}`]);
    }
  }

  async function vote(language: Language, writeIn: string): Promise<string> {
    const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    await page.getByTestId('screen-language').waitFor(WAIT);
    // A new voter: audio off, default volume and rate, screen shown.
    expect(station.service.voterScreen().audio).toEqual(DEFAULT_AUDIO_SETTINGS);

    // The voter starts the audio ballot with the help key and blanks the screen.
    const welcome = await press('NumpadMultiply');
    expect(welcome.phrases.slice(0, 3)).toEqual([
      'msg:audio.welcome',
      'msg:language.heading',
      'msg:audio.help.language',
    ]);
    expect((await press('NumpadDecimal')).phrases).toEqual(['msg:audio.screenHidden']);
    await page.getByTestId('screen-blanked').waitFor(WAIT);
    if (language === 'ru') await page.screenshot({ path: path.join(SCREENS, 'audio-01-blanked.png') });
    expect((await press('NumpadAdd')).phrases).toEqual(['msg:audio.louder']);

    await seek(`msg:language.${language}`);
    const charter = await press('Numpad5', 'msg:nav.progress#0');
    expect(charter.language).toBe(language);
    expect(charter.phrases).toEqual([
      'msg:nav.progress#0',
      'number:1',
      'msg:nav.progress#1',
      'number:2',
      'contest:charter-amendment:title',
      'contest:charter-amendment:description',
      'msg:contest.voteForOne',
      ...(language === 'ru'
        ? ['msg:contest.remaining#0', 'number:1']
        : ['msg:contest.remaining#0', 'number:1', 'msg:contest.remaining#1']),
    ]);
    await seek('option:charter-amendment:charter-yes');
    expect((await press('Numpad5')).phrases).toEqual([
      'option:charter-amendment:charter-yes',
      'msg:audio.marked',
      'msg:contest.chosenOne',
    ]);

    const council = await press('Numpad6', 'msg:nav.progress#0');
    expect(council.phrases).toContain('contest:council-district-1:title');
    expect(council.phrases).toContain('msg:contest.voteFor#0');
    await seek('option:council-district-1:bogdanov-ilya');
    const marked = await press('Numpad5');
    expect(marked.phrases.slice(0, 2)).toEqual(['option:council-district-1:bogdanov-ilya', 'msg:audio.marked']);
    expect(marked.phrases).toContain('number:2');
    if (language === 'ru') {
      // For the pictures in docs/audio/: the screen shown for a moment, keypad focus on the choice just marked.
      expect((await press('NumpadDecimal')).phrases).toEqual(['msg:audio.screenShown']);
      await page.screenshot({ path: path.join(SCREENS, 'audio-02-contest-focus.png') });
      await press('NumpadDecimal');
    }
    // Help repeats this screen's instructions.
    expect((await press('NumpadMultiply')).phrases[0]).toBe('msg:audio.help.contest');

    // The write-in line: the keyboard opens, the voter types letter by letter, hearing each.
    await seek('msg:contest.writeIn.empty');
    expect((await press('Numpad5', 'msg:keyboard.heading')).phrases).toEqual([
      'msg:keyboard.heading',
      'msg:audio.help.writeIn',
    ]);
    // The keyboard opens in the ballot's language: Russian letters, or Latin ones.
    await type(writeIn);
    const soFar = await press('Numpad0');
    expect(soFar.phrases).toEqual(['msg:audio.nameSoFar', ...[...writeIn].map((c) => `char:${c}`)]);
    const back = await press('Numpad6', 'msg:nav.progress#0');
    expect(back.phrases).toContain('contest:council-district-1:title');

    // Two of three: the review warns of the undervote before the ballot is committed.
    const review = await press('Numpad6', 'msg:review.heading');
    expect(review.phrases).toContain('option:charter-amendment:charter-yes');
    expect(review.phrases).toContain('option:council-district-1:bogdanov-ilya');
    expect(review.phrases).toContain(`char:${writeIn[0]}`);
    const undervote = await press('Numpad6', 'msg:review.undervote.heading');
    expect(undervote.phrases).toContain('contest:council-district-1:title');
    if (language === 'ru') await page.screenshot({ path: path.join(SCREENS, 'audio-03-undervote-blanked.png') });

    const confirm = await press('Numpad6', 'msg:confirm.heading');
    const code = station.service.voterScreen().session;
    if (code.phase !== 'committed') throw new Error(`expected the code screen, got ${code.phase}`);
    const spelled = [...code.code.short].filter((c) => c !== ' ').map((c) => `char:${c === '-' ? '-' : c}`);
    expect(confirm.phrases.filter((p) => p.startsWith('char:')).filter((p) => p !== 'char: ')).toEqual(spelled);

    await seek('msg:confirm.cast');
    const before = printouts().count();
    const heardBefore = (await played()).length;
    await press('Numpad5');
    const done = await waitForSpeech('msg:done.heading', heardBefore);
    expect(done.phrases).toContain('msg:audio.help.done');
    const paper = (await printouts().since(before)).find(
      (p) => p.includes('PAPER RECORD') || p.includes('БУМАЖНАЯ КОПИЯ'),
    );
    if (language === 'ru') {
      await press('NumpadDecimal');
      await page.screenshot({ path: path.join(SCREENS, 'audio-04-done-shown.png') });
    }
    await seek('msg:done.finish');
    await page.keyboard.press('Numpad5');
    await page.getByTestId('waiting-screen').waitFor(WAIT);
    return paper ?? '';
  }

  async function waitForSpeech(first: string, since: number): Promise<PlayedUtterance> {
    const heard = await speech.heardFirst(first, since, {
      state: () => station.service.voterScreen().session.phase,
    });
    expectSpeech(heard);
    return heard;
  }

  it('in Russian: the keypad alone, the screen dark, the ballot as the keys chose it', async () => {
    const paper = await vote('ru', 'ЗОЯ');
    expect(paper).toContain('Да');
    expect(paper).toContain('Богданов Илья Петрович');
    expect(paper).toContain('Зоя');
    expect(paper).not.toContain('Иванова');
  });

  it('in English, the next voter starting again from the default audio settings', async () => {
    const paper = await vote('en', 'ZOE');
    expect(paper).toContain('Bogdanov');
    expect(paper).toContain('Zoe');
  });
});
