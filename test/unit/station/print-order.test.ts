/**
 * The commitment is on paper before the choice (docs/PAPER.md). On a real
 * station, voters go through the renderer's API (`dispatchStationCall`, where
 * Electron IPC ends): one casts, one challenges and then casts, one casts in
 * English. One timeline records every printout and the moment each cast or
 * challenge decision reaches the station's handlers. For every ballot, the
 * receipt's first part with its full code, marked not yet cast, was printed
 * before that ballot's decision arrived; what the decision prints comes after.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import type { ApiResult, Language, VoterScreen } from '../../../core/api/station-api';
import type { Result } from '../../../core/result';
import type { PrinterFault } from '../../../hardware/printer/printer';
import type { PrintDocument } from '../../../hardware/printer/document';
import { dispatchStationCall, type StationApiHandlers } from '../../../main/api/dispatch';
import { MemoryPrinter, receiptText } from '../../support/memory-printer';
import { refusalOf, startTestStation, succeeded, type TestStation } from '../../support/station';

const MARKS: BallotMarks = {
  selections: { 'charter-amendment': ['charter-no'], 'council-district-1': ['grigoryeva-olga'] },
  writeIns: {},
};
const NOT_YET_CAST: Record<Language, string> = { ru: 'ГОЛОС ЕЩЁ НЕ ПОДАН', en: 'NOT YET CAST' };

type Moment =
  | { readonly kind: 'printed'; readonly text: string }
  | { readonly kind: 'decision'; readonly decision: 'castBallot' | 'challengeBallot' };

/** The in-memory printer, writing each printout into the shared timeline as it prints. */
class TimelinePrinter extends MemoryPrinter {
  constructor(private readonly timeline: Moment[]) {
    super();
  }

  override async print(receipt: PrintDocument): Promise<Result<{ readonly jobId: string }, PrinterFault>> {
    const printed = await super.print(receipt);
    if (printed.ok) this.timeline.push({ kind: 'printed', text: receiptText(receipt) });
    return printed;
  }
}

/** The station's handlers, writing into the timeline the moment a decision reaches them. */
function decisionsRecorded(handlers: StationApiHandlers, timeline: Moment[]): StationApiHandlers {
  return {
    ...handlers,
    castBallot: (args, context) => {
      timeline.push({ kind: 'decision', decision: 'castBallot' });
      return handlers.castBallot(args, context);
    },
    challengeBallot: (args, context) => {
      timeline.push({ kind: 'decision', decision: 'challengeBallot' });
      return handlers.challengeBallot(args, context);
    },
  };
}

const stations: TestStation[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.close()));
});

/** A station with the sample election whose poll worker has signed in and opened the polls. */
async function openStation(stationId: string, printer: MemoryPrinter): Promise<TestStation> {
  const station = startTestStation({
    stationId,
    sampleElection: true,
    precinctId: 'uik-1202',
    ballotPrinter: printer,
    staffReader: true,
  });
  stations.push(station);
  await station.signIn();
  succeeded(await station.client.openPolls({}));
  return station;
}

async function checkIn(station: TestStation, voterId: string): Promise<void> {
  expect(succeeded(await station.client.checkInVoter({ voterId, activation: 'kiosk' })).outcome).toBe('checked-in');
}

function screenOf(result: ApiResult<unknown>): VoterScreen {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value as VoterScreen;
}

function codeOf(screen: VoterScreen): { short: string; full: string } {
  const session = screen.session;
  if (session.phase !== 'committed') throw new Error(`no code shown in phase ${session.phase}`);
  return session.code;
}

