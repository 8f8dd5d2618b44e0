/**
 * The polls: setup → polls closed (initial) → open ⇄ paused → closed (final), by
 * the one transition table (core/record/ballot-log-rules.ts), with the reports
 * printed on opening and closing. Every transition after setup is recorded in both
 * logs, each with its own entry and its own counts so the logs share no counter: a
 * polls-* entry with the count of cast ballots in the ballot log (the record the
 * state is recovered from after a restart), a pollbook-* entry with the counts of
 * check-ins and reissued ballots in the poll book. Validators check both
 * (validator/checks.ts).
 */
import type { StationRefusal } from '../../core/api/refusals';
import type { ReportKind, StationStatus } from '../../core/api/station-api';
import { shortConfirmationCode } from '../../core/api/ballot';
import { toBase64Url } from '../../core/encoding/bytes';
import type { LogKind } from '../../core/ids';
import type { LifecycleStep, LifecycleEntry, PollBookLifecycleEntry } from '../../core/ledger/entries';
import { nextPollsState, type PollsState, type PollsTransition } from '../../core/record/ballot-log-rules';
import { err, ok, type Result } from '../../core/result';
import type { PrintDocument } from '../../hardware/printer/document';
import type { LoadedElection } from '../election/election-store';
import { describeLedgerError } from '../ledger/store';
import { refuse, type StationContext } from './context';
import { cancelCardActivation } from './check-in';
import { pollsReport, type ReportedLogHead } from './reports';
import type { StaffCard } from './staff-auth';

export type PollsTransitionRefusal = Extract<StationRefusal, { readonly kind: 'polls-transition-not-allowed' }>;

/** The station's reducer: the core table's next state, or why the request is refused. */
export function pollsReducer(
  state: PollsState,
  transition: PollsTransition,
): Result<PollsState, PollsTransitionRefusal> {
  const next = nextPollsState(state, transition);
  return next === undefined ? err({ kind: 'polls-transition-not-allowed', from: state, transition }) : ok(next);
}

/** The ballot log's entry for a lifecycle step, with the count of cast ballots before it. */
export function pollsEntry(step: LifecycleStep, ballotsCast: number): LifecycleEntry {
  return { type: `polls-${step}`, v: 1, ballotsCast };
}

/** What the poll book holds: the counts its lifecycle entries state. */
export type PollBookCounts = { readonly checkIns: number; readonly ballotsReissued: number };

/** The poll book's record of the same step: its own counts, nothing from the ballot log. */
export function pollBookEntry(step: LifecycleStep, counts: PollBookCounts): PollBookLifecycleEntry {
  const { checkIns, ballotsReissued } = counts;
  return { type: `pollbook-${step}`, v: 2, checkIns, ballotsReissued };
}

type PollsDeps = Pick<StationContext, 'station' | 'ledger' | 'logger' | 'pollBook' | 'printing'>;

/**
 * Setup: a verified election package was stored; the station leaves setup for
 * "polls closed (initial)". Only from setup, where no ballot can exist.
 */
export function enterElection(
  deps: Pick<StationContext, 'station' | 'logger'>,
  loaded: LoadedElection,
): Result<PollsState, StationRefusal> {
  const { station, logger } = deps;
  if (station.loadedElection() !== null || station.polls !== 'setup')
    return refuse(logger, 'election.load-refused', { kind: 'election-already-loaded' });
  const next = pollsReducer(station.polls, 'election-loaded');
  if (!next.ok) return refuse(logger, 'election.load-refused', next.error);
  // The caller logs the official's request (election.loaded-from-media); the new state is implied by it.
  station.enterElection(loaded, next.value);
  return ok(next.value);
}

/** A lifecycle step: recorded in the ballot log (the record the state is recovered from) first, then in the poll book. */
function takeStep(deps: PollsDeps, step: LifecycleStep): Result<PollsState, StationRefusal> {
  const { station, ledger, logger, pollBook } = deps;
  if (station.loadedElection() === null) return refuse(logger, 'polls.transition-refused', { kind: 'no-election' });
  const from = station.polls;
  const next = pollsReducer(from, step);
  if (!next.ok) return refuse(logger, 'polls.transition-refused', next.error);
  const recorded = station.append('ballots', pollsEntry(step, station.ballotLogState().cast));
  if (!recorded.ok) return recorded;
  const mirrored = ledger.append('pollbook', pollBookEntry(step, pollBook));
  if (!mirrored.ok)
    logger.log('polls.pollbook-append-failed', {
      entry: `pollbook-${step}`,
      reason: describeLedgerError(mirrored.error),
    });
  // The procedure logs the poll worker's request once (polls.opened, …), from and to the states it names.
  return ok(station.polls);
}

