/**
 * The tally: cast ballots' ciphertexts are added per selection; each present guardian
 * publishes M = sℓ·A for every total (A, B) with a Chaum–Pedersen proof that it used the
 * key share behind its public verification key Sℓ; any k of them are combined with
 * Lagrange coefficients into s·A, and the count t is recovered from t·G = B − s·A.
 */
import type { ContestId, GuardianId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import { type GuardianKeyShare, type KeyCeremonyRecord, verificationKeyOf } from './ceremony';
import { DiscreteLog } from './discrete-log';
import { type Ciphertext, type ElectionContext } from './elgamal';
import type { EncryptedBallot } from './encrypt';
import {
  GENERATOR,
  GroupElement,
  lagrangeCoefficient,
  multiplyPublic,
  multiplySecret,
  Point,
  type RandomSource,
  systemRandom,
  Transcript,
} from './group';
import type { BallotManifest } from './manifest';
import { type CompactProof, knowledgeProofHolds, proveKnowledge } from './proofs';

export type EncryptedTallySelection = { readonly selectionId: SelectionId; readonly ciphertext: Ciphertext };
export type EncryptedTallyContest = {
  readonly contestId: ContestId;
  readonly selections: readonly EncryptedTallySelection[];
};
export type EncryptedTally = {
  /** Ballots added; also the largest count any selection can reach. */
  readonly ballotCount: number;
  readonly contests: readonly EncryptedTallyContest[];
};

/**
 * Adds ballots homomorphically. Points are summed in projective form and encoded only
 * when the tally is taken, so adding a ballot costs a few point additions.
 */
export class TallyAccumulator {
  readonly #sums: { alpha: Point; beta: Point }[][];
  #count = 0;

  constructor(readonly manifest: BallotManifest) {
    this.#sums = manifest.contests.map((c) => c.selections.map(() => ({ alpha: Point.ZERO, beta: Point.ZERO })));
  }

  /** Adds a verified ballot; a ballot of another shape is refused and changes nothing. */
  add(ballot: EncryptedBallot): Result<void, 'ballot-structure'> {
    const { contests } = this.manifest;
    if (ballot.contests.length !== contests.length) return err('ballot-structure');
    for (let ci = 0; ci < contests.length; ci++) {
      const expected = contests[ci];
      const actual = ballot.contests[ci];
      if (
        !expected ||
        !actual ||
        expected.contestId !== actual.contestId ||
        actual.selections.length !== expected.selections.length
      )
        return err('ballot-structure');
      if (actual.selections.some((s, si) => s.selectionId !== expected.selections[si])) return err('ballot-structure');
    }
    ballot.contests.forEach((contest, ci) =>
      contest.selections.forEach((s, si) => {
        const sum = this.#sums[ci]?.[si] as { alpha: Point; beta: Point };
        sum.alpha = sum.alpha.add(s.ciphertext.alpha.point);
        sum.beta = sum.beta.add(s.ciphertext.beta.point);
      }),
    );
    this.#count++;
    return ok();
  }

  result(): EncryptedTally {
    return {
      ballotCount: this.#count,
      contests: this.manifest.contests.map((contest, ci) => ({
        contestId: contest.contestId,
        selections: contest.selections.map((selectionId, si) => {
          const sum = this.#sums[ci]?.[si] as { alpha: Point; beta: Point };
          return { selectionId, ciphertext: { alpha: GroupElement.of(sum.alpha), beta: GroupElement.of(sum.beta) } };
        }),
      })),
    };
  }
}

export type PartialDecryptionShare = {
  readonly contestId: ContestId;
  readonly selectionId: SelectionId;
  /** M = sℓ·A. */
  readonly share: GroupElement;
  readonly proof: CompactProof;
};

export type PartialDecryption = {
  readonly guardianId: GuardianId;
  readonly index: number;
  readonly shares: readonly PartialDecryptionShare[];
};

function partialTranscript(
  context: ElectionContext,
  guardianId: GuardianId,
  index: number,
  verificationKey: GroupElement,
  contestId: ContestId,
  selection: EncryptedTallySelection,
  share: GroupElement,
): Transcript {
  return new Transcript('urna/tally/v1/partial-decryption')
    .bytes(context.extendedBaseHash)
    .element(context.jointKey)
    .string(guardianId)
    .u32(index)
    .element(verificationKey)
    .string(contestId)
    .string(selection.selectionId)
    .element(selection.ciphertext.alpha)
    .element(selection.ciphertext.beta)
    .element(share);
}

/** Guardian ℓ's partial decryption of every total, each with its proof. */
export function partiallyDecrypt(
  context: ElectionContext,
  keyShare: GuardianKeyShare,
  tally: EncryptedTally,
  random: RandomSource = systemRandom,
): PartialDecryption {
  const shares = tally.contests.flatMap((contest) =>
    contest.selections.map((selection) => {
      const alpha = selection.ciphertext.alpha.point;
      const share = GroupElement.of(multiplySecret(alpha, keyShare.secret));
      const transcript = partialTranscript(
        context,
        keyShare.guardianId,
        keyShare.index,
        keyShare.verificationKey,
        contest.contestId,
        selection,
        share,
      );
      const proof = proveKnowledge(transcript, [GENERATOR, alpha], keyShare.secret, random);
      return { contestId: contest.contestId, selectionId: selection.selectionId, share, proof };
    }),
  );
  return { guardianId: keyShare.guardianId, index: keyShare.index, shares };
}

export type TallyCheck =
  | 'unknown-guardian'
  | 'duplicate-guardian'
  | 'partial-decryption-structure'
  | 'partial-decryption-proof'
  | 'too-few-guardians'
  | 'count-not-found';

export type TallyFailure = {
  readonly check: TallyCheck;
  readonly guardianId?: GuardianId;
  readonly contestId?: ContestId;
  readonly selectionId?: SelectionId;
};

/** Checks one guardian's partial decryption against its verification key from the ceremony record. */
export function verifyPartialDecryption(
  context: ElectionContext,
  ceremony: KeyCeremonyRecord,
  tally: EncryptedTally,
  partial: PartialDecryption,
): Result<void, TallyFailure> {
  const { guardianId, index } = partial;
  if (ceremony.guardians[index - 1]?.guardianId !== guardianId) return err({ check: 'unknown-guardian', guardianId });
  const computed = verificationKeyOf(ceremony.guardians, index);
  // Every share's proof multiplies this key: a small precomputed table (keyed by the
  // point object, so on a copy of it) pays for itself from the second selection on.
  const verificationKey = GroupElement.withEncoding(
    Point.fromBytes(computed.bytes).precompute(4, true),
    computed.bytes,
  );
  let i = 0;
  for (const contest of tally.contests) {
    for (const selection of contest.selections) {
      const share = partial.shares[i++];
      const where = { guardianId, contestId: contest.contestId, selectionId: selection.selectionId };
      if (!share || share.contestId !== contest.contestId || share.selectionId !== selection.selectionId) {
        return err({ check: 'partial-decryption-structure', ...where });
      }
      const transcript = partialTranscript(
        context,
        guardianId,
        index,
        verificationKey,
        contest.contestId,
        selection,
        share.share,
      );
      const holds = knowledgeProofHolds(
        transcript,
        [
          { base: GENERATOR, public: verificationKey.point },
          { base: selection.ciphertext.alpha.point, public: share.share.point },
        ],
        share.proof,
      );
      if (!holds) return err({ check: 'partial-decryption-proof', ...where });
    }
  }
  if (i !== partial.shares.length) return err({ check: 'partial-decryption-structure', guardianId });
  return ok();
}

export type PlaintextTally = {
  readonly ballotCount: number;
  readonly contests: readonly {
    readonly contestId: ContestId;
    readonly selections: readonly { readonly selectionId: SelectionId; readonly count: number }[];
  }[];
};

const sharedDiscreteLog = new DiscreteLog();

/**
 * Verifies every partial decryption, then combines them. Any k or more distinct
 * guardians suffice; every partial given is checked and used.
 */
export function decryptTally(
  context: ElectionContext,
  ceremony: KeyCeremonyRecord,
  tally: EncryptedTally,
  partials: readonly PartialDecryption[],
  discreteLog: DiscreteLog = sharedDiscreteLog,
): Result<PlaintextTally, TallyFailure> {
  const duplicate = firstDuplicateGuardian(partials);
  if (duplicate !== undefined) return err({ check: 'duplicate-guardian', guardianId: duplicate.guardianId });
  for (const partial of partials) {
    const valid = verifyPartialDecryption(context, ceremony, tally, partial);
    if (!valid.ok) return valid;
  }
  return combineVerifiedPartials(ceremony, tally, partials, discreteLog);
}

function firstDuplicateGuardian(partials: readonly PartialDecryption[]): PartialDecryption | undefined {
  const seen = new Set<number>();
  for (const partial of partials) {
    if (seen.has(partial.index)) return partial;
    seen.add(partial.index);
  }
  return undefined;
}

/**
 * `decryptTally` without its proof checks, for partial decryptions that
 * `verifyPartialDecryption` has already accepted against this very tally (the record
 * verifier checks each share file once, then combines): distinct guardians, at least
 * the threshold, Lagrange, then the discrete logarithms.
 */
export function combineVerifiedPartials(
  ceremony: KeyCeremonyRecord,
  tally: EncryptedTally,
  partials: readonly PartialDecryption[],
  discreteLog: DiscreteLog = sharedDiscreteLog,
): Result<PlaintextTally, TallyFailure> {
  const duplicate = firstDuplicateGuardian(partials);
  if (duplicate !== undefined) return err({ check: 'duplicate-guardian', guardianId: duplicate.guardianId });
  if (partials.length < ceremony.threshold) return err({ check: 'too-few-guardians' });
  const present = partials.map((p) => p.index);
  const weights = present.map((i) => lagrangeCoefficient(i, present));
  let i = 0;
  const contests = [];
  for (const contest of tally.contests) {
    const selections = [];
    for (const selection of contest.selections) {
      let combined = Point.ZERO;
      partials.forEach((p, pi) => {
        combined = combined.add(
          multiplyPublic((p.shares[i] as PartialDecryptionShare).share.point, weights[pi] as bigint),
        );
      });
      i++;
      const count = discreteLog.solve(selection.ciphertext.beta.point.subtract(combined), tally.ballotCount);
      if (count === undefined)
        return err({ check: 'count-not-found', contestId: contest.contestId, selectionId: selection.selectionId });
      selections.push({ selectionId: selection.selectionId, count });
    }
    contests.push({ contestId: contest.contestId, selections });
  }
  return ok({ ballotCount: tally.ballotCount, contests });
}
