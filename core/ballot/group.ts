/**
 * The group every ballot computation lives in: ristretto255 (RFC 9496), a prime-order
 * group, with scalars modulo its order L. Points travel as their canonical 32-byte
 * ristretto encoding, scalars as 32 bytes little-endian (the RFC 9496 / RFC 8032 habit).
 *
 * Encoding and decoding a point each cost one field exponentiation, which dominates
 * proof generation and verification; `GroupElement` therefore carries a point together
 * with its encoding and computes each side at most once.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE, bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { type Bytes, fromBase64Url, toBase64Url, utf8Encode } from '../encoding/bytes';
import { err, ok, type Result } from '../result';
import {
  AFFINE_BYTES,
  decodeRistretto,
  encodeRistretto,
  pointFromCheckedAffineBytes,
  sumOfCheckedAffine,
  sumOfPoints,
} from './fast25519';

export const Point = ristretto255.Point;
export type Point = InstanceType<typeof ristretto255.Point>;
/** A scalar: an integer in [0, L). */
export type Scalar = bigint;

/** The order L of ristretto255. */
export const GROUP_ORDER: bigint = Point.Fn.ORDER;

/**
 * Our own handle on the generator, so the larger precomputed table we attach to it
 * does not change the library-wide BASE point that Ed25519 code elsewhere relies on.
 */
export const GENERATOR: Point = Point.fromBytes(Point.BASE.toBytes()).precompute(8, true);

/** Source of uniformly random bytes. Injectable so known-answer tests can be reproduced. */
export type RandomSource = (length: number) => Bytes;

/** The platform CSPRNG (Web Crypto getRandomValues, via @noble/hashes). */
export const systemRandom: RandomSource = (length) => randomBytes(length);

