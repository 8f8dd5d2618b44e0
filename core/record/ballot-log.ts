/**
 * Replays one station's complete ballot log from its first entry, applying the rules
 * every validator applied before cosigning (validator/checks.ts documents them):
 * station lifecycle with the stated count of cast ballots, ballot lifecycle (a cast
 * or void only for a pending ballot; ids never reused), ballot styles of the
 * station's precinct, the chain of confirmation codes, and every challenged ballot's
 * published plaintext and nonce. Proofs are not checked here: the replay hands back
 * one job per encrypted ballot, so the caller can verify them in batches, in parallel.
 *
 * A ballot counts when a ballot-pending entry is followed by its ballot-cast entry;
 * challenged, voided and still-pending ballots are not counted.
 */
import {
  confirmationSeed,
  nextConfirmationCode,
  parseChallengedBallot,
  parseEncryptedBallot,
  verifyChallengedBallot,
  type ConfirmationCode,
  type EncryptedBallot,
} from '../ballot';
import { bytesEqual, fromBase64Url } from '../encoding/bytes';
import { describeEntryError } from '../ledger/entries';
import { electionEntryRegistry } from '../ledger/station-entries';
import { err, ok, type Result } from '../result';
import type { RecordElection, RecordStation } from './election';
import type { RecordCheck, RecordFailure } from './failure';

type PollsPhase = 'not-opened' | 'open' | 'paused' | 'closed';

const TRANSITIONS: Readonly<Record<string, { readonly from: readonly PollsPhase[]; readonly to: PollsPhase }>> = {
  'polls-opened': { from: ['not-opened'], to: 'open' },
  'polls-paused': { from: ['open'], to: 'paused' },
  'polls-resumed': { from: ['paused'], to: 'open' },
  'polls-closed': { from: ['open', 'paused'], to: 'closed' },
};

/** An encrypted ballot whose proofs still have to be verified. */
export type ProofJob = {
  readonly index: number;
  readonly ballotStyleId: string;
  readonly ballot: EncryptedBallot;
  /** The entry's canonical text, for verifiers in another thread. */
  readonly entryText: string;
};

export type CastBallot = { readonly index: number; readonly ballotStyleId: string; readonly ballot: EncryptedBallot };

export type ReplayedBallotLog = {
  readonly entries: number;
  readonly proofJobs: readonly ProofJob[];
  readonly cast: readonly CastBallot[];
  readonly challenged: number;
  readonly voided: number;
  /** Ballots left pending at the end: never counted. */
  readonly unresolved: readonly string[];
  readonly pollsClosed: boolean;
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
  let polls: PollsPhase = 'not-opened';
  let chain: ConfirmationCode = confirmationSeed(election.extendedBaseHash, station.stationId);
  const status = new Map<string, 'pending' | 'cast' | 'voided' | 'challenged'>();
  const pending = new Map<string, { index: number; ballotStyleId: string; ballot: EncryptedBallot }>();
  const proofJobs: ProofJob[] = [];
  const cast: CastBallot[] = [];
  let castCount = 0;
  let challenged = 0;
  let voided = 0;

  for (let index = 0; index < entryTexts.length; index++) {
    const text = entryTexts[index] as string;
    const fail = (check: RecordCheck, message: string): Result<never, RecordFailure> =>
      err({ check, stationId: station.stationId, log: 'ballots', index, message });
    const decoded = electionEntryRegistry.decode('ballots', text);
    if (!decoded.ok) return fail('entry-schema', describeEntryError(decoded.error));
    const entry = decoded.value;

    const transition = TRANSITIONS[entry.type];
    if (transition !== undefined) {
      if (!transition.from.includes(polls)) return fail('polls-transition', `${entry.type} while the polls are ${polls}`);
      if (entry['ballotsCast'] !== castCount) {
        return fail('ballots-cast-mismatch', `${entry.type} states ${String(entry['ballotsCast'])} ballots cast; the log before it holds ${castCount}`);
      }
      polls = transition.to;
      continue;
    }

    switch (entry.type) {
      case 'ballot-pending':
      case 'ballot-challenged': {
        if (polls !== 'open') return fail('polls-not-open', `${entry.type} while the polls are ${polls}`);
        const ballotStyleId = entry['ballotStyleId'] as string;
        const manifest = election.manifests.get(ballotStyleId);
        if (manifest === undefined || !station.ballotStyleIds.has(ballotStyleId)) {
          return fail('ballot-style', `ballot style ${ballotStyleId} is not one of precinct ${station.precinctId}`);
        }
        const parsed = parseEncryptedBallot(entry['ballot']);
        if (!parsed.ok) return fail('ballot-record', `the encrypted ballot does not decode: ${JSON.stringify(parsed.error)}`);
        const ballot = parsed.value;
        if (status.has(ballot.ballotId)) return fail('ballot-id-reused', `ballot id ${ballot.ballotId} appeared earlier in this log`);
        const code = nextConfirmationCode(chain, ballot);
        if (!bytesEqual(code, fromBase64Url(entry['confirmationCode'] as string))) {
          return fail('confirmation-code', `the confirmation code of ballot ${ballot.ballotId} is not the next link of the station's chain`);
        }
        if (entry.type === 'ballot-challenged') {
          const opened = parseChallengedBallot(entry['challenge']);
          if (!opened.ok) return fail('challenge', `the challenge record does not decode: ${JSON.stringify(opened.error)}`);
          const reproduced = verifyChallengedBallot(election.context, manifest, ballot, opened.value);
          if (!reproduced.ok) {
            const at = [reproduced.error.contestId, reproduced.error.selectionId].filter((x) => x !== undefined).join('/');
            return fail('challenge', `the published plaintext and nonce do not reproduce ballot ${ballot.ballotId} (${reproduced.error.check}${at ? ` at ${at}` : ''})`);
          }
          status.set(ballot.ballotId, 'challenged');
          challenged++;
        } else {
          status.set(ballot.ballotId, 'pending');
          pending.set(ballot.ballotId, { index, ballotStyleId, ballot });
        }
        proofJobs.push({ index, ballotStyleId, ballot, entryText: text });
        chain = code;
        break;
      }
      case 'ballot-cast':
      case 'ballot-voided': {
        const ballotId = entry['ballotId'] as string;
        const allowed: readonly PollsPhase[] = entry.type === 'ballot-cast' ? ['open', 'paused'] : ['open', 'paused', 'closed'];
        if (!allowed.includes(polls)) return fail('polls-not-open', `${entry.type} while the polls are ${polls}`);
        const was = status.get(ballotId);
        if (was !== 'pending') return fail('ballot-not-pending', was === undefined ? `ballot ${ballotId} was never pending` : `ballot ${ballotId} is already ${was}`);
        const ballot = pending.get(ballotId);
        if (ballot === undefined) throw new Error(`invariant failed: pending ballot ${ballotId} was not kept`);
        pending.delete(ballotId);
        if (entry.type === 'ballot-cast') {
          status.set(ballotId, 'cast');
          cast.push(ballot);
          castCount++;
        } else {
          status.set(ballotId, 'voided');
          voided++;
        }
        break;
      }
      default:
        return fail('entry-schema', `entry type ${entry.type} does not belong in a ballot log`);
    }
  }
  if (options.requireClosed && polls !== 'closed') {
    return err({ check: 'polls-not-closed', stationId: station.stationId, log: 'ballots', message: `the log ends with the polls ${polls}: the record is not final` });
  }
  return ok({ entries: entryTexts.length, proofJobs, cast, challenged, voided, unresolved: [...pending.keys()], pollsClosed: polls === 'closed' });
}
