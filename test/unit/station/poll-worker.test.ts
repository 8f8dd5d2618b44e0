/**
 * Poll-worker scenarios on a real station (signed sample election, signed
 * ledger) with an in-memory printer, and the sign-in state machine with a fake
 * card reader: what the poll worker does and what the station refuses.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { normalizeVoterId, voterHash } from '../../../core/election/pollbook';
import { MemoryEventLogger } from '../../../main/logging';
import { StaffAuth, staffAuthReducer } from '../../../main/station/staff-auth';
import { SAMPLE_ELECTION, TEST_POLLBOOK_KEY } from '../../support/election';
import { TestStaffReader } from '../../support/staff-reader';
import { pendingBallotFromAnotherStation } from '../../support/foreign-ballot';
import { MemoryPrinter } from '../../support/memory-printer';
import { startTestStation, type TestStation } from '../../support/station';
import { castBallot, commitBallot, finishVoterSession, resolvePendingBallot } from '../../../main/station/casting';
import { cancelCardActivation, checkInVoter, reissueBallot } from '../../../main/station/check-in';
import { closePolls, openPolls } from '../../../main/station/polls';
import { reprintInterrupted } from '../../../main/station/printing';

const WORKER = { cardId: 'pw-0001', role: 'poll-worker' as const };
const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

const stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.close()));
});

function pollStation(printer = new MemoryPrinter()): TestStation {
  const station = startTestStation({ stationId: 'st-pw-unit', sampleElection: true, precinctId: 'uik-1202', ballotPrinter: printer });
  stations.push(station);
  return station;
}

describe('polls with reports', () => {
  it('refuses to open the polls over a ballot already in the log, and logs it', async () => {
    const pending = await pendingBallotFromAnotherStation();

    const printer = new MemoryPrinter();
    const fresh = pollStation(printer);
    expect(fresh.ledger.append('ballots', pending).ok).toBe(true);
    const station = await fresh.reopen();
    stations.push(station);
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    const opened = await openPolls(station.context, WORKER);
    expect(opened).toEqual({ ok: false, error: { kind: 'ballots-already-recorded', count: 1 } });
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    expect(station.logger.events.find((e) => e.eventId === 'polls.open-refused')?.fields).toMatchObject({ reason: 'ballots-already-recorded' });
    expect(printer.printed).toEqual([]);
  });

  it('prints the zero report on opening; a failed closing report is kept and reprinted marked REPRINT', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect((await openPolls(station.context, WORKER)).ok).toBe(true);
    expect(printer.printed).toHaveLength(1);
    expect(printer.printed[0]).toContain('НУЛЕВОЙ ОТЧЁТ');
    printer.failNext({ kind: 'not-ready', status: { state: 'cover-open' } } as never);
    expect((await closePolls(station.context, WORKER)).ok).toBe(true);
    expect(station.service.status().interruptedPrint).toEqual({ document: 'closing-report', printerState: 'cover-open' });
    expect((await reprintInterrupted(station.context, WORKER)).ok).toBe(true);
    expect(printer.printed).toHaveLength(2);
    expect(printer.printed[1]?.startsWith('*** ПОВТОРНАЯ ПЕЧАТЬ ***')).toBe(true);
    expect(printer.printed[1]).toContain('ОТЧЁТ О ЗАКРЫТИИ ГОЛОСОВАНИЯ');
    expect(station.service.status().interruptedPrint).toBeNull();
    expect((await reprintInterrupted(station.context, WORKER)).ok).toBe(false);
  });
});

describe('a voter\'s printouts after a printer fault', () => {
  it('prints the paper record again unmarked (a mark would single it out in the box) and the receipt marked REPRINT', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    expect(checkInVoter(station.context, WORKER, { voterId: VOTERS[0] ?? '', activation: 'kiosk' }).outcome).toBe('checked-in');
    expect((await commitBallot(station.context, { marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} }, undervoteAcknowledged: true })).ok).toBe(true);
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    expect(castBallot(station.context).ok).toBe(true);
    await station.service.whenPrintingDone();
    expect(station.service.status().interruptedPrint).toEqual({ document: 'paper-record', printerState: 'paper-out' });
    const before = printer.printed.length;
    printer.cleared();
    expect((await reprintInterrupted(station.context, WORKER)).ok).toBe(true);
    await station.service.whenPrintingDone();
    const [paper, receipt] = printer.printed.slice(before) as [string, string];
    expect(paper.startsWith('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ')).toBe(true);
    expect(paper).not.toContain('ПОВТОРНАЯ ПЕЧАТЬ');
    expect(receipt.startsWith('*** ПОВТОРНАЯ ПЕЧАТЬ ***')).toBe(true);
    expect(receipt).toContain('КВИТАНЦИЯ ИЗБИРАТЕЛЯ, ЧАСТЬ 2 ИЗ 2');
    expect(station.service.status().ballots.cast).toBe(1);
  });
});

describe('check-in', () => {
  it('checks a voter in once, records only the keyed hash, and refuses the second time', async () => {
    const station = pollStation();
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const voter = VOTERS[0] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({
      outcome: 'checked-in', precinctId: 'uik-1202', ballotStyleId: 'style-district-1', activation: 'kiosk',
    });
    expect(station.service.status().voterSession).toBe('marking');
    const entry = station.ledger.entries('pollbook', 0, station.ledger.size('pollbook')).find((e) => e.type === 'check-in');
    expect(entry).toEqual({
      type: 'check-in', v: 1, voterHash: voterHash(TEST_POLLBOOK_KEY, SAMPLE_ELECTION, voter), precinctId: 'uik-1202', ballotStyleId: 'style-district-1', activation: 'kiosk',
    });
    expect(JSON.stringify(entry)).not.toContain(normalizeVoterId(voter));

    // The voter's session ends; typed differently, it is still the same voter.
    station.service.touchVoterSession();
    const again = checkInVoter(station.context, WORKER, { voterId: ` ${voter.replace('-', ' ')} `, activation: 'kiosk' });
    expect(again).toEqual({ outcome: 'refused', reason: 'voter-session-active' });
  });

  it('remembers check-ins across a restart and refuses the same voter, other precincts and unknown ids', async () => {
    const station = pollStation();
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    expect(checkInVoter(station.context, WORKER, { voterId: VOTERS[1] ?? '', activation: 'card' }).outcome).toBe('checked-in');
    expect(station.service.status().awaitingActivationCard).toEqual({ ballotStyleId: 'style-district-1' });
    cancelCardActivation(station.context, WORKER);
    const reopened = await station.reopen({ crash: true });
    stations.push(reopened);
    expect(reopened.service.status().pollBook.checkIns).toBe(1);
    expect(checkInVoter(reopened.context, WORKER, { voterId: VOTERS[1] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'already-checked-in' });
    expect(checkInVoter(reopened.context, WORKER, { voterId: SAMPLE_VOTER_IDS['uik-1201'][0] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'other-precinct' });
    expect(checkInVoter(reopened.context, WORKER, { voterId: '9999-9999', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'not-on-voter-list' });
    expect(checkInVoter(reopened.context, WORKER, { voterId: '!', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'malformed-voter-id' });
    expect(reopened.logger.events.filter((e) => e.eventId === 'pollbook.check-in-refused').map((e) => e.fields['reason'])).toEqual([
      'already-checked-in', 'other-precinct', 'not-on-voter-list', 'malformed-voter-id',
    ]);
  });
});

describe('a new ballot for a voter whose ballot was voided', () => {
  const MARKS: BallotMarks = { selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': ['bogdanov-ilya'] }, writeIns: {} };

  function succeeded<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
    if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
    return result.value;
  }

  /** The voter marks and casts on the kiosk; the paper runs out under the paper record. */
  async function castIntoPaperOut(station: TestStation, printer: MemoryPrinter): Promise<string> {
    succeeded((await commitBallot(station.context, { marks: MARKS, undervoteAcknowledged: true })));
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    succeeded(castBallot(station.context));
    await station.service.whenPrintingDone();
    const pending = station.service.status().pendingBallots[0];
    if (pending === undefined) throw new Error('no pending ballot');
    return pending.ballotId;
  }

  async function castAndLeave(station: TestStation): Promise<void> {
    succeeded((await commitBallot(station.context, { marks: MARKS, undervoteAcknowledged: true })));
    succeeded(castBallot(station.context));
    await station.service.whenPrintingDone();
    succeeded(finishVoterSession(station.context));
  }

  const pollBookEntries = (station: TestStation) => station.ledger.entries('pollbook', 0, station.ledger.size('pollbook'));

  it('is refused to a voter who has not checked in here, for the reasons check-in has too, and records nothing', async () => {
    const station = pollStation();
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const size = station.ledger.size('pollbook');
    expect(reissueBallot(station.context, WORKER, { voterId: VOTERS[0] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'not-checked-in' });
    expect(reissueBallot(station.context, WORKER, { voterId: SAMPLE_VOTER_IDS['uik-1201'][0] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'other-precinct' });
    expect(reissueBallot(station.context, WORKER, { voterId: '9999-9999', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'not-on-voter-list' });
    expect(reissueBallot(station.context, WORKER, { voterId: '!', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'malformed-voter-id' });
    expect(station.ledger.size('pollbook')).toBe(size);
    expect(station.service.status().voterSession).toBe('none');
    const refused = station.logger.events.filter((e) => e.eventId === 'pollbook.reissue-refused');
    expect(refused.map((e) => e.fields['reason'])).toEqual(['not-checked-in', 'other-precinct', 'not-on-voter-list', 'malformed-voter-id']);
    expect(refused.every((e) => e.fields['outcome'] === 'failure' && e.fields['cardId'] === WORKER.cardId)).toBe(true);
  });

  it('is refused while every voter checked in here has a ballot cast or pending, even to a voter checked in here', async () => {
    const station = pollStation();
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const voter = VOTERS[0] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('checked-in');
    // While the voter is still at the kiosk, nothing else can be activated.
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'voter-session-active' });
    await castAndLeave(station);
    const size = station.ledger.size('pollbook');
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'every-voter-has-a-ballot' });
    expect(station.ledger.size('pollbook')).toBe(size);
    expect(station.service.status()).toMatchObject({ voterSession: 'none', pollBook: { checkIns: 1, ballotsReissued: 0 } });
    expect(station.logger.events.filter((e) => e.eventId === 'pollbook.reissue-refused').map((e) => e.fields['reason'])).toEqual(['voter-session-active', 'every-voter-has-a-ballot']);
  });

  it('after a void, issues one new ballot: one poll-book entry with the check-in\'s hash, the session as at check-in; a second is refused', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const voter = VOTERS[0] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('checked-in');
    const ballotId = await castIntoPaperOut(station, printer);
    // The printer cannot print it again: the poll worker voids it.
    expect(resolvePendingBallot(station.context, WORKER, { ballotId, outcome: 'void', reason: 'not-printed' }).ok).toBe(true);
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'already-checked-in' });

    const before = pollBookEntries(station);
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({
      outcome: 'reissued', precinctId: 'uik-1202', ballotStyleId: 'style-district-1', activation: 'kiosk',
    });
    const added = pollBookEntries(station).slice(before.length);
    const checkIn = before.find((e) => e.type === 'check-in');
    expect(added).toEqual([
      { type: 'ballot-reissued', v: 1, voterHash: voterHash(TEST_POLLBOOK_KEY, SAMPLE_ELECTION, voter), precinctId: 'uik-1202', ballotStyleId: 'style-district-1', activation: 'kiosk' },
    ]);
    expect(added[0]?.['voterHash']).toBe(checkIn?.['voterHash']);
    expect(station.service.status().voterSession).toBe('marking');
    expect(station.service.status().pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
    // The event log has no voter id and no hash, as at check-in.
    const reissued = station.logger.events.find((e) => e.eventId === 'pollbook.ballot-reissued');
    expect(reissued?.fields).toMatchObject({ cardId: WORKER.cardId, precinctId: 'uik-1202', ballotStyleId: 'style-district-1', activation: 'kiosk', outcome: 'success' });
    const eventText = JSON.stringify(station.logger.events);
    expect(eventText).not.toContain(checkIn?.['voterHash'] as string);
    expect(eventText).not.toContain(normalizeVoterId(voter));

    await castAndLeave(station);
    expect(station.service.status().ballots).toEqual({ cast: 1, challenged: 0, voided: 1 });
    // One void, one reissue: the void is replaced, here and after a restart.
    const size = station.ledger.size('pollbook');
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'every-voter-has-a-ballot' });
    const reopened = await station.reopen({ crash: true });
    stations.push(reopened);
    expect(reopened.service.status().pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
    expect(reissueBallot(reopened.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'every-voter-has-a-ballot' });
    expect(reopened.ledger.size('pollbook')).toBe(size);
  });

  it('after a crash before the cast (nothing recorded), issues the voter a new ballot; cast never exceeds check-ins', async () => {
    const station = pollStation();
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const voter = VOTERS[0] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('checked-in');
    expect(station.service.status().voterSession).toBe('marking');
    // The power goes while the voter marks: the ballot log holds nothing of theirs.
    const reopened = await station.reopen({ crash: true });
    stations.push(reopened);
    expect(reopened.service.status()).toMatchObject({ voterSession: 'none', ballots: { cast: 0, challenged: 0, voided: 0 }, pendingBallots: [] });
    expect(checkInVoter(reopened.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'already-checked-in' });
    expect(reissueBallot(reopened.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('reissued');
    await castAndLeave(reopened);
    expect(reopened.service.status().ballots.cast).toBe(1);
    // One check-in, one cast: no further ballot for anyone checked in here.
    expect(reissueBallot(reopened.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'every-voter-has-a-ballot' });
    expect(reopened.service.status().pollBook).toMatchObject({ checkIns: 1, ballotsReissued: 1 });
  });

  it('activates by card as check-in does: the station waits for the voter\'s activation card', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    const voter = VOTERS[2] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('checked-in');
    const ballotId = await castIntoPaperOut(station, printer);
    expect(resolvePendingBallot(station.context, WORKER, { ballotId, outcome: 'void', reason: 'not-printed' }).ok).toBe(true);
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'card' }).outcome).toBe('reissued');
    expect(station.service.status()).toMatchObject({ voterSession: 'none', awaitingActivationCard: { ballotStyleId: 'style-district-1' } });
    expect(pollBookEntries(station).at(-1)).toMatchObject({ type: 'ballot-reissued', activation: 'card' });
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'awaiting-activation-card' });
  });

  it('counts reissues beside check-ins on both reports and in the poll book\'s lifecycle entries', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect(await openPolls(station.context, WORKER)).toMatchObject({ ok: true });
    expect(printer.printed[0]).toMatch(/Повторно выдано бюллетеней \.+ 0\n/);
    const voter = VOTERS[0] ?? '';
    expect(checkInVoter(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('checked-in');
    const ballotId = await castIntoPaperOut(station, printer);
    expect(resolvePendingBallot(station.context, WORKER, { ballotId, outcome: 'void', reason: 'not-printed' }).ok).toBe(true);
    expect(reissueBallot(station.context, WORKER, { voterId: voter, activation: 'kiosk' }).outcome).toBe('reissued');
    await castAndLeave(station);
    expect(checkInVoter(station.context, WORKER, { voterId: VOTERS[1] ?? '', activation: 'kiosk' }).outcome).toBe('checked-in');
    await castAndLeave(station);
    expect((await closePolls(station.context, WORKER)).ok).toBe(true);

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
    expect(staff.authorize(['election-official'], 'exportEventLog')).toEqual({ ok: false, error: { kind: 'role-not-allowed', role: 'poll-worker' } });
    reader.remove();
    expect(staff.state.state).toBe('no-card');
    expect(staff.authorize(['poll-worker'], 'openPolls')).toEqual({ ok: false, error: { kind: 'not-signed-in' } });
    expect(logger.events.map((e) => e.eventId)).toEqual(expect.arrayContaining(['auth.signed-in', 'auth.signed-out', 'auth.action-refused']));
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
