/**
 * The station service: the main-process owner of the station's state. The
 * renderer only ever sees what `status()` and `voterScreen()` return; the
 * station key, the ledger, the devices and the voter's encryption secrets stay
 * here.
 *
 * It runs the polls lifecycle (polls.ts), the voter session (voter-session.ts)
 * and the casting pipeline: marks → checked and encrypted with a chained
 * confirmation code (casting.ts) → code shown → cast (ballot-pending, paper
 * record, receipt, ballot-cast) or challenge (ballot-challenged, slip). Each
 * ledger append is one SQLite transaction; the in-memory ballot-log state is the
 * same fold over the same entries that recovery runs on open (ballot-log.ts).
 */
import type { BallotView, LocalizedText } from '../../core/api/ballot';
import { shortConfirmationCode, type BallotMarks } from '../../core/api/ballot';
import type {
  DeviceStatus,
  DisplaySettings,
  InactivityTimeouts,
  Language,
  PollsState,
  PrintedDocument,
  RecordingFailedView,
  StationStatus,
  VoterScreen,
} from '../../core/api/station-api';
import {
  confirmationSeed,
  createElectionContext,
  GroupElement,
  systemRandom,
  type BallotManifest,
  type ConfirmationCode,
  type ElectionContext,
  type RandomSource,
} from '../../core/ballot';
import { toHex } from '../../core/encoding/bytes';
import { officialLanguageOf } from '../../core/election/definition';
import { electionExtendedBaseHash } from '../../core/election/package';
import { toBallotManifest } from '../../core/election/manifest';
import type { LogKind, StationId } from '../../core/ids';
import type { LedgerEntry } from '../../core/ledger/entries';
import type { VoidReason } from '../../core/ledger/station-entries';
import type { EventLogger } from '../../core/logging';
import { err, ok, type Result } from '../../core/result';
import type { PrintConfirmation, PrintFailure } from '../../hardware/printer/receipt-printer';
import type { Receipt } from '../../hardware/printer/receipt';
import type { PrinterStatus } from '../../hardware/printer/status';
import type { LoadedElection } from '../election/election-store';
import { describeLedgerError, type AppendError, type AppendReceipt } from '../ledger/store';
import { ballotViewFor } from './ballot-view';
import { foldBallotLogEntry, initialBallotLogState, type BallotLogState } from './ballot-log';
import { castEntry, challengedEntry, commitBallot, pendingEntry, voidedEntry, type CommitRefusal } from './casting';
import { logPollsTransition, pollBookEntry, pollsEntry, pollsReducer, type PollBookCounts, type PollsAction } from './polls';
import { challengeSlip, paperRecord, receiptAfterCast, receiptBeforeChoice } from './printouts';
import {
  awaitsVoter,
  logVoterSessionTransition,
  NO_SESSION,
  toVoterSessionView,
  voterSessionReducer,
  type VoterSession,
  type VoterSessionAction,
} from './voter-session';

/** What the status screen needs of the ledger: how long each log is. */
export interface LedgerSizes {
  size(log: LogKind): number;
}

/** What the station writes to: the signed ledger (main/ledger/store.ts). */
export interface StationLedger extends LedgerSizes {
  append(log: LogKind, entry: LedgerEntry): Result<AppendReceipt, AppendError>;
}

/** Any device driver, reduced to what the poll worker is shown. */
export interface DeviceStatusSource {
  status(): DeviceStatus;
}

/** The receipt printer as the casting pipeline uses it (hardware/printer/receipt-printer.ts). */
export interface BallotPrinter {
  print(receipt: Receipt): Promise<Result<PrintConfirmation, PrintFailure>>;
  getStatus(): PrinterStatus;
}

/** A device slot with nothing configured: shown honestly as such. */
export const notConfiguredDevice: DeviceStatusSource = {
  status: () => ({ state: 'not-configured', ready: false, port: null }),
};

export const DEFAULT_INACTIVITY: InactivityTimeouts = { warnAfterMs: 90_000, endAfterMs: 120_000 };

