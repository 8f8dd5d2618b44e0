/**
 * The checks a validator makes on a station's new entries before it cosigns, as a
 * pure function of the log's recorded state and the entries: schema (the election
 * registry), station lifecycle, ballot lifecycle, the confirmation-code chain, ballot
 * proofs (batched), election-wide uniqueness of ballot ids and ciphertexts, and
 * poll-book duplicates. It returns either the first refusal,
 * naming the entry, or everything the store must write for the batch.
 *
 * The lifecycle rules of both logs and every rule of the ballot log are core's
 * (core/record/ballot-log-rules.ts), the same code `urna verify` replays a record
 * with; this file adds what only a validator does: proofs (batched, or verdicts from
 * the worker pool), the store's view of earlier batches, and the poll book's
 * check-ins and reissues:
 *   check-in      only while open (after pollbook-opened, not after pollbook-closed
 *                 nor while paused), for the station's precinct and one of its styles;
 *                 a voter hash seen before (here or at another station) is accepted
 *                 — the entry is history the station cannot take back — and reported
 *                 as evidence for officials, never merged.
 *   ballot-reissued  only while open, for the station's precinct and one of its
 *                 styles, and only for a voter hash checked in earlier in this very
 *                 poll book: a reissue is a second ballot for a voter already here,
 *                 never a way to let in one who is not. (That fewer ballots were
 *                 cast or pending than voters checked in is the station's rule; the
 *                 two logs are checked apart, and reconciliation sets their counts
 *                 side by side.)
 */
import {
  type BallotFailure,
  confirmationSeed,
  describeBallotFailure,
  encryptedBallotFromCheckedRecord,
  type EncryptedBallotRecord,
  firstFailingBallot,
  type LoggedBallot,
  type ConfirmationCode,
  type EncryptedBallot,
  type RandomSource,
} from '../core/ballot';
import { fromBase64Url, toBase64Url } from '../core/encoding/bytes';
import type { LogKind, StationId } from '../core/ids';
import { decodeCanonicalJson, describeEntryError, type EntryError, type LedgerEntry } from '../core/ledger/entries';
import { electionEntryRegistry } from '../core/ledger/station-entries';
import {
  applyBallotLogEntry,
  applyLifecycleEntry,
  type BallotLogPosition,
  type BallotLogRules,
  type BallotStatus,
  type LogRuleCode,
  parseEntryBallot,
  type PollsState,
} from '../core/record/ballot-log-rules';
import { ballotKeysOf, BallotUniqueness, type BallotPlace } from '../core/record/ballot-uniqueness';
import { err, ok, type Result } from '../core/result';
import type { EnrolledStation, ValidatorElection } from './election';
import type { Preverified } from './verify-pool';

export type { BallotStatus, PollsState } from '../core/record/ballot-log-rules';

/** What the validator remembers about one log between batches (stored as JSON). */
export type LogCheckState = {
  /** States stored before the lifecycle had one vocabulary name the polls 'not-opened', 'open', 'paused' or 'closed': see storedPollsState. */
  readonly polls: PollsState;
  /** The station's latest confirmation code (ballot log), unpadded base64url. */
  readonly chain: string;
  /** ballot-cast entries so far (ballot log) / check-ins so far (poll book). */
  readonly count: number;
  /** ballot-reissued entries so far (poll book); absent from states stored before reissues existed, meaning 0. */
  readonly reissued?: number;
};

export function initialLogState(election: ValidatorElection, stationId: StationId): LogCheckState {
  return {
    polls: 'polls-closed-initial',
    chain: toBase64Url(confirmationSeedFor(election, stationId)),
    count: 0,
    reissued: 0,
  };
}

/** The names a validator stored before the station and the validators shared one; a state stored since reads as itself. */
const EARLIER_POLLS_NAMES: Readonly<Record<string, PollsState>> = {
  'not-opened': 'polls-closed-initial',
  open: 'polls-open',
  paused: 'polls-paused',
  closed: 'polls-closed-final',
};

/** A stored state's polls, read under either vocabulary: a validator's database outlives an upgrade. */
export function storedPollsState(stored: string): PollsState {
  return EARLIER_POLLS_NAMES[stored] ?? (stored as PollsState);
}

function confirmationSeedFor(election: ValidatorElection, stationId: StationId): ConfirmationCode {
  return confirmationSeed(election.extendedBaseHash, stationId);
}

