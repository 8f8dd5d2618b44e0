/**
 * Poll-worker scenarios on a real station (signed sample election, signed
 * ledger) with an in-memory printer, and the sign-in state machine with a fake
 * card reader: what the poll worker does and what the station refuses.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { normalizeVoterId, voterHash } from '../../../core/election/pollbook';
import { err, ok, type Result } from '../../../core/result';
import type { AuthenticatedCard, CardFailure } from '../../../hardware/card-reader/card-reader';
import type { CardCertificate, CardRole } from '../../../hardware/card-reader/card-data';
import type { CardReaderStatus } from '../../../hardware/card-reader/status';
import { MemoryEventLogger } from '../../../main/logging';
import { StaffAuth, staffAuthReducer, type StaffCardReader } from '../../../main/station/staff-auth';
import { SAMPLE_ELECTION, TEST_POLLBOOK_KEY } from '../../support/election';
import { pendingBallotFromAnotherStation } from '../../support/foreign-ballot';
import { MemoryPrinter } from '../../support/memory-printer';
import { startTestStation, type TestStation } from '../../support/station';

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
    const opened = await station.desk.openPolls(WORKER);
    expect(opened).toEqual({ ok: false, error: { kind: 'ballots-already-recorded', count: 1 } });
    expect(station.service.status().pollsState).toBe('polls-closed-initial');
    expect(station.logger.events.find((e) => e.eventId === 'polls.open-refused')?.fields).toMatchObject({ reason: 'ballots-already-recorded' });
    expect(printer.printed).toEqual([]);
  });

  it('prints the zero report on opening; a failed closing report is kept and reprinted marked REPRINT', async () => {
    const printer = new MemoryPrinter();
    const station = pollStation(printer);
    expect((await station.desk.openPolls(WORKER)).ok).toBe(true);
    expect(printer.printed).toHaveLength(1);
    expect(printer.printed[0]).toContain('НУЛЕВОЙ ОТЧЁТ');
    printer.failNext({ kind: 'not-ready', status: { state: 'cover-open' } } as never);
    expect((await station.desk.closePolls(WORKER)).ok).toBe(true);
    expect(station.desk.status().interruptedPrint).toEqual({ document: 'closing-report', printerState: 'cover-open' });
    expect((await station.desk.reprintInterrupted(WORKER)).ok).toBe(true);
    expect(printer.printed).toHaveLength(2);
    expect(printer.printed[1]?.startsWith('*** ПОВТОРНАЯ ПЕЧАТЬ ***')).toBe(true);
    expect(printer.printed[1]).toContain('ОТЧЁТ О ЗАКРЫТИИ ГОЛОСОВАНИЯ');
    expect(station.desk.status().interruptedPrint).toBeNull();
    expect((await station.desk.reprintInterrupted(WORKER)).ok).toBe(false);
  });
});

describe('check-in', () => {
  it('checks a voter in once, records only the keyed hash, and refuses the second time', async () => {
    const station = pollStation();
    await station.desk.openPolls(WORKER);
    const voter = VOTERS[0] ?? '';
    expect(station.desk.checkInVoter(WORKER, { voterId: voter, activation: 'kiosk' })).toEqual({
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
    const again = station.desk.checkInVoter(WORKER, { voterId: ` ${voter.replace('-', ' ')} `, activation: 'kiosk' });
    expect(again).toEqual({ outcome: 'refused', reason: 'voter-session-active' });
  });

  it('remembers check-ins across a restart and refuses the same voter, other precincts and unknown ids', async () => {
    const station = pollStation();
    await station.desk.openPolls(WORKER);
    expect(station.desk.checkInVoter(WORKER, { voterId: VOTERS[1] ?? '', activation: 'card' }).outcome).toBe('checked-in');
    expect(station.desk.status().awaitingActivationCard).toEqual({ ballotStyleId: 'style-district-1' });
    station.desk.cancelCardActivation(WORKER);
    const reopened = await station.reopen({ crash: true });
    stations.push(reopened);
    expect(reopened.desk.status().pollBook.checkIns).toBe(1);
    expect(reopened.desk.checkInVoter(WORKER, { voterId: VOTERS[1] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'already-checked-in' });
    expect(reopened.desk.checkInVoter(WORKER, { voterId: SAMPLE_VOTER_IDS['uik-1201'][0] ?? '', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'other-precinct' });
    expect(reopened.desk.checkInVoter(WORKER, { voterId: '9999-9999', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'not-on-voter-list' });
    expect(reopened.desk.checkInVoter(WORKER, { voterId: '!', activation: 'kiosk' })).toEqual({ outcome: 'refused', reason: 'malformed-voter-id' });
    expect(reopened.logger.events.filter((e) => e.eventId === 'pollbook.check-in-refused').map((e) => e.fields['reason'])).toEqual([
      'already-checked-in', 'other-precinct', 'not-on-voter-list', 'malformed-voter-id',
    ]);
  });
});

/** A card reader whose slot and card a test controls. */
class FakeReader implements StaffCardReader {
  status: CardReaderStatus = { state: 'no-card' };
  card: { cardId: string; role: CardRole; pin: string; genuine: boolean; tries: number } | null = null;
  private readonly listeners = new Set<(status: CardReaderStatus) => void>();

  getStatus(): CardReaderStatus {
    return this.status;
  }
  onStatusChange(listener: (status: CardReaderStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(status: CardReaderStatus): void {
    this.status = status;
    for (const l of this.listeners) l(status);
  }
  insert(card: NonNullable<FakeReader['card']>): void {
    this.card = card;
    this.set({ state: 'card-present' });
  }
  remove(): void {
    this.card = null;
    this.set({ state: 'no-card' });
  }
  identifyCard(): Promise<Result<CardCertificate, CardFailure>> {
    const card = this.card;
    if (!card) return Promise.resolve(err({ kind: 'no-card' }));
    return Promise.resolve(ok({ cardId: card.cardId, role: card.role, publicKey: new Uint8Array(32), issuerKeyId: '00000000' }));
  }
  authenticate(input: { pin: string }): Promise<Result<AuthenticatedCard, CardFailure>> {
    const card = this.card;
    if (!card) return Promise.resolve(err({ kind: 'no-card' }));
    if (card.tries === 0) return Promise.resolve(err({ kind: 'card-locked' }));
    if (input.pin !== card.pin) {
      card.tries -= 1;
      return Promise.resolve(err({ kind: 'wrong-pin', remaining: card.tries }));
    }
    card.tries = 3;
    if (!card.genuine) return Promise.resolve(err({ kind: 'card-not-genuine', cardId: card.cardId }));
    return Promise.resolve(ok({ certificate: { cardId: card.cardId, role: card.role, publicKey: new Uint8Array(32), issuerKeyId: '00000000' } }));
  }
}

describe('sign-in', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function auth(idleSignOutMs = 60_000) {
    const reader = new FakeReader();
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