export type StationServiceDeps = {
  readonly stationId: string;
  readonly mode: 'demo' | 'production';
  readonly ledger: StationLedger;
  readonly printer: DeviceStatusSource;
  readonly cardReader: DeviceStatusSource;
  readonly logger: EventLogger;
  /** The verified election package from the data folder, if one is loaded. */
  readonly election?: LoadedElection | null;
  /** Why the package on disk was refused, for the status screen. */
  readonly electionProblem?: LocalizedText | null;
  /** The ballot log as recovered when the station opened. */
  readonly ballotLog?: BallotLogState;
  /** The poll book's check-ins and reissues so far: the counts its own lifecycle entries carry. */
  readonly pollBook: PollBookCounts;
  readonly ballotPrinter?: BallotPrinter | null;
  readonly inactivity?: InactivityTimeouts;
  /** The CSPRNG; tests may pass a deterministic one. */
  readonly random?: RandomSource;
  /** How often a printed ballot whose `ballot-cast` could not be written (a full disk) is tried again. */
  readonly recordingRetryMs?: number;
};

export const DEFAULT_RECORDING_RETRY_MS = 5_000;

export const DEFAULT_DISPLAY: DisplaySettings = { language: 'ru', textSize: 1, highContrast: false };

/** Why the station refused a request: each one is something a person can cause. */
export type StationRefusal =
  | { readonly kind: 'no-election' }
  | { readonly kind: 'polls-transition-not-allowed'; readonly from: PollsState; readonly action: PollsAction['type'] }
  | { readonly kind: 'polls-not-open'; readonly polls: PollsState }
  | { readonly kind: 'voter-session-active'; readonly phase: VoterSession['phase'] }
  | { readonly kind: 'ballots-pending'; readonly count: number }
  | { readonly kind: 'unknown-ballot-style'; readonly ballotStyleId: string }
  | { readonly kind: 'wrong-session-phase'; readonly phase: VoterSession['phase']; readonly expected: readonly VoterSession['phase'][] }
  | CommitRefusal
  | { readonly kind: 'not-pending'; readonly ballotId: string }
  | { readonly kind: 'still-printing'; readonly ballotId: string }
  /** The receipt's first part for this voter's commit is still printing. */
  | { readonly kind: 'still-committing' }
  | { readonly kind: 'ledger-append-failed'; readonly reason: string; readonly cause: AppendError['kind'] }
  | { readonly kind: 'ballots-already-recorded'; readonly count: number }
  | { readonly kind: 'election-already-loaded' }
  | { readonly kind: 'nothing-to-reprint' }
  | { readonly kind: 'printer-not-ready'; readonly printerState: string }
  | { readonly kind: 'package-refused'; readonly codes: readonly string[] };

/** The station's own part of the status; the poll-worker desk adds sign-in, poll book, reports and sync. */
export type BaseStationStatus = Omit<
  StationStatus,
  'staff' | 'pollBook' | 'awaitingActivationCard' | 'interruptedPrint' | 'selfTest' | 'packageSource' | 'sync'
>;

/** The paper record and receipt of a pending ballot whose printing a printer fault interrupted. */
type InterruptedBallotPrint = {
  readonly ballotId: string;
  /** What is still to print, first the one that failed. */
  readonly documents: readonly { readonly document: PrintedDocument; readonly receipt: Receipt }[];
};

/** Everything the ballot cryptography needs about the loaded election. */
type ElectionRuntime = {
  readonly loaded: LoadedElection;
  readonly context: ElectionContext;
};

export type PendingResolution = { readonly outcome: 'cast' } | { readonly outcome: 'void'; readonly reason: VoidReason };

export class StationService {
  private display: DisplaySettings = DEFAULT_DISPLAY;
  private ballotLog: BallotLogState;
  private session: VoterSession = NO_SESSION;
  private election: ElectionRuntime | null;
  private interruptedBallotPrint: InterruptedBallotPrint | null = null;
  private readonly manifests = new Map<string, { manifest: BallotManifest; view: BallotView }>();
  private readonly inactivity: InactivityTimeouts;
  private readonly random: RandomSource;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private recordingRetry: NodeJS.Timeout | undefined;
  private printJob: Promise<void> = Promise.resolve();
  private closed = false;
  /** A commit is printing the receipt's first part; a second commit waits its turn. */
  private committing = false;

