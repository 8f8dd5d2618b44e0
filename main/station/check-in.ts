/**
 * Check-in: a poll worker admits a voter (on the signed list, not checked in
 * before) or reissues a ballot to a voter checked in here who has none; either is
 * a poll-book entry, then the voter's session, here on the kiosk or by the
 * activation card the voter inserts next.
 */
import type { StationRefusal } from '../../core/api/refusals';
import type {
  CheckInResult,
  ReissueRefusal,
  ReissueResult,
  StationStatus,
  VoterScreen,
} from '../../core/api/station-api';
import { toHex } from '../../core/encoding/bytes';
import type { CheckInEntry, BallotReissuedEntry } from '../../core/ledger/station-entries';
import { err, ok, type Result } from '../../core/result';
import type { LoadedElection } from '../election/election-store';
import { describeLedgerError } from '../ledger/store';
import { refuse, type StationContext } from './context';
import type { FoundVoter } from './pollbook';
import type { StaffCard } from './staff-auth';

type CheckInDeps = Pick<StationContext, 'station' | 'ledger' | 'logger' | 'pollBook' | 'random' | 'printing'>;

/**
 * What a poll worker's check-in or reissue asks for: the voter, where the session
 * starts, and whether it starts with the audio ballot on (the voter has the
 * headphones and the keypad). Audio is a setting of the session, like the display:
 * it is never written to the poll book, whose entries are signed and published.
 */
export type StartRequest = {
  readonly voterId: string;
  readonly activation: 'kiosk' | 'card';
  readonly audio?: boolean | undefined;
};

/**
 * Starts a one-time voting session for a checked-in voter. Not part of the
 * renderer's API: a poll worker's check-in or reissue calls it, or an activation card.
 */
export function activateVoterSession(
  deps: Pick<StationContext, 'station' | 'logger' | 'random'>,
  request: { readonly ballotStyleId: string; readonly audio?: boolean },
): Result<VoterScreen, StationRefusal> {
  const { station, logger } = deps;
  if (station.loadedElection() === null) return refuse(logger, 'voter.activation-refused', { kind: 'no-election' });
  if (station.polls !== 'polls-open')
    return refuse(logger, 'voter.activation-refused', { kind: 'polls-not-open', polls: station.polls });
  const phase = station.voterSession.phase;
  if (phase !== 'none') return refuse(logger, 'voter.activation-refused', { kind: 'voter-session-active', phase });
  const style = station.ballotStyle(request.ballotStyleId);
  if (style === undefined)
    return refuse(logger, 'voter.activation-refused', {
      kind: 'unknown-ballot-style',
      ballotStyleId: request.ballotStyleId,
    });
  station.resetDisplay();
  // After the reset: the voter's audio ballot, started by the poll worker, is this session's setting.
  if (audioRequested(request)) station.setAudioSettings({ enabled: true });
  station.transition({ type: 'activate', sessionId: toHex(deps.random(8)), ballot: style.view });
  return ok(station.voterScreen());
}

/**
 * Checks a voter in: on the signed list, not checked in before, then the
 * check-in entry (keyed hash, precinct, ballot style, activation) and the
 * voter's session, here on the kiosk or by the activation card they insert next.
 */
export function checkInVoter(deps: CheckInDeps, card: StaffCard, request: StartRequest): CheckInResult {
  const admitted = admitVoter(deps, card, request, {
    entry: 'check-in',
    refusedEvent: 'pollbook.check-in-refused',
    lookUp: (definition) => deps.pollBook.lookUp(definition, request.voterId),
  });
  if (!admitted.ok) return { outcome: 'refused', reason: admitted.error };
  const { voter } = admitted.value;
  deps.logger.log('pollbook.checked-in', {
    cardId: card.cardId,
    precinctId: voter.precinctId,
    ballotStyleId: voter.ballotStyleId,
    activation: request.activation,
    audio: audioRequested(request),
    outcome: 'success',
  });
  startSession(deps, voter.ballotStyleId, request, 'check-in');
  return {
    outcome: 'checked-in',
    precinctId: voter.precinctId,
    ballotStyleId: voter.ballotStyleId,
    activation: request.activation,
  };
}

/**
 * Check-in and reissue alike: open polls, nobody at the kiosk, no activation card
 * awaited, the voter looked up, a printer that can print (no voter marks a ballot
 * the station cannot print), then the poll-book entry of `how.entry` (keyed hash,
 * precinct, ballot style, activation). A refusal is logged under `how.refusedEvent`
 * — never with the voter id or its hash: the event log carries times — and changes
 * nothing.
 */
function admitVoter<R extends string>(
  deps: CheckInDeps,
  card: StaffCard,
  request: StartRequest,
  how: {
    readonly entry: 'check-in' | 'ballot-reissued';
    readonly refusedEvent: 'pollbook.check-in-refused' | 'pollbook.reissue-refused';
    readonly lookUp: (definition: LoadedElection['definition']) => Result<FoundVoter, R>;
    /** A further rule once the voter is found: the reason to refuse, or null. */
    readonly allowed?: () => R | null;
  },
): Result<
  { readonly voter: FoundVoter },
  | R
  | 'polls-not-open'
  | 'voter-session-active'
  | 'awaiting-activation-card'
  | 'no-audio-ballot'
  | 'printer-not-ready'
  | 'ledger-append-failed'
