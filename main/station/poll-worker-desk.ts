/**
 * What a signed-in poll worker or election official does at the station: setup
 * (load and verify the election package, hardware self-test), the polls lifecycle
 * with its printed reports, check-in and the reissue of a missing ballot, recovery
 * (pending ballots, interrupted prints) and the event-log export.
 *
 * Each procedure is a small function that takes its dependencies as one object,
 * asserts the states it may start from, makes the transition and logs the outcome,
 * like VxSuite's polls code. Refusals a person can cause come back as typed
 * results. Who may call what is decided here and in main/api/handlers.ts, never in
 * the renderer.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  CheckInRefusal,
  CheckInResult,
  InterruptedPrintView,
  ReissueRefusal,
  ReissueResult,
  ReportKind,
  SelfTestView,
  StaffRole,
  StationStatus,
} from '../../core/api/station-api';
import { shortConfirmationCode } from '../../core/api/ballot';
import { toBase64Url } from '../../core/encoding/bytes';
import type { LogKind } from '../../core/ids';
import type { LedgerEntry } from '../../core/ledger/entries';
import type { EventLogger } from '../../core/logging';
import { err, ok, type Result } from '../../core/result';
import type { CardFailure } from '../../hardware/card-reader/card-reader';
import type { ActivationToken } from '../../hardware/card-reader/card-data';
import type { Receipt } from '../../hardware/printer/receipt';
import { ELECTION_PACKAGE_FILE, loadElectionPackage, readLoadedElection, type LoadedElection } from '../election/election-store';
import type { EventLogSource } from '../logging';
import { describeLedgerError, type AppendError, type AppendReceipt } from '../ledger/store';
import type { FoundVoter, PollBook } from './pollbook';
import { markReprint, pollsReport, type LogHead } from './reports';
import type { StaffAuth, StaffCard } from './staff-auth';
import type { BallotPrinter, PendingResolution, StationRefusal, StationService } from './station-service';
import type { SyncStatusSource } from './sync-status';

/** Everyone who may run the polls; officials can do whatever poll workers can. */
export const POLL_STAFF: readonly StaffRole[] = ['poll-worker', 'election-official'];
export const OFFICIALS_ONLY: readonly StaffRole[] = ['election-official'];

/** The ledger as the desk needs it: heads for reports, the poll-book log for check-ins. */
export interface DeskLedger {
  size(log: LogKind): number;
  rootHash(log: LogKind): Uint8Array;
  readonly verifierKey: string;
  append(log: LogKind, entry: LedgerEntry): Result<AppendReceipt, AppendError>;
  entries(log: LogKind, from: number, to: number): LedgerEntry[];
}

/** What card activation needs of the card reader driver. */
export interface ActivationCardReader {
  readActivationToken(options?: { readonly timeoutMs?: number }): Promise<Result<ActivationToken, CardFailure>>;
  burnActivationToken(tokenId: string, options?: { readonly timeoutMs?: number }): Promise<Result<void, CardFailure>>;
}

export type PollWorkerDeskDeps = {
  readonly station: StationService;
  readonly ledger: DeskLedger;
  readonly logger: EventLogger;
  readonly auth: StaffAuth;
  readonly pollBook: PollBook;
  readonly printer: BallotPrinter | null;
  readonly activationReader: ActivationCardReader | null;
  readonly dataDir: string;
  /** The removable media folder: the election package is read from it and exports are written to it. */
  readonly mediaDir: string | null;
  readonly sync: SyncStatusSource;
  readonly eventLog: EventLogSource | null;
  /** A package was loaded in setup: trust its poll-worker card issuer key from now on. */
  readonly onElectionLoaded?: (loaded: LoadedElection) => void;
};

export type DeskRefusal = StationRefusal | { readonly kind: 'no-media' } | { readonly kind: 'export-failed'; readonly reason: string };

type InterruptedReport = { readonly kind: ReportKind; readonly receipt: Receipt; readonly printerState: string };

export class PollWorkerDesk {
  private selfTest: SelfTestView | null = null;
  private interruptedReport: InterruptedReport | null = null;
  private awaitingCard: { readonly ballotStyleId: string } | null = null;
  private readonly burntTokens = new Set<string>();

  /** `deps.pollBook` is already folded from the poll-book log (openStation does it). */
  constructor(private readonly deps: PollWorkerDeskDeps) {}