  constructor(private readonly deps: StationServiceDeps) {
    this.election = deps.election ? electionRuntime(deps.election) : null;
    this.ballotLog = deps.ballotLog ?? initialBallotLogState(this.election ? stationSeed(this.election.context, deps.stationId) : null);
    this.inactivity = deps.inactivity ?? DEFAULT_INACTIVITY;
    this.random = deps.random ?? systemRandom;
  }

  // ---- what the screens see -------------------------------------------------------

  status(): BaseStationStatus {
    return {
      stationId: this.deps.stationId,
      mode: this.deps.mode,
      electionBaseHash: this.election?.loaded.baseHashForDisplay ?? null,
      electionProblem: this.deps.electionProblem ?? null,
      pollsState: this.ballotLog.polls,
      printer: this.deps.printer.status(),
      cardReader: this.deps.cardReader.status(),
      ledger: {
        ballots: { size: this.deps.ledger.size('ballots') },
        pollbook: { size: this.deps.ledger.size('pollbook') },
      },
      display: this.display,
      ballots: { cast: this.ballotLog.cast, challenged: this.ballotLog.challenged, voided: this.ballotLog.voided },
      pendingBallots: this.ballotLog.pending.map((p) => ({ ballotId: p.ballotId, shortCode: shortConfirmationCode(p.confirmationCode) })),
      voterSession: this.session.phase,
      recordingFailed: this.recordingFailed(),
    };
  }

  private recordingFailed(): RecordingFailedView | null {
    const session = this.session;
    if (session.phase !== 'recording-failed') return null;
    return { cause: session.cause, shortCode: session.code.short, retryEveryMs: session.retryEveryMs };
  }

  voterScreen(): VoterScreen {
    return { pollsState: this.ballotLog.polls, display: this.display, session: toVoterSessionView(this.session, this.inactivity) };
  }

  setDisplaySettings(change: Partial<DisplaySettings>): DisplaySettings {
    const next: DisplaySettings = { ...this.display, ...definedOnly(change) };
    if (next.language !== this.display.language || next.textSize !== this.display.textSize || next.highContrast !== this.display.highContrast) {
      this.deps.logger.log('display.settings-changed', { from: this.display, to: next });
      this.display = next;
    }
    this.voterWasActive();
    return this.display;
  }

  // ---- the polls ----------------------------------------------------------------------

  /**
   * Opening is refused over any ballot already in the log: a zero report must be
   * true, and a ballot recorded before the polls opened has no place in them.
   */
  openPolls(): Result<PollsState, StationRefusal> {
    const recorded = this.ballotLog.cast + this.ballotLog.challenged + this.ballotLog.voided + this.ballotLog.pending.length;
    if (recorded > 0) return this.refuse('polls.open-refused', { kind: 'ballots-already-recorded', count: recorded });
    return this.pollsTransition({ type: 'open' });
  }

  /** The loaded election, for the poll-worker desk (reports, check-in, self-test). */
  loadedElection(): LoadedElection | null {
    return this.election?.loaded ?? null;
  }

  /** The ballot-log state (counts, chain head, pending ballots): never any choice. */
  ballotLogState(): BallotLogState {
    return this.ballotLog;
  }

  /**
   * Setup: an election package was verified and stored; the station leaves setup
   * for "polls closed (initial)". Only from setup, where no ballot can exist.
   */
  electionLoaded(loaded: LoadedElection): Result<PollsState, StationRefusal> {
    if (this.election !== null || this.ballotLog.polls !== 'setup') return this.refuse('election.load-refused', { kind: 'election-already-loaded' });
    const runtime = electionRuntime(loaded);
    const next = pollsReducer(this.ballotLog.polls, { type: 'election-loaded' });
    if (!next.ok) return this.refuse('election.load-refused', next.error);
    this.election = runtime;
    this.manifests.clear();
    this.ballotLog = { ...initialBallotLogState(stationSeed(runtime.context, this.deps.stationId)), polls: next.value };
    logPollsTransition(this.deps.logger, 'setup', next.value, { type: 'election-loaded' });
    return ok(next.value);
  }