> {
  const { station, pollBook, ledger, logger, printing } = deps;
  const refused = <K extends string>(reason: K, fields: Record<string, unknown> = {}): Result<never, K> => {
    logger.log(how.refusedEvent, { cardId: card.cardId, reason, ...fields, outcome: 'failure' });
    return err(reason);
  };
  const loaded = station.loadedElection();
  if (loaded === null || station.polls !== 'polls-open') return refused('polls-not-open');
  if (station.voterSession.phase !== 'none') return refused('voter-session-active');
  if (station.awaitingCard !== null) return refused('awaiting-activation-card');
  const found = how.lookUp(loaded.definition);
  if (!found.ok) return refused(found.error);
  const rule = how.allowed?.() ?? null;
  if (rule !== null) return refused(rule);
  if (audioRequested(request) && loaded.definition.audio === undefined) return refused('no-audio-ballot');
  if (!printing.canPrint()) return refused('printer-not-ready', { printerState: printing.printerState() });
  const entry: CheckInEntry | BallotReissuedEntry = {
    type: how.entry,
    v: 1,
    voterHash: found.value.voterHash,
    precinctId: found.value.precinctId,
    ballotStyleId: found.value.ballotStyleId,
    activation: request.activation,
  };
  const appended = ledger.append('pollbook', entry);
  if (!appended.ok) {
    logger.log('ledger.append-failed', {
      log: 'pollbook',
      entry: how.entry,
      reason: describeLedgerError(appended.error),
    });
    return refused('ledger-append-failed');
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
export function reissueBallot(deps: CheckInDeps, card: StaffCard, request: StartRequest): ReissueResult {
  const { station, pollBook, logger } = deps;
  const log = station.ballotLogState();
  const withBallot = log.cast + log.pending.length;
  const admitted = admitVoter<ReissueRefusal>(deps, card, request, {
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
    audio: audioRequested(request),
    ballotsCastOrPending: withBallot,
    ballotsVoided: log.voided,
    ballotsReissued: pollBook.ballotsReissued,
    outcome: 'success',
  });
  startSession(deps, voter.ballotStyleId, request, 'reissue');
  return {
    outcome: 'reissued',
    precinctId: voter.precinctId,
    ballotStyleId: voter.ballotStyleId,
    activation: request.activation,
  };
}

/** Whether the poll worker started this voter's session with the audio ballot on. */
function audioRequested(request: { readonly audio?: boolean }): boolean {
  return request.audio === true;
}

/**
 * The session a check-in or reissue gives: on this kiosk now, or once the voter's
 * activation card is in; with the audio ballot on when the poll worker asked.
 */
function startSession(
  deps: CheckInDeps,
  ballotStyleId: string,
  request: StartRequest,
  after: 'check-in' | 'reissue',
): void {
  const audio = audioRequested(request);
  if (request.activation === 'card') {
    deps.station.awaitingCard = { ballotStyleId, audio };
    return;
  }
  const activated = activateVoterSession(deps, { ballotStyleId, audio });
  // Checked by the caller: polls open, no session, a ballot style of the loaded election.
  if (!activated.ok) throw new Error(`invariant failed: activation after ${after} refused (${activated.error.kind})`);
}

export function cancelCardActivation(deps: Pick<StationContext, 'station' | 'logger'>, card: StaffCard): StationStatus {
  const { station, logger } = deps;
  if (station.awaitingCard !== null) {
    logger.log('pollbook.card-activation-cancelled', {
      cardId: card.cardId,
      ballotStyleId: station.awaitingCard.ballotStyleId,
      outcome: 'success',
    });
    station.awaitingCard = null;
  }
  return station.status();
}

/**
 * A voter activation card is in the reader. If a check-in is waiting for one, the
 * card proves its key, its signed token is checked against this election and
 * the checked-in ballot style, the token is burnt (once only), and the session
 * starts on this kiosk.
 */
export async function voterCardInserted(
  deps: Pick<StationContext, 'station' | 'logger' | 'random' | 'activationReader' | 'printing'>,
): Promise<void> {
  const { activationReader, station, logger } = deps;
  const awaiting = station.awaitingCard;
  if (awaiting === null || activationReader === null) {
    logger.log('activation.card-ignored', {
      reason: awaiting === null ? 'no-check-in-waiting' : 'no-reader',
      outcome: 'failure',
    });
    return;
  }
  const refused = (reason: string): void => logger.log('activation.card-refused', { reason, outcome: 'failure' });
  // Before the token is read or burnt: the check-in keeps waiting, and the same card works once the printer is fixed.
  if (!deps.printing.canPrint()) return refused('printer-not-ready');
  const token = await activationReader.readActivationToken();
  if (!token.ok) return refused(token.error.kind);
  const loaded = station.loadedElection();
  if (loaded === null || token.value.electionId !== loaded.definition.electionId) return refused('other-election');
  if (token.value.ballotStyleId !== awaiting.ballotStyleId) return refused('other-ballot-style');
  if (station.burntTokens.has(token.value.tokenId)) return refused('token-already-used');
  const burnt = await activationReader.burnActivationToken(token.value.tokenId);
  if (!burnt.ok) return refused(burnt.error.kind);
  station.burntTokens.add(token.value.tokenId);
  if (station.awaitingCard !== awaiting) return refused('check-in-cancelled');
  station.awaitingCard = null;
  const activated = activateVoterSession(deps, { ballotStyleId: awaiting.ballotStyleId, audio: awaiting.audio });
  if (!activated.ok) return refused(activated.error.kind);
  logger.log('activation.card-accepted', { ballotStyleId: awaiting.ballotStyleId, outcome: 'success' });
}
