/**
 * The station's state, owned by the main process: the ballot-log fold, the voter
 * session, the display settings, the timers, and what a check-in or a self-test
 * left behind. The renderer only ever sees what `status()` and `voterScreen()`
 * return; the station key, the ledger, the devices and the voter's encryption
 * secrets stay here.
 *
 * What a person does with the station is a procedure in its own file: the polls
 * (polls.ts), casting (casting.ts), printing and reprinting (printing.ts),
 * check-in (check-in.ts), setup (setup.ts), the event-log export (export.ts).
 * Each ledger append is one SQLite transaction; the in-memory ballot-log state is
 * the same fold over the same entries that recovery runs on open (ballot-log.ts).
 * Its dependencies and defaults are in station-deps.ts, the election's
 * cryptographic context in election-runtime.ts; what is left is state and its
 * timers, just over 300 lines.
 */
import type { BallotView } from '../../core/api/ballot';
import { electionRuntime, stationSeed, type ElectionRuntime } from './election-runtime';
import { DEFAULT_DISPLAY, DEFAULT_INACTIVITY, inactivityFor, type StationServiceDeps } from './station-deps';
import { shortConfirmationCode } from '../../core/api/ballot';
import type { StationRefusal } from '../../core/api/refusals';
import {
  DEFAULT_AUDIO_SETTINGS,
  DEFAULT_PANEL_DPI,
  type AudioSettings,
  type DisplaySettings,
  type InactivityTimeouts,
  type InterruptedPrintView,
  type PollsState,
  type RecordingFailedView,
  type SelfTestView,
  type StationStatus,
  type VoterScreen,
} from '../../core/api/station-api';
import { type BallotManifest, type ElectionContext } from '../../core/ballot';
import { toBallotManifest } from '../../core/election/manifest';
import type { LogKind } from '../../core/ids';
import type { StationEntry } from '../../core/ledger/station-entries';
import { err, type Result } from '../../core/result';
import type { LoadedElection } from '../election/election-store';
import { describeLedgerError, type AppendReceipt } from '../ledger/store';
import { ballotViewFor } from '../../core/election/ballot-view';
import { foldBallotLogEntry, initialBallotLogState, type BallotLogState } from './ballot-log';
import {
  awaitsVoter,
  logVoterSessionTransition,
  NO_SESSION,
  toVoterSessionView,
  voterSessionReducer,
  type VoterSession,
  type VoterSessionAction,
} from './voter-session';

export class StationService {
  private display: DisplaySettings = DEFAULT_DISPLAY;
  private audio: AudioSettings = DEFAULT_AUDIO_SETTINGS;
  private ballotLog: BallotLogState;
  private session: VoterSession = NO_SESSION;
  private election: ElectionRuntime | null;
  private readonly manifests = new Map<string, { manifest: BallotManifest; view: BallotView }>();
  readonly inactivity: InactivityTimeouts;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private recordingRetry: NodeJS.Timeout | undefined;
  private printJob: Promise<void> = Promise.resolve();
  private closed = false;
  /** A commit is printing the receipt's first part; a second commit waits its turn. */
  committing = false;
  /** A check-in chose activation by card: the ballot style it waits to activate, and whether with the audio ballot. */
  awaitingCard: { readonly ballotStyleId: string; readonly audio: boolean } | null = null;
  /** Activation tokens burnt on this station: each activates once. */
  readonly burntTokens = new Set<string>();
  /** The last self-test. */
  selfTest: SelfTestView | null = null;

  constructor(private readonly deps: StationServiceDeps) {
    this.election = deps.election ? electionRuntime(deps.election) : null;
    this.ballotLog =
      deps.ballotLog ??
      initialBallotLogState(this.election ? stationSeed(this.election.context, deps.stationId) : null);
    this.inactivity = deps.inactivity ?? DEFAULT_INACTIVITY;
  }

  // ---- what the screens see -------------------------------------------------------