  pausePolls(): Result<PollsState, StationRefusal> {
    if (this.session.phase !== 'none') return this.refuse('polls.pause-refused', { kind: 'voter-session-active', phase: this.session.phase });
    return this.pollsTransition({ type: 'pause' });
  }

  resumePolls(): Result<PollsState, StationRefusal> {
    return this.pollsTransition({ type: 'resume' });
  }

  /** Closing is final: refused while a voter is at the kiosk or a ballot still waits for a poll worker. */
  closePolls(): Result<PollsState, StationRefusal> {
    if (this.session.phase !== 'none') return this.refuse('polls.close-refused', { kind: 'voter-session-active', phase: this.session.phase });
    if (this.ballotLog.pending.length > 0) return this.refuse('polls.close-refused', { kind: 'ballots-pending', count: this.ballotLog.pending.length });
    return this.pollsTransition({ type: 'close' });
  }

  private pollsTransition(action: PollsAction): Result<PollsState, StationRefusal> {
    if (this.election === null) return this.refuse('polls.transition-refused', { kind: 'no-election' });
    const from = this.ballotLog.polls;
    const next = pollsReducer(from, action);
    if (!next.ok) return this.refuse('polls.transition-refused', next.error);
    const entry = pollsEntry(action, this.ballotLog.cast);
    const pollBook = pollBookEntry(action, this.deps.pollBook);
    if (entry !== null) {
      // The ballot log is the record the state is recovered from, so it goes first.
      const recorded = this.append('ballots', entry);
      if (!recorded.ok) return recorded;
    }
    if (pollBook !== null) {
      const mirrored = this.deps.ledger.append('pollbook', pollBook);
      if (!mirrored.ok) this.deps.logger.log('polls.pollbook-append-failed', { entry: pollBook.type, reason: describeLedgerError(mirrored.error) });
    }
    logPollsTransition(this.deps.logger, from, this.ballotLog.polls, action);
    return ok(this.ballotLog.polls);
  }

  // ---- the voter session ----------------------------------------------------------

  /**
   * Starts a one-time voting session for a checked-in voter. Not part of the
   * renderer's API: a poll worker's check-in (issue 8) or reissue calls it.
   */
  activateVoterSession(request: { readonly ballotStyleId: string }): Result<VoterScreen, StationRefusal> {
    if (this.election === null) return this.refuse('voter.activation-refused', { kind: 'no-election' });
    if (this.ballotLog.polls !== 'polls-open') return this.refuse('voter.activation-refused', { kind: 'polls-not-open', polls: this.ballotLog.polls });
    if (this.session.phase !== 'none') return this.refuse('voter.activation-refused', { kind: 'voter-session-active', phase: this.session.phase });
    const style = this.ballotStyle(request.ballotStyleId);
    if (style === undefined) return this.refuse('voter.activation-refused', { kind: 'unknown-ballot-style', ballotStyleId: request.ballotStyleId });
    this.resetDisplay();
    this.transition({ type: 'activate', sessionId: toHex(this.random(8)), ballot: style.view });
    return ok(this.voterScreen());
  }

  /**
   * Encrypts the marks and prints the receipt's first part (the full code, "not yet
   * cast") before the voter may cast or challenge: the station is committed on
   * paper before it learns the decision. If that part does not print, nothing was
   * recorded and the voter stays on the review screen to try again.
   */
  async commitBallot(request: { readonly marks: BallotMarks; readonly undervoteAcknowledged: boolean }): Promise<Result<VoterScreen, StationRefusal>> {
    const session = this.session;
    if (session.phase !== 'marking') return this.wrongPhase('voter.commit-refused', ['marking']);
    if (this.committing) return this.refuse('voter.commit-refused', { kind: 'still-committing' });
    const election = this.election;
    const style = this.ballotStyle(session.ballot.ballotStyleId);
    const previousCode = this.ballotLog.chainHead;
    if (election === null || style === undefined || previousCode === null) throw new Error('invariant failed: an active session without its election');
    this.voterWasActive();
    const committed = commitBallot({
      context: election.context,
      manifest: style.manifest,
      stationId: this.deps.stationId,
      ballot: session.ballot,
      marks: request.marks,
      undervoteAcknowledged: request.undervoteAcknowledged,
      previousCode,
      random: this.random,
    });
    if (!committed.ok) {
      const fields = committed.error.kind === 'invalid-marks' ? { problems: committed.error.problems.map((p) => p.problem) } : {};
      return this.refuse('voter.commit-refused', committed.error, fields);
    }
    const partOne = receiptBeforeChoice({ ballot: session.ballot, code: committed.value.shown, stationId: this.deps.stationId, language: this.display.language });
    this.committing = true;
    let printed: Result<void, string>;
    try {
      printed = await this.print(partOne);
    } finally {
      this.committing = false;
    }
    // The session may have timed out, or the station closed, while the part printed.
    if (this.session !== session || this.closed) return this.wrongPhase('voter.commit-refused', ['marking']);
    if (!printed.ok) return this.refuse('voter.commit-refused', { kind: 'printer-not-ready', printerState: printed.error });
    this.transition({ type: 'commit', commitment: committed.value });
    return ok(this.voterScreen());
  }

