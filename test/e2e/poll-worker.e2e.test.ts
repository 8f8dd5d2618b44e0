/**
 * The poll worker's day, end to end: the built renderer in Chromium through the
 * test bridge, the real station handlers, the signed sample election loaded from
 * "removable media", and the real printer and card-reader drivers talking to the
 * simulators over socat pty pairs. Sign-in is the demo card set's cards with
 * their PINs: the card signs a fresh challenge, so the clone is refused.
 *
 * Screenshots of every poll-worker screen, in Russian and English (the desk's
 * own language switch), go to docs/screens/desk/; the simulator's printouts to
 * artifacts/receipts/poll-worker/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../core/api/station-api';
import { toBase64Url } from '../../core/encoding/bytes';
import { SAMPLE_VOTER_IDS } from '../../core/election/sample';
import { hardwareMessages } from '../../core/i18n/hardware';
import { translate } from '../../core/i18n/messages';
import { keyIdHex, parseVerifierKey } from '../../core/ledger/note';
import type { VirtualCard } from '../../hardware/sim/virtual-card';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { launchChromium } from '../support/chromium';
import { pendingBallotFromAnotherStation } from '../support/foreign-ballot';
import { startTestStation, type TestStation } from '../support/station';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { screenSettled } from '../support/wait-for';

const SCREENS = path.resolve('docs/screens/desk');
const RECEIPTS = path.resolve('artifacts/receipts/poll-worker');
const WAIT = { timeout: 15_000 };
const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

/** Simulated printer and card reader on socat ptys, a station on them, and its desk in Chromium through the test bridge. */
type DeskRig = {
  readonly devices: DemoDevices;
  readonly station: TestStation;
  readonly page: Page;
  close(): Promise<void>;
};

async function openDeskRig(
  renderDir: string,
  makeStation: (devices: DemoDevices) => Promise<TestStation>,
): Promise<DeskRig> {
  mkdirSync(SCREENS, { recursive: true });
  const devices = await startDemoDevices({ logger: new MemoryEventLogger(), renderDir });
  const station = await makeStation(devices);
  const browser: Browser = await launchChromium();
  const bridged: BridgedPage = await openBridgedRenderer(browser, station, { viewport: { width: 1920, height: 1080 } });
  const page = bridged.page;
  await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
  return {
    devices,
    station,
    page,
    close: async () => {
      await bridged.close();
      await browser.close();
      await station.close();
      await devices.stop();
    },
  };
}