  status(): StationStatus {
    const { station, pollBook, auth, sync, mediaDir } = this.deps;
    const definition = station.loadedElection()?.definition ?? null;
    return {
      ...station.status(),
      staff: auth.view(),
      pollBook: { checkIns: pollBook.checkIns, ballotsReissued: pollBook.ballotsReissued, key: pollBook.keyState(definition), precinctId: pollBook.precinctId },
      awaitingActivationCard: this.awaitingCard,
      interruptedPrint: this.interruptedPrint(),
      selfTest: this.selfTest,
      packageSource: mediaDir,
      sync: sync.syncView(),
    };
  }

  private interruptedPrint(): InterruptedPrintView | null {
    if (this.interruptedReport) return { document: this.interruptedReport.kind, printerState: this.interruptedReport.printerState };
    return this.deps.station.interruptedBallotDocument();
  }

  // ---- setup ------------------------------------------------------------------------

  /**
   * Setup: reads the package from the removable media, verifies it under the
   * pinned authority key and stores it. No card is needed while in setup: there is
   * no card issuer key to check a card against until a package is loaded, and the
   * authority's signature on the package is what authorizes it.
   */
  loadElectionPackage(): Result<StationStatus, DeskRefusal> {
    const { station, logger, mediaDir, dataDir } = this.deps;
    if (station.loadedElection() !== null) {
      logger.log('election.load-refused', { reason: 'election-already-loaded', outcome: 'failure' });
      return err({ kind: 'election-already-loaded' });
    }
    const file = mediaDir === null ? null : path.join(mediaDir, ELECTION_PACKAGE_FILE);
    if (file === null || !existsSync(file)) {
      logger.log('election.load-refused', { reason: 'no-media', outcome: 'failure' });
      return err({ kind: 'no-media' });
    }
    const loaded = loadElectionPackage({ dataDir, pollsHaveOpened: () => false, logger }, new Uint8Array(readFileSync(file)));
    if (!loaded.ok) {
      logger.log('election.load-refused', { reason: 'package-refused', codes: loaded.error.map((e) => e.code), outcome: 'failure' });
      return err({ kind: 'package-refused', codes: loaded.error.map((e) => e.code) });
    }
    const entered = station.electionLoaded(loaded.value);
    if (!entered.ok) return entered;
    this.deps.onElectionLoaded?.(loaded.value);
    logger.log('election.loaded-from-media', { electionId: loaded.value.definition.electionId, baseHash: loaded.value.baseHashForDisplay, outcome: 'success' });
    return ok(this.status());
  }

  /** The hardware self-test: each check says what it found, in words the screens translate. */
  runSelfTest(card: StaffCard): SelfTestView {
    const { station, dataDir, pollBook, logger } = this.deps;
    const status = station.status();
    const onDisk = readLoadedElection(dataDir);
    const electionOk = station.loadedElection() !== null && onDisk.ok && onDisk.value !== undefined;
    const keyState = pollBook.keyState(station.loadedElection()?.definition ?? null);
    const checks: SelfTestView['checks'] = [
      { check: 'election', ok: electionOk, detail: electionOk ? 'verified' : station.loadedElection() === null ? 'missing' : 'invalid' },
      { check: 'printer', ok: status.printer.ready, detail: status.printer.state },
      { check: 'card-reader', ok: status.cardReader.ready, detail: status.cardReader.state },
      { check: 'ledger', ok: true, detail: `${status.ledger.ballots.size}/${status.ledger.pollbook.size}` },
      { check: 'pollbook-key', ok: keyState === 'ok', detail: keyState },
    ];
    const view: SelfTestView = { passed: checks.every((c) => c.ok), checks };
    this.selfTest = view;
    logger.log('station.self-test', { cardId: card.cardId, passed: view.passed, failed: checks.filter((c) => !c.ok).map((c) => c.check), outcome: view.passed ? 'success' : 'failure' });
    return view;
  }

  // ---- the polls ----------------------------------------------------------------------

  async openPolls(card: StaffCard): Promise<Result<StationStatus, DeskRefusal>> {
    const opened = this.deps.station.openPolls();
    if (!opened.ok) return opened;
    this.deps.logger.log('polls.opened', { cardId: card.cardId, outcome: 'success' });
    await this.printReport('zero-report', card);
    return ok(this.status());
  }

  pausePolls(card: StaffCard): Result<StationStatus, DeskRefusal> {
    const paused = this.deps.station.pausePolls();
    if (!paused.ok) return paused;
    this.deps.logger.log('polls.paused', { cardId: card.cardId, outcome: 'success' });
    return ok(this.status());
  }

  resumePolls(card: StaffCard): Result<StationStatus, DeskRefusal> {
    const resumed = this.deps.station.resumePolls();
    if (!resumed.ok) return resumed;
    this.deps.logger.log('polls.resumed', { cardId: card.cardId, outcome: 'success' });
    return ok(this.status());
  }