  /**
   * Records the ballot as pending, then prints in the background; the renderer
   * follows the printing through `voterScreen()`. The ballot is cast only once
   * the printer has confirmed both printouts.
   */
  castBallot(): Result<VoterScreen, StationRefusal> {
    const session = this.session;
    if (session.phase !== 'committed') return this.wrongPhase('voter.cast-refused', ['committed']);
    const { commitment } = session;
    const recorded = this.append('ballots', pendingEntry(commitment));
    if (!recorded.ok) return recorded;
    const language = this.display.language;
    this.transition({ type: 'start-printing' });
    const ballotId = commitment.encrypted.ballotId;
    const { stationId } = this.deps;
    const paper = paperRecord({ ballot: session.ballot, marks: commitment.marks, stationId, officialLanguage: this.officialLanguage(), voterLanguage: language });
    const receipt = receiptAfterCast({ ballot: session.ballot, code: commitment.shown, stationId, language, validatorUrls: this.validatorUrls() });
    this.printJob = this.printAndCast(ballotId, paper, receipt).catch((error: unknown) => {
      // A bug, not a printer fault: the ballot stays pending for the poll worker all the same.
      this.deps.logger.log('ballot.print-job-crashed', { error: error instanceof Error ? error.message : String(error) });
      if (this.session.phase === 'printing') this.transition({ type: 'print-failed', printerState: 'disconnected' });
    });
    return ok(this.voterScreen());
  }

  private async printAndCast(ballotId: string, paper: Receipt, receipt: Receipt): Promise<void> {
    const paperPrinted = await this.print(paper);
    if (!paperPrinted.ok) {
      this.interruptedBallotPrint = { ballotId, documents: [{ document: 'paper-record', receipt: paper }, { document: 'receipt', receipt }] };
      return this.printFailed(paperPrinted.error);
    }
    this.transition({ type: 'print-receipt' });
    const receiptPrinted = await this.print(receipt);
    if (!receiptPrinted.ok) {
      this.interruptedBallotPrint = { ballotId, documents: [{ document: 'receipt', receipt }] };
      return this.printFailed(receiptPrinted.error);
    }
    return this.recordCast(ballotId);
  }

  private recordCast(ballotId: string): void {
    if (this.closed) return;
    const cast = this.append('ballots', castEntry(ballotId));
    if (!cast.ok) return this.castNotRecorded(ballotId, cast.error);
    this.deps.logger.log('ballot.cast', { ballotsCast: this.ballotLog.cast });
    this.transition({ type: 'cast-recorded' });
  }

  /**
   * The paper record is in the box and the voter holds the receipt, but the log could
   * not take `ballot-cast` (a full disk). The printer is fine, so this is no print
   * failure and no reprint would help: the ballot stays pending, the voter is told it
   * waits for a poll worker, the poll worker is told the storage is full, and the
   * station tries again until the entry is written or a poll worker resolves it.
   */
  private castNotRecorded(ballotId: string, refusal: StationRefusal): void {
    const retryMs = this.deps.recordingRetryMs ?? DEFAULT_RECORDING_RETRY_MS;
    if (this.session.phase === 'printing') {
      const cause = refusal.kind === 'ledger-append-failed' && refusal.cause === 'disk-full' ? 'storage-full' : 'storage-error';
      this.transition({ type: 'cast-recording-failed', cause, retryEveryMs: retryMs });
      this.deps.logger.log('ballot.cast-not-recorded', { cause, retryEveryMs: retryMs });
    }
    if (this.session.phase !== 'recording-failed' || this.session.ballotId !== ballotId) return;
    this.recordingRetry = setTimeout(() => {
      this.recordingRetry = undefined;
      if (this.session.phase === 'recording-failed' && this.session.ballotId === ballotId) this.recordCast(ballotId);
    }, retryMs);
    this.recordingRetry.unref();
  }

