/**
 * Poll-worker scenarios on a real station (signed sample election, signed
 * ledger) with an in-memory printer, and the sign-in state machine with a fake
 * card reader: what the poll worker does and what the station refuses. Every
 * request goes through the station's client, as the renderer's does: a staff
 * card signed in with its PIN, the dispatcher's argument check, the role check
 * and the typed refusal the screens switch on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import type { StationStatus } from '../../../core/api/station-api';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { normalizeVoterId, voterHash } from '../../../core/election/pollbook';
import { translate } from '../../../core/i18n/messages';
import { MemoryEventLogger } from '../../../main/logging';
import { voterCardInserted } from '../../../main/station/check-in';
import { StaffAuth, staffAuthReducer } from '../../../main/station/staff-auth';
import { SAMPLE_ELECTION, TEST_POLLBOOK_KEY } from '../../support/election';
import { TestStaffReader } from '../../support/staff-reader';
import { pendingBallotFromAnotherStation } from '../../support/foreign-ballot';
import { MemoryPrinter } from '../../support/memory-printer';
import {
  POLL_WORKER,
  refusalOf,
  sampleActivationReader,
  startTestStation,
  succeeded,
  type TestStation,
} from '../../support/station';

const WORKER = POLL_WORKER;
const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

const stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.close()));
});

/** A station with the sample election and a poll worker signed in at its card reader. */
async function pollStation(printer = new MemoryPrinter()): Promise<TestStation> {
  const station = startTestStation({
    stationId: 'st-pw-unit',
    sampleElection: true,
    precinctId: 'uik-1202',
    ballotPrinter: printer,
    staffReader: true,
  });
  stations.push(station);
  await station.signIn();
  return station;
}

/** The station after a restart (or a crash), with the poll worker signed in again. */
async function restarted(station: TestStation, crash: boolean): Promise<TestStation> {
  const reopened = await station.reopen({ crash });
  stations.push(reopened);
  await reopened.signIn();
  return reopened;
}

async function statusOf(station: TestStation): Promise<StationStatus> {
  return succeeded(await station.client.getStationStatus({}));
}

async function checkIn(station: TestStation, voterId: string, activation: 'kiosk' | 'card' = 'kiosk') {
  const result = await station.client.checkInVoter({ voterId, activation });
  return result.ok ? result.value : refusalOf(result);
}

async function reissue(station: TestStation, voterId: string, activation: 'kiosk' | 'card' = 'kiosk') {
  const result = await station.client.reissueBallot({ voterId, activation });
  return result.ok ? result.value : refusalOf(result);
}

const checkInRefused = (reason: string) => ({ kind: 'check-in-refused', reason });
const reissueRefused = (reason: string) => ({ kind: 'reissue-refused', reason });