  async closePolls(card: StaffCard): Promise<Result<StationStatus, DeskRefusal>> {
    if (this.awaitingCard !== null) this.cancelCardActivation(card);
    const closed = this.deps.station.closePolls();
    if (!closed.ok) return closed;
    this.deps.logger.log('polls.closed', { cardId: card.cardId, outcome: 'success' });
    await this.printReport('closing-report', card);
    return ok(this.status());
  }

  private reportReceipt(kind: ReportKind, card: StaffCard): Receipt {
    const { station, ledger, pollBook } = this.deps;
    const loaded = station.loadedElection();
    if (loaded === null) throw new Error('invariant failed: a polls report without an election');
    const log = station.ballotLogState();
    const status = station.status();
    const head = (kind: LogKind): LogHead => ({ size: ledger.size(kind), rootHash: ledger.rootHash(kind) });
    const anyBallot = log.cast + log.challenged + log.voided + log.pending.length > 0;
    const code = anyBallot && log.chainHead !== null ? { short: shortConfirmationCode(log.chainHead), full: toBase64Url(log.chainHead) } : null;
    return pollsReport({
      kind,
      language: status.display.language,
      electionTitle: loaded.definition.title[status.display.language],
      electionBaseHash: loaded.baseHashForDisplay,
      stationId: status.stationId,
      stationVerifierKey: ledger.verifierKey,
      precinctId: pollBook.precinctId,
      heads: { ballots: head('ballots'), pollbook: head('pollbook') },
      ballots: { cast: log.cast, challenged: log.challenged, voided: log.voided, pending: log.pending.length },
      checkIns: pollBook.checkIns,
      ballotsReissued: pollBook.ballotsReissued,
      lastConfirmationCode: code,
      cardId: card.cardId,
    });
  }

  /** Prints a report; a printer fault keeps it as the interrupted print, for a REPRINT once fixed. */
  private async printReport(kind: ReportKind, card: StaffCard): Promise<void> {
    const receipt = this.reportReceipt(kind, card);
    const printed = await this.print(receipt);
    if (printed.ok) {
      this.interruptedReport = null;
      this.deps.logger.log('report.printed', { report: kind, outcome: 'success' });
      return;
    }
    this.interruptedReport = { kind, receipt, printerState: printed.error };
    this.deps.logger.log('report.print-failed', { report: kind, printerState: printed.error, outcome: 'failure' });
  }

  private async print(receipt: Receipt): Promise<Result<void, string>> {
    const printer = this.deps.printer;
    if (printer === null) return err('disconnected');
    const printed = await printer.print(receipt);
    if (printed.ok) return ok();
    return err('status' in printed.error ? printed.error.status.state : printer.getStatus().state);
  }

  // ---- check-in ------------------------------------------------------------------------

  /**
   * Checks a voter in: on the signed list, not checked in before, then the
   * check-in entry (keyed hash, precinct, ballot style, activation) and the
   * voter's session, here on the kiosk or by the activation card they insert next.
   */
  checkInVoter(card: StaffCard, request: { readonly voterId: string; readonly activation: 'kiosk' | 'card' }): CheckInResult {
    const admitted = this.admitVoter<CheckInRefusal>(card, request, {
      entry: 'check-in',
      refusedEvent: 'pollbook.check-in-refused',
      lookUp: (definition) => this.deps.pollBook.lookUp(definition, request.voterId),
    });
    if (!admitted.ok) return { outcome: 'refused', reason: admitted.error };
    const { voter } = admitted.value;
    this.deps.logger.log('pollbook.checked-in', { cardId: card.cardId, precinctId: voter.precinctId, ballotStyleId: voter.ballotStyleId, activation: request.activation, outcome: 'success' });
    this.startSession(voter.ballotStyleId, request.activation, 'check-in');
    return { outcome: 'checked-in', precinctId: voter.precinctId, ballotStyleId: voter.ballotStyleId, activation: request.activation };
  }