  private stopRecordingRetry(): void {
    if (this.recordingRetry !== undefined) clearTimeout(this.recordingRetry);
    this.recordingRetry = undefined;
  }

  private async print(receipt: Receipt): Promise<Result<void, string>> {
    const printer = this.deps.ballotPrinter;
    if (!printer) return err('disconnected');
    const printed = await printer.print(receipt);
    if (printed.ok) return ok();
    const failure = printed.error;
    this.deps.logger.log('ballot.print-failed', { kind: failure.kind, state: 'status' in failure ? failure.status.state : printer.getStatus().state });
    return err('status' in failure ? failure.status.state : printer.getStatus().state);
  }

  private printFailed(printerState: string): void {
    if (this.session.phase !== 'printing') return;
    this.transition({ type: 'print-failed', printerState });
  }

  /** What a printer fault interrupted while printing a voter's documents, if it is still pending. */
  interruptedBallotDocument(): { readonly document: PrintedDocument; readonly printerState: string } | null {
    const interrupted = this.interruptedBallotPrint;
    const session = this.session;
    if (interrupted === null || session.phase !== 'print-failed' || session.ballotId !== interrupted.ballotId) return null;
    const first = interrupted.documents[0];
    return first ? { document: first.document, printerState: session.printerState } : null;
  }

  /**
   * Recovery after a printer fault is cleared (a new roll, the cover closed): the
   * interrupted documents are printed again (the receipt marked REPRINT, the paper
   * record unmarked, docs/PAPER.md), and only then is the
   * ballot cast. The voter is still at the kiosk; a crash loses this memory, and
   * the poll worker then confirms or voids the pending ballot instead.
   */
  reprintBallotDocuments(markReprint: (receipt: Receipt) => Receipt): Result<VoterScreen, StationRefusal> {
    const interrupted = this.interruptedBallotPrint;
    const session = this.session;
    if (interrupted === null || session.phase !== 'print-failed' || session.ballotId !== interrupted.ballotId) {
      return this.refuse('ballot.reprint-refused', { kind: 'nothing-to-reprint' });
    }
    const printerState = this.deps.ballotPrinter?.getStatus().state ?? 'disconnected';
    if (printerState !== 'ready' && printerState !== 'paper-near-end') return this.refuse('ballot.reprint-refused', { kind: 'printer-not-ready', printerState });
    this.deps.logger.log('ballot.reprint-started', { documents: interrupted.documents.map((d) => d.document) });
    this.transition({ type: 'reprint' });
    this.printJob = this.reprintAndCast(interrupted, markReprint).catch((error: unknown) => {
      this.deps.logger.log('ballot.print-job-crashed', { error: error instanceof Error ? error.message : String(error) });
      if (this.session.phase === 'printing') this.transition({ type: 'print-failed', printerState: 'disconnected' });
    });
    return ok(this.voterScreen());
  }

  private async reprintAndCast(interrupted: InterruptedBallotPrint, markReprint: (receipt: Receipt) => Receipt): Promise<void> {
    let remaining = interrupted.documents;
    while (remaining.length > 0) {
      const [next, ...rest] = remaining as [(typeof remaining)[number], ...(typeof remaining)[number][]];
      if (this.session.phase === 'printing' && this.session.document !== next.document) this.transition({ type: 'print-receipt' });
      // The paper record goes into the box unmarked: a REPRINT on it would pick it out
      // among the others, and the reprint is in the event log with its time.
      const printed = await this.print(next.document === 'paper-record' ? next.receipt : markReprint(next.receipt));
      if (!printed.ok) {
        this.interruptedBallotPrint = { ballotId: interrupted.ballotId, documents: remaining };
        return this.printFailed(printed.error);
      }
      remaining = rest;
    }
    this.interruptedBallotPrint = null;
    this.deps.logger.log('ballot.reprinted', {});
    this.recordCast(interrupted.ballotId);
  }