  status(): StationStatus {
    const { pollBook } = this.deps;
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
      pendingBallots: this.ballotLog.pending.map((p) => ({
        ballotId: p.ballotId,
        shortCode: shortConfirmationCode(p.confirmationCode),
      })),
      voterSession: this.session.phase,
      recordingFailed: this.recordingFailed(),
      staff: this.deps.staff.view(),
      pollBook: {
        checkIns: pollBook.checkIns,
        ballotsReissued: pollBook.ballotsReissued,
        key: pollBook.keyState(this.election?.loaded.definition ?? null),
        precinctId: pollBook.precinctId,
      },
      awaitingActivationCard: this.awaitingCard && { ballotStyleId: this.awaitingCard.ballotStyleId },
      interruptedPrint: this.interruptedPrint(),
      selfTest: this.selfTest,
      packageSource: this.deps.mediaDir,
      sync: this.deps.sync.syncView(),
    };
  }

  private recordingFailed(): RecordingFailedView | null {
    const session = this.session;
    if (session.phase !== 'recording-failed') return null;
    return { cause: session.cause, shortCode: session.code.short, retryEveryMs: session.retryEveryMs };
  }

  /** The oldest interrupted print still to do: a report, or the printouts of the ballot whose voter waits at the kiosk. */
  private interruptedPrint(): InterruptedPrintView | null {
    const session = this.session;
    for (const job of this.deps.printing.pending()) {
      const first = job.remaining[0];
      if (first === undefined) continue;
      if (job.owner.kind === 'report') return { document: job.owner.report, printerState: job.printerState };
      if (session.phase === 'print-failed' && session.ballotId === job.owner.ballotId)
        return { document: first.document, printerState: session.printerState };
    }
    return null;
  }

  voterScreen(): VoterScreen {
    return {
      pollsState: this.ballotLog.polls,
      display: this.display,
      audio: this.audio,
      panel: { dpi: this.deps.panelDpi ?? DEFAULT_PANEL_DPI },
      session: toVoterSessionView(this.session, this.voterInactivity()),
    };
  }

  setDisplaySettings(change: Partial<DisplaySettings>): DisplaySettings {
    const next: DisplaySettings = { ...this.display, ...definedOnly(change) };
    if (
      next.language !== this.display.language ||
      next.textSize !== this.display.textSize ||
      next.highContrast !== this.display.highContrast
    ) {
      this.deps.logger.log('display.settings-changed', { from: this.display, to: next, outcome: 'success' });
      this.display = next;
    }
    this.voterWasActive();
    return this.display;
  }

  /** The voter's audio ballot settings; like the display, they reset when the session ends. */
  setAudioSettings(change: Partial<AudioSettings>): AudioSettings {
    const next: AudioSettings = { ...this.audio, ...definedOnly(change) };
    if (JSON.stringify(next) !== JSON.stringify(this.audio)) {
      this.deps.logger.log('audio.settings-changed', { from: this.audio, to: next, outcome: 'success' });
      this.audio = next;
    }
    this.voterWasActive();
    return this.audio;
  }

  touchVoterSession(): VoterScreen {
    this.voterWasActive();
    return this.voterScreen();
  }

  // ---- the state the procedures read and change -------------------------------------

  get stationId(): string {
    return this.deps.stationId;
  }

  /** The loaded election, for the procedures (reports, check-in, self-test). */
  loadedElection(): LoadedElection | null {
    return this.election?.loaded ?? null;
  }

  /** The ballot cryptography's view of the loaded election. */
  electionContext(): ElectionContext | null {
    return this.election?.context ?? null;
  }

  /** The ballot-log state (counts, chain head, pending ballots): never any choice. */
  ballotLogState(): BallotLogState {
    return this.ballotLog;
  }

  get polls(): PollsState {
    return this.ballotLog.polls;
  }

  get voterSession(): VoterSession {
    return this.session;
  }

  get language(): DisplaySettings['language'] {
    return this.display.language;
  }

  /** Setup: a verified package is loaded; the ballot log starts over at `polls` with this station's seed. */
  enterElection(loaded: LoadedElection, polls: PollsState): void {
    const runtime = electionRuntime(loaded);
    this.election = runtime;
    this.manifests.clear();
    this.ballotLog = { ...initialBallotLogState(stationSeed(runtime.context, this.deps.stationId)), polls };
  }

  /** A ballot style of the loaded election: its manifest for the encryption and its view for the screens. */
  ballotStyle(ballotStyleId: string): { manifest: BallotManifest; view: BallotView } | undefined {
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
  append(log: LogKind, entry: StationEntry): Result<AppendReceipt, StationRefusal> {
    const appended = this.deps.ledger.append(log, entry);
    if (!appended.ok) {
      const reason = describeLedgerError(appended.error);
      this.deps.logger.log('ledger.append-failed', { log, entry: entry.type, reason });
      return err({ kind: 'ledger-append-failed', reason, cause: appended.error.kind });
    }
    if (log === 'ballots') this.ballotLog = foldBallotLogEntry(this.ballotLog, entry);
    return appended;
  }

  /** The voter session's next state; the inactivity timer and the display follow it. */
  transition(action: VoterSessionAction): void {
    const before = this.session;
    const after = voterSessionReducer(before, action);
    this.session = after;
    logVoterSessionTransition(this.deps.logger, before, after, action);
    // Settings belong to one voter: the next one starts from the defaults.
    if (after.phase === 'none' && before.phase !== 'none') this.resetDisplay();
    if (awaitsVoter(after)) this.startInactivityTimer();
    else this.stopInactivityTimer();
  }

  /** The idle time the voter at the kiosk gets, with their display settings. */
  voterInactivity(): InactivityTimeouts {
    return inactivityFor(this.inactivity, this.display, this.audio.enabled);
  }

  voterWasActive(): void {
    if (awaitsVoter(this.session)) this.startInactivityTimer();
  }

  resetDisplay(): void {
    if (this.audio !== DEFAULT_AUDIO_SETTINGS) {
      this.deps.logger.log('audio.settings-reset', {});
      this.audio = DEFAULT_AUDIO_SETTINGS;
    }
    if (this.display === DEFAULT_DISPLAY) return;
    this.deps.logger.log('display.settings-reset', {});
    this.display = DEFAULT_DISPLAY;
  }

  // ---- timers and background printing ----------------------------------------------------

  /** Runs `job` in the background; `whenPrintingDone` waits for it. */
  runPrintJob(job: Promise<void>): void {
    this.printJob = job;
  }

  /** Waits for a running print job (tests, and an orderly shutdown). */
  async whenPrintingDone(): Promise<void> {
    await this.printJob;
  }

  /** Runs `retry` once after `ms`, unless stopped or the station closes first. */
  scheduleRecordingRetry(retry: () => void, ms: number): void {
    this.stopRecordingRetry();
    this.recordingRetry = setTimeout(() => {
      this.recordingRetry = undefined;
      retry();
    }, ms);
    this.recordingRetry.unref();
  }

  stopRecordingRetry(): void {
    if (this.recordingRetry !== undefined) clearTimeout(this.recordingRetry);
    this.recordingRetry = undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops the timers and waits for a print job; the station is closing. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopInactivityTimer();
    this.stopRecordingRetry();
    await this.printJob;
  }

  private startInactivityTimer(): void {
    this.stopInactivityTimer();
    if (this.closed) return;
    this.inactivityTimer = setTimeout(() => this.inactivityExpired(), this.voterInactivity().endAfterMs);
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
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
