/**
 * The checks a validator makes on a station's new entries before it cosigns, as a
 * pure function of the log's recorded state and the entries: schema (the election
 * registry), station lifecycle, ballot lifecycle, the confirmation-code chain, ballot
 * proofs (batched) and poll-book duplicates. It returns either the first refusal,
 * naming the entry, or everything the store must write for the batch.
 *
 * Rules, per log (DESIGN.md "One ballot, end to end"; core/ledger/station-entries.ts):
 *   polls-opened  only first; polls-paused only while open; polls-resumed only while
 *                 paused; polls-closed while open or paused. Each carries the number
 *                 of ballot-cast entries so far, which must match (ballot log only).
 *   pollbook-opened, -paused, -resumed, -closed  the same transitions in the poll
 *                 book, each carrying the number of check-in entries so far, which
 *                 must match (poll book only: the logs share no counter).
 *   ballot-pending, ballot-challenged  only while the polls are open; a new ballot id;
 *                 a ballot style of the station's precinct; valid proofs; the code is
 *                 the next link of the station's chain (both kinds advance it).
 *   ballot-cast   only for a pending ballot not yet resolved, while open or paused.
 *   ballot-voided only for a pending ballot not yet resolved (also after closing:
 *                 voiding adds no ballot).
 *   check-in      only while open (after pollbook-opened, not after pollbook-closed
 *                 nor while paused), for the station's precinct and one of its styles;
 *                 a voter hash seen before (here or at another station) is accepted
 *                 — the entry is history the station cannot take back — and reported
 *                 as evidence for officials, never merged.
 */
import {
  type BallotFailure,
  confirmationSeed,
  encryptedBallotFromCheckedRecord,
  type EncryptedBallotRecord,
  nextConfirmationCode,
  parseChallengedBallot,
  parseEncryptedBallot,
  verifyBallots,
  verifyChallengedBallot,
  type ConfirmationCode,
  type EncryptedBallot,
  type RandomSource,
} from '../core/ballot';
import { bytesEqual, fromBase64Url, toBase64Url } from '../core/encoding/bytes';
import type { LogKind, StationId } from '../core/ids';
import { describeEntryError, lifecycleStepOf, type LedgerEntry, type LifecycleStep } from '../core/ledger/entries';
import { electionEntryRegistry } from '../core/ledger/station-entries';
import { err, ok, type Result } from '../core/result';
import type { EnrolledStation, ValidatorElection } from './election';
import type { Preverified } from './verify-pool';

export type PollsPhase = 'not-opened' | 'open' | 'paused' | 'closed';

/** What the validator remembers about one log between batches (stored as JSON). */
export type LogCheckState = {
  readonly polls: PollsPhase;
  /** The station's latest confirmation code (ballot log), unpadded base64url. */
  readonly chain: string;
  /** ballot-cast entries so far (ballot log) / check-ins so far (poll book). */
  readonly count: number;
};

export function initialLogState(election: ValidatorElection, stationId: StationId): LogCheckState {
  return { polls: 'not-opened', chain: toBase64Url(confirmationSeedFor(election, stationId)), count: 0 };
}

function confirmationSeedFor(election: ValidatorElection, stationId: StationId): ConfirmationCode {
  return confirmationSeed(election.extendedBaseHash, stationId);
}

export type BallotStatus = 'pending' | 'cast' | 'voided' | 'challenged';

/** Stable refusal codes: clients and officials search for them. */
export type EntryRefusalCode =
  | 'entry-invalid'
  | 'polls-not-open'
  | 'polls-transition'
  | 'ballots-cast-mismatch'
  | 'check-ins-mismatch'
  | 'ballot-style'
  | 'precinct'
  | 'ballot-id-reused'
  | 'ballot-not-pending'
  | 'ballot-record'
  | 'ballot-proof'
  | 'confirmation-code'
  | 'challenge';

export type EntryRefusal = { readonly code: EntryRefusalCode; readonly index: number; readonly message: string };

