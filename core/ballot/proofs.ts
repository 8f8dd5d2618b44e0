/**
 * Zero-knowledge proofs, all made non-interactive by Fiat–Shamir over a `Transcript`
 * that the caller has already filled with a domain tag and every public input the
 * proof must be bound to (extended base hash, ballot, contest, selection, key).
 *
 * - Range proof: a disjunctive Chaum–Pedersen proof that a ciphertext (α, β) under K
 *   encrypts one of 0..m (ElectionGuard 2.x "ranged" proof). For each j the statement is
 *   "(α, β − j·G) = (r·G, r·K)"; the true branch is proved, the others are simulated,
 *   and the branch challenges must add up to the transcript challenge. The record keeps
 *   the commitments (a_j, b_j) so that many proofs can be checked in one batch.
 * - Discrete-log equality (Chaum–Pedersen) and knowledge (Schnorr) proofs in compact
 *   (challenge, response) form, for partial decryptions and the key ceremony.
 */
import { type Ciphertext, type ElectionContext, fixedBaseTable, smallMultipleOfGenerator } from './elgamal';
import {
  addHalves,
  doubleAndEncode,
  type HalfPoint,
  halfMultiple,
  linearCombination,
  msmIsIdentity,
} from './fast25519';
import type { Point, Transcript } from './group';
import {
  GENERATOR,
  GroupElement,
  mod,
  multiplyPublic,
  multiplySecret,
  type RandomSource,
  randomScalar,
  WeightSource,
  type Scalar,
} from './group';

export type RangeProofBranch = {
  readonly a: GroupElement;
  readonly b: GroupElement;
  readonly c: Scalar;
  readonly z: Scalar;
};

/** Branch j proves the ciphertext encrypts j. */
export type RangeProof = { readonly branches: readonly RangeProofBranch[] };

function appendCommitments(
  transcript: Transcript,
  maxValue: number,
  commitments: readonly { a: GroupElement; b: GroupElement }[],
): Scalar {
  transcript.u32(maxValue);
  for (const { a, b } of commitments) transcript.element(a).element(b);
  return transcript.challenge();
}

/**
 * Proves that `ciphertext` = encrypt(value, nonce) with value in [0, maxValue]. The
 * prover knows the nonce, so even the simulated branches need only fixed-base
 * multiplications: a_j = t·G and b_j = t·K + c_j(j − v)·G with z_j = t + c_j·r.
 */
export function proveRange(
  context: ElectionContext,
  transcript: Transcript,
  nonce: Scalar,
  value: number,
  maxValue: number,
  random: RandomSource,
): RangeProof {
  if (!Number.isInteger(value) || value < 0 || value > maxValue)
    throw new Error('invariant failed: proving a value out of range');
  const g = fixedBaseTable(GENERATOR);
  const k = fixedBaseTable(context.jointKey.point);
  const u = randomScalar(random);
  // Commitments as halves (constant-time fixed-base multiplications), doubled and
  // encoded in one batch: a_j = t·G, b_j = t·K + c_j(j − v)·G.
  const halves: HalfPoint[] = [];
  const simulated: { c: Scalar; z: Scalar }[] = [];
  for (let j = 0; j <= maxValue; j++) {
    if (j === value) {
      halves.push(halfMultiple(g, u), halfMultiple(k, u));
      simulated.push({ c: 0n, z: 0n });
    } else {
      const c = randomScalar(random);
      const t = randomScalar(random);
      halves.push(halfMultiple(g, t), addHalves(halfMultiple(k, t), halfMultiple(g, mod(c * BigInt(j - value)))));
      simulated.push({ c, z: mod(t + c * nonce) });
    }
  }
  const encoded = doubleAndEncode(halves).map(({ point, bytes }) => GroupElement.withEncoding(point, bytes));
  const commitments: { a: GroupElement; b: GroupElement }[] = [];
  for (let j = 0; j <= maxValue; j++)
    commitments.push({ a: encoded[2 * j] as GroupElement, b: encoded[2 * j + 1] as GroupElement });
  const challenge = appendCommitments(transcript, maxValue, commitments);
  let rest = challenge;
  for (let j = 0; j <= maxValue; j++) if (j !== value) rest -= (simulated[j] as { c: Scalar }).c;
  const realChallenge = mod(rest);
  return {
    branches: commitments.map(({ a, b }, j) =>
      j === value
        ? { a, b, c: realChallenge, z: mod(u + realChallenge * nonce) }
        : { a, b, ...(simulated[j] as { c: Scalar; z: Scalar }) },
    ),
  };
}