describe('polls with reports', () => {
  it('refuses to open the polls over a ballot already in the log, and logs it', async () => {
    const pending = await pendingBallotFromAnotherStation();

    const printer = new MemoryPrinter();
    const fresh = await pollStation(printer);
    expect(fresh.ledger.append('ballots', pending).ok).toBe(true);
    const station = await restarted(fresh, false);
    expect((await statusOf(station)).pollsState).toBe('polls-closed-initial');
    const opened = await station.client.openPolls({});
    expect(opened).toMatchObject({ ok: false, error: { code: 'wrong-state' } });
    expect(refusalOf(opened)).toEqual({ kind: 'ballots-already-recorded', count: 1 });
    expect((await statusOf(station)).pollsState).toBe('polls-closed-initial');
    expect(station.logger.events.find((e) => e.eventId === 'polls.open-refused')?.fields).toMatchObject({
      reason: 'ballots-already-recorded',
    });
    expect(printer.printed).toEqual([]);
  });

  it('prints the zero report on opening; a failed closing report is kept and reprinted marked REPRINT', async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    expect((await station.client.openPolls({})).ok).toBe(true);
    expect(printer.printed).toHaveLength(1);
    expect(printer.printed[0]).toContain('НУЛЕВОЙ ОТЧЁТ');
    printer.failNext({ kind: 'not-ready', status: { state: 'cover-open' } } as never);
    expect((await station.client.closePolls({})).ok).toBe(true);
    expect((await statusOf(station)).interruptedPrint).toEqual({
      document: 'closing-report',
      printerState: 'cover-open',
    });
    expect((await station.client.reprintInterrupted({})).ok).toBe(true);
    expect(printer.printed).toHaveLength(2);
    expect(printer.printed[1]?.startsWith('*** ПОВТОРНАЯ ПЕЧАТЬ ***')).toBe(true);
    expect(printer.printed[1]).toContain('ОТЧЁТ О ЗАКРЫТИИ ГОЛОСОВАНИЯ');
    expect((await statusOf(station)).interruptedPrint).toBeNull();
    expect((await station.client.reprintInterrupted({})).ok).toBe(false);
  });

  it('dates both reports (official documents); the zero report asks for zero counts, not zero log entries', async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(2026, 11, 6, 8, 0));
      succeeded(await station.client.openPolls({}));
      vi.setSystemTime(new Date(2026, 11, 6, 20, 5));
      succeeded(await station.client.closePolls({}));
    } finally {
      vi.useRealTimers();
    }
    const [zero, closing] = printer.printed;
    expect(zero).toMatch(/^Дата и время \.+ 2026-12-06 08:00$/m);
    expect(closing).toMatch(/^Дата и время \.+ 2026-12-06 20:05$/m);
    // Each log holds its polls-opened entry: the check must not call that count a counter that should be zero.
    expect(zero).toMatch(/^Записей в журнале бюллетеней \.+ 1$/m);
    expect(zero).not.toContain('все счётчики выше должны быть равны нулю');
    expect(zero?.replace(/\s+/g, ' ')).toContain(translate('ru', 'report.zero.check'));
  });

  it("refuses every poll-worker request without a signed-in card, and an official's request to a poll worker", async () => {
    const station = startTestStation({
      stationId: 'st-pw-unit',
      sampleElection: true,
      precinctId: 'uik-1202',
      ballotPrinter: new MemoryPrinter(),
      staffReader: true,
    });
    stations.push(station);
    expect(await station.client.openPolls({})).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
    expect(await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'kiosk' })).toMatchObject({
      ok: false,
      error: { code: 'not-authorized' },
    });
    expect((await statusOf(station)).pollsState).toBe('polls-closed-initial');
    await station.signIn();
    expect(await station.client.exportEventLog({})).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
  });
});

describe("a voter's printouts after a printer fault", () => {
  it('prints the paper record again unmarked (a mark would single it out in the box) and the receipt marked REPRINT', async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    expect(await checkIn(station, VOTERS[0] ?? '')).toMatchObject({ outcome: 'checked-in' });
    expect(
      (
        await station.client.commitBallot({
          marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} },
          undervoteAcknowledged: true,
        })
      ).ok,
    ).toBe(true);
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    expect((await station.client.castBallot({})).ok).toBe(true);
    await station.service.whenPrintingDone();
    expect((await statusOf(station)).interruptedPrint).toEqual({ document: 'paper-record', printerState: 'paper-out' });
    const before = printer.printed.length;
    printer.cleared();
    expect((await station.client.reprintInterrupted({})).ok).toBe(true);
    await station.service.whenPrintingDone();
    const [paper, receipt] = printer.printed.slice(before) as [string, string];
    expect(paper.startsWith('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ')).toBe(true);
    expect(paper).not.toContain('ПОВТОРНАЯ ПЕЧАТЬ');
    expect(receipt.startsWith('*** ПОВТОРНАЯ ПЕЧАТЬ ***')).toBe(true);
    expect(receipt).toContain('КВИТАНЦИЯ ИЗБИРАТЕЛЯ, ЧАСТЬ 2 ИЗ 2');
    expect((await statusOf(station)).ballots.cast).toBe(1);
  });
});