export function mod(a: bigint): Scalar {
  const r = a % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/** Modular inverse by Fermat; only ever applied to public non-zero values (Lagrange). */
export function invert(a: Scalar): Scalar {
  if (mod(a) === 0n) throw new Error('invariant failed: inverse of zero');
  return Point.Fn.inv(mod(a));
}

/** A uniformly random non-zero scalar: 64 random bytes reduced mod L (bias below 2^-250). */
export function randomScalar(random: RandomSource): Scalar {
  for (;;) {
    const s = mod(bytesToNumberBE(random(64)));
    if (s !== 0n) return s;
  }
}

/**
 * Random 128-bit weights for batch verification (enough for a 2^-128 soundness
 * error), non-zero, drawn from `random` 256 at a time: one call to the system's
 * generator per 4 KiB instead of one per weight, which cost more than the weight's
 * share of the multi-scalar multiplication. The bytes are the same stream.
 */
export class WeightSource {
  static readonly #CHUNK = 4096;
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  #offset = 0;

  constructor(private readonly random: RandomSource) {}

  next(): Scalar {
    if (this.#offset + 16 > this.#view.byteLength) {
      const bytes = this.random(WeightSource.#CHUNK);
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#offset = 0;
    }
    const high = this.#view.getBigUint64(this.#offset);
    const low = this.#view.getBigUint64(this.#offset + 8);
    this.#offset += 16;
    return ((high << 64n) | low) + 1n;
  }
}

export function scalarToBytes(s: Scalar): Bytes {
  return numberToBytesLE(mod(s), 32);
}

/** Decodes a canonical scalar (32 bytes little-endian, below L). */
export function scalarFromBytes(bytes: Bytes): Result<Scalar, 'not-a-scalar'> {
  if (bytes.length !== 32) return err('not-a-scalar');
  const s = bytesToNumberLE(bytes);
  return s < GROUP_ORDER ? ok(s) : err('not-a-scalar');
}

/**
 * Constant-time multiplication for secret scalars. The library refuses the zero
 * scalar, whose product is the identity; handling it here keeps callers simple.
 */
export function multiplySecret(p: Point, s: Scalar): Point {
  const k = mod(s);
  return k === 0n ? Point.ZERO : p.multiply(k);
}

/** Variable-time multiplication: only for public scalars (verification). */
export function multiplyPublic(p: Point, s: Scalar): Point {
  return p.multiplyUnsafe(mod(s));
}

/** A point together with its canonical encoding, each computed at most once. */
export class GroupElement {
  #point: Point | undefined;
  #bytes: Bytes | undefined;
  /** The unpadded base64url text of the encoding, kept when the element was read from it. */
  #text: string | undefined;
  /** The affine coordinates of the point (fast25519 `writeAffineBytes`), when they came from where it was decoded. */
  #affine: Bytes | undefined;

  private constructor(point: Point | undefined, bytes: Bytes | undefined, text?: string) {
    this.#point = point;
    this.#bytes = bytes;
    this.#text = text;
  }

  static of(point: Point): GroupElement {
    return new GroupElement(point, undefined);
  }

  /** A point with its encoding computed elsewhere (`doubleAndEncode`): `bytes` must encode `point`. */
  static withEncoding(point: Point, bytes: Bytes): GroupElement {
    return new GroupElement(point, bytes);
  }

  /**
   * An encoding that `decode` has already accepted (in another thread, or before it
   * was stored): the point is decoded on first use. Never for unchecked input.
   */
  static fromCheckedBytes(bytes: Bytes): GroupElement {
    if (bytes.length !== 32) throw new Error('invariant failed: a checked encoding is 32 bytes');
    return new GroupElement(undefined, bytes);
  }

  /** Decodes a canonical ristretto255 encoding; anything else is refused. */
  static decode(bytes: Bytes): Result<GroupElement, 'not-a-point'> {
    const point = decodeRistretto(bytes);
    return point === undefined ? err('not-a-point') : ok(new GroupElement(point, bytes));
  }

  /**
   * A point `decodeRistretto` has just decoded from `bytes`, which are the canonical
   * unpadded base64url `text`: all three forms kept, none computed again.
   */
  static decoded(point: Point, bytes: Bytes, text: string): GroupElement {
    return new GroupElement(point, bytes, text);
  }

  /**
   * The canonical unpadded base64url text of an encoding that has already been
   * accepted (`point`, when known, is the point it encodes): bytes and point are
   * computed on first use. Never for unchecked input.
   */
  static fromCheckedText(text: string, point?: Point): GroupElement {
    if (text.length !== 43) throw new Error('invariant failed: a checked encoding is 43 base64url characters');
    return new GroupElement(point, undefined, text);
  }

  /**
   * As `fromCheckedText`, with the affine coordinates of the point as the thread that
   * decoded it wrote them (fast25519 `writeAffineBytes`): the point is built from them
   * on first use, with no square root, and `sum` adds them as they are. Never for
   * unchecked input.
   */
  static fromCheckedAffine(text: string, affine: Bytes): GroupElement {
    const element = GroupElement.fromCheckedText(text);
    if (affine.length !== AFFINE_BYTES) throw new Error('invariant failed: affine coordinates are 64 bytes');
    element.#affine = affine;
    return element;
  }

  /** Σ of the elements' points (public values, variable time). */
  static sum(elements: readonly GroupElement[]): Point {
    const affine: Bytes[] = [];
    for (const e of elements) {
      if (e.#affine === undefined) return sumOfPoints(elements.map((x) => x.point));
      affine.push(e.#affine);
    }
    return sumOfCheckedAffine(affine);
  }

  static fromBase64Url(text: string): Result<GroupElement, 'not-a-point'> {
    let bytes: Bytes;
    try {
      bytes = fromBase64Url(text);
    } catch {
      return err('not-a-point');
    }
    return GroupElement.decode(bytes);
  }

  get point(): Point {
    // Constructed with at least one form, and decode() only succeeds with all.
    this.#point ??=
      this.#affine === undefined ? decodeRistretto(this.bytes) : pointFromCheckedAffineBytes(this.#affine);
    if (this.#point === undefined) throw new Error('invariant failed: a group element holds an invalid encoding');
    return this.#point;
  }

  get bytes(): Bytes {
    this.#bytes ??= this.#text === undefined ? encodeRistretto(this.#point as Point) : fromBase64Url(this.#text);
    return this.#bytes;
  }

  toBase64Url(): string {
    this.#text ??= toBase64Url(this.bytes);
    return this.#text;
  }

  equals(other: GroupElement): boolean {
    return this.point.equals(other.point);
  }
}

export function scalarToBase64Url(s: Scalar): string {
  return toBase64Url(scalarToBytes(s));
}

export function scalarFromBase64Url(text: string): Result<Scalar, 'not-a-scalar'> {
  let bytes: Bytes;
  try {
    bytes = fromBase64Url(text);
  } catch {
    return err('not-a-scalar');
  }
  return scalarFromBytes(bytes);
}

/**
 * A Fiat–Shamir transcript: a domain tag followed by length-prefixed fields, so that
 * no two different sequences of inputs hash the same bytes. The challenge is the
 * 64-byte expansion SHA-256(0 ‖ T) ‖ SHA-256(1 ‖ T) reduced mod L, which keeps the
 * pinned hash (SHA-256) while making the reduction bias negligible.
 */
export class Transcript {
  readonly #parts: Bytes[] = [];

  constructor(domainTag: string) {
    this.string(domainTag);
  }

  bytes(value: Bytes): this {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, value.length);
    this.#parts.push(length, value);
    return this;
  }

  string(value: string): this {
    return this.bytes(utf8Encode(value));
  }

  u32(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value);
    return this.bytes(b);
  }

  element(value: GroupElement): this {
    return this.bytes(value.bytes);
  }

  scalar(value: Scalar): this {
    return this.bytes(scalarToBytes(value));
  }

  /** The transcript as one SHA-256 digest (32 bytes). */
  digest(): Bytes {
    const h = sha256.create();
    for (const part of this.#parts) h.update(part);
    return h.digest();
  }

  /** The challenge scalar. */
  challenge(): Scalar {
    const h0 = sha256.create().update(Uint8Array.of(0));
    const h1 = sha256.create().update(Uint8Array.of(1));
    for (const part of this.#parts) {
      h0.update(part);
      h1.update(part);
    }
    const wide = new Uint8Array(64);
    wide.set(h0.digest(), 0);
    wide.set(h1.digest(), 32);
    return mod(bytesToNumberBE(wide));
  }
}

/** Lagrange coefficient at 0 for guardian index `i` among the present indices. */
export function lagrangeCoefficient(i: number, present: readonly number[]): Scalar {
  let numerator = 1n;
  let denominator = 1n;
  for (const j of present) {
    if (j === i) continue;
    numerator = mod(numerator * BigInt(j));
    denominator = mod(denominator * BigInt(j - i));
  }
  return mod(numerator * invert(denominator));
}