/** The Fiat–Shamir part of a range proof: the branch challenges add up to the hash. */
export function rangeProofChallengeHolds(transcript: Transcript, maxValue: number, proof: RangeProof): boolean {
  if (proof.branches.length !== maxValue + 1) return false;
  const challenge = appendCommitments(transcript, maxValue, proof.branches);
  let sum = 0n;
  for (const branch of proof.branches) sum += branch.c;
  return mod(sum) === challenge;
}

/**
 * The algebraic part, checked alone: z_j·G = a_j + c_j·α and z_j·K = b_j + c_j·(β − j·G)
 * for every branch j.
 */
export function rangeProofEquationsHold(context: ElectionContext, ciphertext: Ciphertext, proof: RangeProof): boolean {
  const K = context.jointKey.point;
  const alpha = ciphertext.alpha.point;
  const beta = ciphertext.beta.point;
  return proof.branches.every((branch, j) => {
    const left1 = multiplyPublic(GENERATOR, branch.z);
    const right1 = branch.a.point.add(multiplyPublic(alpha, branch.c));
    if (!left1.equals(right1)) return false;
    const left2 = multiplyPublic(K, branch.z);
    const right2 = branch.b.point.add(multiplyPublic(beta.subtract(smallMultipleOfGenerator(j)), branch.c));
    return left2.equals(right2);
  });
}

/**
 * Many proof equations folded into one: each equation Σ sᵢ·Pᵢ = 0 is multiplied by a
 * fresh random 128-bit weight and all are summed. If any equation fails, the sum is
 * zero with probability about 2^-128, so one multi-scalar multiplication checks all.
 * G and K appear in every equation and get one aggregated coefficient each.
 */
export class BatchEquation {
  #g = 0n;
  #k = 0n;
  readonly #points: Point[] = [];
  readonly #scalars: bigint[] = [];
  readonly #weights: WeightSource;

  constructor(
    private readonly context: ElectionContext,
    random: RandomSource,
  ) {
    this.#weights = new WeightSource(random);
  }

  get size(): number {
    return this.#points.length;
  }

  add(point: Point, scalar: Scalar): void {
    this.#points.push(point);
    this.#scalars.push(mod(scalar));
  }

  /**
   * Adds a range proof's equations; returns the aggregated coefficients of α and β so
   * the caller can merge them with other proofs over the same ciphertext.
   */
  addRangeProof(proof: RangeProof): { alpha: Scalar; beta: Scalar } {
    let alpha = 0n;
    let beta = 0n;
    proof.branches.forEach((branch, j) => {
      const w1 = this.#weights.next();
      const w2 = this.#weights.next();
      // w1·(a_j + c_j·α − z_j·G) + w2·(b_j + c_j·β − c_j·j·G − z_j·K) = 0
      this.add(branch.a.point, w1);
      this.add(branch.b.point, w2);
      alpha += w1 * branch.c;
      beta += w2 * branch.c;
      this.#g -= w1 * branch.z + w2 * branch.c * BigInt(j);
      this.#k -= w2 * branch.z;
    });
    return { alpha: mod(alpha), beta: mod(beta) };
  }

  holds(): boolean {
    const points = [...this.#points, GENERATOR, this.context.jointKey.point];
    const scalars = [...this.#scalars, mod(this.#g), mod(this.#k)];
    return msmIsIdentity(points, scalars);
  }
}

/** A compact proof: challenge and response. */
export type CompactProof = { readonly c: Scalar; readonly z: Scalar };

/**
 * Proves knowledge of x with publicᵢ = x·baseᵢ for every base (one base: Schnorr;
 * two: Chaum–Pedersen equality of discrete logs). The transcript must already hold
 * the bases and public values.
 */
export function proveKnowledge(
  transcript: Transcript,
  bases: readonly Point[],
  secret: Scalar,
  random: RandomSource,
): CompactProof {
  const u = randomScalar(random);
  for (const base of bases) transcript.element(GroupElement.of(multiplySecret(base, u)));
  const c = transcript.challenge();
  return { c, z: mod(u + c * secret) };
}

export function knowledgeProofHolds(
  transcript: Transcript,
  statements: readonly { readonly base: Point; readonly public: Point }[],
  proof: CompactProof,
): boolean {
  for (const { base, public: pub } of statements) {
    // One chain of doublings for both terms, G included: faster than z·G from the library's
    // precomputed table plus c·P alone, and a verifier that checks a few dozen proofs never
    // builds that table (about 60 ms).
    const h = linearCombination([base, pub], [mod(proof.z), mod(-proof.c)]);
    transcript.element(GroupElement.of(h));
  }
  return transcript.challenge() === proof.c;
}
