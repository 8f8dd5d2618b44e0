/**
 * Casting, the voter's procedure (docs/SPEC.md §3; the printing order:
 * docs/PAPER.md): marks → checked and encrypted with a chained confirmation code
 * (ballot-commitment.ts), the receipt's first part printed → code shown → cast
 * (ballot-pending, paper record, receipt, ballot-cast) or challenge
 * (ballot-challenged, slip). A ballot that stays pending — a printer fault, a full
 * disk, a crash — is resolved by a poll worker: cast or voided.
 *
 * One file because it is one ballot's path, in order, with the failure of each
 * step next to the step (the encryption itself is in ballot-commitment.ts, the
 * print queue in printing.ts); that is why it runs past 300 lines.
 */
import type { BallotMarks } from '../../core/api/ballot';
import type { StationRefusal, SessionPhase } from '../../core/api/refusals';
import type { RefusalEventId } from '../../core/events';
import type { Language, StationStatus, VoterScreen } from '../../core/api/station-api';
import { officialLanguageOf } from '../../core/election/definition';
import type { VoidReason } from '../../core/ledger/station-entries';
import { ok, type Result } from '../../core/result';
import type { PrintDocument } from '../../hardware/printer/document';
import {
  castEntry,
  challengedEntry,
  commitBallot as commitMarks,
  pendingEntry,
  voidedEntry,
} from './ballot-commitment';
import { refuse, type StationContext } from './context';
import type { PrintFault } from './printing';
import { challengeSlip, confirmationLookup, paperRecord, receiptAfterCast, receiptBeforeChoice } from './printouts';
import type { StaffCard } from './staff-auth';
import type { StationService } from './station-service';

export type CastingDeps = Pick<StationContext, 'station' | 'logger' | 'printing' | 'random' | 'recordingRetryMs'>;

export type PendingResolution =
  { readonly outcome: 'cast' } | { readonly outcome: 'void'; readonly reason: VoidReason };

function wrongPhase(
  deps: CastingDeps,
  eventId: RefusalEventId,
  expected: readonly SessionPhase[],
): Result<never, StationRefusal> {
  return refuse(deps.logger, eventId, {
    kind: 'wrong-session-phase',
    phase: deps.station.voterSession.phase,
    expected,
  });
}

/**
 * Encrypts the marks and prints the receipt's first part (the full code, "not yet
 * cast") before the voter may cast or challenge: the station is committed on
 * paper before it learns the decision. If that part does not print, nothing was
 * recorded and the voter stays on the review screen to try again.
 */
export async function commitBallot(
  deps: CastingDeps,
  request: { readonly marks: BallotMarks; readonly undervoteAcknowledged: boolean },
): Promise<Result<VoterScreen, StationRefusal>> {
  const { station, logger } = deps;
  const session = station.voterSession;
  if (session.phase !== 'marking') return wrongPhase(deps, 'voter.commit-refused', ['marking']);
  if (station.committing) return refuse(logger, 'voter.commit-refused', { kind: 'still-committing' });
  const context = station.electionContext();
  const style = station.ballotStyle(session.ballot.ballotStyleId);
  const previousCode = station.ballotLogState().chainHead;
  if (context === null || style === undefined || previousCode === null)
    throw new Error('invariant failed: an active session without its election');
  station.voterWasActive();
  const committed = commitMarks({
    context,
    manifest: style.manifest,
    stationId: station.stationId,
    ballot: session.ballot,
    marks: request.marks,
    undervoteAcknowledged: request.undervoteAcknowledged,
    previousCode,
    random: deps.random,
  });
  if (!committed.ok) {
    const fields =
      committed.error.kind === 'invalid-marks' ? { problems: committed.error.problems.map((p) => p.problem) } : {};
    return refuse(logger, 'voter.commit-refused', committed.error, fields);
  }
  const partOne = receiptBeforeChoice({
    ballot: session.ballot,
    code: committed.value.shown,
    stationId: station.stationId,
    language: station.language,
  });
  station.committing = true;
  let printed: Result<void, PrintFault>;
  try {
    printed = await printBallotDocument(deps, partOne);
  } finally {
    station.committing = false;
  }
  // The session may have timed out, or the station closed, while the part printed.
  if (station.voterSession !== session || station.isClosed)
    return wrongPhase(deps, 'voter.commit-refused', ['marking']);
  if (!printed.ok)
    return refuse(logger, 'voter.commit-refused', {
      kind: 'printer-not-ready',
      printerState: printed.error.printerState,
    });
  station.transition({ type: 'commit', commitment: committed.value });
  return ok(station.voterScreen());
}

/**
 * Records the ballot as pending, then prints in the background; the renderer
 * follows the printing through `voterScreen()`. The ballot is cast only once
 * the printer has confirmed both printouts.
 */
