/**
 * Replays one station's complete ballot log from its first entry, applying the very
 * rules every validator applied before cosigning (ballot-log-rules.ts, shared with
 * validator/checks.ts):
 * station lifecycle with the stated count of cast ballots, ballot lifecycle (a cast
 * or void only for a pending ballot; ids never reused), ballot styles of the
 * station's precinct, the chain of confirmation codes, and every challenged ballot's
 * published plaintext and nonce. Proofs are not checked here: the replay hands back
 * one job per encrypted ballot, so the caller can verify them in batches, in parallel.
 *
 * A ballot counts when a ballot-pending entry is followed by its ballot-cast entry;
 * challenged, voided and still-pending ballots are not counted.
 */
import { confirmationSeed, type EncryptedBallot, type LoggedBallot } from '../ballot';
import { describeEntryError } from '../ledger/entries';
import { electionEntryRegistry } from '../ledger/station-entries';
import { err, ok, type Result } from '../result';
import {
  applyBallotLogEntry,
  parseEntryBallot,
  type BallotLogPosition,
  type BallotStatus,
  type LogRuleCode,
  type PollsState,
} from './ballot-log-rules';
import type { RecordElection, RecordStation } from './election';
import type { RecordCheck, RecordFailure } from './failure';

/** The verifier's check for each rule the validators applied. */
const RECORD_CHECKS: Readonly<Record<LogRuleCode, RecordCheck>> = {
  'polls-transition': 'polls-transition',
  'polls-not-open': 'polls-not-open',
  'ballots-cast-mismatch': 'ballots-cast-mismatch',
  // Never in a ballot log: the registry keeps pollbook-* entries in the poll book.
  'check-ins-mismatch': 'entry-schema',
  'ballots-reissued-mismatch': 'entry-schema',
  'ballot-style': 'ballot-style',
  'ballot-record': 'ballot-record',
  'identity-ciphertext': 'identity-ciphertext',
  'ballot-id-reused': 'ballot-id-reused',
  'confirmation-code': 'confirmation-code',
  challenge: 'challenge',
  'ballot-not-pending': 'ballot-not-pending',
  'unexpected-entry': 'entry-schema',
};

/** An encrypted ballot whose proofs still have to be verified. */
export type ProofJob = LoggedBallot & {
  /** The entry's canonical text, for verifiers in another thread. */
  readonly entryText: string;
};

export type CastBallot = LoggedBallot;

export type ReplayedBallotLog = {
  readonly entries: number;
  readonly proofJobs: readonly ProofJob[];
  readonly cast: readonly CastBallot[];
  readonly challenged: number;
  readonly voided: number;
  /** Ballots left pending at the end: never counted. */
  readonly unresolved: readonly string[];
  readonly pollsClosed: boolean;
  readonly polls: PollsState;
  /** Every ballot whose code was shown: where it stands, by ballot id (what a bulletin board indexes). */
  readonly places: ReadonlyMap<
    string,
    {
      readonly index: number;
      readonly status: BallotStatus;
      readonly resolvedIndex: number | null;
      readonly code: string;
    }
  >;
};

export type ReplayOptions = {
  /** A final record must end with the polls closed; a partial export need not. */
  readonly requireClosed: boolean;
};

export function replayBallotLog(
  election: RecordElection,
  station: RecordStation,
  entryTexts: readonly string[],
  options: ReplayOptions,
): Result<ReplayedBallotLog, RecordFailure> {
  let position: BallotLogPosition = {
    polls: 'polls-closed-initial',
    chain: confirmationSeed(election.extendedBaseHash, station.stationId),
    cast: 0,
  };
  const status = new Map<string, BallotStatus>();
  const places = new Map<string, { index: number; status: BallotStatus; resolvedIndex: number | null; code: string }>();
  const pending = new Map<string, { index: number; ballotStyleId: string; ballot: EncryptedBallot }>();
  const proofJobs: ProofJob[] = [];
  const cast: CastBallot[] = [];
  let challenged = 0;
  let voided = 0;
  const rules = {
    context: election.context,
    manifests: election.manifests,
    stationId: station.stationId,
    precinctId: station.precinctId,
    ballotStyleIds: station.ballotStyleIds,
    statusOf: (ballotId: string) => status.get(ballotId),
    ballotOf: parseEntryBallot,
  };

  for (let index = 0; index < entryTexts.length; index++) {
    const text = entryTexts[index] as string;
    const fail = (check: RecordCheck, message: string): Result<never, RecordFailure> =>
      err({ check, stationId: station.stationId, log: 'ballots', index, message });
    const decoded = electionEntryRegistry.decode('ballots', text);
    if (!decoded.ok) return fail('entry-schema', describeEntryError(decoded.error));
    const applied = applyBallotLogEntry(rules, position, decoded.value);
    if (!applied.ok) return fail(RECORD_CHECKS[applied.error.code], applied.error.message);
    position = applied.value.position;
    const step = applied.value.step;
    switch (step.kind) {
      case 'lifecycle':
        break;
      case 'shown': {
        const { ballot, ballotStyleId } = step;
        status.set(ballot.ballotId, step.status);
        places.set(ballot.ballotId, {
          index,
          status: step.status,
          resolvedIndex: null,
          code: String(decoded.value['confirmationCode']),
        });
        if (step.status === 'challenged') challenged++;
        else pending.set(ballot.ballotId, { index, ballotStyleId, ballot });
        proofJobs.push({ index, ballotStyleId, ballot, entryText: text });
        break;
      }
      case 'resolved': {
        const ballot = pending.get(step.ballotId);
        if (ballot === undefined) throw new Error(`invariant failed: pending ballot ${step.ballotId} was not kept`);
        pending.delete(step.ballotId);
        status.set(step.ballotId, step.status);
        places.set(step.ballotId, {
          index: ballot.index,
          status: step.status,
          resolvedIndex: index,
          code: places.get(step.ballotId)?.code ?? '',
        });
        if (step.status === 'cast') cast.push(ballot);
        else voided++;
        break;
      }
    }
  }
  const polls = position.polls;
  if (options.requireClosed && polls !== 'polls-closed-final') {
    return err({
      check: 'polls-not-closed',
      stationId: station.stationId,
      log: 'ballots',
      message: `the log ends with the polls ${polls}: the record is not final`,
    });
  }
  return ok({
    entries: entryTexts.length,
    proofJobs,
    cast,
    challenged,
    voided,
    unresolved: [...pending.keys()],
    pollsClosed: polls === 'polls-closed-final',
    polls,
    places,
  });
}