export type BallotUpdate = {
  readonly ballotId: string;
  readonly status: BallotStatus;
  /**
   * Index of the pending or challenged entry: where the code and ciphertexts are;
   * -1 for a ballot resolved in a later batch than its pending entry (only the
   * status and the resolving index change then).
   */
  readonly index: number;
  readonly resolvedIndex?: number;
  readonly confirmationCode?: string;
  readonly ballotStyleId?: string;
};

export type CheckInRecord = { readonly voterHash: string; readonly index: number };

export type DuplicateCheckIn = {
  readonly voterHash: string;
  readonly index: number;
  readonly earlier: readonly { readonly stationId: string; readonly index: number }[];
};

export type CheckedBatch = {
  readonly state: LogCheckState;
  readonly ballots: readonly BallotUpdate[];
  /** Ballots whose ballot-cast entry is in this batch: they join the running totals. */
  readonly cast: readonly EncryptedBallot[];
  readonly checkIns: readonly CheckInRecord[];
  readonly duplicates: readonly DuplicateCheckIn[];
};

/** What the checks read from storage; the store answers from committed state. */
export type CheckEnvironment = {
  readonly election: ValidatorElection;
  readonly station: EnrolledStation;
  readonly log: LogKind;
  ballotStatus(ballotId: string): BallotStatus | undefined;
  /** The encrypted ballot of a pending entry committed in an earlier batch. */
  pendingBallot(ballotId: string): EncryptedBallot | undefined;
  checkInsOf(voterHash: string): readonly { readonly stationId: string; readonly index: number }[];
  readonly random?: RandomSource;
  /**
   * Verdicts of the proof pool (verify-pool.ts) by log index, for these very entry
   * texts: a ballot found here is not decoded or verified again.
   */
  readonly preverified?: ReadonlyMap<number, Preverified>;
};

const TRANSITIONS: Record<LifecycleStep, { readonly from: readonly PollsPhase[]; readonly to: PollsPhase }> = {
  opened: { from: ['not-opened'], to: 'open' },
  paused: { from: ['open'], to: 'paused' },
  resumed: { from: ['paused'], to: 'open' },
  closed: { from: ['open', 'paused'], to: 'closed' },
};

type ProofJob = { readonly index: number; readonly ballotStyleId: string; readonly ballot: EncryptedBallot };