/** Stable refusal codes: clients and officials search for them. */
export type EntryRefusalCode =
  | 'entry-invalid'
  | 'polls-not-open'
  | 'polls-transition'
  | 'ballots-cast-mismatch'
  | 'check-ins-mismatch'
  | 'ballots-reissued-mismatch'
  | 'reissue-without-check-in'
  | 'ballot-style'
  | 'precinct'
  | 'ballot-id-reused'
  | 'ballot-not-pending'
  | 'ballot-record'
  | 'identity-ciphertext'
  | 'duplicate-ballot-id'
  | 'duplicate-ciphertext'
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
  /** Every selection α of the ballots shown in this batch, with the entry index: the store's election-wide index. */
  readonly alphas: readonly { readonly alpha: string; readonly index: number }[];
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
  /** Where a ballot id was shown at any station this validator holds, if it was. */
  placeOfBallotId(ballotId: string): BallotPlace | undefined;
  /** Where a selection α (unpadded base64url) was shown at any station this validator holds, if it was. */
  placeOfAlpha(alpha: string): BallotPlace | undefined;
  readonly random?: RandomSource;
  /**
   * Verdicts of the proof pool (verify-pool.ts) by log index, for these very entry
   * texts: a ballot found here is not decoded or verified again.
   */
  readonly preverified?: ReadonlyMap<number, Preverified>;
};

/** The refusal each core rule becomes (validator/README.md lists them). */
const REFUSAL_CODES: Readonly<Record<LogRuleCode, EntryRefusalCode>> = {
  'polls-transition': 'polls-transition',
  'polls-not-open': 'polls-not-open',
  'ballots-cast-mismatch': 'ballots-cast-mismatch',
  'check-ins-mismatch': 'check-ins-mismatch',
  'ballots-reissued-mismatch': 'ballots-reissued-mismatch',
  'ballot-style': 'ballot-style',
  'ballot-record': 'ballot-record',
  'identity-ciphertext': 'identity-ciphertext',
  'ballot-id-reused': 'ballot-id-reused',
  'confirmation-code': 'confirmation-code',
  challenge: 'challenge',
  'ballot-not-pending': 'ballot-not-pending',
  'unexpected-entry': 'entry-invalid',
};

/** An entry text parsed as canonical JSON (or why it is not), once for every use in a request. */
export type ParsedEntryText = Result<unknown, EntryError>;

/** Parses each entry text once: the lookups and the checks both read the values. */
export function parseEntryTexts(texts: readonly string[]): ParsedEntryText[] {
  return texts.map((text) => decodeCanonicalJson(text));
}