export function castBallot(deps: CastingDeps): Result<VoterScreen, StationRefusal> {
  const { station } = deps;
  const session = station.voterSession;
  if (session.phase !== 'committed') return wrongPhase(deps, 'voter.cast-refused', ['committed']);
  const { commitment } = session;
  const recorded = station.append('ballots', pendingEntry(commitment));
  if (!recorded.ok) return recorded;
  const language = station.language;
  station.transition({ type: 'start-printing' });
  const ballotId = commitment.encrypted.ballotId;
  const { stationId } = station;
  const paper = paperRecord({
    ballot: session.ballot,
    marks: commitment.marks,
    stationId,
    officialLanguage: officialLanguage(station),
    voterLanguage: language,
  });
  const receipt = receiptAfterCast({
    ballot: session.ballot,
    code: commitment.shown,
    stationId,
    language,
    validatorUrls: validatorUrls(station),
  });
  const items = [
    { document: 'paper-record', receipt: paper },
    { document: 'receipt', receipt },
  ] as const;
  printInBackground(deps, async () => {
    const printed = await deps.printing.print({ kind: 'ballot', ballotId }, items, (item) => {
      if (item.document === 'receipt') station.transition({ type: 'print-receipt' });
    });
    if (!printed.ok) return printFailed(deps, printed.error);
    recordCast(deps, ballotId);
  });
  return ok(station.voterScreen());
}

function printInBackground(deps: CastingDeps, job: () => Promise<void>): void {
  const { station, logger } = deps;
  station.runPrintJob(
    job().catch((error: unknown) => {
      // A bug, not a printer fault: the ballot stays pending for the poll worker all the same.
      logger.log('ballot.print-job-crashed', { error: error instanceof Error ? error.message : String(error) });
      if (station.voterSession.phase === 'printing')
        station.transition({ type: 'print-failed', printerState: 'disconnected' });
    }),
  );
}

/** Prints one of the voter's printouts with the queue's printer; a fault is logged as the ballot's. */
async function printBallotDocument(deps: CastingDeps, receipt: PrintDocument): Promise<Result<void, PrintFault>> {
  const printed = await deps.printing.printOnce(receipt);
  if (!printed.ok) logPrintFailed(deps, printed.error);
  return printed;
}

function logPrintFailed(deps: CastingDeps, fault: PrintFault): void {
  if (fault.kind === 'no-printer') return;
  deps.logger.log('ballot.print-failed', { kind: fault.kind, state: fault.printerState, outcome: 'failure' });
}

function printFailed(deps: CastingDeps, fault: PrintFault): void {
  logPrintFailed(deps, fault);
  if (deps.station.voterSession.phase !== 'printing') return;
  deps.station.transition({ type: 'print-failed', printerState: fault.printerState });
}

function recordCast(deps: CastingDeps, ballotId: string): void {
  const { station, logger } = deps;
  if (station.isClosed) return;
  const cast = station.append('ballots', castEntry(ballotId));
  if (!cast.ok) return castNotRecorded(deps, ballotId, cast.error);
  logger.log('ballot.cast', { ballotsCast: station.ballotLogState().cast, outcome: 'success' });
  station.transition({ type: 'cast-recorded' });
}

/**
 * The paper record is in the box and the voter holds the receipt, but the log could
 * not take `ballot-cast` (a full disk). The printer is fine, so this is no print
 * failure and no reprint would help: the ballot stays pending, the voter is told it
 * waits for a poll worker, the poll worker is told the storage is full, and the
 * station tries again until the entry is written or a poll worker resolves it.
 */
function castNotRecorded(deps: CastingDeps, ballotId: string, refusal: StationRefusal): void {
  const { station, logger } = deps;
  const retryMs = deps.recordingRetryMs;
  if (station.voterSession.phase === 'printing') {
    const cause =
      refusal.kind === 'ledger-append-failed' && refusal.cause === 'disk-full' ? 'storage-full' : 'storage-error';
    station.transition({ type: 'cast-recording-failed', cause, retryEveryMs: retryMs });
    logger.log('ballot.cast-not-recorded', { cause, retryEveryMs: retryMs, outcome: 'failure' });
  }
  const waiting = (): boolean => {
    const session = station.voterSession;
    return session.phase === 'recording-failed' && session.ballotId === ballotId;
  };
  if (!waiting()) return;
  station.scheduleRecordingRetry(() => {
    if (waiting()) recordCast(deps, ballotId);
  }, retryMs);
}

/**
 * Recovery after a printer fault is cleared (a new roll, the cover closed): the
 * interrupted documents are printed again (the receipt marked REPRINT, the paper
 * record unmarked, docs/PAPER.md), and only then is the ballot cast. The voter is
 * still at the kiosk; a crash loses this memory, and the poll worker then confirms
 * or voids the pending ballot instead.
 */
