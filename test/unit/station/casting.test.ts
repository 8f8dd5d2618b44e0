/**
 * The casting pipeline on a real station (signed ledger in a temporary folder,
 * the signed sample election) with an in-memory printer: a voter marks, sees the
 * code, casts or challenges; printers fail; the station crashes and reopens.
 * Every request goes through the station's client, as the renderer's does (the
 * dispatcher's argument check, the poll worker's signed-in card, the typed
 * refusal); only the activation rules below call the procedure directly, for a
 * ballot style no check-in can ask for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import type { VoterScreen } from '../../../core/api/station-api';
import {
  parseChallengedBallot,
  parseEncryptedBallot,
  verifyBallot,
  verifyChallengedBallot,
  type ConfirmationCode,
} from '../../../core/ballot';
import { fromBase64Url } from '../../../core/encoding/bytes';
import { toBallotManifest } from '../../../core/election/manifest';
import type { LedgerEntry } from '../../../core/ledger/entries';
import { readLoadedElection } from '../../../main/election/election-store';
import { electionContextOf, stationSeed } from '../../../main/station/election-runtime';
import { MemoryPrinter } from '../../support/memory-printer';
import { POLL_WORKER, refusalOf, startTestStation, succeeded, type TestStation } from '../../support/station';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { activateVoterSession } from '../../../main/station/check-in';
import { openPolls, pausePolls } from '../../../main/station/polls';
import { waitFor } from '../../support/wait-for';

const STYLE = 'style-district-1';
/** A full ballot: yes on the charter, three of eight council seats, one of them written in. */
const FULL: BallotMarks = {
  selections: {
    'charter-amendment': ['charter-yes'],
    'council-district-1': ['bogdanov-ilya', 'ivanova-svetlana', 'write-in-1'],
  },
  writeIns: { 'council-district-1': { 'write-in-1': 'Петрова Зоя' } },
};

let stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.map((s) => s.close()));
  stations = [];
});

const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

async function votingStation(options: { printer?: MemoryPrinter; endAfterMs?: number } = {}) {
  const printer = options.printer ?? new MemoryPrinter();
  const station = startTestStation({
    stationId: 'st-unit-01',
    precinctId: 'uik-1202',
    sampleElection: true,
    ballotPrinter: printer,
    staffReader: true,
    inactivity: {
      warnAfterMs: Math.floor((options.endAfterMs ?? 60_000) / 2),
      endAfterMs: options.endAfterMs ?? 60_000,
    },
  });
  stations.push(station);
  await station.signIn();
  succeeded(await station.client.openPolls({}));
  // Opening printed the zero report (test/unit/station/poll-worker.test.ts looks at it); these tests look at the voter's printouts.
  printer.printed.length = 0;
  return { station, printer };
}

/** The poll worker checks voter `n` of the precinct in; the kiosk shows them the ballot (style-district-1). */
async function checkIn(station: TestStation, n = 0): Promise<void> {
  expect(succeeded(await station.client.checkInVoter({ voterId: VOTERS[n] ?? '', activation: 'kiosk' }))).toMatchObject(
    { ballotStyleId: STYLE },
  );
}

const commit = (station: TestStation, marks: BallotMarks, undervoteAcknowledged: boolean) =>
  station.client.commitBallot({ marks, undervoteAcknowledged });
const screenOf = async (station: TestStation) => succeeded(await station.client.getVoterSession({}));
const statusOf = async (station: TestStation) => succeeded(await station.client.getStationStatus({}));

function ballotEntries(station: TestStation): LedgerEntry[] {
  return station.ledger.entries('ballots', 0, station.ledger.size('ballots'));
}

function shownCode(screen: VoterScreen): { short: string; full: string } {
  const session = screen.session;
  if (session.phase === 'none' || session.phase === 'marking') throw new Error(`no code in phase ${session.phase}`);
  return session.code;
}

function cryptoOf(station: TestStation) {
  const loaded = succeeded(readLoadedElection(station.dataDir));
  if (!loaded) throw new Error('no election loaded');
  const manifest = succeeded(toBallotManifest(loaded.definition, STYLE));
  // Every station of these tests is st-unit-01 but one, which never verifies a ballot.
  return { context: electionContextOf(loaded), manifest, binding: { stationId: 'st-unit-01', ballotStyleId: STYLE } };
}

