/**
 * The voter session as data. Main holds it; the renderer sees only the view
 * (`toVoterSessionView`), never the encryption secrets. The plaintext choices
 * exist only in the `committed` state, in memory, until the ballot is cast (then
 * they go to the paper, and are dropped here) or challenged (then they are
 * published, as the challenge requires).
 */
import type {
  ChallengedNotice,
  InactivityTimeouts,
  PrintedDocument,
  RecordingFailedView,
  SessionEnd,
  ShownConfirmationCode,
  VoterSessionView,
} from '../../core/api/station-api';
import type { BallotMarks, BallotView } from '../../core/api/ballot';
import type { ConfirmationCode, EncryptedBallot } from '../../core/ballot';
import type { Bytes } from '../../core/encoding/bytes';
import type { EventLogger } from '../../core/logging';
import { assertNever } from '../../core/result';

/** An encrypted ballot whose code the voter has seen, and everything that opens it. */
export type BallotCommitment = {
  readonly ballotStyleId: string;
  readonly encrypted: EncryptedBallot;
  readonly masterNonce: Bytes;
  /** The marks as the voter made them (write-in names included, for the paper). */
  readonly marks: BallotMarks;
  readonly previousCode: ConfirmationCode;
  readonly code: ConfirmationCode;
  readonly shown: ShownConfirmationCode;
};

type Active = { readonly sessionId: string; readonly ballot: BallotView };

export type VoterSession =
  | { readonly phase: 'none'; readonly lastEnded: SessionEnd | null }
  | (Active & {
      readonly phase: 'marking';
      readonly challenged: ChallengedNotice | null;
    })
  | (Active & { readonly phase: 'committed'; readonly commitment: BallotCommitment })
  | (Active & {
      readonly phase: 'printing';
      readonly ballotId: string;
      readonly document: PrintedDocument;
      readonly code: ShownConfirmationCode;
    })
  | (Active & {
      readonly phase: 'print-failed';
      readonly ballotId: string;
      readonly document: PrintedDocument;
      readonly code: ShownConfirmationCode;
      readonly printerState: string;
    })
  /** Both printouts are out, but `ballot-cast` could not be written: the station retries until it is. */
  | (Active & {
      readonly phase: 'recording-failed';
      readonly ballotId: string;
      readonly code: ShownConfirmationCode;
      readonly cause: RecordingFailedView['cause'];
      readonly retryEveryMs: number;
    })
  | (Active & { readonly phase: 'cast'; readonly ballotId: string; readonly code: ShownConfirmationCode });

export type VoterSessionAction =
  | { readonly type: 'activate'; readonly sessionId: string; readonly ballot: BallotView }
  | { readonly type: 'commit'; readonly commitment: BallotCommitment }
  | { readonly type: 'challenge'; readonly slipPrinted: boolean; readonly lookup: string | null }
  | { readonly type: 'start-printing' }
  | { readonly type: 'print-receipt' }
  | { readonly type: 'print-failed'; readonly printerState: string }
  /** A poll worker cleared the printer fault and prints the interrupted documents again. */
  | { readonly type: 'reprint' }
  | { readonly type: 'cast-recorded' }
  | {
      readonly type: 'cast-recording-failed';
      readonly cause: RecordingFailedView['cause'];
      readonly retryEveryMs: number;
    }
  | { readonly type: 'pending-resolved' }
  | { readonly type: 'finish' }
  | { readonly type: 'time-out' };

export const NO_SESSION: VoterSession = { phase: 'none', lastEnded: null };

function impossible(session: VoterSession, action: VoterSessionAction): never {
  throw new Error(`invariant failed: voter session action ${action.type} in phase ${session.phase}`);
}

/**
 * The next session. Callers check the phase first and refuse a person's request
 * that does not fit it; an action that still does not fit is a bug, so it throws.
 */