describe('the confirmation code on paper before the choice', () => {
  it("prints each ballot's full code, NOT YET CAST, before its cast or challenge decision reaches the station", async () => {
    const timeline: Moment[] = [];
    const station = await openStation('st-order-01', new TimelinePrinter(timeline));
    const handlers = decisionsRecorded(station.handlers, timeline);
    const call = (method: string, args: unknown = {}) =>
      dispatchStationCall(handlers, station.logger, method, args, { origin: 'renderer' });

    const plan: { readonly language: Language; readonly decisions: readonly ('castBallot' | 'challengeBallot')[] }[] = [
      { language: 'ru', decisions: ['castBallot'] },
      { language: 'ru', decisions: ['challengeBallot', 'castBallot'] },
      { language: 'en', decisions: ['castBallot'] },
    ];
    const ballots: { code: { short: string; full: string }; language: Language; decision: string }[] = [];
    for (const [i, voter] of plan.entries()) {
      await checkIn(station, `1202-000${i + 1}`);
      screenOf(await call('setDisplaySettings', { language: voter.language }));
      for (const decision of voter.decisions) {
        const code = codeOf(screenOf(await call('commitBallot', { marks: MARKS, undervoteAcknowledged: true })));
        ballots.push({ code, language: voter.language, decision });
        screenOf(await call(decision));
        await station.service.whenPrintingDone();
      }
      screenOf(await call('finishVoterSession'));
    }

    expect(ballots).toHaveLength(4);
    const decisions = timeline.flatMap((m, at) => (m.kind === 'decision' ? [at] : []));
    expect(decisions).toHaveLength(ballots.length);
    for (const [n, ballot] of ballots.entries()) {
      const decidedAt = decisions[n] ?? -1;
      const partOneAt = timeline.findIndex(
        (m) =>
          m.kind === 'printed' && m.text.includes(ballot.code.full) && m.text.includes(NOT_YET_CAST[ballot.language]),
      );
      expect(partOneAt, `ballot ${ballot.code.short}: its code printed before the decision`).toBeGreaterThanOrEqual(0);
      expect(partOneAt, `ballot ${ballot.code.short}: its code printed before the decision`).toBeLessThan(decidedAt);
      // Nothing is printed between the code and the decision; the decision's printouts follow it.
      expect(timeline.slice(partOneAt + 1, decidedAt)).toEqual([]);
      const printedAfter = timeline.slice(decidedAt + 1).flatMap((m) => (m.kind === 'printed' ? [m.text] : []));
      if (ballot.decision === 'challengeBallot') {
        expect(printedAfter[0]).toContain(`/urna/v1/confirmation/${ballot.code.full}`);
      } else {
        expect(printedAfter[0]).toContain('БУМАЖНАЯ КОПИЯ БЮЛЛЕТЕНЯ');
        expect(printedAfter[1]).toContain(ballot.code.short);
        expect(printedAfter[1]).toContain(`/urna/v1/confirmation/${ballot.code.full}`);
      }
    }
  });

  it('shows no code and records nothing when the first part cannot print; once the printer is back it does', async () => {
    const timeline: Moment[] = [];
    const printer = new TimelinePrinter(timeline);
    const station = await openStation('st-order-02', printer);
    await checkIn(station, '1202-0001');
    const ballotsBefore = station.ledger.size('ballots');

    printer.failNext({ kind: 'not-ready', status: { state: 'paper-out' } });
    const refused = await station.client.commitBallot({ marks: MARKS, undervoteAcknowledged: true });
    expect(refusalOf(refused)).toEqual({ kind: 'printer-not-ready', printerState: 'paper-out' });
    expect(succeeded(await station.client.getVoterSession({})).session.phase).toBe('marking');
    expect(station.ledger.size('ballots')).toBe(ballotsBefore);
    expect(refusalOf(await station.client.castBallot({}))).toMatchObject({
      kind: 'wrong-session-phase',
      phase: 'marking',
    });

    const code = codeOf(succeeded(await station.client.commitBallot({ marks: MARKS, undervoteAcknowledged: true })));
    expect(timeline.at(-1)).toMatchObject({ kind: 'printed', text: expect.stringContaining(code.full) as unknown });
  });
});