/** Checks `texts`, the entries at log indices from, from+1, …, against `state`. */
export function checkEntries(
  env: CheckEnvironment,
  state: LogCheckState,
  from: number,
  texts: readonly string[],
): Result<CheckedBatch, EntryRefusal> {
  const { election, station, log } = env;
  let polls = state.polls;
  let chain = fromBase64Url(state.chain) as ConfirmationCode;
  let count = state.count;
  const updates = new Map<string, BallotUpdate>();
  const pendingHere = new Map<string, EncryptedBallot>();
  const cast: EncryptedBallot[] = [];
  const checkIns: CheckInRecord[] = [];
  const seenHere = new Map<string, number[]>();
  const duplicates: DuplicateCheckIn[] = [];
  const proofJobs: ProofJob[] = [];
  const pooledFailures: { readonly index: number; readonly failure: BallotFailure }[] = [];

  const statusOf = (ballotId: string): BallotStatus | undefined => updates.get(ballotId)?.status ?? env.ballotStatus(ballotId);

  for (let offset = 0; offset < texts.length; offset++) {
    const index = from + offset;
    const refuse = (code: EntryRefusalCode, message: string): Result<never, EntryRefusal> => err({ code, index, message: `entry ${index}: ${message}` });
    const decoded = electionEntryRegistry.decode(log, texts[offset] as string);
    if (!decoded.ok) return refuse('entry-invalid', describeEntryError(decoded.error));
    const entry: LedgerEntry = decoded.value;

    const step = lifecycleStepOf(entry.type);
    if (step !== undefined) {
      const transition = TRANSITIONS[step];
      if (!transition.from.includes(polls)) return refuse('polls-transition', `${entry.type} while the polls are ${polls}`);
      // The registry keeps polls-* in the ballot log and pollbook-* in the poll book.
      if (log === 'ballots' && entry['ballotsCast'] !== count) {
        return refuse('ballots-cast-mismatch', `${entry.type} states ${String(entry['ballotsCast'])} ballots cast, the log holds ${count}`);
      }
      if (log === 'pollbook' && entry['checkIns'] !== count) {
        return refuse('check-ins-mismatch', `${entry.type} states ${String(entry['checkIns'])} check-ins, the log holds ${count}`);
      }
      polls = transition.to;
      continue;
    }

    switch (entry.type) {
      case 'ballot-pending':
      case 'ballot-challenged': {
        if (polls !== 'open') return refuse('polls-not-open', `${entry.type} while the polls are ${polls}`);
        const ballotStyleId = entry['ballotStyleId'] as string;
        const manifest = election.manifests.get(ballotStyleId);
        if (manifest === undefined || !station.ballotStyleIds.has(ballotStyleId)) {
          return refuse('ballot-style', `ballot style ${ballotStyleId} is not one of precinct ${station.precinctId}`);
        }
        const verdict = env.preverified?.get(index);
        if (verdict?.kind === 'record-problem') return refuse('ballot-record', `encrypted ballot: ${JSON.stringify(verdict.problem)}`);
        let ballot: EncryptedBallot;
        if (verdict === undefined) {
          const parsed = parseEncryptedBallot(entry['ballot']);
          if (!parsed.ok) return refuse('ballot-record', `encrypted ballot: ${JSON.stringify(parsed.error)}`);
          ballot = parsed.value;
        } else {
          ballot = encryptedBallotFromCheckedRecord(entry['ballot'] as EncryptedBallotRecord, verdict.kind === 'verified' ? verdict.coordinates : undefined);
        }
        if (statusOf(ballot.ballotId) !== undefined) return refuse('ballot-id-reused', `ballot ${ballot.ballotId} appeared before in this log`);
        const code = nextConfirmationCode(chain, ballot);
        const printed = fromBase64Url(entry['confirmationCode'] as string);
        if (!bytesEqual(code, printed)) return refuse('confirmation-code', `confirmation code of ballot ${ballot.ballotId} does not follow the station's chain`);
        if (entry.type === 'ballot-challenged') {
          const challenged = parseChallengedBallot(entry['challenge']);
          if (!challenged.ok) return refuse('challenge', `challenge record: ${JSON.stringify(challenged.error)}`);
          const opened = verifyChallengedBallot(election.context, manifest, ballot, challenged.value);
          if (!opened.ok) return refuse('challenge', `the published plaintext and nonce do not reproduce ballot ${ballot.ballotId} (${opened.error.check})`);
        }
        if (verdict === undefined) proofJobs.push({ index, ballotStyleId, ballot });
        else if (verdict.kind === 'proof-failure') pooledFailures.push({ index, failure: verdict.failure });
        const status: BallotStatus = entry.type === 'ballot-pending' ? 'pending' : 'challenged';
        if (status === 'pending') pendingHere.set(ballot.ballotId, ballot);
        updates.set(ballot.ballotId, { ballotId: ballot.ballotId, status, index, confirmationCode: toBase64Url(code), ballotStyleId });
        chain = code;
        break;
      }
      case 'ballot-cast':
      case 'ballot-voided': {
        const ballotId = entry['ballotId'] as string;
        const allowed: readonly PollsPhase[] = entry.type === 'ballot-cast' ? ['open', 'paused'] : ['open', 'paused', 'closed'];
        if (!allowed.includes(polls)) return refuse('polls-not-open', `${entry.type} while the polls are ${polls}`);
        const status = statusOf(ballotId);
        if (status !== 'pending') {
          return refuse('ballot-not-pending', status === undefined ? `ballot ${ballotId} was never pending` : `ballot ${ballotId} is already ${status}`);
        }
        const resolved: BallotStatus = entry.type === 'ballot-cast' ? 'cast' : 'voided';
        const earlier = updates.get(ballotId);
        updates.set(ballotId, earlier === undefined ? { ballotId, status: resolved, index: -1, resolvedIndex: index } : { ...earlier, status: resolved, resolvedIndex: index });
        if (entry.type === 'ballot-cast') {
          const ballot = pendingHere.get(ballotId) ?? env.pendingBallot(ballotId);
          if (ballot === undefined) throw new Error(`invariant failed: pending ballot ${ballotId} has no stored entry`);
          cast.push(ballot);
          count += 1;
        }
        break;
      }
      case 'check-in': {
        if (polls !== 'open') return refuse('polls-not-open', `check-in while the polls are ${polls}`);
        if (entry['precinctId'] !== station.precinctId) return refuse('precinct', `check-in for precinct ${String(entry['precinctId'])} at a station of precinct ${station.precinctId}`);
        const ballotStyleId = entry['ballotStyleId'] as string;
        if (!station.ballotStyleIds.has(ballotStyleId)) return refuse('ballot-style', `ballot style ${ballotStyleId} is not one of precinct ${station.precinctId}`);
        const voterHash = entry['voterHash'] as string;
        const earlier = [
          ...env.checkInsOf(voterHash),
          ...(seenHere.get(voterHash) ?? []).map((i) => ({ stationId: station.stationId, index: i })),
        ];
        if (earlier.length > 0) duplicates.push({ voterHash, index, earlier });
        seenHere.set(voterHash, [...(seenHere.get(voterHash) ?? []), index]);
        checkIns.push({ voterHash, index });
        count += 1;
        break;
      }
      default:
        // The registry knows only the types above; a new type must be handled here first.
        return refuse('entry-invalid', `entry type ${entry.type} is not checked by this validator`);
    }
  }

  let proofFailure = verifyProofs(env, proofJobs);
  for (const { index, failure } of pooledFailures) {
    if (proofFailure === undefined || index < proofFailure.index) proofFailure = proofRefusal(index, failure);
  }
  if (proofFailure !== undefined) return err(proofFailure);

  return ok({ state: { polls, chain: toBase64Url(chain), count }, ballots: [...updates.values()], cast, checkIns, duplicates });
}