export function voterSessionReducer(session: VoterSession, action: VoterSessionAction): VoterSession {
  switch (action.type) {
    case 'activate':
      if (session.phase !== 'none') return impossible(session, action);
      return { phase: 'marking', sessionId: action.sessionId, ballot: action.ballot, challenged: null };
    case 'commit':
      if (session.phase !== 'marking') return impossible(session, action);
      return {
        phase: 'committed',
        sessionId: session.sessionId,
        ballot: session.ballot,
        commitment: action.commitment,
      };
    case 'challenge':
      if (session.phase !== 'committed') return impossible(session, action);
      return {
        phase: 'marking',
        sessionId: session.sessionId,
        ballot: session.ballot,
        challenged: {
          shortCode: session.commitment.shown.short,
          slipPrinted: action.slipPrinted,
          lookup: action.lookup,
        },
      };
    case 'start-printing':
      if (session.phase !== 'committed') return impossible(session, action);
      // From here on the plaintext lives only in the print job and on the paper.
      return {
        phase: 'printing',
        sessionId: session.sessionId,
        ballot: session.ballot,
        ballotId: session.commitment.encrypted.ballotId,
        document: 'paper-record',
        code: session.commitment.shown,
      };
    case 'print-receipt':
      if (session.phase !== 'printing') return impossible(session, action);
      return { ...session, document: 'receipt' };
    case 'print-failed':
      if (session.phase !== 'printing') return impossible(session, action);
      return { ...session, phase: 'print-failed', printerState: action.printerState };
    case 'reprint': {
      if (session.phase !== 'print-failed') return impossible(session, action);
      const { printerState: _failedState, ...rest } = session;
      void _failedState;
      return { ...rest, phase: 'printing' };
    }
    case 'cast-recorded':
      if (session.phase !== 'printing' && session.phase !== 'recording-failed') return impossible(session, action);
      return {
        phase: 'cast',
        sessionId: session.sessionId,
        ballot: session.ballot,
        ballotId: session.ballotId,
        code: session.code,
      };
    case 'cast-recording-failed':
      if (session.phase !== 'printing') return impossible(session, action);
      return { ...session, phase: 'recording-failed', cause: action.cause, retryEveryMs: action.retryEveryMs };
    case 'pending-resolved':
      if (session.phase !== 'print-failed' && session.phase !== 'recording-failed') return impossible(session, action);
      return { phase: 'none', lastEnded: 'resolved-by-poll-worker' };
    case 'finish':
      if (session.phase !== 'cast') return impossible(session, action);
      return { phase: 'none', lastEnded: 'cast' };
    case 'time-out':
      if (session.phase !== 'marking' && session.phase !== 'committed' && session.phase !== 'cast')
        return impossible(session, action);
      // A cast ballot is already recorded: its session simply ends.
      return { phase: 'none', lastEnded: session.phase === 'cast' ? 'cast' : 'timed-out' };
    default:
      return assertNever(action, 'voter session action');
  }
}

/** Whether the inactivity timer applies: not while printing or waiting for a poll worker. */
export function awaitsVoter(session: VoterSession): boolean {
  return session.phase === 'marking' || session.phase === 'committed' || session.phase === 'cast';
}

export function toVoterSessionView(session: VoterSession, timeouts: InactivityTimeouts): VoterSessionView {
  switch (session.phase) {
    case 'none':
      return { phase: 'none', lastEnded: session.lastEnded };
    case 'marking':
      return {
        phase: 'marking',
        sessionId: session.sessionId,
        ballot: session.ballot,
        timeouts,
        challenged: session.challenged,
      };
    case 'committed':
      return {
        phase: 'committed',
        sessionId: session.sessionId,
        ballot: session.ballot,
        timeouts,
        code: session.commitment.shown,
      };
    case 'printing':
      return { phase: 'printing', sessionId: session.sessionId, document: session.document, code: session.code };
    case 'print-failed':
      return {
        phase: 'print-failed',
        sessionId: session.sessionId,
        document: session.document,
        code: session.code,
        printerState: session.printerState,
      };
    case 'recording-failed':
      return {
        phase: 'recording-failed',
        sessionId: session.sessionId,
        code: session.code,
        cause: session.cause,
        retryEveryMs: session.retryEveryMs,
      };
    case 'cast':
      return { phase: 'cast', sessionId: session.sessionId, timeouts, code: session.code };
    default:
      return assertNever(session, 'voter session');
  }
}

/**
 * Logs a transition by comparing the old and the new session. The event log
 * carries wall-clock times, so it names phases and the ballot style only: a
 * ballot id or a confirmation code next to a time (and next to a check-in's time)
 * would link a ballot to a voter. Never a choice, either.
 */
export function logVoterSessionTransition(
  logger: EventLogger,
  before: VoterSession,
  after: VoterSession,
  action: VoterSessionAction,
): void {
  if (before === after) return;
  const detail: Record<string, unknown> = {};
  if (after.phase !== 'none') detail['ballotStyleId'] = after.ballot.ballotStyleId;
  if (after.phase === 'printing' || after.phase === 'print-failed') detail['document'] = after.document;
  if (after.phase === 'print-failed') detail['printerState'] = after.printerState;
  if (after.phase === 'recording-failed') detail['cause'] = after.cause;
  if (after.phase === 'none') detail['ended'] = after.lastEnded;
  logger.log('voter.session-transition', { action: action.type, from: before.phase, to: after.phase, ...detail });
}
