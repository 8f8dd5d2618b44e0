/**
 * What the station needs to remember about its ballot log, folded from the log's
 * entries: the polls state, the head of the confirmation-code chain, the ballots
 * still pending, and counts of ballots by outcome. The same fold runs over the
 * whole log when the station opens (recovery after a crash) and over each entry
 * the station appends, so memory and disk cannot drift apart.
 *
 * It holds counts of ballots, never anything about their contents.
 */
import { confirmationCodeOf, type ConfirmationCode } from '../../core/ballot';
import type { LedgerEntry } from '../../core/ledger/entries';
import { asBallotLogEntry } from '../../core/ledger/station-entries';
import { applyLifecycleEntry, type PollsState } from '../../core/record/ballot-log-rules';
import { assertNever } from '../../core/result';

export type PendingBallot = {
  readonly ballotId: string;
  readonly ballotStyleId: string;
  readonly confirmationCode: ConfirmationCode;
};

export type BallotLogState = {
  readonly polls: PollsState;
  /**
   * The code the next ballot chains on: the last pending or challenged ballot's,
   * or the station's seed; null while no election is loaded.
   */
  readonly chainHead: ConfirmationCode | null;
  /** In log order. */
  readonly pending: readonly PendingBallot[];
  readonly cast: number;
  readonly challenged: number;
  readonly voided: number;
};

/** Before any entry: in setup without an election, otherwise waiting for the polls to open. */
export function initialBallotLogState(seed: ConfirmationCode | null): BallotLogState {
  return {
    polls: seed === null ? 'setup' : 'polls-closed-initial',
    chainHead: seed,
    pending: [],
    cast: 0,
    challenged: 0,
    voided: 0,
  };
}

/** Entries read per query while recovering. */
const RECOVERY_CHUNK = 4096;

/** Replays the whole ballot log: what the station knew when it stopped, however it stopped. */
export function recoverBallotLog(
  reader: { size(log: 'ballots'): number; entries(log: 'ballots', from: number, to: number): LedgerEntry[] },
  seed: ConfirmationCode | null,
): BallotLogState {
  let state = initialBallotLogState(seed);
  const size = reader.size('ballots');
  for (let from = 0; from < size; from += RECOVERY_CHUNK) {
    for (const entry of reader.entries('ballots', from, Math.min(size, from + RECOVERY_CHUNK)))
      state = foldBallotLogEntry(state, entry);
  }
  return state;
}

/**
 * Applies one entry the ledger already accepted (its schema is checked). A
 * transition the lifecycle table refuses means the log contradicts the rules
 * that wrote it: that is not a state to carry on from.
 */
export function foldBallotLogEntry(state: BallotLogState, stored: LedgerEntry): BallotLogState {
  const entry = asBallotLogEntry(stored);
  // Demonstration notes and anything else carry no ballot state.
  if (entry === null) return state;
  switch (entry.type) {
    case 'polls-opened':
    case 'polls-paused':
    case 'polls-resumed':
    case 'polls-closed': {
      if (state.polls === 'setup')
        throw new Error(`invariant failed: the ballot log holds ${entry.type} while no election is loaded`);
      // The lifecycle rule (and its ballotsCast cross-check) is the one validators and `urna verify` apply.
      const lifecycle = applyLifecycleEntry(state.polls, entry, { ballotsCast: state.cast });
      if (lifecycle === undefined || !lifecycle.ok) {
        throw new Error(
          `invariant failed: the ballot log breaks its lifecycle rules: ${lifecycle?.error.message ?? entry.type}`,
        );
      }
      return { ...state, polls: lifecycle.value };
    }
    case 'ballot-pending': {
      const code = confirmationCodeOf(entry.confirmationCode);
      const pending = { ballotId: entry.ballot.ballotId, ballotStyleId: entry.ballotStyleId, confirmationCode: code };
      return { ...state, chainHead: code, pending: [...state.pending, pending] };
    }
    case 'ballot-challenged':
      return { ...state, chainHead: confirmationCodeOf(entry.confirmationCode), challenged: state.challenged + 1 };
    case 'ballot-cast':
    case 'ballot-voided': {
      const { ballotId } = entry;
      if (!state.pending.some((p) => p.ballotId === ballotId)) {
        throw new Error(`invariant failed: the ballot log resolves ballot ${ballotId}, which is not pending`);
      }
      const pending = state.pending.filter((p) => p.ballotId !== ballotId);
      return entry.type === 'ballot-cast'
        ? { ...state, pending, cast: state.cast + 1 }
        : { ...state, pending, voided: state.voided + 1 };
    }
    default:
      return assertNever(entry, 'ballot-log entry');
  }
}