describe("the poll worker's day", () => {
  let rig: DeskRig | undefined;
  let devices: DemoDevices;
  let station: TestStation;
  let page: Page;
  let media: string;

  beforeAll(async () => {
    rmSync(RECEIPTS, { recursive: true, force: true });
    media = mkdtempSync(path.join(tmpdir(), 'urna-media-'));
    rig = await openDeskRig(RECEIPTS, (d) =>
      Promise.resolve(
        startTestStation({
          stationId: 'st-e2e-pw',
          precinctId: 'uik-1202',
          sampleElectionOnMedia: media,
          devices: d.config,
        }),
      ),
    );
    ({ devices, station, page } = rig);
  });

  afterAll(async () => {
    await rig?.close();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  function card(name: string): VirtualCard {
    const found = devices.cards.cards.get(name);
    if (!found) throw new Error(`the demo card set has no ${name} card`);
    return found;
  }

  /** The desk's own language switch (the voter's setting is the voter's). */
  async function setLanguage(language: Language): Promise<void> {
    await page.getByTestId(`desk-language-${language}`).click();
    await page.locator(`html[lang="${language}"]`).waitFor(WAIT);
  }

  /** The screen as it is, in Russian and in English. */
  async function shotBoth(name: string): Promise<void> {
    for (const language of ['ru', 'en'] as const) {
      await setLanguage(language);
      await screenSettled(page);
      await page.screenshot({ path: path.join(SCREENS, `${name}-${language}.png`), fullPage: true });
    }
    await setLanguage('ru');
  }

  async function signIn(name: string, pin: string): Promise<void> {
    devices.cardReader.insert(card(name));
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill(pin);
    await page.getByTestId('sign-in').click();
  }

  /** The worker's card stayed in while a voter used the kiosk: the desk signed them out, the PIN signs them in again. */
  async function pinAgain(): Promise<void> {
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').waitFor(WAIT);
  }

  /** While a voter session is on screen the desk is not rendered at all, whatever card is in the reader. */
  async function expectNoDesk(): Promise<void> {
    expect(await page.getByTestId('poll-worker-desk').count()).toBe(0);
    expect(await page.getByTestId('close-polls').count()).toBe(0);
  }

  async function removeCard(): Promise<void> {
    devices.cardReader.remove();
    await page.getByTestId('pw-sign-in').and(page.locator('[data-state="no-card"]')).waitFor(WAIT);
  }

  async function printoutsSince(before: number): Promise<string[]> {
    await devices.printer.flushRenders();
    return readdirSync(RECEIPTS)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .slice(before)
      .map((f) => readFileSync(path.join(RECEIPTS, f), 'utf8'));
  }

  async function waitForPrintouts(before: number, count: number): Promise<string[]> {
    await expect.poll(() => devices.printer.receiptsCut - before, WAIT).toBeGreaterThanOrEqual(count);
    return printoutsSince(before);
  }

  function rootOf(log: 'ballots' | 'pollbook'): string {
    return toBase64Url(station.ledger.rootHash(log));
  }

  function countEvents(eventId: string, fields: Record<string, unknown> = {}): number {
    return station.logger.events.filter(
      (e) => e.eventId === eventId && Object.entries(fields).every(([k, v]) => e.fields[k] === v),
    ).length;
  }

  async function checkIn(voterId: string, activation: 'kiosk' | 'card'): Promise<void> {
    await page.getByTestId('tab-check-in').click();
    await page.getByTestId('voter-id').fill(voterId);
    await page.getByTestId(activation === 'kiosk' ? 'check-in-kiosk' : 'check-in-card').click();
  }

  /**
   * A voter marks the three-seat ballot and casts it; returns once the printing has
   * started. `beforeCast` runs once the code is shown (its first part printed).
   */
  async function markAndCast(language: Language, beforeCast?: () => void): Promise<void> {
    await page.getByTestId('screen-language').waitFor(WAIT);
    await expectNoDesk();
    await page.getByTestId(`choose-${language}`).click();
    await page.getByTestId('option-charter-no').click();
    await expectNoDesk();
    await page.getByTestId('nav-next').click();
    for (const candidate of ['grigoryeva-olga', 'zaitsev-roman', 'lebedev-konstantin'])
      await page.getByTestId(`option-${candidate}`).click();
    await page.getByTestId('nav-next').click();
    await page.getByTestId('review-submit').click();
    await page.getByTestId('screen-confirm').waitFor(WAIT);
    await expectNoDesk();
    beforeCast?.();
    await page.getByTestId('cast-ballot').click();
  }

  async function finishVoter(): Promise<void> {
    await page.getByTestId('screen-done').waitFor(WAIT);
    await expectNoDesk();
    await page.getByTestId('finish').click();
    await page.getByTestId('poll-worker-desk').waitFor(WAIT);
  }

  it('setup: loads and verifies the election package from the removable media', async () => {
    await page.getByTestId('load-election').waitFor(WAIT);
    expect(await page.getByTestId('bar-polls').getAttribute('data-state')).toBe('setup');
    await shotBoth('01-setup');
    await page.getByTestId('load-election').click();
    await page.getByTestId('election-loaded').waitFor(WAIT);
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    expect(await page.getByTestId('election-loaded').textContent()).toContain(
      station.service.status().electionBaseHash ?? 'none',
    );
    expect(countEvents('election.loaded-from-media', { outcome: 'success' })).toBe(1);
  });

  it('refuses a cloned card: it has the certificate but not the key', async () => {
    await signIn('clone', '1234');
    await page.getByTestId('card-refused').and(page.locator('[data-reason="card-not-genuine"]')).waitFor(WAIT);
    expect(station.auth.state.state).toBe('card-refused');
    expect(countEvents('auth.card-refused', { reason: 'card-not-genuine' })).toBe(1);
    await shotBoth('02-clone-refused');
    await removeCard();
    await shotBoth('03-insert-card');
  });

  it('signs the poll worker in with card and PIN, and runs the hardware self-test', async () => {
    devices.cardReader.insert(card('worker'));
    await page.getByTestId('pin-input').waitFor(WAIT);
    await shotBoth('04-pin');
    // The PIN on the on-screen keypad, as at a kiosk with no keyboard.
    for (const digit of '12349') await page.getByTestId(`pin-key-${digit}`).click();
    await page.getByTestId('pin-key-backspace').click();
    expect(await page.getByTestId('pin-input').inputValue()).toBe('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').and(page.locator('[data-role="poll-worker"]')).waitFor(WAIT);
    expect(countEvents('auth.signed-in', { cardId: 'pw-0001' })).toBe(1);

    await page.getByTestId('tab-setup').click();
    await page.getByTestId('run-self-test').click();
    await page.getByTestId('self-test').waitFor(WAIT);
    expect(await page.locator('[data-check="printer"]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-check="pollbook-key"]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-check="election"]').getAttribute('data-ok')).toBe('true');
    // Each finding in words: the Russian screen shows no raw English state name ("ready", "verified", "ok").
    const findings = await page.getByTestId('self-test-detail').allTextContents();
    expect(findings).toHaveLength(5);
    for (const finding of findings) expect(finding).not.toMatch(/[A-Za-z]/);
    await shotBoth('05-setup-self-test');
    await page.getByTestId('desk-details').click();
    await page.getByTestId('station-status').waitFor(WAIT);
    await shotBoth('05b-details');
    await page.getByTestId('desk-details').click();
    // A poll worker may not export the event log: the screen says so, and main refuses the call anyway.
    expect(await page.getByTestId('export-events').count()).toBe(0);
    const forged = await page.evaluate(() => window.urna.exportEventLog({}));
    expect(forged).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
  });

  it('opens the polls and prints the zero report with the election, the station key, the heads and zero counts', async () => {
    await page.getByTestId('tab-polls').click();
    await shotBoth('06-polls-closed');
    const before = devices.printer.receiptsCut;
    await page.getByTestId('open-polls').click();
    await page.getByTestId('polls-done').waitFor(WAIT);
    expect(station.service.status().pollsState).toBe('polls-open');
    const [report] = await waitForPrintouts(before, 1);
    const status = station.service.status();
    const key = parseVerifierKey(station.ledger.verifierKey);
    if (!key.ok) throw new Error('station key');
    expect(report).toContain('НУЛЕВОЙ ОТЧЁТ');
    // An official document: dated.
    expect(report).toMatch(/^Дата и время \.+ \d{4}-\d\d-\d\d \d\d:\d\d$/m);
    expect(report).toContain('st-e2e-pw');
    expect(report).toContain(keyIdHex(key.value.keyId));
    // The hash wraps over two lines of paper.
    expect((report ?? '').replace(/\s+/g, ' ')).toContain(status.electionBaseHash ?? 'none');
    expect(report).toContain(rootOf('ballots'));
    expect(report).toContain(rootOf('pollbook'));
    for (const label of [
      'Опущено бюллетеней',
      'Проверено бюллетеней',
      'Аннулировано бюллетеней',
      'Ожидающих бюллетеней',
      'Зарегистрировано избирателей',
      'Повторно выдано бюллетеней',
    ]) {
      expect(report).toMatch(new RegExp(`${label} \\.+ 0\\n`));
    }
    await shotBoth('07-polls-open');
  });

  it('refuses to start a voter while the printer cannot print, and says why at the desk', async () => {
    devices.printer.setPaper('out');
    await page.getByTestId('bar-printer').and(page.locator('[data-state="paper-out"]')).waitFor(WAIT);
    await page.getByTestId('tab-check-in').click();
    await page.getByTestId('check-in-printer-blocked').waitFor(WAIT);
    const pollbookBefore = station.ledger.size('pollbook');
    await checkIn(VOTERS[0] ?? '', 'kiosk');
    await page.getByTestId('check-in-refused').waitFor(WAIT);
    expect(await page.getByTestId('check-in-refused').textContent()).toBe(
      `${translate('ru', 'pw.checkIn.refused.printer-not-ready')} ${hardwareMessages.ru.printer['paper-out']}`,
    );
    await shotBoth('07b-check-in-printer-refused');
    await page.getByTestId('check-in-card').click();
    await expect.poll(() => countEvents('pollbook.check-in-refused', { reason: 'printer-not-ready' }), WAIT).toBe(2);
    expect(station.service.status()).toMatchObject({ voterSession: 'none', awaitingActivationCard: null });
    expect(station.ledger.size('pollbook')).toBe(pollbookBefore);
    expect(await page.getByTestId('screen-language').count()).toBe(0);
    devices.printer.setPaper('ok');
    await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
  });

  it('checks in and votes three voters: on the kiosk, by activation card, and through a paper-out recovered with a REPRINT', async () => {
    // Voter 1: on this kiosk, typed on the keypad. The desk is in English; the voter chooses Russian.
    await setLanguage('en');
    await page.getByTestId('tab-check-in').click();
    await page.getByTestId('voter-id').fill('');
    for (const key of VOTERS[0] ?? '') await page.getByTestId(`voter-key-${key}`).click();
    expect(await page.getByTestId('voter-id').inputValue()).toBe(VOTERS[0]);
    await page.getByTestId('check-in-kiosk').click();
    await markAndCast('ru');
    await finishVoter();
    expect(station.service.status().ballots.cast).toBe(1);
    // The desk keeps its own language across the voter; the worker who stepped away was signed out.
    await page.locator('html[lang="en"]').waitFor(WAIT);
    expect(countEvents('auth.signed-out', { why: 'requested' })).toBe(1);
    await pinAgain();
    await setLanguage('ru');

    // Voter 2: by activation card. The worker takes their own card out (signing out) and inserts the voter's.
    await page.getByTestId('tab-check-in').click();
    await page.getByTestId('voter-id').fill(VOTERS[1] ?? '');
    await shotBoth('08-check-in');
    await page.getByTestId('check-in-card').click();
    await page.getByTestId('awaiting-card').waitFor(WAIT);
    // No internal ballot style id on the poll worker's screen.
    expect(await page.getByTestId('awaiting-card').textContent()).toBe(translate('ru', 'pw.checkIn.awaitingCard'));
    await shotBoth('09-awaiting-card');
    await removeCard();
    expect(countEvents('auth.signed-out', { why: 'card-removed' })).toBe(1);
    devices.cardReader.insert(card('sample-voter-1'));
    await markAndCast('en');
    await finishVoter();
    expect(countEvents('activation.card-accepted')).toBe(1);
    devices.cardReader.remove();
    await signIn('worker', '1234');
    await page.getByTestId('signed-in').waitFor(WAIT);

    // The first voter again: refused, clearly, and logged.
    await checkIn(VOTERS[0] ?? '', 'kiosk');
    await page.getByTestId('check-in-refused').waitFor(WAIT);
    expect(await page.getByTestId('check-in-refused').textContent()).toBe(
      translate('ru', 'pw.checkIn.refused.already-checked-in'),
    );
    expect(countEvents('pollbook.check-in-refused', { reason: 'already-checked-in' })).toBe(1);
    expect(station.service.status().voterSession).toBe('none');
    await shotBoth('10-check-in-refused');

    // Voter 3: the paper runs out while the paper record prints.
    await page.getByTestId('voter-id').fill(` ${(VOTERS[2] ?? '').toLowerCase()} `);
    await page.getByTestId('check-in-kiosk').click();
    const before = devices.printer.receiptsCut;
    await markAndCast('ru', () => devices.printer.runOutAfterLines(4));
    // The worker's card is still in: the voter's screen hands over to the desk, recovery first.
    await page.getByTestId('handover').and(page.locator('[data-phase="print-failed"]')).waitFor(WAIT);
    expect(await page.getByTestId('screen-print-failed').count()).toBe(0);
    await page.getByTestId('pin-input').waitFor(WAIT);
    await shotBoth('11a-handover-pin');
    await pinAgain();
    await page.getByTestId('panel-recovery').waitFor(WAIT);
    await page.getByTestId('interrupted-print').and(page.locator('[data-document="paper-record"]')).waitFor(WAIT);
    expect(await page.getByTestId('recovery-printer').textContent()).toBe(hardwareMessages.ru.printer['paper-out']);
    await page.getByTestId('roll-steps').waitFor(WAIT);
    expect(station.service.status().ballots.cast).toBe(2);
    await shotBoth('11-recovery-paper-out');
    // A new roll: the reprint is marked, and only then is the ballot cast.
    devices.printer.setPaper('ok');
    await page.getByTestId('recovery-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
    await page.getByTestId('reprint').click();
    await finishVoter();
    await pinAgain();
    const printed = await printoutsSince(before);
    // The paper record is printed again unmarked (a mark would pick it out in the box); the receipt is marked.
    const papers = printed.filter((p) => p.includes('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ'));
    expect(papers.at(-1)).not.toContain('ПОВТОРНАЯ ПЕЧАТЬ');
    const reprinted = printed.filter((p) => p.includes('*** ПОВТОРНАЯ ПЕЧАТЬ ***'));
    expect(reprinted).toHaveLength(1);
    expect(reprinted[0]).toContain('КВИТАНЦИЯ ИЗБИРАТЕЛЯ, ЧАСТЬ 2 ИЗ 2');

    const status = station.service.status();
    expect(status.ballots).toEqual({ cast: 3, challenged: 0, voided: 0 });
    expect(status.pendingBallots).toEqual([]);
    expect(station.service.status().pollBook.checkIns).toBe(3);
    const checkIns = station.ledger
      .entries('pollbook', 0, station.ledger.size('pollbook'))
      .filter((e) => e.type === 'check-in');
    expect(checkIns.map((e) => e['activation'])).toEqual(['kiosk', 'card', 'kiosk']);
    // Only keyed hashes: no voter id anywhere in the poll-book log or the event log.
    const pollbookText = JSON.stringify(station.ledger.entries('pollbook', 0, station.ledger.size('pollbook')));
    const eventText = JSON.stringify(station.logger.events);
    for (const voter of VOTERS.slice(0, 3)) {
      expect(pollbookText).not.toContain(voter);
      expect(eventText).not.toContain(voter);
    }
    expect(eventText).not.toContain(checkIns[0]?.['voterHash'] as string);
  });

  it('voids a ballot whose paper did not print and issues that voter a new one from the check-in tab', async () => {
    // Voter 4: the paper runs out under the paper record, and this time it is not printed again.
    await checkIn(VOTERS[3] ?? '', 'kiosk');
    await markAndCast('ru', () => devices.printer.runOutAfterLines(4));
    await page.getByTestId('handover').waitFor(WAIT);
    await pinAgain();
    devices.printer.setPaper('ok');
    await page.getByTestId('pending-ballot').getByTestId('void-pending').click();
    // No voter session is left and nothing waits: the desk alone, on the next task (check-in).
    await page.getByTestId('panel-check-in').waitFor(WAIT);
    expect(await page.getByTestId('bar-pending').textContent()).toBe('0');
    expect(await page.getByTestId('handover').count()).toBe(0);
    expect(station.service.status().ballots).toEqual({ cast: 3, challenged: 0, voided: 1 });

    // The poll book refuses a second check-in, and says the way on; the check-in tab now offers a new ballot.
    await checkIn(VOTERS[3] ?? '', 'kiosk');
    await page.getByTestId('check-in-refused').waitFor(WAIT);
    await page.getByTestId('reissue').waitFor(WAIT);
    expect(await page.getByTestId('check-in-refused').textContent()).toBe(
      translate('ru', 'pw.checkIn.refused.already-checked-in.reissue'),
    );
    // For a voter who never checked in here, a new ballot is refused, clearly.
    await page.getByTestId('voter-id').fill(VOTERS[5] ?? '');
    await page.getByTestId('reissue-kiosk').click();
    await page.getByTestId('reissue-refused').waitFor(WAIT);
    expect(await page.getByTestId('reissue-refused').textContent()).toBe(
      translate('ru', 'pw.reissue.refused.not-checked-in'),
    );
    await shotBoth('10b-reissue-refused');
    await page.getByTestId('voter-id').fill(VOTERS[3] ?? '');
    await shotBoth('10c-reissue');
    const pollbookBefore = station.ledger.size('pollbook');
    await page.getByTestId('reissue-kiosk').click();
    await markAndCast('ru');
    await finishVoter();
    await pinAgain();
    expect(station.service.status().ballots).toEqual({ cast: 4, challenged: 0, voided: 1 });
    expect(station.service.status().pollBook).toMatchObject({ checkIns: 4, ballotsReissued: 1 });
    const added = station.ledger.entries('pollbook', pollbookBefore, station.ledger.size('pollbook'));
    const checkedIn = station.ledger
      .entries('pollbook', 0, pollbookBefore)
      .filter((e) => e.type === 'check-in')
      .at(-1);
    expect(added).toEqual([
      {
        type: 'ballot-reissued',
        v: 1,
        voterHash: checkedIn?.['voterHash'],
        precinctId: 'uik-1202',
        ballotStyleId: 'style-district-1',
        activation: 'kiosk',
      },
    ]);
    expect(countEvents('pollbook.ballot-reissued', { outcome: 'success' })).toBe(1);
    expect(countEvents('pollbook.reissue-refused', { reason: 'not-checked-in' })).toBe(1);
    // The one void is replaced: the offer is gone.
    await page.getByTestId('tab-check-in').click();
    await page.getByTestId('voter-id').waitFor(WAIT);
    expect(await page.getByTestId('reissue').count()).toBe(0);
    expect(JSON.stringify(station.logger.events)).not.toContain(VOTERS[3] ?? '');
  });

  it('shows each printer fault with its own message and what to do', async () => {
    await page.getByTestId('tab-recovery').click();
    const faults: [string, () => void, () => void][] = [
      ['paper-out', () => devices.printer.setPaper('out'), () => devices.printer.setPaper('ok')],
      ['paper-near-end', () => devices.printer.setPaper('near-end'), () => devices.printer.setPaper('ok')],
      ['cover-open', () => devices.printer.setCoverOpen(true), () => devices.printer.setCoverOpen(false)],
      ['cutter-error', () => devices.printer.jamCutter(), () => devices.printer.clearCutter()],
      [
        'head-or-mechanical-error',
        () => devices.printer.setMechanicalError(true),
        () => devices.printer.setMechanicalError(false),
      ],
      // A hot head is a wait, not a fault to power-cycle.
      [
        'head-overheated',
        () => devices.printer.setHeadOverheated(true),
        () => devices.printer.setHeadOverheated(false),
      ],
    ];
    for (const [state, cause, clear] of faults) {
      cause();
      await page
        .getByTestId('bar-printer')
        .and(page.locator(`[data-state="${state}"]`))
        .waitFor(WAIT);
      expect(await page.getByTestId('recovery-printer').textContent()).toBe(
        hardwareMessages.ru.printer[state as 'paper-out'],
      );
      if (state === 'cover-open') await shotBoth('12-printer-cover-open');
      if (state === 'head-overheated') await shotBoth('12b-printer-head-overheated');
      clear();
      await page.getByTestId('bar-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
    }
    expect(station.service.status().ballots.cast).toBe(4);
  });

  it('pauses and resumes the polls', async () => {
    await page.getByTestId('tab-polls').click();
    await page.getByTestId('pause-polls').click();
    await page.getByTestId('resume-polls').waitFor(WAIT);
    expect(station.service.status().pollsState).toBe('polls-paused');
    await shotBoth('13-polls-paused');
    await page.getByTestId('resume-polls').click();
    await page.getByTestId('pause-polls').waitFor(WAIT);
    expect(station.service.status().pollsState).toBe('polls-open');
  });

  it('closes the polls; the closing report, reprinted after the cover was open, carries the counts, heads and last code but no totals', async () => {
    await page.getByTestId('close-polls').click();
    await page.getByTestId('close-confirm').waitFor(WAIT);
    await shotBoth('14-close-confirm');
    devices.printer.setCoverOpen(true);
    await page.getByTestId('bar-printer').and(page.locator('[data-state="cover-open"]')).waitFor(WAIT);
    await page.getByTestId('close-polls-yes').click();
    await page.getByTestId('polls-done').waitFor(WAIT);
    expect(station.service.status().pollsState).toBe('polls-closed-final');
    // Nothing printed: the desk says so, as a problem, and does not ask for a signature.
    expect(await page.getByTestId('polls-done').getAttribute('data-tone')).toBe('problem');
    expect(await page.getByTestId('polls-done').textContent()).toBe(translate('ru', 'pw.polls.closedNotPrinted'));
    await page.getByTestId('tab-recovery').click();
    await page.getByTestId('interrupted-print').and(page.locator('[data-document="closing-report"]')).waitFor(WAIT);
    await shotBoth('15-closing-report-interrupted');

    devices.printer.setCoverOpen(false);
    await page.getByTestId('recovery-printer').and(page.locator('[data-state="ready"]')).waitFor(WAIT);
    const before = devices.printer.receiptsCut;
    await page.getByTestId('reprint').click();
    const [report] = await waitForPrintouts(before, 1);
    const log = station.service.ballotLogState();
    expect(report).toContain('*** ПОВТОРНАЯ ПЕЧАТЬ ***');
    expect(report).toContain('ОТЧЁТ О ЗАКРЫТИИ ГОЛОСОВАНИЯ');
    expect((report ?? '').replace(/\s+/g, ' ')).toContain(station.service.status().electionBaseHash ?? 'none');
    expect(report).toMatch(/Опущено бюллетеней \.+ 4\n/);
    expect(report).toMatch(/Проверено бюллетеней \.+ 0\n/);
    expect(report).toMatch(/Аннулировано бюллетеней \.+ 1\n/);
    expect(report).toMatch(/Зарегистрировано избирателей \.+ 4\n/);
    expect(report).toMatch(/Повторно выдано бюллетеней \.+ 1\n/);
    expect(report).toMatch(new RegExp(`Записей в журнале бюллетеней \\.+ ${station.ledger.size('ballots')}\\n`));
    expect(report).toContain(rootOf('ballots'));
    expect(report).toContain(rootOf('pollbook'));
    expect(report).toContain(toBase64Url(log.chainHead ?? new Uint8Array()));
    // No per-contest totals: no candidate, no choice.
    expect(report).not.toMatch(/Григорьева|Зайцев|Лебедев|Да\b|Нет\b/);
    await page.getByTestId('no-pending').waitFor(WAIT);
    await page.getByTestId('tab-polls').click();
    await shotBoth('16-polls-closed-final');
    expect(
      station.ledger
        .entries('ballots', 0, station.ledger.size('ballots'))
        .map((e) => e.type)
        .filter((t) => t.startsWith('polls-')),
    ).toEqual(['polls-opened', 'polls-paused', 'polls-resumed', 'polls-closed']);
    // The poll book records the same steps with its own entries and its own counts of check-ins and reissues.
    expect(
      station.ledger
        .entries('pollbook', 0, station.ledger.size('pollbook'))
        .filter((e) => e.type.startsWith('pollbook-'))
        .map((e) => e.type),
    ).toEqual(['pollbook-opened', 'pollbook-paused', 'pollbook-resumed', 'pollbook-closed']);
    expect(station.ledger.entries('pollbook', 0, station.ledger.size('pollbook')).at(-1)).toEqual({
      type: 'pollbook-closed',
      v: 2,
      checkIns: 4,
      ballotsReissued: 1,
    });
  });

  it('an election official signs in and exports the event log as JSON lines', async () => {
    devices.cardReader.remove();
    await page.getByTestId('pw-sign-in').and(page.locator('[data-state="no-card"]')).waitFor(WAIT);
    await signIn('official', '5678');
    await page.getByTestId('signed-in').and(page.locator('[data-role="election-official"]')).waitFor(WAIT);
    await page.getByTestId('tab-setup').click();
    await page.getByTestId('export-events').click();
    await page.getByTestId('export-done').waitFor(WAIT);
    await shotBoth('17-official-export');
    const lines = readFileSync(path.join(media, 'urna-events-st-e2e-pw.jsonl'), 'utf8').trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { event: string; reason?: string });
    expect(events.some((e) => e.event === 'pollbook.check-in-refused' && e.reason === 'already-checked-in')).toBe(true);
    expect(events.some((e) => e.event === 'events.exported')).toBe(true);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('pin-input').waitFor(WAIT);
    devices.cardReader.remove();
  });

  it('three wrong PINs lock the card', async () => {
    await page.getByTestId('pw-sign-in').and(page.locator('[data-state="no-card"]')).waitFor(WAIT);
    await signIn('worker', '0000');
    await page.getByTestId('wrong-pin').waitFor(WAIT);
    expect(await page.getByTestId('wrong-pin').textContent()).toBe(
      translate('ru', 'pw.signIn.wrongPin', { remaining: 2 }),
    );
    await shotBoth('18-wrong-pin');
    await page.getByTestId('pin-input').fill('1111');
    await page.getByTestId('sign-in').click();
    await expect
      .poll(() => page.getByTestId('wrong-pin').textContent(), WAIT)
      .toBe(translate('ru', 'pw.signIn.wrongPin', { remaining: 1 }));
    await page.getByTestId('pin-input').fill('2222');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('card-locked').waitFor(WAIT);
    await shotBoth('19-card-locked');
    // The right PIN no longer helps: the card itself refuses.
    devices.cardReader.remove();
    await page.getByTestId('pw-sign-in').and(page.locator('[data-state="no-card"]')).waitFor(WAIT);
    await signIn('worker', '1234');
    await page.getByTestId('card-locked').waitFor(WAIT);
    expect(countEvents('auth.card-locked')).toBe(2);
    expect(countEvents('auth.pin-wrong')).toBe(2);
  });
});

describe('a station whose ballot log already holds a ballot', () => {
  let rig: DeskRig | undefined;
  let devices: DemoDevices;
  let station: TestStation;
  let page: Page;
  let renders: string;

  beforeAll(async () => {
    renders = mkdtempSync(path.join(tmpdir(), 'urna-receipts-'));
    // The election is loaded and the polls never opened, yet a ballot is in the log.
    const pending = await pendingBallotFromAnotherStation();
    rig = await openDeskRig(renders, async (d) => {
      const fresh = startTestStation({
        stationId: 'st-e2e-pw-used',
        precinctId: 'uik-1202',
        sampleElection: true,
        devices: d.config,
      });
      const appended = fresh.ledger.append('ballots', pending);
      if (!appended.ok) throw new Error('could not write the foreign ballot');
      return fresh.reopen();
    });
    ({ devices, station, page } = rig);
  });

  afterAll(async () => {
    await rig?.close();
    if (renders) rmSync(renders, { recursive: true, force: true });
  });

  it('refuses to open the polls, says why, prints nothing and logs the refusal', async () => {
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    const worker = devices.cards.cards.get('worker');
    if (!worker) throw new Error('the demo card set has no worker card');
    devices.cardReader.insert(worker);
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').waitFor(WAIT);
    await page.getByTestId('tab-polls').click();
    const printed = devices.printer.receiptsCut;
    await page.getByTestId('open-polls').click();
    await page.getByTestId('pw-refusal').waitFor(WAIT);
    expect(await page.getByTestId('pw-refusal').textContent()).toBe(
      translate('ru', 'pw.refusal.ballots-already-recorded'),
    );
    expect(await page.getByTestId('bar-polls').getAttribute('data-state')).toBe('polls-closed-initial');
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    expect(station.ledger.entries('ballots', 0, station.ledger.size('ballots')).map((e) => e.type)).toEqual([
      'ballot-pending',
    ]);
    const refusals = station.logger.events.filter((e) => e.eventId === 'polls.open-refused');
    expect(refusals.map((e) => e.fields['reason'])).toEqual(['ballots-already-recorded']);
    expect(devices.printer.receiptsCut).toBe(printed);
    for (const language of ['ru', 'en'] as const) {
      await page.getByTestId(`desk-language-${language}`).click();
      await page.locator(`html[lang="${language}"]`).waitFor(WAIT);
      await page.screenshot({ path: path.join(SCREENS, `20-open-refused-${language}.png`), fullPage: true });
    }
  });
});
