/**
 * A voter at the kiosk, end to end: the built renderer in Chromium, the real
 * station handlers behind the test bridge, the signed sample election, the real
 * printer driver talking ESC/POS to the printer simulator over a socat pty pair.
 * A poll worker's actions (open the polls, activate a session, resolve a pending
 * ballot) are the station's procedures, called directly, as the poll worker's screens call them.
 *
 * Screenshots of every screen go to artifacts/screens/voter-*.png (git-ignored),
 * the simulator's printouts to artifacts/receipts/.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownConfirmationCode } from '../../core/api/station-api';
import {
  parseChallengedBallot,
  parseEncryptedBallot,
  verifyBallot,
  verifyChallengedBallot,
  type ConfirmationCode,
} from '../../core/ballot';
import { fromBase64Url } from '../../core/encoding/bytes';
import { toBallotManifest } from '../../core/election/manifest';
import { hardwareMessages } from '../../core/i18n/hardware';
import type { LedgerEntry } from '../../core/ledger/entries';
import { readLoadedElection } from '../../main/election/election-store';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { electionContextOf } from '../../main/station/election-runtime';
import { launchChromium } from '../support/chromium';
import { startTestStation, type TestStation, POLL_WORKER } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { resolvePendingBallot } from '../../main/station/casting';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';
import { screenSettled } from '../support/wait-for';

const SCREENS = path.resolve('artifacts/screens');
const RECEIPTS = path.resolve('artifacts/receipts/voter-flow');
const STYLE = 'style-district-1';
const WAIT = { timeout: 15_000 };

describe('the voter at the kiosk', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let station: TestStation;
  let bridged: BridgedPage;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    rmSync(RECEIPTS, { recursive: true, force: true });
    devices = await startDemoDevices({ logger: new MemoryEventLogger(), renderDir: RECEIPTS });
    station = startTestStation({ stationId: 'st-e2e-voter', sampleElection: true, devices: devices.config });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error(`polls did not open: ${opened.error.kind}`);
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1280, height: 900 } });
    page = bridged.page;
    await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
    await devices?.stop();
  });

  /** A dialog sits over the viewport, so it is pictured as the voter sees it, not as a full page. */
  async function shot(name: string, options: { readonly dialog?: boolean } = {}): Promise<void> {
    // Let a size or theme change land before the picture.
    await screenSettled(page);
    await page.screenshot({ path: path.join(SCREENS, `voter-${name}.png`), fullPage: !options.dialog });
  }

  async function activate(): Promise<void> {
    const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
    if (!activated.ok) throw new Error(`activation refused: ${activated.error.kind}`);
    await page.getByTestId('screen-language').waitFor(WAIT);
  }

  function ballotEntries(): LedgerEntry[] {
    return station.ledger.entries('ballots', 0, station.ledger.size('ballots'));
  }

  function crypto() {
    const loaded = readLoadedElection(station.dataDir);
    if (!loaded.ok || !loaded.value) throw new Error('no election loaded');
    const manifest = toBallotManifest(loaded.value.definition, STYLE);
    if (!manifest.ok) throw new Error('no manifest');
    return {
      context: electionContextOf(loaded.value),
      manifest: manifest.value,
      binding: { stationId: 'st-e2e-voter', ballotStyleId: STYLE },
    };
  }

  /** The printouts the simulator cut since `before`, as its text transcripts. */
  async function printoutsSince(before: number): Promise<string[]> {
    await devices.printer.flushRenders();
    return readdirSync(RECEIPTS)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .slice(before)
      .map((f) => readFileSync(path.join(RECEIPTS, f), 'utf8'));
  }

  function printedCount(): number {
    try {
      return readdirSync(RECEIPTS).filter((f) => f.endsWith('.txt')).length;
    } catch {
      return 0;
    }
  }

  async function shownCode(): Promise<ShownConfirmationCode> {
    await page.getByTestId('screen-confirm').waitFor(WAIT);
    const session = station.service.voterScreen().session;
    if (session.phase !== 'committed') throw new Error(`expected the code screen, got ${session.phase}`);
    expect(await page.getByTestId('confirmation-code').textContent()).toBe(session.code.short);
    return session.code;
  }

  /** Types a name on the on-screen keyboard, key by key. */
  async function typeOnScreen(letters: string): Promise<void> {
    for (const letter of letters) await page.getByTestId(letter === ' ' ? 'key-space' : `key-${letter}`).click();
  }

  /** The receipt's first part, printed when the code is shown: the full code, not yet cast. */
  async function lastPrintout(): Promise<string> {
    await devices.printer.flushRenders();
    return (await printoutsSince(printedCount() - 1))[0] ?? '';
  }

  async function castAndCollect(
    whilePrinting?: () => Promise<void>,
  ): Promise<{ cast: LedgerEntry; pending: LedgerEntry; printouts: string[] }> {
    await devices.printer.flushRenders();
    const before = printedCount();
    await page.getByTestId('cast-ballot').click();
    await whilePrinting?.();
    await page.getByTestId('screen-done').waitFor(WAIT);
    const entries = ballotEntries();
    const cast = entries.at(-1) as LedgerEntry;
    const pending = entries.at(-2) as LedgerEntry;
    expect(cast.type).toBe('ballot-cast');
    expect(pending.type).toBe('ballot-pending');
    return { cast, pending, printouts: await printoutsSince(before) };
  }

  it('a full ballot in Russian by touch, with a name written in on the Cyrillic keyboard', async () => {
    await activate();
    await shot('01-language');
    await page.getByTestId('choose-ru').click();

    await page.getByRole('heading', { level: 1, name: 'Поправка к Уставу городского округа' }).waitFor(WAIT);
    await shot('02-contest-yes-no-ru');
    await page.getByTestId('option-charter-yes').click();
    expect(await page.getByTestId('option-charter-yes').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('nav-next').click();

    await page.getByRole('heading', { level: 1, name: 'Депутаты Совета депутатов' }).waitFor(WAIT);
    expect(await page.getByTestId('remaining').textContent()).toContain('Можно выбрать ещё: 3.');
    await page.getByTestId('option-bogdanov-ilya').click();
    await page.getByTestId('option-ivanova-svetlana').click();
    expect(await page.getByTestId('remaining').getAttribute('data-remaining')).toBe('1');
    await page.getByTestId('option-write-in-1').click();
    await page.getByTestId('write-in-keyboard').waitFor(WAIT);
    await typeOnScreen('ПЕТРОВА ЗОЯ');
    expect(await page.getByTestId('write-in-field').inputValue()).toBe('Петрова Зоя');
    await shot('03-keyboard-ru', { dialog: true });
    await page.getByTestId('keyboard-done').click();
    expect(await page.getByTestId('option-write-in-1').textContent()).toContain('Вписано: Петрова Зоя');

    // A fourth mark in a vote-for-three contest is refused on the spot.
    await page.getByTestId('option-demidov-artem').click();
    await page.getByTestId('overvote-notice').waitFor(WAIT);
    expect(await page.getByTestId('option-demidov-artem').getAttribute('aria-checked')).toBe('false');
    expect(await page.getByTestId('remaining').getAttribute('data-remaining')).toBe('0');
    await shot('04-contest-full-ru');
    await page.getByTestId('nav-next').click();

    await page.getByTestId('screen-review').waitFor(WAIT);
    expect(await page.getByTestId('review-council-district-1').textContent()).toContain('Вписано: Петрова Зоя');
    await shot('05-review-ru');
    await page.getByTestId('review-submit').click();

    const code = await shownCode();
    // The code is on paper, marked not yet cast, before the voter chooses.
    const partOne = await lastPrintout();
    expect(partOne).toContain('ГОЛОС ЕЩЁ НЕ ПОДАН');
    expect(partOne).toContain(`[QR M: ${code.full}]`);
    await shot('06-confirm-ru');
    const { cast, pending, printouts } = await castAndCollect(async () => {
      // The printing screen lasts as long as the printer takes; picture it if the page shows it in time.
      const seen = await page
        .getByTestId('screen-printing')
        .waitFor({ timeout: 2000 })
        .then(
          () => true,
          () => false,
        );
      if (seen) await page.screenshot({ path: path.join(SCREENS, 'voter-06b-printing-ru.png') });
    });
    expect(await page.getByTestId('done-code').textContent()).toContain(code.short);
    await shot('07-done-ru');

    const ballot = parseEncryptedBallot(pending['ballot']);
    if (!ballot.ok) throw new Error('the pending entry holds no ballot');
    expect(cast).toEqual({ type: 'ballot-cast', v: 1, ballotId: ballot.value.ballotId });
    expect(pending['confirmationCode']).toBe(code.full);
    const { context, manifest, binding } = crypto();
    expect(verifyBallot(context, manifest, binding, ballot.value).ok).toBe(true);

    const [paper, receipt] = printouts as [string, string];
    expect(printouts).toHaveLength(2);
    expect(paper).toContain('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ');
    expect(paper).toContain('[X] Да');
    expect(paper).toContain('[X] Богданов Илья Петрович');
    expect(paper).toContain('[X] Иванова Светлана Михайловна');
    expect(paper).toContain('[X] Вписано: Петрова Зоя');
    // Nothing on the paper record is in the log or on a validator.
    for (const linkable of [ballot.value.ballotId, code.short, code.full, '[QR']) expect(paper).not.toContain(linkable);
    expect(receipt).toContain('ГОЛОС ПОДАН');
    expect(receipt).toContain(code.short);
    expect(receipt).toContain(`/urna/v1/confirmation/${code.full}`);
    expect(receipt).not.toMatch(/Богданов|Иванова|Петрова/);

    await page.getByTestId('finish').click();
    await page.getByTestId('waiting-screen').waitFor(WAIT);
    await shot('08-waiting-ru');
  });

  it('a full ballot in English at the largest text size, with a name written in on the Latin keyboard', async () => {
    await activate();
    await page.getByTestId('choose-en').click();
    await page.getByTestId('text-size-4').click();
    await page.getByRole('heading', { level: 1, name: 'Amendment to the City Charter' }).waitFor(WAIT);
    await expect.poll(() => page.evaluate(() => document.documentElement.className)).toContain('text-4');
    await shot('11-contest-yes-no-en-large');
    await page.getByTestId('option-charter-no').click();
    await page.getByTestId('nav-next').click();

    await page.getByRole('heading', { level: 1, name: 'City Council members' }).waitFor(WAIT);
    await page.getByTestId('option-grigoryeva-olga').click();
    await page.getByTestId('option-write-in-1').click();
    await page.getByTestId('write-in-keyboard').waitFor(WAIT);
    await page.getByTestId('layout-en').click();
    await typeOnScreen("ZOE O'HARA");
    expect(await page.getByTestId('write-in-field').inputValue()).toBe("Zoe O'hara");
    await shot('12-keyboard-en-large', { dialog: true });
    await page.getByTestId('keyboard-done').click();
    await shot('13-contest-en-large');
    await page.getByTestId('nav-next').click();

    // Two of three seats: an undervote, allowed after the warning.
    await page.getByTestId('screen-review').waitFor(WAIT);
    await page.getByTestId('review-submit').click();
    await page.getByTestId('undervote-warning').waitFor(WAIT);
    expect(station.service.voterScreen().session.phase).toBe('marking');
    await shot('14-undervote-en-large');
    await page.getByTestId('undervote-confirm').click();

    const code = await shownCode();
    await shot('15-confirm-en-large');
    const { printouts } = await castAndCollect();
    await shot('16-done-en-large');
    const [paper, receipt] = printouts as [string, string];
    // Counted in Russian, the official language, with the voter's English beside it.
    expect(paper).toContain('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ');
    expect(paper).toContain('(PAPER RECORD OF BALLOT)');
    expect(paper).toContain('[X] Нет (No)');
    expect(paper.replace(/\s+/gu, ' ')).toContain('[X] Григорьева Ольга Андреевна (Olga Andreyevna Grigoryeva)');
    expect(paper.replace(/\s+/gu, ' ')).toContain("[X] Вписано: Zoe O'hara (Written in: Zoe O'hara)");
    expect(receipt).toContain('VOTER RECEIPT, PART 2 OF 2');
    expect(receipt).toContain(code.short);
    await page.getByTestId('finish').click();
    await page.getByTestId('waiting-screen').waitFor(WAIT);
    // The next voter starts from the default settings.
    expect(station.service.status().display).toEqual({ language: 'ru', textSize: 2, highContrast: false });
  });

  it('a challenge in high contrast: the published plaintext and nonce recompute the ballot and its code; the voter then casts', async () => {
    await activate();
    await page.getByTestId('high-contrast').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.className)).toContain('contrast');
    await shot('21-language-contrast');
    await page.getByTestId('choose-ru').click();
    await page.getByTestId('option-charter-yes').click();
    await shot('22-contest-contrast');
    await page.getByTestId('nav-next').click();
    await page.getByTestId('option-zaitsev-roman').click();
    await page.getByTestId('option-efimova-natalia').click();
    await page.getByTestId('option-lebedev-konstantin').click();
    await page.getByTestId('nav-next').click();
    await shot('23-review-contrast');
    await page.getByTestId('review-submit').click();
    const previous = ballotEntries()
      .filter((e) => e.type === 'ballot-pending' || e.type === 'ballot-challenged')
      .at(-1);
    const challengedCode = await shownCode();
    await shot('24-confirm-contrast');

    await devices.printer.flushRenders();
    const before = printedCount();
    // Spoiling is asked twice; "no" changes nothing.
    await page.getByTestId('challenge-ballot').click();
    await page.getByTestId('challenge-confirm-dialog').waitFor(WAIT);
    await shot('24b-challenge-confirm-contrast', { dialog: true });
    await page.getByTestId('challenge-cancel').click();
    await page.getByTestId('challenge-confirm-dialog').waitFor({ state: 'detached', ...WAIT });
    expect(station.service.voterScreen().session.phase).toBe('committed');
    await page.getByTestId('challenge-ballot').click();
    await page.getByTestId('challenge-confirm').click();
    await page.getByTestId('challenged-notice').waitFor(WAIT);
    // The choices are kept, and the screen says where to check the spoiled ballot: the slip's address.
    expect(await page.getByTestId('challenged-notice').textContent()).toContain('Ваш выбор сохранён');
    expect(await page.getByTestId('challenged-check').textContent()).toContain(
      `/urna/v1/confirmation/${challengedCode.full}`,
    );
    await shot('25-challenged-review-contrast');
    const challenged = ballotEntries().at(-1) as LedgerEntry;
    expect(challenged.type).toBe('ballot-challenged');
    const record = parseChallengedBallot(challenged['challenge']);
    const encrypted = parseEncryptedBallot(challenged['ballot']);
    if (!record.ok || !encrypted.ok) throw new Error('malformed challenged entry');
    expect(record.value.choices).toEqual({
      'charter-amendment': ['charter-yes'],
      'council-district-1': ['zaitsev-roman', 'efimova-natalia', 'lebedev-konstantin'],
    });
    const { context, manifest, binding } = crypto();
    const opened = verifyChallengedBallot(context, manifest, binding, encrypted.value, record.value, {
      previous: fromBase64Url(previous?.['confirmationCode'] as string) as ConfirmationCode,
      printed: fromBase64Url(challengedCode.full) as ConfirmationCode,
    });
    expect(opened.ok).toBe(true);
    const [slip] = await printoutsSince(before);
    expect(slip).toContain('ПРОВЕРЕННЫЙ БЮЛЛЕТЕНЬ: НЕ УЧИТЫВАЕТСЯ');
    expect(slip).toContain(challengedCode.short);
    expect(slip).toContain(`/urna/v1/confirmation/${challengedCode.full}`);

    // The voter changes one choice and casts; the new code chains on the challenged one.
    await page.getByTestId('change-charter-amendment').click();
    await page.getByTestId('option-charter-no').click();
    await page.getByTestId('nav-next').click();
    await page.getByTestId('review-submit').click();
    const castCode = await shownCode();
    expect(castCode.full).not.toBe(challengedCode.full);
    const { pending } = await castAndCollect();
    await shot('26-done-contrast');
    const castBallot = parseEncryptedBallot(pending['ballot']);
    if (!castBallot.ok) throw new Error('malformed pending entry');
    expect(verifyBallot(context, manifest, binding, castBallot.value).ok).toBe(true);
    await page.getByTestId('finish').click();
    await page.getByTestId('waiting-screen').waitFor(WAIT);
  });

  it('a full ballot by keyboard alone: Tab, arrows, Enter, Escape', async () => {
    await activate();
    const key = (name: string) => page.keyboard.press(name);
    // The language screen's heading has focus; Tab reaches the settings bar first, so walk to "English".
    await page.getByTestId('choose-en').focus();
    await key('Enter');
    await page.getByRole('heading', { level: 1, name: 'Amendment to the City Charter' }).waitFor(WAIT);
    // Tab into the choices, then arrows.
    await page.getByTestId('option-charter-yes').focus();
    await key('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-selection'))).toBe('charter-no');
    await key('Enter');
    expect(await page.getByTestId('option-charter-no').getAttribute('aria-checked')).toBe('true');
    await key('Tab');
    await key('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-next');
    await key('Enter');

    await page.getByRole('heading', { level: 1, name: 'City Council members' }).waitFor(WAIT);
    // Escape goes back a screen, and forward again keeps the mark.
    await key('Escape');
    await page.getByRole('heading', { level: 1, name: 'Amendment to the City Charter' }).waitFor(WAIT);
    expect(await page.getByTestId('option-charter-no').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('nav-next').focus();
    await key('Enter');
    await page.getByRole('heading', { level: 1, name: 'City Council members' }).waitFor(WAIT);
    await page.getByTestId('option-aleksandrova-maria').focus();
    await key(' ');
    await key('ArrowDown');
    await key('ArrowDown');
    await key('Enter');
    await key('ArrowDown');
    await key('ArrowDown');
    await key('ArrowDown');
    await key('ArrowDown');
    await key('ArrowDown');
    await key('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-selection'))).toBe('write-in-1');
    await key('Enter');
    await page.getByTestId('write-in-keyboard').waitFor(WAIT);
    // A physical keyboard types straight into the field; Enter accepts.
    await page.keyboard.type('Ann Lee');
    await shot('31-keyboard-typed-en', { dialog: true });
    await key('Enter');
    await page.getByTestId('write-in-keyboard').waitFor({ state: 'detached', ...WAIT });
    expect(await page.getByTestId('option-write-in-1').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('nav-next').focus();
    await key('Enter');
    await page.getByTestId('screen-review').waitFor(WAIT);
    await page.getByTestId('review-submit').focus();
    await key('Enter');
    const code = await shownCode();
    await page.getByTestId('cast-ballot').focus();
    await devices.printer.flushRenders();
    const before = printedCount();
    await key('Enter');
    await page.getByTestId('screen-done').waitFor(WAIT);
    const [printedPaper, receipt] = await printoutsSince(before);
    const paper = (printedPaper ?? '').replace(/\s+/gu, ' ');
    expect(paper).toContain('[X] Александрова Мария Викторовна (Maria Viktorovna Alexandrova)');
    expect(paper).toContain('[X] Григорьева Ольга Андреевна (Olga Andreyevna Grigoryeva)');
    expect(paper).toContain('[X] Вписано: Ann Lee (Written in: Ann Lee)');
    expect(receipt).toContain(code.short);
    await page.getByTestId('finish').focus();
    await key('Enter');
    await page.getByTestId('waiting-screen').waitFor(WAIT);
  });

  it('paper runs out while printing: nothing is counted, the ballot stays pending, the voter is sent to a poll worker who sees the fault', async () => {
    const castBefore = station.service.status().ballots.cast;
    await activate();
    await page.getByTestId('choose-ru').click();
    await page.getByTestId('option-charter-yes').click();
    await page.getByTestId('nav-next').click();
    await page.getByTestId('option-bogdanov-ilya').click();
    await page.getByTestId('nav-next').click();
    await page.getByTestId('review-submit').click();
    await page.getByTestId('undervote-confirm').click();
    const code = await shownCode();

    // The roll ends a few lines into the paper record.
    devices.printer.runOutAfterLines(4);
    await page.getByTestId('cast-ballot').click();
    await page.getByTestId('screen-print-failed').waitFor(WAIT);
    expect(await page.getByTestId('print-failed-details').getAttribute('data-printer-state')).toBe('paper-out');
    expect(await page.getByTestId('print-failed-fault').textContent()).toBe(hardwareMessages.ru.printer['paper-out']);
    await shot('41-print-failed-ru');

    const status = station.service.status();
    expect(status.ballots.cast).toBe(castBefore);
    expect(status.pendingBallots.map((p) => p.shortCode)).toEqual([code.short]);
    expect(ballotEntries().at(-1)?.type).toBe('ballot-pending');

    // The poll worker voids it; the kiosk goes back to waiting.
    devices.printer.setPaper('ok');
    const ballotId = status.pendingBallots[0]?.ballotId ?? '';
    const resolved = resolvePendingBallot(station.context, POLL_WORKER, {
      ballotId,
      outcome: 'void',
      reason: 'not-printed',
    });
    expect(resolved.ok).toBe(true);
    await page.getByTestId('waiting-screen').waitFor(WAIT);
    await page.getByTestId('desk-details').click();
    await expect.poll(() => page.getByTestId('pending-ballots').getAttribute('data-count'), WAIT).toBe('0');
    expect(await page.getByTestId('ballots-voided').textContent()).toBe('1');
    await shot('42-status-after-void-ru');
  });
});