describe('casting a ballot', () => {
  it('records one pending then one cast entry, prints the choices and the code, and keeps no plaintext in the ledger', async () => {
    const { station, printer } = await votingStation();
    await checkIn(station);
    succeeded(await station.client.setDisplaySettings({ language: 'en', textSize: 4 }));
    const committed = succeeded(await commit(station, FULL, false));
    const code = shownCode(committed);
    expect(code.short).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    // The code is shown before anything is recorded: the ledger holds only polls-opened.
    expect(ballotEntries(station).map((e) => e.type)).toEqual(['polls-opened']);

    expect(succeeded(await station.client.castBallot({})).session.phase).toBe('printing');
    await station.service.whenPrintingDone();
    expect((await screenOf(station)).session).toMatchObject({ phase: 'cast', code });

    const entries = ballotEntries(station);
    expect(entries.map((e) => e.type)).toEqual(['polls-opened', 'ballot-pending', 'ballot-cast']);
    const [, pending, cast] = entries as [LedgerEntry, LedgerEntry, LedgerEntry];
    expect(pending['confirmationCode']).toBe(code.full);
    const ballot = succeeded(parseEncryptedBallot(pending['ballot']));
    expect(cast).toEqual({ type: 'ballot-cast', v: 1, ballotId: ballot.ballotId });
    const { context, manifest, binding } = cryptoOf(station);
    expect(verifyBallot(context, manifest, binding, ballot)).toEqual({ ok: true, value: undefined });

    // Every selection is encrypted, chosen or not; no name, no write-in, no time, no voter.
    const text = JSON.stringify(entries);
    expect(ballot.contests.flatMap((c) => c.selections.map((s) => s.selectionId))).toEqual(
      manifest.contests.flatMap((c) => c.selections),
    );
    for (const secret of ['Петрова', 'Bogdanov', 'masterNonce', 'choices', 'time', 'voter'])
      expect(text).not.toContain(secret);

    // The receipt's first part (before the choice), the paper record, the receipt's second part.
    const [partOne, paper, partTwo] = printer.printed as [string, string, string];
    expect(printer.printed).toHaveLength(3);
    expect(partOne).toContain('VOTER RECEIPT, PART 1 OF 2');
    expect(partOne).toContain('NOT YET CAST');
    expect(partOne).toContain(`[QR ${code.full}]`);
    // Counted in the official language (Russian), the English the voter used beside it.
    expect(paper).toContain('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ');
    expect(paper).toContain('(PAPER RECORD OF BALLOT)');
    expect(paper).toContain('[X] Да (Yes)');
    expect(paper).toMatch(/\[X\] Богданов Илья Петрович \(Ilya Petrovich\s+Bogdanov\)/u);
    expect(paper).toContain('[X] Вписано: Петрова Зоя (Written in: Петрова');
    // Nothing on the paper that is also in the log or on a validator.
    for (const linkable of [ballot.ballotId, code.short, code.full, '[QR']) expect(paper).not.toContain(linkable);
    expect(partTwo).toContain('VOTER RECEIPT, PART 2 OF 2');
    expect(partTwo).toContain('CAST');
    expect(partTwo).toContain(code.short);
    expect(partTwo).toContain(`/urna/v1/confirmation/${code.full}`);
    for (const receipt of [partOne, partTwo]) expect(receipt).not.toMatch(/Bogdanov|Ivanova|Петрова|Yes/);
    expect(await statusOf(station)).toMatchObject({
      ballots: { cast: 1, challenged: 0, voided: 0 },
      pendingBallots: [],
    });

    // The event log never links a ballot to its (timed) events.
    const events = JSON.stringify(station.logger.events);
    for (const secret of [ballot.ballotId, code.short, code.full, 'Петрова', 'bogdanov-ilya'])
      expect(events).not.toContain(secret);

    // The voter takes the receipt; the next voter starts from the default settings.
    expect(succeeded(await station.client.finishVoterSession({})).session).toEqual({
      phase: 'none',
      lastEnded: 'cast',
    });
    expect((await statusOf(station)).display).toEqual({ language: 'ru', textSize: 2, highContrast: false });
  });

  it('makes an overvote impossible: the marks are refused and nothing is recorded', async () => {
    const { station } = await votingStation();
    await checkIn(station);
    const overvote: BallotMarks = {
      selections: {
        'council-district-1': ['bogdanov-ilya', 'ivanova-svetlana', 'demidov-artem', 'zaitsev-roman'],
        'charter-amendment': ['charter-yes', 'charter-no'],
      },
      writeIns: {},
    };
    const refused = await commit(station, overvote, true);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(refusalOf(refused)).toMatchObject({
      kind: 'invalid-marks',
      problems: [
        { problem: 'overvote', contestId: 'charter-amendment', marked: 2, limit: 1 },
        { problem: 'overvote', contestId: 'council-district-1', marked: 4, limit: 3 },
      ],
    });
    const broken: BallotMarks[] = [
      { selections: { 'council-district-1': ['nobody'] }, writeIns: {} },
      { selections: { 'council-district-1': ['bogdanov-ilya', 'bogdanov-ilya'] }, writeIns: {} },
      { selections: { 'council-district-1': ['write-in-1'] }, writeIns: {} },
      {
        selections: { 'council-district-1': ['write-in-1'] },
        writeIns: { 'council-district-1': { 'write-in-1': '<script>' } },
      },
      { selections: {}, writeIns: { 'council-district-1': { 'write-in-1': 'Unmarked Name' } } },
      { selections: { 'council-district-3': ['kim-viktoria'] }, writeIns: {} },
    ];
    for (const marks of broken) {
      expect(refusalOf(await commit(station, marks, true))).toMatchObject({ kind: 'invalid-marks' });
    }
    expect((await screenOf(station)).session.phase).toBe('marking');
    expect(ballotEntries(station).map((e) => e.type)).toEqual(['polls-opened']);
  });

  it('allows an undervote only after the voter has seen the warning', async () => {
    const { station } = await votingStation();
    await checkIn(station);
    const partial: BallotMarks = { selections: { 'council-district-1': ['grigoryeva-olga'] }, writeIns: {} };
    expect(refusalOf(await commit(station, partial, false))).toEqual({
      kind: 'undervote-not-acknowledged',
      contestIds: ['charter-amendment', 'council-district-1'],
    });
    expect(succeeded(await commit(station, partial, true)).session.phase).toBe('committed');
  });

  it('leaves the ballot pending when the paper runs out, and the poll worker sees why', async () => {
    const printer = new MemoryPrinter();
    const { station } = await votingStation({ printer });
    await checkIn(station);
    const code = shownCode(succeeded(await commit(station, FULL, false)));
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();

    expect((await screenOf(station)).session).toMatchObject({
      phase: 'print-failed',
      document: 'paper-record',
      printerState: 'paper-out',
      code,
    });
    expect(ballotEntries(station).map((e) => e.type)).toEqual(['polls-opened', 'ballot-pending']);
    const status = await statusOf(station);
    expect(status.ballots.cast).toBe(0);
    expect(status.pendingBallots.map((p) => p.shortCode)).toEqual([code.short]);
    expect(status.pendingBallots[0]?.ballotId).toMatch(/^[0-9a-f]{32}$/);
    // No timeout hands this voter back: a poll worker has to come.
    expect(succeeded(await station.client.touchVoterSession({})).session.phase).toBe('print-failed');
    expect(refusalOf(await station.client.closePolls({}))).toMatchObject({ kind: 'voter-session-active' });

    const ballotId = status.pendingBallots[0]?.ballotId ?? '';
    succeeded(await station.client.resolvePendingBallot({ ballotId, outcome: 'void', reason: 'not-printed' }));
    expect((await screenOf(station)).session).toEqual({ phase: 'none', lastEnded: 'resolved-by-poll-worker' });
    expect(await statusOf(station)).toMatchObject({ ballots: { cast: 0, voided: 1 }, pendingBallots: [] });
    expect(ballotEntries(station).at(-1)).toEqual({ type: 'ballot-voided', v: 1, ballotId, reason: 'not-printed' });
  });

  it('logs what happened to each request once, with its outcome: a failed print, a refused and a carried-out resolution', async () => {
    const printer = new MemoryPrinter();
    const { station } = await votingStation({ printer });
    await checkIn(station);
    succeeded(await commit(station, FULL, false));
    printer.failNext({ kind: 'print-failed', status: { state: 'paper-out' } });
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();
    const ballotId = (await statusOf(station)).pendingBallots[0]?.ballotId ?? '';
    const events = (id: string) => station.logger.events.filter((e) => e.eventId === id).map((e) => e.fields);
    expect(events('ballot.print-failed')).toEqual([{ kind: 'print-failed', state: 'paper-out', outcome: 'failure' }]);

    expect(
      refusalOf(await station.client.resolvePendingBallot({ ballotId: 'not-a-ballot', outcome: 'cast' })),
    ).toMatchObject({ kind: 'not-pending' });
    expect(events('ballot.resolve-refused')).toEqual([{ reason: 'not-pending', outcome: 'failure' }]);

    succeeded(await station.client.resolvePendingBallot({ ballotId, outcome: 'void', reason: 'not-printed' }));
    // One line for the poll worker's decision (it was two, and `outcome` held the decision, not whether it was carried out).
    const resolved = station.logger.events.filter((e) => e.eventId.startsWith('ballot.pending-resolved'));
    expect(resolved).toEqual([
      {
        eventId: 'ballot.pending-resolved',
        fields: { cardId: POLL_WORKER.cardId, resolution: 'void', reason: 'not-printed', outcome: 'success' },
      },
    ]);
    expect(JSON.stringify(station.logger.events)).not.toContain(ballotId);
  });

  it('logs a cast and a challenge as carried-out voter requests', async () => {
    const { station } = await votingStation();
    await checkIn(station);
    succeeded(await commit(station, FULL, false));
    succeeded(await station.client.challengeBallot({}));
    succeeded(await commit(station, FULL, false));
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();
    const outcomes = station.logger.events
      .filter((e) => e.eventId === 'ballot.challenged' || e.eventId === 'ballot.cast')
      .map((e) => [e.eventId, e.fields['outcome']]);
    expect(outcomes).toEqual([
      ['ballot.challenged', 'success'],
      ['ballot.cast', 'success'],
    ]);
  });

  it('after a crash between ballot-pending and ballot-cast, shows the pending ballot and counts it at most once', async () => {
    const printer = new MemoryPrinter();
    const { station } = await votingStation({ printer });
    await checkIn(station);
    const code = shownCode(succeeded(await commit(station, FULL, false)));
    printer.hang();
    succeeded(await station.client.castBallot({}));
    stations = stations.filter((s) => s !== station);

    const restarted = await station.reopen({ crash: true, ballotPrinter: new MemoryPrinter() });
    stations.push(restarted);
    await restarted.signIn();
    const status = await statusOf(restarted);
    expect(status.pollsState).toBe('polls-open');
    expect(status.pendingBallots.map((p) => p.shortCode)).toEqual([code.short]);
    expect(status.voterSession).toBe('none');
    expect(restarted.logger.events.map((e) => e.eventId)).toContain('station.pending-ballots-recovered');

    const ballotId = status.pendingBallots[0]?.ballotId ?? '';
    succeeded(await restarted.client.resolvePendingBallot({ ballotId, outcome: 'cast' }));
    expect(refusalOf(await restarted.client.resolvePendingBallot({ ballotId, outcome: 'cast' }))).toEqual({
      kind: 'not-pending',
      ballotId,
    });
    expect(
      await restarted.client.resolvePendingBallot({ ballotId, outcome: 'void', reason: 'voter-left' }),
    ).toMatchObject({ ok: false });
    const types = ballotEntries(restarted).map((e) => e.type);
    expect(types.filter((t) => t === 'ballot-cast')).toHaveLength(1);
    expect((await statusOf(restarted)).ballots.cast).toBe(1);

    // The chain continues from the recovered ballot's code.
    await checkIn(restarted, 1);
    succeeded(await commit(restarted, FULL, false));
    succeeded(await restarted.client.challengeBallot({}));
    const challenged = ballotEntries(restarted).at(-1) as LedgerEntry;
    const { context, manifest, binding } = cryptoOf(restarted);
    const opened = verifyChallengedBallot(
      context,
      manifest,
      binding,
      succeeded(parseEncryptedBallot(challenged['ballot'])),
      succeeded(parseChallengedBallot(challenged['challenge'])),
      {
        previous: fromBase64Url(code.full) as ConfirmationCode,
        printed: fromBase64Url(challenged['confirmationCode'] as string) as ConfirmationCode,
      },
    );
    expect(opened.ok).toBe(true);
  });

  it('publishes a challenged ballot so that anyone can recompute it and its code; the voter then casts', async () => {
    const { station, printer } = await votingStation();
    await checkIn(station);
    const first = shownCode(succeeded(await commit(station, FULL, false)));
    const again = succeeded(await station.client.challengeBallot({}));
    expect(again.session).toMatchObject({
      phase: 'marking',
      challenged: {
        shortCode: first.short,
        slipPrinted: true,
        lookup: expect.stringContaining(`/urna/v1/confirmation/${first.full}`) as unknown,
      },
    });
    // The screen shows the same lookup the slip prints.
    if (again.session.phase !== 'marking' || !again.session.challenged?.lookup) throw new Error('no lookup shown');
    expect(printer.printed[1]).toContain(again.session.challenged.lookup);
    // The code was on paper, not yet cast, before the challenge; then the slip says where to check it.
    expect(printer.printed).toHaveLength(2);
    expect(printer.printed[0]).toContain('ГОЛОС ЕЩЁ НЕ ПОДАН');
    expect(printer.printed[0]).toContain(first.full);
    expect(printer.printed[1]).toContain('ПРОВЕРЕННЫЙ БЮЛЛЕТЕНЬ: НЕ УЧИТЫВАЕТСЯ');
    expect(printer.printed[1]).toContain(first.short);
    expect(printer.printed[1]).toMatch(new RegExp(`\\[QR https?://[^\\]]+/urna/v1/confirmation/${first.full}\\]`, 'u'));

    const challenged = ballotEntries(station).at(-1) as LedgerEntry;
    expect(challenged.type).toBe('ballot-challenged');
    const record = succeeded(parseChallengedBallot(challenged['challenge']));
    expect(record.choices).toEqual({
      'charter-amendment': ['charter-yes'],
      'council-district-1': ['bogdanov-ilya', 'ivanova-svetlana', 'write-in-1'],
    });
    const { context, manifest, binding } = cryptoOf(station);
    const seed = stationSeed(context, 'st-unit-01');
    expect(
      verifyChallengedBallot(
        context,
        manifest,
        binding,
        succeeded(parseEncryptedBallot(challenged['ballot'])),
        record,
        {
          previous: seed,
          printed: fromBase64Url(first.full) as ConfirmationCode,
        },
      ),
    ).toEqual({ ok: true, value: undefined });
    // A wrong claim about the plaintext does not recompute.
    const lie = { ...record, choices: { ...record.choices, 'charter-amendment': ['charter-no' as never] } };
    expect(
      verifyChallengedBallot(context, manifest, binding, succeeded(parseEncryptedBallot(challenged['ballot'])), lie).ok,
    ).toBe(false);

    const second = shownCode(succeeded(await commit(station, FULL, false)));
    expect(second.full).not.toBe(first.full);
    succeeded(await station.client.castBallot({}));
    await station.service.whenPrintingDone();
    expect(ballotEntries(station).map((e) => e.type)).toEqual([
      'polls-opened',
      'ballot-challenged',
      'ballot-pending',
      'ballot-cast',
    ]);
    expect((await statusOf(station)).ballots).toEqual({ cast: 1, challenged: 1, voided: 0 });
  });

  it('hands an idle session back to the poll worker without casting, and resets the settings', async () => {
    const { station } = await votingStation({ endAfterMs: 60 });
    await checkIn(station);
    succeeded(await station.client.setDisplaySettings({ highContrast: true }));
    succeeded(await commit(station, FULL, false));
    await waitFor(async () => (await screenOf(station)).session.phase === 'none', {
      what: 'the idle session to end',
      timeout: 10_000,
    });
    expect((await screenOf(station)).session).toEqual({ phase: 'none', lastEnded: 'timed-out' });
    expect((await statusOf(station)).display.highContrast).toBe(false);
    expect(ballotEntries(station).map((e) => e.type)).toEqual(['polls-opened']);
  });

  it('activates a session only while the polls are open, for a ballot style of the election', async () => {
    const station = startTestStation({
      stationId: 'st-unit-02',
      sampleElection: true,
      ballotPrinter: new MemoryPrinter(),
    });
    stations.push(station);
    expect((await statusOf(station)).pollsState).toBe('polls-closed-initial');
    expect((await statusOf(station)).electionBaseHash).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(activateVoterSession(station.context, { ballotStyleId: STYLE })).toMatchObject({
      ok: false,
      error: { kind: 'polls-not-open' },
    });
    succeeded(await openPolls(station.context, POLL_WORKER));
    expect(activateVoterSession(station.context, { ballotStyleId: 'style-nowhere' })).toMatchObject({
      ok: false,
      error: { kind: 'unknown-ballot-style' },
    });
    succeeded(activateVoterSession(station.context, { ballotStyleId: STYLE }));
    expect(activateVoterSession(station.context, { ballotStyleId: STYLE })).toMatchObject({
      ok: false,
      error: { kind: 'voter-session-active' },
    });
    expect(pausePolls(station.context, POLL_WORKER)).toMatchObject({
      ok: false,
      error: { kind: 'voter-session-active' },
    });
    // Both logs record the lifecycle, each with its own count: ballots cast here, check-ins in the poll book.
    expect(station.ledger.entries('ballots', 0, 1)).toEqual([{ type: 'polls-opened', v: 1, ballotsCast: 0 }]);
    expect(station.ledger.entries('pollbook', 0, 1)).toEqual([
      { type: 'pollbook-opened', v: 2, checkIns: 0, ballotsReissued: 0 },
    ]);
  });
});