  /**
   * Check-in and reissue alike: open polls, nobody at the kiosk, no activation card
   * awaited, the voter looked up, then the poll-book entry of `how.entry` (keyed hash,
   * precinct, ballot style, activation). A refusal is logged under `how.refusedEvent`
   * — never with the voter id or its hash: the event log carries times — and changes
   * nothing.
   */
  private admitVoter<R extends string>(
    card: StaffCard,
    request: { readonly activation: 'kiosk' | 'card' },
    how: {
      readonly entry: 'check-in' | 'ballot-reissued';
      readonly refusedEvent: 'pollbook.check-in-refused' | 'pollbook.reissue-refused';
      readonly lookUp: (definition: LoadedElection['definition']) => Result<FoundVoter, R>;
      /** A further rule once the voter is found: the reason to refuse, or null. */
      readonly allowed?: () => R | null;
    },
  ): Result<{ readonly voter: FoundVoter }, R | 'polls-not-open' | 'voter-session-active' | 'awaiting-activation-card' | 'ledger-append-failed'> {
    const { station, pollBook, ledger, logger } = this.deps;
    const refuse = <K extends string>(reason: K): Result<never, K> => {
      logger.log(how.refusedEvent, { cardId: card.cardId, reason, outcome: 'failure' });
      return err(reason);
    };
    const loaded = station.loadedElection();
    const status = station.status();
    if (loaded === null || status.pollsState !== 'polls-open') return refuse('polls-not-open');
    if (status.voterSession !== 'none') return refuse('voter-session-active');
    if (this.awaitingCard !== null) return refuse('awaiting-activation-card');
    const found = how.lookUp(loaded.definition);
    if (!found.ok) return refuse(found.error);
    const rule = how.allowed?.() ?? null;
    if (rule !== null) return refuse(rule);
    const entry: LedgerEntry = {
      type: how.entry,
      v: 1,
      voterHash: found.value.voterHash,
      precinctId: found.value.precinctId,
      ballotStyleId: found.value.ballotStyleId,
      activation: request.activation,
    };
    const appended = ledger.append('pollbook', entry);
    if (!appended.ok) {
      logger.log('ledger.append-failed', { log: 'pollbook', entry: how.entry, reason: describeLedgerError(appended.error) });
      return refuse('ledger-append-failed');
    }
    pollBook.apply(entry);
    return ok({ voter: found.value });
  }

  /**
   * A new ballot for a voter who checked in here but has no ballot: it was voided
   * (a crash, a printer that failed), or the session ended with nothing recorded (a
   * kiosk that died before the cast, a voter who stepped away); the poll book refuses
   * them a second check-in. Only while fewer ballots are cast or pending than voters
   * checked in here: the logs are unlinkable, so the station cannot know whose ballot
   * is missing, but it can keep the count true: cast ≤ check-ins, always. Then the
   * ballot-reissued entry (the check-in's fields) and the session, exactly as at
   * check-in.
   */
  reissueBallot(card: StaffCard, request: { readonly voterId: string; readonly activation: 'kiosk' | 'card' }): ReissueResult {
    const { station, pollBook, logger } = this.deps;
    const log = station.ballotLogState();
    const withBallot = log.cast + log.pending.length;
    const admitted = this.admitVoter<ReissueRefusal>(card, request, {
      entry: 'ballot-reissued',
      refusedEvent: 'pollbook.reissue-refused',
      lookUp: (definition) => pollBook.lookUpCheckedIn(definition, request.voterId),
      allowed: () => (withBallot >= pollBook.checkIns ? 'every-voter-has-a-ballot' : null),
    });
    if (!admitted.ok) return { outcome: 'refused', reason: admitted.error };
    const { voter } = admitted.value;
    logger.log('pollbook.ballot-reissued', {
      cardId: card.cardId,
      precinctId: voter.precinctId,
      ballotStyleId: voter.ballotStyleId,
      activation: request.activation,
      ballotsCastOrPending: withBallot,
      ballotsVoided: log.voided,
      ballotsReissued: pollBook.ballotsReissued,
      outcome: 'success',
    });
    this.startSession(voter.ballotStyleId, request.activation, 'reissue');
    return { outcome: 'reissued', precinctId: voter.precinctId, ballotStyleId: voter.ballotStyleId, activation: request.activation };
  }

  /** The session a check-in or reissue gives: on this kiosk now, or once the voter's activation card is in. */
  private startSession(ballotStyleId: string, activation: 'kiosk' | 'card', after: 'check-in' | 'reissue'): void {
    if (activation === 'card') {
      this.awaitingCard = { ballotStyleId };
      return;
    }
    const activated = this.deps.station.activateVoterSession({ ballotStyleId });
    // Checked by the caller: polls open, no session, a ballot style of the loaded election.
    if (!activated.ok) throw new Error(`invariant failed: activation after ${after} refused (${activated.error.kind})`);
  }

  cancelCardActivation(card: StaffCard): StationStatus {
    if (this.awaitingCard !== null) {
      this.deps.logger.log('pollbook.card-activation-cancelled', { cardId: card.cardId, ballotStyleId: this.awaitingCard.ballotStyleId, outcome: 'success' });
      this.awaitingCard = null;
    }
    return this.status();
  }