/** One batched verification per ballot style; the first failing entry is named. */
function verifyProofs(env: CheckEnvironment, jobs: readonly ProofJob[]): EntryRefusal | undefined {
  const byStyle = new Map<string, ProofJob[]>();
  for (const job of jobs) {
    const list = byStyle.get(job.ballotStyleId);
    if (list === undefined) byStyle.set(job.ballotStyleId, [job]);
    else list.push(job);
  }
  let first: EntryRefusal | undefined;
  for (const [styleId, list] of byStyle) {
    const manifest = env.election.manifests.get(styleId);
    if (manifest === undefined) throw new Error(`invariant failed: style ${styleId} was checked before`);
    const result = verifyBallots(
      env.election.context,
      manifest,
      list.map((j) => j.ballot),
      env.random === undefined ? {} : { random: env.random },
    );
    if (result.ok) continue;
    const failure = result.error[0];
    if (failure === undefined) continue;
    const job = list.find((j) => j.ballot.ballotId === failure.ballotId);
    const index = job?.index ?? -1;
    if (first === undefined || index < first.index) first = proofRefusal(index, failure);
  }
  return first;
}

function proofRefusal(index: number, failure: BallotFailure): EntryRefusal {
  const where = [failure.contestId, failure.selectionId].filter((x) => x !== undefined).join('/');
  return { code: 'ballot-proof', index, message: `entry ${index}: ballot ${failure.ballotId} fails ${failure.check}${where ? ` at ${where}` : ''}` };
}