describe('an idle voter', () => {
  let browser: Browser;
  let station: TestStation;
  let bridged: BridgedPage;

  beforeAll(async () => {
    station = startTestStation({
      stationId: 'st-e2e-idle',
      sampleElection: true,
      inactivity: { warnAfterMs: 1500, endAfterMs: 4000 },
    });
    const opened = await openPolls(station.context, POLL_WORKER);
    if (!opened.ok) throw new Error('polls did not open');
    browser = await launchChromium();
    bridged = await openBridgedRenderer(browser, station, { viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await bridged?.close();
    await browser?.close();
    await station?.close();
  });

  it('is warned, can carry on, and otherwise the session goes back to the poll worker with nothing cast', async () => {
    const { page } = bridged;
    const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
    expect(activated.ok).toBe(true);
    await page.getByTestId('screen-language').waitFor(WAIT);
    await page.getByTestId('choose-en').click();
    await page.getByTestId('inactivity-warning').waitFor(WAIT);
    await page.screenshot({ path: path.join(SCREENS, 'voter-51-inactivity-en.png') });
    await page.getByTestId('inactivity-continue').click();
    await page.getByTestId('inactivity-warning').waitFor({ state: 'detached', ...WAIT });
    expect(station.service.voterScreen().session.phase).toBe('marking');

    await page.getByTestId('inactivity-warning').waitFor(WAIT);
    await page.getByTestId('waiting-timed-out').waitFor(WAIT);
    expect(station.service.voterScreen().session).toEqual({ phase: 'none', lastEnded: 'timed-out' });
    expect(station.ledger.entries('ballots', 0, station.ledger.size('ballots')).map((e) => e.type)).toEqual([
      'polls-opened',
    ]);
    await page.screenshot({ path: path.join(SCREENS, 'voter-52-timed-out-ru.png'), fullPage: true });
  });
});