  /**
   * A voter activation card is in the reader. If a check-in is waiting for one, the
   * card proves its key, its signed token is checked against this election and
   * the checked-in ballot style, the token is burnt (once only), and the session
   * starts on this kiosk.
   */
  async voterCardInserted(): Promise<void> {
    const { activationReader, station, logger } = this.deps;
    const awaiting = this.awaitingCard;
    if (awaiting === null || activationReader === null) {
      logger.log('activation.card-ignored', { reason: awaiting === null ? 'no-check-in-waiting' : 'no-reader', outcome: 'failure' });
      return;
    }
    const refuse = (reason: string): void => logger.log('activation.card-refused', { reason, outcome: 'failure' });
    const token = await activationReader.readActivationToken();
    if (!token.ok) return refuse(token.error.kind);
    const loaded = station.loadedElection();
    if (loaded === null || token.value.electionId !== loaded.definition.electionId) return refuse('other-election');
    if (token.value.ballotStyleId !== awaiting.ballotStyleId) return refuse('other-ballot-style');
    if (this.burntTokens.has(token.value.tokenId)) return refuse('token-already-used');
    const burnt = await activationReader.burnActivationToken(token.value.tokenId);
    if (!burnt.ok) return refuse(burnt.error.kind);
    this.burntTokens.add(token.value.tokenId);
    if (this.awaitingCard !== awaiting) return refuse('check-in-cancelled');
    this.awaitingCard = null;
    const activated = station.activateVoterSession({ ballotStyleId: awaiting.ballotStyleId });
    if (!activated.ok) return refuse(activated.error.kind);
    logger.log('activation.card-accepted', { ballotStyleId: awaiting.ballotStyleId, outcome: 'success' });
  }

  // ---- recovery ----------------------------------------------------------------------------

  resolvePendingBallot(card: StaffCard, request: { readonly ballotId: string } & PendingResolution): Result<StationStatus, DeskRefusal> {
    const resolved = this.deps.station.resolvePendingBallot(request);
    if (!resolved.ok) return resolved;
    this.deps.logger.log('ballot.pending-resolved-by', { cardId: card.cardId, outcome: request.outcome });
    return ok(this.status());
  }

  /** Prints the interrupted printout again: a report marked REPRINT, or a voter's paper record (unmarked) and receipt (marked). */
  async reprintInterrupted(card: StaffCard): Promise<Result<StationStatus, DeskRefusal>> {
    const { station, logger } = this.deps;
    const language = station.status().display.language;
    const report = this.interruptedReport;
    if (report !== null) {
      const printed = await this.print(markReprint(report.receipt, language));
      if (!printed.ok) {
        this.interruptedReport = { ...report, printerState: printed.error };
        logger.log('report.reprint-failed', { cardId: card.cardId, report: report.kind, printerState: printed.error, outcome: 'failure' });
        return err({ kind: 'printer-not-ready', printerState: printed.error });
      }
      this.interruptedReport = null;
      logger.log('report.reprinted', { cardId: card.cardId, report: report.kind, outcome: 'success' });
      return ok(this.status());
    }
    const reprinting = station.reprintBallotDocuments((receipt) => markReprint(receipt, language));
    if (!reprinting.ok) return reprinting;
    logger.log('ballot.reprint-requested', { cardId: card.cardId, outcome: 'success' });
    await station.whenPrintingDone();
    return ok(this.status());
  }

  // ---- the event log -------------------------------------------------------------------------

  /** Election official: the event log as JSON lines on the removable media. */
  exportEventLog(card: StaffCard, write: (file: string, text: string) => void): Result<{ readonly file: string; readonly events: number }, DeskRefusal> {
    const { mediaDir, eventLog, logger } = this.deps;
    if (mediaDir === null || eventLog === null) {
      logger.log('events.export-refused', { cardId: card.cardId, reason: 'no-media', outcome: 'failure' });
      return err({ kind: 'no-media' });
    }
    const stationId = this.deps.station.status().stationId;
    const file = path.join(mediaDir, `urna-events-${stationId}.jsonl`);
    // The export is logged first, so it is part of what it exports.
    logger.log('events.exported', { cardId: card.cardId, file: path.basename(file), outcome: 'success' });
    const lines = eventLog.exportLines();
    try {
      write(file, lines.map((line) => `${line}\n`).join(''));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.log('events.export-failed', { cardId: card.cardId, reason, outcome: 'failure' });
      return err({ kind: 'export-failed', reason });
    }
    return ok({ file, events: lines.length });
  }
}