export function reprintBallotDocuments(deps: CastingDeps): Result<VoterScreen, StationRefusal> {
  const { station, printing, logger } = deps;
  const session = station.voterSession;
  const interrupted =
    session.phase === 'print-failed' ? printing.find({ kind: 'ballot', ballotId: session.ballotId }) : undefined;
  if (interrupted === undefined) return refuse(logger, 'ballot.reprint-refused', { kind: 'nothing-to-reprint' });
  const printerState = printing.printerState();
  if (printerState !== 'ready' && printerState !== 'paper-near-end')
    return refuse(logger, 'ballot.reprint-refused', { kind: 'printer-not-ready', printerState });
  logger.log('ballot.reprint-started', { documents: interrupted.remaining.map((d) => d.document) });
  station.transition({ type: 'reprint' });
  const language = station.language;
  printInBackground(deps, async () => {
    const printed = await printing.reprint(interrupted, language, (item) => {
      const now = station.voterSession;
      if (now.phase === 'printing' && now.document !== item.document) station.transition({ type: 'print-receipt' });
    });
    if (!printed.ok) return printFailed(deps, printed.error);
    logger.log('ballot.reprinted', { outcome: 'success' });
    const { owner } = interrupted;
    if (owner.kind === 'ballot') recordCast(deps, owner.ballotId);
  });
  return ok(station.voterScreen());
}

/**
 * Publishes the committed ballot's plaintext and master nonce instead of casting
 * it, prints the "challenged — not counted" slip, and lets the voter mark again.
 */
export async function challengeBallot(deps: CastingDeps): Promise<Result<VoterScreen, StationRefusal>> {
  const { station, logger } = deps;
  const session = station.voterSession;
  if (session.phase !== 'committed') return wrongPhase(deps, 'voter.challenge-refused', ['committed']);
  const { commitment } = session;
  const recorded = station.append('ballots', challengedEntry(commitment));
  if (!recorded.ok) return recorded;
  logger.log('ballot.challenged', { ballotsChallenged: station.ballotLogState().challenged, outcome: 'success' });
  const slip = challengeSlip({
    ballot: session.ballot,
    marks: commitment.marks,
    code: commitment.shown,
    stationId: station.stationId,
    language: station.language,
    validatorUrls: validatorUrls(station),
  });
  const printed = await printBallotDocument(deps, slip);
  if (station.voterSession !== session) return ok(station.voterScreen());
  const [board] = validatorUrls(station);
  const lookup = board === undefined ? null : confirmationLookup(board, commitment.shown);
  station.transition({ type: 'challenge', slipPrinted: printed.ok, lookup });
  return ok(station.voterScreen());
}

export function finishVoterSession(deps: CastingDeps): Result<VoterScreen, StationRefusal> {
  if (deps.station.voterSession.phase !== 'cast') return wrongPhase(deps, 'voter.finish-refused', ['cast']);
  deps.station.transition({ type: 'finish' });
  return ok(deps.station.voterScreen());
}

/**
 * A poll worker's decision on a ballot that is pending after a print failure or
 * a crash: cast (the paper record is in the box and the voter has the receipt)
 * or void it. Either way the decision is a ledger entry.
 */
export function resolvePendingBallot(
  deps: CastingDeps,
  card: StaffCard,
  request: { readonly ballotId: string } & PendingResolution,
): Result<StationStatus, StationRefusal> {
  const { station, logger, printing } = deps;
  const { ballotId } = request;
  const log = station.ballotLogState();
  if (!log.pending.some((p) => p.ballotId === ballotId))
    return refuse(logger, 'ballot.resolve-refused', { kind: 'not-pending', ballotId });
  const session = station.voterSession;
  if (session.phase === 'printing' && session.ballotId === ballotId)
    return refuse(logger, 'ballot.resolve-refused', { kind: 'still-printing', ballotId });
  if (request.outcome === 'cast' && log.polls !== 'polls-open' && log.polls !== 'polls-paused') {
    return refuse(logger, 'ballot.resolve-refused', { kind: 'polls-not-open', polls: log.polls });
  }
  const entry = request.outcome === 'cast' ? castEntry(ballotId) : voidedEntry(ballotId, request.reason);
  const recorded = station.append('ballots', entry);
  if (!recorded.ok) return recorded;
  printing.drop({ kind: 'ballot', ballotId });
  const now = station.voterSession;
  if ((now.phase === 'print-failed' || now.phase === 'recording-failed') && now.ballotId === ballotId) {
    station.stopRecordingRetry();
    station.transition({ type: 'pending-resolved' });
  }
  // One line for the poll worker's decision; `outcome` is whether it was carried out, `resolution` what it was.
  logger.log('ballot.pending-resolved', {
    cardId: card.cardId,
    resolution: request.outcome,
    ...(request.outcome === 'void' ? { reason: request.reason } : {}),
    outcome: 'success',
  });
  return ok(station.status());
}

/** The language the election's paper records are counted in. */
function officialLanguage(station: StationService): Language {
  const loaded = station.loadedElection();
  if (loaded === null) throw new Error('invariant failed: printing a paper record without an election');
  return officialLanguageOf(loaded.definition);
}

/** The validators' addresses, where the receipt and the slip send the voter to check a code. */
function validatorUrls(station: StationService): string[] {
  return station.loadedElection()?.definition.validators.members.map((m) => m.url) ?? [];
}