/** Checks `entries` (`parseEntryTexts`), the entries at log indices from, from+1, …, against `state`. */
export function checkEntries(
  env: CheckEnvironment,
  state: LogCheckState,
  from: number,
  entries: readonly ParsedEntryText[],
): Result<CheckedBatch, EntryRefusal> {
  const { election, station, log } = env;
  let polls = storedPollsState(state.polls);
  let chain = fromBase64Url(state.chain) as ConfirmationCode;
  let count = state.count;
  let reissued = state.reissued ?? 0;
  const updates = new Map<string, BallotUpdate>();
  const pendingHere = new Map<string, EncryptedBallot>();
  const cast: EncryptedBallot[] = [];
  const checkIns: CheckInRecord[] = [];
  const seenHere = new Map<string, number[]>();
  const duplicates: DuplicateCheckIn[] = [];
  const proofJobs: LoggedBallot[] = [];
  const pooledFailures: { readonly index: number; readonly failure: BallotFailure }[] = [];
  const uniqueness = new BallotUniqueness({
    placeOfBallotId: (id) => env.placeOfBallotId(id),
    placeOfAlpha: (alpha) => env.placeOfAlpha(alpha),
  });

  // The pool's verdict on the entry being checked: a ballot it decoded is not decoded again.
  let verdict: Preverified | undefined;
  const rules: BallotLogRules = {
    context: election.context,
    manifests: election.manifests,
    stationId: station.stationId,
    precinctId: station.precinctId,
    ballotStyleIds: station.ballotStyleIds,
    statusOf: (ballotId) => updates.get(ballotId)?.status ?? env.ballotStatus(ballotId),
    ballotOf: (entry) => {
      if (verdict === undefined) return parseEntryBallot(entry);
      if (verdict.kind === 'record-problem') return err(JSON.stringify(verdict.problem));
      return ok(
        encryptedBallotFromCheckedRecord(
          entry['ballot'] as EncryptedBallotRecord,
          verdict.kind === 'verified' ? verdict.coordinates : undefined,
        ),
      );
    },
  };

  for (let offset = 0; offset < entries.length; offset++) {
    const index = from + offset;
    const refuse = (code: EntryRefusalCode, message: string): Result<never, EntryRefusal> =>
      err({ code, index, message: `entry ${index}: ${message}` });
    // What `electionEntryRegistry.decode` does with the text, from its parsed value.
    const parsed = entries[offset] as ParsedEntryText;
    const decoded = parsed.ok ? electionEntryRegistry.validate(log, parsed.value) : parsed;
    if (!decoded.ok) return refuse('entry-invalid', describeEntryError(decoded.error));
    const entry: LedgerEntry = decoded.value;

    if (log === 'ballots') {
      verdict = env.preverified?.get(index);
      const position: BallotLogPosition = { polls, chain, cast: count };
      const applied = applyBallotLogEntry(rules, position, entry);
      if (!applied.ok) return refuse(REFUSAL_CODES[applied.error.code], applied.error.message);
      ({ polls, chain, cast: count } = applied.value.position);
      const step = applied.value.step;
      switch (step.kind) {
        case 'lifecycle':
          break;
        case 'shown': {
          const { ballot, ballotStyleId } = step;
          const unique = uniqueness.admit({ stationId: station.stationId, index }, ballotKeysOf(ballot));
          if (!unique.ok) return refuse(unique.error.code, unique.error.message);
          if (verdict === undefined) proofJobs.push({ index, ballotStyleId, ballot });
          else if (verdict.kind === 'proof-failure') pooledFailures.push({ index, failure: verdict.failure });
          if (step.status === 'pending') pendingHere.set(ballot.ballotId, ballot);
          updates.set(ballot.ballotId, {
            ballotId: ballot.ballotId,
            status: step.status,
            index,
            confirmationCode: toBase64Url(step.code),
            ballotStyleId,
          });
          break;
        }
        case 'resolved': {
          const { ballotId } = step;
          const earlier = updates.get(ballotId);
          updates.set(
            ballotId,
            earlier === undefined
              ? { ballotId, status: step.status, index: -1, resolvedIndex: index }
              : { ...earlier, status: step.status, resolvedIndex: index },
          );
          if (step.status === 'cast') {
            const ballot = pendingHere.get(ballotId) ?? env.pendingBallot(ballotId);
            if (ballot === undefined)
              throw new Error(`invariant failed: pending ballot ${ballotId} has no stored entry`);
            cast.push(ballot);
          }
          break;
        }
      }
      continue;
    }

    // The poll book: its own lifecycle and counts, then check-ins and reissues.
    const lifecycle = applyLifecycleEntry(polls, entry, { checkIns: count, ballotsReissued: reissued });
    if (lifecycle !== undefined) {
      if (!lifecycle.ok) return refuse(REFUSAL_CODES[lifecycle.error.code], lifecycle.error.message);
      polls = lifecycle.value;
      continue;
    }
    switch (entry.type) {
      case 'check-in':
      case 'ballot-reissued': {
        if (polls !== 'polls-open') return refuse('polls-not-open', `${entry.type} while the polls are ${polls}`);
        if (entry['precinctId'] !== station.precinctId)
          return refuse(
            'precinct',
            `${entry.type} for precinct ${String(entry['precinctId'])} at a station of precinct ${station.precinctId}`,
          );
        const ballotStyleId = entry['ballotStyleId'] as string;
        if (!station.ballotStyleIds.has(ballotStyleId))
          return refuse('ballot-style', `ballot style ${ballotStyleId} is not one of precinct ${station.precinctId}`);
        const voterHash = entry['voterHash'] as string;
        if (entry.type === 'ballot-reissued') {
          const checkedInHere =
            seenHere.has(voterHash) || env.checkInsOf(voterHash).some((c) => c.stationId === station.stationId);
          if (!checkedInHere)
            return refuse(
              'reissue-without-check-in',
              `ballot-reissued for a voter hash not checked in earlier at station ${station.stationId}`,
            );
          reissued += 1;
          break;
        }
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

  const alphas = [...uniqueness.admittedAlphas].map(([alpha, place]) => ({ alpha, index: place.index }));
  return ok({
    state: { polls, chain: toBase64Url(chain), count, reissued },
    ballots: [...updates.values()],
    cast,
    checkIns,
    duplicates,
    alphas,
  });
}

/** One batched verification per ballot style; the first failing entry is named. */
function verifyProofs(env: CheckEnvironment, jobs: readonly LoggedBallot[]): EntryRefusal | undefined {
  const first = firstFailingBallot(
    env.election.context,
    env.election.manifests,
    env.station.stationId,
    jobs,
    env.random === undefined ? {} : { random: env.random },
  );
  return first === undefined ? undefined : proofRefusal(first.index, first.failure);
}

function proofRefusal(index: number, failure: BallotFailure): EntryRefusal {
  return { code: 'ballot-proof', index, message: `entry ${index}: ${describeBallotFailure(failure)}` };
}

/**
 * `checked` with the cast ballots shown in this batch rebuilt from their verdicts'
 * coordinates, for checks that ran while the verdicts were only assumed: the running
 * totals then add points without decoding them (a square root each).
 */
export function withVerdictCoordinates(
  checked: CheckedBatch,
  verdicts: ReadonlyMap<number, Preverified>,
  entries: readonly ParsedEntryText[],
  from: number,
): CheckedBatch {
  const shownAt = new Map(checked.ballots.filter((b) => b.index >= 0).map((b) => [b.ballotId, b.index]));
  const cast = checked.cast.map((ballot) => {
    const index = shownAt.get(ballot.ballotId);
    const verdict = index === undefined ? undefined : verdicts.get(index);
    const entry = index === undefined ? undefined : entries[index - from];
    if (verdict?.kind !== 'verified' || verdict.coordinates === undefined || entry?.ok !== true) return ballot;
    const record = (entry.value as { ballot: EncryptedBallotRecord }).ballot;
    return encryptedBallotFromCheckedRecord(record, verdict.coordinates);
  });
  return { ...checked, cast };
}
