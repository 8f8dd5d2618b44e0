/**
 * Exponential ElGamal under the joint election key K: a value v with nonce r is
 * (α, β) = (r·G, v·G + r·K). Ciphertexts add component-wise, which adds the values,
 * so totals are computed without decrypting any ballot.
 */
import type { Bytes } from '../encoding/bytes';
import { GENERATOR, GroupElement, multiplySecret, Point, type Scalar } from './group';
import { MAX_CONTEST_LIMIT } from './manifest';

/** The public inputs every ballot proof is bound to. */
export type ElectionContext = {
  /** The election's extended base hash (32 bytes), computed by the election package. */
  readonly extendedBaseHash: Bytes;
  readonly jointKey: GroupElement;
};

export function createElectionContext(extendedBaseHash: Bytes, jointKey: GroupElement): ElectionContext {
  if (extendedBaseHash.length !== 32) throw new Error('invariant failed: the extended base hash is 32 bytes');
  // A fresh point object per context: the precomputed table is keyed by object identity.
  const key = GroupElement.of(Point.fromBytes(jointKey.bytes).precompute(8, true));
  return { extendedBaseHash, jointKey: key };
}

export type Ciphertext = {
  readonly alpha: GroupElement;
  readonly beta: GroupElement;
};

const smallMultiples: Point[] = [];

/**
 * v·G for a small value v (a vote or a contest sum), from a table, so encrypting costs
 * no third scalar multiplication and does not branch on the vote.
 */
export function smallMultipleOfGenerator(v: number): Point {
  if (!Number.isInteger(v) || v < 0 || v > MAX_CONTEST_LIMIT) throw new Error(`invariant failed: small value ${v}`);
  if (smallMultiples.length === 0) {
    let p = Point.ZERO;
    for (let i = 0; i <= MAX_CONTEST_LIMIT; i++) {
      smallMultiples.push(p);
      p = p.add(GENERATOR);
    }
  }
  return smallMultiples[v] as Point;
}

export function encrypt(context: ElectionContext, value: number, nonce: Scalar): Ciphertext {
  const alpha = multiplySecret(GENERATOR, nonce);
  const beta = multiplySecret(context.jointKey.point, nonce).add(smallMultipleOfGenerator(value));
  return { alpha: GroupElement.of(alpha), beta: GroupElement.of(beta) };
}

export function addCiphertexts(a: Ciphertext, b: Ciphertext): Ciphertext {
  return {
    alpha: GroupElement.of(a.alpha.point.add(b.alpha.point)),
    beta: GroupElement.of(a.beta.point.add(b.beta.point)),
  };
}

export function sumCiphertexts(items: readonly Ciphertext[]): Ciphertext {
  let alpha = Point.ZERO;
  let beta = Point.ZERO;
  for (const item of items) {
    alpha = alpha.add(item.alpha.point);
    beta = beta.add(item.beta.point);
  }
  return { alpha: GroupElement.of(alpha), beta: GroupElement.of(beta) };
}

export function ciphertextsEqual(a: Ciphertext, b: Ciphertext): boolean {
  return a.alpha.equals(b.alpha) && a.beta.equals(b.beta);
}