  /** Waits for a running print job (tests, and an orderly shutdown). */
  async whenPrintingDone(): Promise<void> {
    await this.printJob;
  }

  /**
   * Publishes the committed ballot's plaintext and master nonce instead of casting
   * it, prints the "challenged — not counted" slip, and lets the voter mark again.
   */
  async challengeBallot(): Promise<Result<VoterScreen, StationRefusal>> {
    const session = this.session;
    if (session.phase !== 'committed') return this.wrongPhase('voter.challenge-refused', ['committed']);
    const { commitment } = session;
    const recorded = this.append('ballots', challengedEntry(commitment));
    if (!recorded.ok) return recorded;
    this.deps.logger.log('ballot.challenged', { ballotsChallenged: this.ballotLog.challenged });
    const slip = challengeSlip({
      ballot: session.ballot,
      marks: commitment.marks,
      code: commitment.shown,
      stationId: this.deps.stationId,
      language: this.display.language,
      validatorUrls: this.validatorUrls(),
    });
    const printed = await this.print(slip);
    if (this.session !== session) return ok(this.voterScreen());
    this.transition({ type: 'challenge', slipPrinted: printed.ok });
    return ok(this.voterScreen());
  }

  touchVoterSession(): VoterScreen {
    this.voterWasActive();
    return this.voterScreen();
  }

  finishVoterSession(): Result<VoterScreen, StationRefusal> {
    if (this.session.phase !== 'cast') return this.wrongPhase('voter.finish-refused', ['cast']);
    this.transition({ type: 'finish' });
    return ok(this.voterScreen());
  }

  /**
   * A poll worker's decision on a ballot that is pending after a print failure or
   * a crash: cast (the paper record is in the box and the voter has the receipt)
   * or void it. Either way the decision is a ledger entry.
   */
  resolvePendingBallot(request: { readonly ballotId: string } & PendingResolution): Result<BaseStationStatus, StationRefusal> {
    const { ballotId } = request;
    if (!this.ballotLog.pending.some((p) => p.ballotId === ballotId)) return this.refuse('ballot.resolve-refused', { kind: 'not-pending', ballotId });
    if (this.session.phase === 'printing' && this.session.ballotId === ballotId) {
      return this.refuse('ballot.resolve-refused', { kind: 'still-printing', ballotId });
    }
    if (request.outcome === 'cast' && this.ballotLog.polls !== 'polls-open' && this.ballotLog.polls !== 'polls-paused') {
      return this.refuse('ballot.resolve-refused', { kind: 'polls-not-open', polls: this.ballotLog.polls });
    }
    const entry = request.outcome === 'cast' ? castEntry(ballotId) : voidedEntry(ballotId, request.reason);
    const recorded = this.append('ballots', entry);
    if (!recorded.ok) return recorded;
    if (this.interruptedBallotPrint?.ballotId === ballotId) this.interruptedBallotPrint = null;
    this.deps.logger.log('ballot.pending-resolved', { outcome: request.outcome, ...(request.outcome === 'void' ? { reason: request.reason } : {}) });
    if ((this.session.phase === 'print-failed' || this.session.phase === 'recording-failed') && this.session.ballotId === ballotId) {
      this.stopRecordingRetry();
      this.transition({ type: 'pending-resolved' });
    }
    return ok(this.status());
  }