describe('check-in', () => {
  it('checks a voter in once, records only the keyed hash, and refuses the second time', async () => {
    const station = await pollStation();
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toEqual({
      outcome: 'checked-in',
      precinctId: 'uik-1202',
      ballotStyleId: 'style-district-1',
      activation: 'kiosk',
    });
    expect((await statusOf(station)).voterSession).toBe('marking');
    const entry = station.ledger
      .entries('pollbook', 0, station.ledger.size('pollbook'))
      .find((e) => e.type === 'check-in');
    expect(entry).toEqual({
      type: 'check-in',
      v: 1,
      voterHash: voterHash(TEST_POLLBOOK_KEY, SAMPLE_ELECTION, voter),
      precinctId: 'uik-1202',
      ballotStyleId: 'style-district-1',
      activation: 'kiosk',
    });
    expect(JSON.stringify(entry)).not.toContain(normalizeVoterId(voter));

    // The voter's session ends; typed differently, it is still the same voter.
    succeeded(await station.client.touchVoterSession({}));
    expect(await checkIn(station, ` ${voter.replace('-', ' ')} `)).toEqual(checkInRefused('voter-session-active'));
  });

  it('remembers check-ins across a restart and refuses the same voter, other precincts and unknown ids', async () => {
    const station = await pollStation();
    succeeded(await station.client.openPolls({}));
    expect(await checkIn(station, VOTERS[1] ?? '', 'card')).toMatchObject({ outcome: 'checked-in' });
    expect((await statusOf(station)).awaitingActivationCard).toEqual({ ballotStyleId: 'style-district-1' });
    succeeded(await station.client.cancelCardActivation({}));
    const reopened = await restarted(station, true);
    expect((await statusOf(reopened)).pollBook.checkIns).toBe(1);
    expect(await checkIn(reopened, VOTERS[1] ?? '')).toEqual(checkInRefused('already-checked-in'));
    expect(await checkIn(reopened, SAMPLE_VOTER_IDS['uik-1201'][0] ?? '')).toEqual(checkInRefused('other-precinct'));
    expect(await checkIn(reopened, '9999-9999')).toEqual(checkInRefused('not-on-voter-list'));
    expect(await checkIn(reopened, '!')).toEqual(checkInRefused('malformed-voter-id'));
    expect(
      reopened.logger.events.filter((e) => e.eventId === 'pollbook.check-in-refused').map((e) => e.fields['reason']),
    ).toEqual(['already-checked-in', 'other-precinct', 'not-on-voter-list', 'malformed-voter-id']);
  });
});

describe('the printer is checked before a voter starts', () => {
  it('refuses a check-in on the kiosk or by card while the printer cannot print, records nothing, and says why', async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    const pollbookBefore = station.ledger.size('pollbook');
    for (const state of ['paper-out', 'cover-open', 'head-overheated', 'disconnected']) {
      printer.setState(state);
      for (const activation of ['kiosk', 'card'] as const)
        expect(await checkIn(station, VOTERS[0] ?? '', activation)).toEqual(checkInRefused('printer-not-ready'));
    }
    expect(station.ledger.size('pollbook')).toBe(pollbookBefore);
    const status = await statusOf(station);
    expect(status.voterSession).toBe('none');
    expect(status.awaitingActivationCard).toBeNull();
    expect(status.pollBook.checkIns).toBe(0);
    expect(
      station.logger.events.filter(
        (e) => e.eventId === 'pollbook.check-in-refused' && e.fields['reason'] === 'printer-not-ready',
      ),
    ).toHaveLength(8);
    // Running low is still printing: the voter starts.
    printer.setState('paper-near-end');
    expect(await checkIn(station, VOTERS[0] ?? '')).toMatchObject({ outcome: 'checked-in' });
  });

  it('refuses a new ballot while the printer cannot print', async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    station.service.transition({ type: 'time-out' });
    printer.setState('paper-out');
    expect(await reissue(station, voter)).toEqual(reissueRefused('printer-not-ready'));
    printer.cleared();
    expect(await reissue(station, voter)).toMatchObject({ outcome: 'reissued' });
  });

  it("keeps waiting for the voter's activation card while the printer cannot print, without reading or burning it", async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    expect(await checkIn(station, VOTERS[0] ?? '', 'card')).toMatchObject({ outcome: 'checked-in' });
    const reads: string[] = [];
    const activationReader = sampleActivationReader(reads);
    printer.setState('cover-open');
    await voterCardInserted({ ...station.context, activationReader });
    expect(reads).toEqual([]);
    expect((await statusOf(station)).voterSession).toBe('none');
    expect((await statusOf(station)).awaitingActivationCard).toEqual({ ballotStyleId: 'style-district-1' });
    expect(
      station.logger.events.filter(
        (e) => e.eventId === 'activation.card-refused' && e.fields['reason'] === 'printer-not-ready',
      ),
    ).toHaveLength(1);
    printer.cleared();
    await voterCardInserted({ ...station.context, activationReader });
    expect(reads).toEqual(['read', 'burn']);
    expect((await statusOf(station)).voterSession).toBe('marking');
  });
});