/**
 * Opening is refused over any ballot already in the log: a zero report must be
 * true, and a ballot recorded before the polls opened has no place in them.
 */
export async function openPolls(deps: PollsDeps, card: StaffCard): Promise<Result<StationStatus, StationRefusal>> {
  const { station, logger } = deps;
  const log = station.ballotLogState();
  const recorded = log.cast + log.challenged + log.voided + log.pending.length;
  if (recorded > 0) return refuse(logger, 'polls.open-refused', { kind: 'ballots-already-recorded', count: recorded });
  const opened = takeStep(deps, 'opened');
  if (!opened.ok) return opened;
  logger.log('polls.opened', { cardId: card.cardId, outcome: 'success' });
  await printReport(deps, 'zero-report', card);
  return ok(station.status());
}

export function pausePolls(deps: PollsDeps, card: StaffCard): Result<StationStatus, StationRefusal> {
  const { station, logger } = deps;
  const phase = station.voterSession.phase;
  if (phase !== 'none') return refuse(logger, 'polls.pause-refused', { kind: 'voter-session-active', phase });
  const paused = takeStep(deps, 'paused');
  if (!paused.ok) return paused;
  logger.log('polls.paused', { cardId: card.cardId, outcome: 'success' });
  return ok(station.status());
}

export function resumePolls(deps: PollsDeps, card: StaffCard): Result<StationStatus, StationRefusal> {
  const resumed = takeStep(deps, 'resumed');
  if (!resumed.ok) return resumed;
  deps.logger.log('polls.resumed', { cardId: card.cardId, outcome: 'success' });
  return ok(deps.station.status());
}

/** Closing is final: refused while a voter is at the kiosk or a ballot still waits for a poll worker. */
export async function closePolls(deps: PollsDeps, card: StaffCard): Promise<Result<StationStatus, StationRefusal>> {
  const { station, logger } = deps;
  if (station.awaitingCard !== null) cancelCardActivation(deps, card);
  const phase = station.voterSession.phase;
  if (phase !== 'none') return refuse(logger, 'polls.close-refused', { kind: 'voter-session-active', phase });
  const pending = station.ballotLogState().pending.length;
  if (pending > 0) return refuse(logger, 'polls.close-refused', { kind: 'ballots-pending', count: pending });
  const closed = takeStep(deps, 'closed');
  if (!closed.ok) return closed;
  logger.log('polls.closed', { cardId: card.cardId, outcome: 'success' });
  await printReport(deps, 'closing-report', card);
  return ok(station.status());
}

function reportReceipt(deps: PollsDeps, kind: ReportKind, card: StaffCard): PrintDocument {
  const { station, ledger, pollBook } = deps;
  const loaded = station.loadedElection();
  if (loaded === null) throw new Error('invariant failed: a polls report without an election');
  const log = station.ballotLogState();
  const language = station.language;
  const head = (log: LogKind): ReportedLogHead => ({ size: ledger.size(log), rootHash: ledger.rootHash(log) });
  const anyBallot = log.cast + log.challenged + log.voided + log.pending.length > 0;
  const code =
    anyBallot && log.chainHead !== null
      ? { short: shortConfirmationCode(log.chainHead), full: toBase64Url(log.chainHead) }
      : null;
  return pollsReport({
    kind,
    language,
    electionTitle: loaded.definition.title[language],
    electionBaseHash: loaded.baseHashForDisplay,
    stationId: station.stationId,
    stationVerifierKey: ledger.verifierKey,
    precinctId: pollBook.precinctId,
    heads: { ballots: head('ballots'), pollbook: head('pollbook') },
    ballots: { cast: log.cast, challenged: log.challenged, voided: log.voided, pending: log.pending.length },
    checkIns: pollBook.checkIns,
    ballotsReissued: pollBook.ballotsReissued,
    lastConfirmationCode: code,
    cardId: card.cardId,
    printedAt: new Date(),
  });
}

/** Prints a report; a printer fault keeps it as an interrupted print, for a REPRINT once fixed (printing.ts). */
async function printReport(deps: PollsDeps, kind: ReportKind, card: StaffCard): Promise<void> {
  const receipt = reportReceipt(deps, kind, card);
  // One report waits for a reprint at a time: the newer one replaces it.
  for (const job of deps.printing.pending()) if (job.owner.kind === 'report') deps.printing.drop(job.owner);
  const printed = await deps.printing.print({ kind: 'report', report: kind }, [{ document: kind, receipt }]);
  if (printed.ok) {
    deps.logger.log('report.printed', { report: kind, outcome: 'success' });
    return;
  }
  deps.logger.log('report.print-failed', {
    report: kind,
    printerState: printed.error.printerState,
    outcome: 'failure',
  });
}
