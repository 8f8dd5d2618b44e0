/**
 * Ballot encryption. One master nonce per ballot comes from the CSPRNG; each
 * selection's nonce is derived from it by hashing, so a challenged ballot is opened
 * by publishing one 32-byte value. Every selection carries a proof that it encrypts
 * 0 or 1, every contest a proof that its selections add up to at most its limit.
 *
 * Every nonce and every proof is bound to a {@link BallotBinding}, the station that
 * shows the ballot and the ballot style it follows (transcript version v2): a
 * ballot copied byte for byte into another station's log, or relabelled with
 * another style, no longer verifies there.
 */
import type { Bytes } from '../encoding/bytes';
import type { ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import { type Ciphertext, type ElectionContext, encrypt } from './elgamal';
import { type RandomSource, type Scalar, systemRandom, Transcript } from './group';
import { BALLOT_ID_PATTERN, type BallotId, type BallotManifest, type ContestManifest } from './manifest';
import { proveRange, type RangeProof } from './proofs';

export const MASTER_NONCE_BYTES = 32;

/** Where a ballot is shown: bound into its selection nonces and every proof transcript. */
export type BallotBinding = {
  readonly stationId: string;
  readonly ballotStyleId: string;
};

/** The domain tags of the ballot's transcripts; v1 did not bind the station and the style. */
const BALLOT_TRANSCRIPT = 'urna/ballot/v2';

function bindTo(transcript: Transcript, context: ElectionContext, binding: BallotBinding): Transcript {
  return transcript.bytes(context.extendedBaseHash).string(binding.stationId).string(binding.ballotStyleId);
}

/** What the voter chose: per contest, the marked selections. A missing contest is left blank. */
export type PlaintextBallot = {
  readonly ballotId: BallotId;
  readonly choices: Readonly<Record<string, readonly SelectionId[]>>;
};

export type EncryptedSelection = {
  readonly selectionId: SelectionId;
  readonly ciphertext: Ciphertext;
  /** Proof that the ciphertext encrypts 0 or 1. */
  readonly proof: RangeProof;
};

export type EncryptedContest = {
  readonly contestId: ContestId;
  readonly selections: readonly EncryptedSelection[];
  /** Proof that the selections' sum lies in [0, limit]. */
  readonly proof: RangeProof;
};

export type EncryptedBallot = {
  readonly ballotId: BallotId;
  readonly contests: readonly EncryptedContest[];
};

export type PlaintextProblem =
  | { readonly problem: 'bad-ballot-id' }
  | { readonly problem: 'unknown-contest'; readonly contestId: string }
  | { readonly problem: 'unknown-selection'; readonly contestId: ContestId; readonly selectionId: string }
  | { readonly problem: 'duplicate-selection'; readonly contestId: ContestId; readonly selectionId: SelectionId }
  | { readonly problem: 'overvote'; readonly contestId: ContestId; readonly marked: number; readonly limit: number };

/** The 0/1 value of every selection, in manifest order, after checking the contest rules. */
export function selectionValues(
  manifest: BallotManifest,
  ballot: PlaintextBallot,
): Result<number[][], PlaintextProblem> {
  if (!BALLOT_ID_PATTERN.test(ballot.ballotId)) return err({ problem: 'bad-ballot-id' });
  const known = new Set<string>(manifest.contests.map((c) => c.contestId));
  for (const contestId of Object.keys(ballot.choices)) {
    if (!known.has(contestId)) return err({ problem: 'unknown-contest', contestId });
  }
  const values: number[][] = [];
  for (const contest of manifest.contests) {
    const marked = Object.hasOwn(ballot.choices, contest.contestId) ? (ballot.choices[contest.contestId] ?? []) : [];
    const chosen = new Set<string>();
    for (const selectionId of marked) {
      if (!contest.selections.includes(selectionId))
        return err({ problem: 'unknown-selection', contestId: contest.contestId, selectionId });
      if (chosen.has(selectionId))
        return err({ problem: 'duplicate-selection', contestId: contest.contestId, selectionId });
      chosen.add(selectionId);
    }
    if (chosen.size > contest.limit)
      return err({ problem: 'overvote', contestId: contest.contestId, marked: chosen.size, limit: contest.limit });
    values.push(contest.selections.map((s) => (chosen.has(s) ? 1 : 0)));
  }
  return ok(values);
}

/**
 * The nonce of one selection, derived from the ballot's master nonce. Never zero:
 * with r = 0 the ciphertext is (identity, v·G) and shows its vote to anyone, so a
 * zero hash (probability 2^-252) moves on to the next counter value instead.
 */
export function selectionNonce(
  context: ElectionContext,
  binding: BallotBinding,
  ballotId: BallotId,
  contestId: ContestId,
  selectionId: SelectionId,
  masterNonce: Bytes,
): Scalar {
  for (let counter = 0; ; counter++) {
    const nonce = bindTo(new Transcript(`${BALLOT_TRANSCRIPT}/selection-nonce`), context, binding)
      .string(ballotId)
      .string(contestId)
      .string(selectionId)
      .bytes(masterNonce)
      .u32(counter)
      .challenge();
    if (nonce !== 0n) return nonce;
  }
}

/** Everything a selection proof is bound to, before its commitments. */
export function selectionTranscript(
  context: ElectionContext,
  binding: BallotBinding,
  ballotId: BallotId,
  contestId: ContestId,
  selectionId: SelectionId,
  ciphertext: Ciphertext,
): Transcript {
  return bindTo(new Transcript(`${BALLOT_TRANSCRIPT}/selection-proof`), context, binding)
    .element(context.jointKey)
    .string(ballotId)
    .string(contestId)
    .string(selectionId)
    .element(ciphertext.alpha)
    .element(ciphertext.beta);
}

/** Everything a contest proof is bound to: its limit and every selection's ciphertext. */
export function contestTranscript(
  context: ElectionContext,
  binding: BallotBinding,
  ballotId: BallotId,
  contestId: ContestId,
  limit: number,
  selections: readonly { readonly selectionId: SelectionId; readonly ciphertext: Ciphertext }[],
): Transcript {
  const transcript = bindTo(new Transcript(`${BALLOT_TRANSCRIPT}/contest-proof`), context, binding)
    .element(context.jointKey)
    .string(ballotId)
    .string(contestId)
    .u32(limit)
    .u32(selections.length);
  for (const s of selections) transcript.string(s.selectionId).element(s.ciphertext.alpha).element(s.ciphertext.beta);
  return transcript;
}

/** Encrypts every selection of a ballot shown as `binding` says with nonces derived from `masterNonce`, and proves it well formed. */
export function encryptBallotWithNonce(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballot: PlaintextBallot,
  masterNonce: Bytes,
  random: RandomSource,
): Result<EncryptedBallot, PlaintextProblem> {
  if (masterNonce.length !== MASTER_NONCE_BYTES) throw new Error('invariant failed: master nonce length');
  const values = selectionValues(manifest, ballot);
  if (!values.ok) return values;
  const contests = manifest.contests.map((contest, ci) =>
    encryptContest(context, binding, ballot.ballotId, contest, values.value[ci] ?? [], masterNonce, random),
  );
  return ok({ ballotId: ballot.ballotId, contests });
}

function encryptContest(
  context: ElectionContext,
  binding: BallotBinding,
  ballotId: BallotId,
  contest: ContestManifest,
  values: readonly number[],
  masterNonce: Bytes,
  random: RandomSource,
): EncryptedContest {
  let nonceSum = 0n;
  let valueSum = 0;
  const selections = contest.selections.map((selectionId, si) => {
    const value = values[si] ?? 0;
    const nonce = selectionNonce(context, binding, ballotId, contest.contestId, selectionId, masterNonce);
    nonceSum += nonce;
    valueSum += value;
    const ciphertext = encrypt(context, value, nonce);
    const transcript = selectionTranscript(context, binding, ballotId, contest.contestId, selectionId, ciphertext);
    return { selectionId, ciphertext, proof: proveRange(context, transcript, nonce, value, 1, random) };
  });
  // The contest proof is about the sum ciphertext, whose nonce is the sum of the nonces.
  const transcript = contestTranscript(context, binding, ballotId, contest.contestId, contest.limit, selections);
  const proof = proveRange(context, transcript, nonceSum, valueSum, contest.limit, random);
  return { contestId: contest.contestId, selections, proof };
}

export type EncryptionOutcome = {
  readonly ballot: EncryptedBallot;
  /** The one secret that opens this ballot: kept in memory until cast or published on challenge. */
  readonly masterNonce: Bytes;
};

/** Encrypts a ballot with a fresh master nonce. `random` defaults to the system CSPRNG. */
export function encryptBallot(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  ballot: PlaintextBallot,
  random: RandomSource = systemRandom,
): Result<EncryptionOutcome, PlaintextProblem> {
  const masterNonce = random(MASTER_NONCE_BYTES);
  const encrypted = encryptBallotWithNonce(context, manifest, binding, ballot, masterNonce, random);
  if (!encrypted.ok) return encrypted;
  return ok({ ballot: encrypted.value, masterNonce });
}