describe('a new ballot for a voter whose ballot was voided', () => {
  const MARKS: BallotMarks = {
    selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': ['bogdanov-ilya'] },
    writeIns: {},
  };

  /** The voter marks and casts on the kiosk; the paper runs out under the paper record. */
  async function castIntoPaperOut(station: TestStation, printer: MemoryPrinter): Promise<string> {
    succeeded(await station.client.commitBallot({ marks: MARKS, undervoteAcknowledged: true }));
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();
    const pending = (await statusOf(station)).pendingBallots[0];
    if (pending === undefined) throw new Error('no pending ballot');
    return pending.ballotId;
  }

  async function castAndLeave(station: TestStation): Promise<void> {
    succeeded(await station.client.commitBallot({ marks: MARKS, undervoteAcknowledged: true }));
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();
    succeeded(await station.client.finishVoterSession({}));
  }

  const voidNotPrinted = (station: TestStation, ballotId: string) =>
    station.client.resolvePendingBallot({ ballotId, outcome: 'void', reason: 'not-printed' });

  const pollBookEntries = (station: TestStation) =>
    station.ledger.entries('pollbook', 0, station.ledger.size('pollbook'));

  it('is refused to a voter who has not checked in here, for the reasons check-in has too, and records nothing', async () => {
    const station = await pollStation();
    succeeded(await station.client.openPolls({}));
    const size = station.ledger.size('pollbook');
    expect(await reissue(station, VOTERS[0] ?? '')).toEqual(reissueRefused('not-checked-in'));
    expect(await reissue(station, SAMPLE_VOTER_IDS['uik-1201'][0] ?? '')).toEqual(reissueRefused('other-precinct'));
    expect(await reissue(station, '9999-9999')).toEqual(reissueRefused('not-on-voter-list'));
    expect(await reissue(station, '!')).toEqual(reissueRefused('malformed-voter-id'));
    expect(station.ledger.size('pollbook')).toBe(size);
    expect((await statusOf(station)).voterSession).toBe('none');
    const refused = station.logger.events.filter((e) => e.eventId === 'pollbook.reissue-refused');
    expect(refused.map((e) => e.fields['reason'])).toEqual([
      'not-checked-in',
      'other-precinct',
      'not-on-voter-list',
      'malformed-voter-id',
    ]);
    expect(refused.every((e) => e.fields['outcome'] === 'failure' && e.fields['cardId'] === WORKER.cardId)).toBe(true);
  });

  it('is refused while every voter checked in here has a ballot cast or pending, even to a voter checked in here', async () => {
    const station = await pollStation();
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    // While the voter is still at the kiosk, nothing else can be activated.
    expect(await reissue(station, voter)).toEqual(reissueRefused('voter-session-active'));
    await castAndLeave(station);
    const size = station.ledger.size('pollbook');
    expect(await reissue(station, voter)).toEqual(reissueRefused('every-voter-has-a-ballot'));
    expect(station.ledger.size('pollbook')).toBe(size);
    expect(await statusOf(station)).toMatchObject({
      voterSession: 'none',
      pollBook: { checkIns: 1, ballotsReissued: 0 },
    });
    expect(
      station.logger.events.filter((e) => e.eventId === 'pollbook.reissue-refused').map((e) => e.fields['reason']),
    ).toEqual(['voter-session-active', 'every-voter-has-a-ballot']);
  });

  it("after a void, issues one new ballot: one poll-book entry with the check-in's hash, the session as at check-in; a second is refused", async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    const ballotId = await castIntoPaperOut(station, printer);
    // The printer cannot print it again: the poll worker voids it.
    expect((await voidNotPrinted(station, ballotId)).ok).toBe(true);
    printer.cleared(); // a new roll: no new ballot is issued before the printer can print it
    expect(await checkIn(station, voter)).toEqual(checkInRefused('already-checked-in'));

    const before = pollBookEntries(station);
    expect(await reissue(station, voter)).toEqual({
      outcome: 'reissued',
      precinctId: 'uik-1202',
      ballotStyleId: 'style-district-1',
      activation: 'kiosk',
    });
    const added = pollBookEntries(station).slice(before.length);
    const checkInEntry = before.find((e) => e.type === 'check-in');
    expect(added).toEqual([
      {
        type: 'ballot-reissued',
        v: 1,
        voterHash: voterHash(TEST_POLLBOOK_KEY, SAMPLE_ELECTION, voter),
        precinctId: 'uik-1202',
        ballotStyleId: 'style-district-1',
        activation: 'kiosk',
      },
    ]);
    expect(added[0]?.['voterHash']).toBe(checkInEntry?.['voterHash']);
    expect((await statusOf(station)).voterSession).toBe('marking');
    expect((await statusOf(station)).pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
    // The event log has no voter id and no hash, as at check-in.
    const reissued = station.logger.events.find((e) => e.eventId === 'pollbook.ballot-reissued');
    expect(reissued?.fields).toMatchObject({
      cardId: WORKER.cardId,
      precinctId: 'uik-1202',
      ballotStyleId: 'style-district-1',
      activation: 'kiosk',
      outcome: 'success',
    });
    const eventText = JSON.stringify(station.logger.events);
    expect(eventText).not.toContain(checkInEntry?.['voterHash'] as string);
    expect(eventText).not.toContain(normalizeVoterId(voter));

    await castAndLeave(station);
    expect((await statusOf(station)).ballots).toEqual({ cast: 1, challenged: 0, voided: 1 });
    // One void, one reissue: the void is replaced, here and after a restart.
    const size = station.ledger.size('pollbook');
    expect(await reissue(station, voter)).toEqual(reissueRefused('every-voter-has-a-ballot'));
    const reopened = await restarted(station, true);
    expect((await statusOf(reopened)).pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
    expect(await reissue(reopened, voter)).toEqual(reissueRefused('every-voter-has-a-ballot'));
    expect(reopened.ledger.size('pollbook')).toBe(size);
  });

  it('after a crash before the cast (nothing recorded), issues the voter a new ballot; cast never exceeds check-ins', async () => {
    const station = await pollStation();
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    expect((await statusOf(station)).voterSession).toBe('marking');
    // The power goes while the voter marks: the ballot log holds nothing of theirs.
    const reopened = await restarted(station, true);
    expect(await statusOf(reopened)).toMatchObject({
      voterSession: 'none',
      ballots: { cast: 0, challenged: 0, voided: 0 },
      pendingBallots: [],
    });
    expect(await checkIn(reopened, voter)).toEqual(checkInRefused('already-checked-in'));
    expect(await reissue(reopened, voter)).toMatchObject({ outcome: 'reissued' });
    await castAndLeave(reopened);
    expect((await statusOf(reopened)).ballots.cast).toBe(1);
    // One check-in, one cast: no further ballot for anyone checked in here.
    expect(await reissue(reopened, voter)).toEqual(reissueRefused('every-voter-has-a-ballot'));
    expect((await statusOf(reopened)).pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
  });

  it("activates by card as check-in does: the station waits for the voter's activation card", async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    const voter = VOTERS[2] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    const ballotId = await castIntoPaperOut(station, printer);
    expect((await voidNotPrinted(station, ballotId)).ok).toBe(true);
    printer.cleared(); // a new roll: no new ballot is issued before the printer can print it
    expect(await reissue(station, voter, 'card')).toMatchObject({ outcome: 'reissued' });
    expect(await statusOf(station)).toMatchObject({
      voterSession: 'none',
      awaitingActivationCard: { ballotStyleId: 'style-district-1' },
    });
    expect(pollBookEntries(station).at(-1)).toMatchObject({ type: 'ballot-reissued', activation: 'card' });
    expect(await reissue(station, voter)).toEqual(reissueRefused('awaiting-activation-card'));
  });

  it("counts reissues beside check-ins on both reports and in the poll book's lifecycle entries", async () => {
    const printer = new MemoryPrinter();
    const station = await pollStation(printer);
    succeeded(await station.client.openPolls({}));
    expect(printer.printed[0]).toMatch(/Повторно выдано бюллетеней \.+ 0\n/);
    const voter = VOTERS[0] ?? '';
    expect(await checkIn(station, voter)).toMatchObject({ outcome: 'checked-in' });
    const ballotId = await castIntoPaperOut(station, printer);
    expect((await voidNotPrinted(station, ballotId)).ok).toBe(true);
    printer.cleared(); // a new roll: no new ballot is issued before the printer can print it
    expect(await reissue(station, voter)).toMatchObject({ outcome: 'reissued' });
    await castAndLeave(station);
    expect(await checkIn(station, VOTERS[1] ?? '')).toMatchObject({ outcome: 'checked-in' });
    await castAndLeave(station);
    expect((await station.client.closePolls({})).ok).toBe(true);

    const closing = printer.printed.at(-1) ?? '';
    expect(closing).toContain('ОТЧЁТ О ЗАКРЫТИИ ГОЛОСОВАНИЯ');
    expect(closing).toMatch(/Опущено бюллетеней \.+ 2\n/);
    expect(closing).toMatch(/Аннулировано бюллетеней \.+ 1\n/);
    expect(closing).toMatch(/Зарегистрировано избирателей \.+ 2\n/);
    expect(closing).toMatch(/Повторно выдано бюллетеней \.+ 1\n/);
    const lifecycle = pollBookEntries(station).filter((e) => e.type.startsWith('pollbook-'));
    expect(lifecycle).toEqual([
      { type: 'pollbook-opened', v: 2, checkIns: 0, ballotsReissued: 0 },
      { type: 'pollbook-closed', v: 2, checkIns: 2, ballotsReissued: 1 },
    ]);
  });
});

describe('sign-in', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function auth(idleSignOutMs = 60_000) {
    const reader = new TestStaffReader();
    const logger = new MemoryEventLogger();
    const staff = new StaffAuth({ reader, logger, idleSignOutMs });
    staff.start();
    return { reader, logger, staff };
  }

  it('signs in with the right PIN, out when the card is removed, and logs both', async () => {
    const { reader, logger, staff } = auth();
    reader.insert({ cardId: 'pw-1', role: 'poll-worker', pin: '1234', genuine: true, tries: 3 });
    await vi.waitFor(() => expect(staff.state.state).toBe('awaiting-pin'));
    expect((await staff.submitPin('1234')).state).toBe('signed-in');
    expect(staff.authorize(['poll-worker'], 'openPolls').ok).toBe(true);
    expect(staff.authorize(['election-official'], 'exportEventLog')).toEqual({
      ok: false,
      error: { kind: 'role-not-allowed', role: 'poll-worker' },
    });
    reader.remove();
    expect(staff.state.state).toBe('no-card');
    expect(staff.authorize(['poll-worker'], 'openPolls')).toEqual({ ok: false, error: { kind: 'not-signed-in' } });
    expect(logger.events.map((e) => e.eventId)).toEqual(
      expect.arrayContaining(['auth.signed-in', 'auth.signed-out', 'auth.action-refused']),
    );
    expect(logger.events.find((e) => e.eventId === 'auth.signed-out')?.fields).toMatchObject({ why: 'card-removed' });
  });

  it('locks after three wrong PINs; a clone is refused even with the right PIN', async () => {
    const { reader, staff } = auth();
    reader.insert({ cardId: 'pw-1', role: 'poll-worker', pin: '1234', genuine: true, tries: 3 });
    await vi.waitFor(() => expect(staff.state.state).toBe('awaiting-pin'));
    expect(await staff.submitPin('0000')).toMatchObject({ state: 'awaiting-pin', wrongPin: { remaining: 2 } });
    expect(await staff.submitPin('0001')).toMatchObject({ state: 'awaiting-pin', wrongPin: { remaining: 1 } });
    expect(await staff.submitPin('0002')).toEqual({ state: 'locked', cardId: 'pw-1' });
    reader.remove();
    reader.insert({ cardId: 'pw-1', role: 'poll-worker', pin: '1234', genuine: false, tries: 3 });
    await vi.waitFor(() => expect(staff.state.state).toBe('awaiting-pin'));
    expect(await staff.submitPin('1234')).toEqual({ state: 'card-refused', reason: 'card-not-genuine' });
  });

  it('signs out after the idle time; each privileged action restarts it', async () => {
    vi.useFakeTimers();
    const { reader, logger, staff } = auth(1000);
    reader.insert({ cardId: 'eo-1', role: 'election-official', pin: '5678', genuine: true, tries: 3 });
    await vi.waitFor(() => expect(staff.state.state).toBe('awaiting-pin'));
    await staff.submitPin('5678');
    vi.advanceTimersByTime(800);
    expect(staff.authorize(['election-official'], 'exportEventLog').ok).toBe(true);
    vi.advanceTimersByTime(800);
    expect(staff.state.state).toBe('signed-in');
    vi.advanceTimersByTime(300);
    expect(staff.state.state).toBe('awaiting-pin');
    expect(logger.events.find((e) => e.eventId === 'auth.signed-out')?.fields).toMatchObject({ why: 'idle' });
  });

  it('ignores a PIN result that arrives after the card was pulled', () => {
    const checking = { state: 'checking-pin' as const, card: { cardId: 'pw-1', role: 'poll-worker' as const } };
    const pulled = staffAuthReducer(checking, { type: 'card-removed' });
    expect(staffAuthReducer(pulled, { type: 'authenticated', card: checking.card })).toEqual({ state: 'no-card' });
  });
});