  /** Stops the inactivity timer and waits for a print job; the station is closing. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopInactivityTimer();
    this.stopRecordingRetry();
    await this.printJob;
  }

  // ---- internals ------------------------------------------------------------------------

  private transition(action: VoterSessionAction): void {
    const before = this.session;
    const after = voterSessionReducer(before, action);
    this.session = after;
    logVoterSessionTransition(this.deps.logger, before, after, action);
    // Settings belong to one voter: the next one starts from the defaults.
    if (after.phase === 'none' && before.phase !== 'none') this.resetDisplay();
    if (awaitsVoter(after)) this.startInactivityTimer();
    else this.stopInactivityTimer();
  }

  private voterWasActive(): void {
    if (awaitsVoter(this.session)) this.startInactivityTimer();
  }

  private startInactivityTimer(): void {
    this.stopInactivityTimer();
    if (this.closed) return;
    this.inactivityTimer = setTimeout(() => this.inactivityExpired(), this.inactivity.endAfterMs);
    this.inactivityTimer.unref();
  }

  private stopInactivityTimer(): void {
    if (this.inactivityTimer !== undefined) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = undefined;
  }

  private inactivityExpired(): void {
    this.inactivityTimer = undefined;
    if (!awaitsVoter(this.session)) return;
    // The session is handed back to the poll worker: nothing is cast, and a
    // committed ballot's secrets are dropped with the session.
    this.deps.logger.log('voter.session-timed-out', { phase: this.session.phase });
    this.transition({ type: 'time-out' });
  }

  private resetDisplay(): void {
    if (this.display === DEFAULT_DISPLAY) return;
    this.deps.logger.log('display.settings-reset', {});
    this.display = DEFAULT_DISPLAY;
  }

  private ballotStyle(ballotStyleId: string): { manifest: BallotManifest; view: BallotView } | undefined {
    const cached = this.manifests.get(ballotStyleId);
    if (cached !== undefined || this.election === null) return cached;
    const definition = this.election.loaded.definition;
    const manifest = toBallotManifest(definition, ballotStyleId);
    const view = ballotViewFor(definition, ballotStyleId);
    if (!manifest.ok || view === undefined) return undefined;
    const style = { manifest: manifest.value, view };
    this.manifests.set(ballotStyleId, style);
    return style;
  }

  /** Appends to the ledger and folds the entry into the ballot-log state; a failure changes nothing. */
  private append(log: LogKind, entry: LedgerEntry): Result<AppendReceipt, StationRefusal> {
    const appended = this.deps.ledger.append(log, entry);
    if (!appended.ok) {
      const reason = describeLedgerError(appended.error);
      this.deps.logger.log('ledger.append-failed', { log, entry: entry.type, reason });
      return err({ kind: 'ledger-append-failed', reason, cause: appended.error.kind });
    }
    if (log === 'ballots') this.ballotLog = foldBallotLogEntry(this.ballotLog, entry);
    return appended;
  }

  private refuse(eventId: `${string}.${string}`, refusal: StationRefusal, fields: Record<string, unknown> = {}): Result<never, StationRefusal> {
    const { kind } = refusal;
    this.deps.logger.log(eventId, { reason: kind, ...('phase' in refusal ? { phase: refusal.phase } : {}), ...fields });
    return err(refusal);
  }

  /** The language the election's paper records are counted in. */
  private officialLanguage(): Language {
    if (this.election === null) throw new Error('invariant failed: printing a paper record without an election');
    return officialLanguageOf(this.election.loaded.definition);
  }

  /** The validators' addresses, where the receipt and the slip send the voter to check a code. */
  private validatorUrls(): string[] {
    return this.election?.loaded.definition.validators.members.map((m) => m.url) ?? [];
  }

  private wrongPhase(eventId: `${string}.${string}`, expected: readonly VoterSession['phase'][]): Result<never, StationRefusal> {
    return this.refuse(eventId, { kind: 'wrong-session-phase', phase: this.session.phase, expected });
  }
}

function electionRuntime(loaded: LoadedElection): ElectionRuntime {
  const jointKey = GroupElement.fromBase64Url(loaded.definition.guardians.jointPublicKey);
  if (!jointKey.ok) throw new Error('invariant failed: a verified election has a malformed joint key');
  return { loaded, context: createElectionContext(electionExtendedBaseHash(loaded.definition), jointKey.value) };
}

/** The first link of this station's confirmation-code chain. */
export function stationSeed(context: ElectionContext, stationId: string): ConfirmationCode {
  return confirmationSeed(context.extendedBaseHash, stationId as StationId);
}

/** The ballot cryptography's view of a loaded election. */
export function electionContextOf(loaded: LoadedElection): ElectionContext {
  return electionRuntime(loaded).context;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
