/**
 * Election-wide uniqueness of ballots, implemented once for the validators
 * (validator/checks.ts, over the index in their store) and `urna verify` (over the
 * whole record): every ballot id, and every selection ciphertext's α, appears in at
 * most one ballot-pending or ballot-challenged entry of the whole election.
 *
 * A ballot id repeated inside one log is the log rules' `ballot-id-reused`; here a
 * second station showing an id already shown is `duplicate-ballot-id`. An α seen
 * before anywhere — another station, another entry of the same log, another
 * selection of the same ballot — is `duplicate-ciphertext`: an honest station
 * draws a fresh nonce for every selection, so a repeated α is a copied (replayed)
 * or re-used encryption. Both name the two places, `station S entry N`.
 */
import type { EncryptedBallot } from '../ballot';
import type { ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';

/** Where a ballot was shown: its station and the index of its entry in that station's ballot log. */
export type BallotPlace = { readonly stationId: string; readonly index: number };

export type UniquenessCode = 'duplicate-ballot-id' | 'duplicate-ciphertext';

export type UniquenessFailure = {
  readonly code: UniquenessCode;
  /** The place that came second (the entry being checked). */
  readonly place: BallotPlace;
  /** Where the ballot id or α was shown first. */
  readonly earlier: BallotPlace;
  readonly message: string;
};

/** The keys one shown ballot claims: its id and each selection's α (unpadded base64url of the encoding). */
export type BallotKeys = {
  readonly ballotId: string;
  readonly alphas: readonly {
    readonly contestId: ContestId;
    readonly selectionId: SelectionId;
    readonly alpha: string;
  }[];
};

export function ballotKeysOf(ballot: EncryptedBallot): BallotKeys {
  return {
    ballotId: ballot.ballotId,
    alphas: ballot.contests.flatMap((contest) =>
      contest.selections.map((s) => ({
        contestId: contest.contestId,
        selectionId: s.selectionId,
        alpha: s.ciphertext.alpha.toBase64Url(),
      })),
    ),
  };
}

/** What was admitted before this check began (a validator's store; nothing for a record read from scratch). */
export type HeldBallots = {
  placeOfBallotId(ballotId: string): BallotPlace | undefined;
  placeOfAlpha(alpha: string): BallotPlace | undefined;
};

export const NOTHING_HELD: HeldBallots = { placeOfBallotId: () => undefined, placeOfAlpha: () => undefined };

export function describePlace(place: BallotPlace): string {
  return `station ${place.stationId} entry ${place.index}`;
}

/**
 * Admits shown ballots one at a time, each against what is held and what it admitted
 * before; remembers what it admitted so the caller can store it.
 */
export class BallotUniqueness {
  readonly #held: HeldBallots;
  readonly #ballotIds = new Map<string, BallotPlace>();
  readonly #alphas = new Map<string, BallotPlace>();

  constructor(held: HeldBallots = NOTHING_HELD) {
    this.#held = held;
  }

  /** Checks one shown ballot at `place`; on success it is admitted, on failure nothing of it is. */
  admit(place: BallotPlace, keys: BallotKeys): Result<void, UniquenessFailure> {
    const earlierId = this.#ballotIds.get(keys.ballotId) ?? this.#held.placeOfBallotId(keys.ballotId);
    if (earlierId !== undefined) {
      return err({
        code: 'duplicate-ballot-id',
        place,
        earlier: earlierId,
        message: `ballot id ${keys.ballotId} at ${describePlace(place)} was already shown at ${describePlace(earlierId)}`,
      });
    }
    const own = new Set<string>();
    for (const { contestId, selectionId, alpha } of keys.alphas) {
      const earlier = own.has(alpha) ? place : (this.#alphas.get(alpha) ?? this.#held.placeOfAlpha(alpha));
      if (earlier !== undefined) {
        return err({
          code: 'duplicate-ciphertext',
          place,
          earlier,
          message: `the ciphertext of ${contestId}/${selectionId} in ballot ${keys.ballotId} at ${describePlace(place)} has the α of a selection already shown at ${describePlace(earlier)}`,
        });
      }
      own.add(alpha);
    }
    this.#ballotIds.set(keys.ballotId, place);
    for (const alpha of own) this.#alphas.set(alpha, place);
    return ok();
  }

  /** Ballot ids admitted by this instance, with their places. */
  get admittedBallotIds(): ReadonlyMap<string, BallotPlace> {
    return this.#ballotIds;
  }

  /** Selection αs admitted by this instance, with their places. */
  get admittedAlphas(): ReadonlyMap<string, BallotPlace> {
    return this.#alphas;
  }
}

/**
 * Every shown ballot of a record, station by station (in the given order) and entry
 * by entry: the first that repeats an id or an α, or undefined.
 */
export function firstDuplicate(
  stations: readonly {
    readonly stationId: string;
    readonly shown: readonly (BallotKeys & { readonly index: number })[];
  }[],
): UniquenessFailure | undefined {
  const uniqueness = new BallotUniqueness();
  for (const { stationId, shown } of stations) {
    for (const ballot of shown) {
      const admitted = uniqueness.admit({ stationId, index: ballot.index }, ballot);
      if (!admitted.ok) return admitted.error;
    }
  }
  return undefined;
}
