/**
 * Exponential ElGamal under the joint election key K: a value v with nonce r is
 * (α, β) = (r·G, v·G + r·K). Ciphertexts add component-wise, which adds the values,
 * so totals are computed without decrypting any ballot.
 */
import type { Bytes } from '../encoding/bytes';
import { addHalves, doubleAndEncode, FixedBaseTable, type HalfPoint, halfMultiple, halfOfDoubled } from './fast25519';
import { GENERATOR, GroupElement, mod, multiplyPublic, Point, type Scalar } from './group';
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

const tables = new WeakMap<Point, FixedBaseTable>();

/** The fixed-base table of G or of a context's joint key, built on first use. */
export function fixedBaseTable(base: Point): FixedBaseTable {
  let table = tables.get(base);
  if (table === undefined) {
    table = new FixedBaseTable(base);
    tables.set(base, table);
  }
  return table;
}

const smallHalves: HalfPoint[] = [];

/** (v/2)·G for a small value v, so that doubling gives v·G (see `doubleAndEncode`). */
export function smallMultipleOfGeneratorHalf(v: number): HalfPoint {
  if (!Number.isInteger(v) || v < 0 || v > MAX_CONTEST_LIMIT) throw new Error(`invariant failed: small value ${v}`);
  if (smallHalves.length === 0) {
    const inverse2 = (Point.Fn.ORDER + 1n) / 2n;
    for (let i = 0; i <= MAX_CONTEST_LIMIT; i++)
      smallHalves.push(halfOfDoubled(multiplyPublic(GENERATOR, mod(BigInt(i) * inverse2))));
  }
  return smallHalves[v] as HalfPoint;
}

/**
 * Both components are computed as halves, (r/2)·G and (r/2)·K + (v/2)·G, with
 * constant-time fixed-base tables, then doubled and encoded together with one field
 * inversion (no square root per point).
 */
export function encrypt(context: ElectionContext, value: number, nonce: Scalar): Ciphertext {
  const g = fixedBaseTable(GENERATOR);
  const k = fixedBaseTable(context.jointKey.point);
  const [alpha, beta] = doubleAndEncode([
    halfMultiple(g, nonce),
    addHalves(halfMultiple(k, nonce), smallMultipleOfGeneratorHalf(value)),
  ]) as [{ point: Point; bytes: Uint8Array }, { point: Point; bytes: Uint8Array }];
  return {
    alpha: GroupElement.withEncoding(alpha.point, alpha.bytes),
    beta: GroupElement.withEncoding(beta.point, beta.bytes),
  };
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
