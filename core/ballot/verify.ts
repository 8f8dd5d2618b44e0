/**
 * Ballot verification, one ballot at a time or many at once. A failure names the
 * ballot, the contest, the selection and the check, so a validator can say exactly
 * what is wrong with an entry.
 */
import type { ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import { type ElectionContext, sumCiphertexts } from './elgamal';
import {
  type BallotBinding,
  contestTranscript,
  type EncryptedBallot,
  type EncryptedContest,
  selectionTranscript,
} from './encrypt';
import { mod, type RandomSource, systemRandom } from './group';
import type { BallotId, BallotManifest } from './manifest';
import { BatchEquation, rangeProofChallengeHolds, rangeProofEquationsHold } from './proofs';

export type BallotCheck =
  /** The contests or selections differ from the manifest (missing, extra, reordered). */
  | 'ballot-structure'
  /** A selection proof's challenges do not add up to its Fiat–Shamir hash (forged, or copied from elsewhere). */
  | 'selection-proof-challenge'
  /** A selection proof's equations fail: the selection is not an encryption of 0 or 1. */
  | 'selection-proof'
  | 'contest-proof-challenge'
  /** The contest proof's equations fail: the selections' sum is outside [0, limit]. */
  | 'contest-proof';

export type BallotFailure = {
  readonly ballotId: BallotId;
  readonly check: BallotCheck;
  readonly contestId?: ContestId;
  readonly selectionId?: SelectionId;
};

function structureMatches(manifest: BallotManifest, ballot: EncryptedBallot): Result<void, BallotFailure> {
  const fail = (contestId?: ContestId, selectionId?: SelectionId): Result<void, BallotFailure> =>
    err({
      ballotId: ballot.ballotId,
      check: 'ballot-structure',
      ...(contestId ? { contestId } : {}),
      ...(selectionId ? { selectionId } : {}),
    });
  if (ballot.contests.length !== manifest.contests.length) return fail();
  for (let ci = 0; ci < manifest.contests.length; ci++) {
    const expected = manifest.contests[ci];
    const actual = ballot.contests[ci];
    if (!expected || !actual || expected.contestId !== actual.contestId) return fail(expected?.contestId);
    if (actual.selections.length !== expected.selections.length) return fail(expected.contestId);
    for (let si = 0; si < expected.selections.length; si++) {
      if (actual.selections[si]?.selectionId !== expected.selections[si])
        return fail(expected.contestId, expected.selections[si]);
    }
    if (actual.proof.branches.length !== expected.limit + 1) return fail(expected.contestId);
    for (const s of actual.selections)
      if (s.proof.branches.length !== 2) return fail(expected.contestId, s.selectionId);
  }
  return ok();
}

/** Structure and Fiat–Shamir checks: cheap (hashing only), done for every ballot in either mode. */
function challengesHold(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballot: EncryptedBallot,
): Result<void, BallotFailure> {
  const structure = structureMatches(manifest, ballot);
  if (!structure.ok) return structure;
  for (let ci = 0; ci < ballot.contests.length; ci++) {
    const contest = ballot.contests[ci] as EncryptedContest;
    const limit = (manifest.contests[ci] as { limit: number }).limit;
    for (const s of contest.selections) {
      const transcript = selectionTranscript(
        context,
        binding,
        ballot.ballotId,
        contest.contestId,
        s.selectionId,
        s.ciphertext,
      );
      if (!rangeProofChallengeHolds(transcript, 1, s.proof)) {
        return err({
          ballotId: ballot.ballotId,
          check: 'selection-proof-challenge',
          contestId: contest.contestId,
          selectionId: s.selectionId,
        });
      }
    }
    const transcript = contestTranscript(
      context,
      binding,
      ballot.ballotId,
      contest.contestId,
      limit,
      contest.selections,
    );
    if (!rangeProofChallengeHolds(transcript, limit, contest.proof)) {
      return err({ ballotId: ballot.ballotId, check: 'contest-proof-challenge', contestId: contest.contestId });
    }
  }
  return ok();
}

/** The equations proof by proof: only to name the failing proof once a batch has failed. */
function equationsHold(context: ElectionContext, ballot: EncryptedBallot): Result<void, BallotFailure> {
  for (const contest of ballot.contests) {
    for (const s of contest.selections) {
      if (!rangeProofEquationsHold(context, s.ciphertext, s.proof)) {
        return err({
          ballotId: ballot.ballotId,
          check: 'selection-proof',
          contestId: contest.contestId,
          selectionId: s.selectionId,
        });
      }
    }
    const sum = sumCiphertexts(contest.selections.map((s) => s.ciphertext));
    if (!rangeProofEquationsHold(context, sum, contest.proof)) {
      return err({ ballotId: ballot.ballotId, check: 'contest-proof', contestId: contest.contestId });
    }
  }
  return ok();
}

/**
 * Checks one ballot, as shown where `binding` says: a batch of one (`verifyBallots`),
 * so all its selection and contest proofs are one multi-scalar multiplication with
 * random weights; only if that fails are its proofs checked one by one, to name the
 * failing selection or contest.
 */
export function verifyBallot(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballot: EncryptedBallot,
  options: BatchOptions = {},
): Result<void, BallotFailure> {
  const checked = verifyBallots(context, manifest, binding, [ballot], options);
  return checked.ok ? checked : err(checked.error[0] as BallotFailure);
}

/**
 * Checks one ballot proof by proof, with no batching: the reference that the batched
 * paths must agree with (tests), and the per-proof cost the benchmarks compare.
 */
export function verifyBallotProofByProof(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballot: EncryptedBallot,
): Result<void, BallotFailure> {
  const challenges = challengesHold(context, manifest, binding, ballot);
  if (!challenges.ok) return challenges;
  return equationsHold(context, ballot);
}

function addBallotToBatch(batch: BatchEquation, ballot: EncryptedBallot): void {
  for (const contest of ballot.contests) {
    // The contest proof is about Σα, Σβ; its coefficients are spread onto each
    // selection's α and β, so the sum ciphertext never enters the multiplication.
    const contestCoefficients = batch.addRangeProof(contest.proof);
    for (const s of contest.selections) {
      const own = batch.addRangeProof(s.proof);
      batch.add(s.ciphertext.alpha.point, mod(own.alpha + contestCoefficients.alpha));
      batch.add(s.ciphertext.beta.point, mod(own.beta + contestCoefficients.beta));
    }
  }
}

export type BatchOptions = {
  /** Verifier randomness for the linear combination; must be unpredictable to the prover. */
  readonly random?: RandomSource;
  /** Ballots per multi-scalar multiplication (bounds memory and the cost of a fallback). */
  readonly chunkSize?: number;
};

/**
 * Checks many ballots with one multi-scalar multiplication per chunk. When a chunk's
 * combined equation fails, its ballots are checked one by one so every bad ballot is
 * named. Returns all failures, in input order.
 */
export function verifyBallots(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballots: readonly EncryptedBallot[],
  options: BatchOptions = {},
): Result<void, BallotFailure[]> {
  const random = options.random ?? systemRandom;
  const chunkSize = options.chunkSize ?? 256;
  const failures: { index: number; failure: BallotFailure }[] = [];
  for (let start = 0; start < ballots.length; start += chunkSize) {
    const batch = new BatchEquation(context, random);
    const candidates: { index: number; ballot: EncryptedBallot }[] = [];
    ballots.slice(start, start + chunkSize).forEach((ballot, offset) => {
      const challenges = challengesHold(context, manifest, binding, ballot);
      if (!challenges.ok) {
        failures.push({ index: start + offset, failure: challenges.error });
        return;
      }
      candidates.push({ index: start + offset, ballot });
      addBallotToBatch(batch, ballot);
    });
    if (candidates.length === 0 || batch.holds()) continue;
    for (const { index, ballot } of candidates) {
      const single = equationsHold(context, ballot);
      if (!single.ok) failures.push({ index, failure: single.error });
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return failures.length === 0 ? ok() : err(failures.map((f) => f.failure));
}

/** A ballot to verify, where it stands in its log, and the style whose manifest it follows. */
export type LoggedBallot = { readonly index: number; readonly ballotStyleId: string; readonly ballot: EncryptedBallot };

/**
 * Verifies the proofs of ballots from one station's log, one batch per ballot style
 * (each bound to that station and style), and names
 * the failing ballot with the lowest log index, or undefined if every proof holds.
 * The validator and `urna verify` both check a log's ballots this way.
 */
export function firstFailingBallot(
  context: ElectionContext,
  manifests: ReadonlyMap<string, BallotManifest>,
  stationId: string,
  ballots: readonly LoggedBallot[],
  options: BatchOptions = {},
): { readonly index: number; readonly failure: BallotFailure } | undefined {
  const byStyle = new Map<string, LoggedBallot[]>();
  for (const job of ballots) {
    const list = byStyle.get(job.ballotStyleId);
    if (list === undefined) byStyle.set(job.ballotStyleId, [job]);
    else list.push(job);
  }
  let first: { index: number; failure: BallotFailure } | undefined;
  for (const [styleId, list] of byStyle) {
    const manifest = manifests.get(styleId);
    if (manifest === undefined) throw new Error(`invariant failed: style ${styleId} was checked before its proofs`);
    const checked = verifyBallots(
      context,
      manifest,
      { stationId, ballotStyleId: styleId },
      list.map((j) => j.ballot),
      options,
    );
    // Failures come in input order, so the style's first is its lowest index.
    const failure = checked.ok ? undefined : checked.error[0];
    if (failure === undefined) continue;
    const index = list.find((j) => j.ballot.ballotId === failure.ballotId)?.index ?? -1;
    if (first === undefined || index < first.index) first = { index, failure };
  }
  return first;
}

/**
 * The first selection whose α is the identity: such a ciphertext (nonce 0) is
 * (identity, v·G) and shows its vote to anyone, yet its proofs hold. Ristretto255
 * encodes the identity, and only it, as 32 zero bytes.
 */
export function identityCiphertextIn(
  ballot: EncryptedBallot,
): { readonly contestId: ContestId; readonly selectionId: SelectionId } | undefined {
  for (const contest of ballot.contests) {
    for (const s of contest.selections) {
      if (s.ciphertext.alpha.bytes.every((byte) => byte === 0))
        return { contestId: contest.contestId, selectionId: s.selectionId };
    }
  }
  return undefined;
}

/** "ballot B fails CHECK at contest/selection", for refusals and verifier reports. */
export function describeBallotFailure(failure: BallotFailure): string {
  const at = [failure.contestId, failure.selectionId].filter((x) => x !== undefined).join('/');
  return `ballot ${failure.ballotId} fails ${failure.check}${at ? ` at ${at}` : ''}`;
}
