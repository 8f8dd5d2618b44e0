/**
 * Faster arithmetic for the hot paths of ballot verification and encryption:
 * ristretto255 decoding and encoding (RFC 9496 §4.3) and a multi-scalar
 * multiplication for batch verification, over edwards25519 in extended coordinates.
 *
 * `@noble/curves` reduces every field addition and multiplication with a bigint `%`,
 * which costs more than the multiplication itself. Here a product is reduced by
 * folding the bits above 2^255 back in (2^255 ≡ 19 mod p), and sums are left
 * unreduced until they feed a multiplication. Values are therefore non-negative
 * bigints congruent to the field element, not necessarily below p; `canon` gives the
 * canonical representative wherever a value is compared, tested for sign or output.
 *
 * The exponentiation inside the square root of decoding and encoding (`pow22523`,
 * ~90% of a decoding with bigints) runs in WebAssembly, and so does the rest of a
 * decoding's arithmetic, and the point arithmetic and bucket loop of the multi-scalar
 * multiplication (`msmIsIdentity`, ~6× faster): see `wasm25519.ts`. The bigint
 * versions remain as the fallback where WebAssembly is unavailable, and as the tests'
 * reference.
 *
 * Results are the library's own `Point` objects (checked equal to the library's
 * decoding and encoding by the unit tests), so the rest of the code is unchanged.
 * Decoding and the MSM run on public data only (variable time is fine); encoding is
 * data-independent up to bigint timing, like the library's.
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { D, D2, INVSQRT_A_MINUS_D, P, SQRT_M1 } from './curve25519-constants';
import { wasmDecodeRistretto, wasmMsmIsIdentity, wasmPow22523, wasmSumAffine, wasmSumPoints } from './wasm25519';

const Point = ristretto255.Point;
type Point = InstanceType<typeof ristretto255.Point>;

type Fe = bigint;

/** 4p: added before subtracting a reduced value (below 2^256 + 2^15), so every intermediate stays non-negative. */
const P4: Fe = 4n * P;
const MASK256: Fe = (1n << 256n) - 1n;
/** 8p: negates a sum of two reduced values. */
const P8: Fe = 8n * P;

/**
 * Reduces a non-negative product below 2^520 (2^256 ≡ 38 mod p; splitting at a word
 * boundary is cheaper than at 2^255): after the first fold the value is below
 * 2^256 + 38·2^264, after the second below 2^256 + 2^15, which is under 4p.
 */
function fold(t: bigint): Fe {
  const r = (t & MASK256) + 38n * (t >> 256n);
  return (r & MASK256) + 38n * (r >> 256n);
}

function mul(a: Fe, b: Fe): Fe {
  return fold(a * b);
}

/**
 * A product folded once: below 2^256 + 38·2^(bits − 256), i.e. below 2^265 for
 * inputs below 2^259. Only for values that feed one more multiplication (through
 * `subWide` or a plain sum), whose result `mul` folds twice (below 2^256 + 2^32).
 */
function mulOnce(a: Fe, b: Fe): Fe {
  const t = a * b;
  return (t & MASK256) + 38n * (t >> 256n);
}

/** 2^10·p, above any `mulOnce` result: subtracting one keeps the value non-negative. */
const P_WIDE: Fe = P << 10n;

function subWide(a: Fe, b: Fe): Fe {
  return a + P_WIDE - b;
}

function sqr(a: Fe): Fe {
  return fold(a * a);
}

function sub(a: Fe, b: Fe): Fe {
  return a + P4 - b;
}

/** The representative in [0, p). */
function canon(a: Fe): Fe {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function isNegative(a: Fe): boolean {
  return (canon(a) & 1n) === 1n;
}

function sqrN(x: Fe, n: number): Fe {
  let r = x;
  for (let i = 0; i < n; i++) {
    // fold(), inlined: this loop is most of a point decoding.
    const t = r * r;
    const u = (t & MASK256) + 38n * (t >> 256n);
    r = (u & MASK256) + 38n * (u >> 256n);
  }
  return r;
}

/**
 * x^((p−5)/8) = x^(2^252 − 3) with bigints, the addition chain of ref10 (the result
 * is congruent, not reduced). The fallback of `pow22523` where WebAssembly is not
 * available, and the reference the tests compare the WebAssembly version with.
 */
export function pow22523BigInt(x: Fe): Fe {
  const x2 = sqr(x);
  const x9 = mul(sqrN(x2, 2), x);
  const x11 = mul(x9, x2);
  const x2_5_0 = mul(sqr(x11), x9);
  const x2_10_0 = mul(sqrN(x2_5_0, 5), x2_5_0);
  const x2_20_0 = mul(sqrN(x2_10_0, 10), x2_10_0);
  const x2_40_0 = mul(sqrN(x2_20_0, 20), x2_20_0);
  const x2_50_0 = mul(sqrN(x2_40_0, 10), x2_10_0);
  const x2_100_0 = mul(sqrN(x2_50_0, 50), x2_50_0);
  const x2_200_0 = mul(sqrN(x2_100_0, 100), x2_100_0);
  const x2_250_0 = mul(sqrN(x2_200_0, 50), x2_50_0);
  return mul(sqrN(x2_250_0, 2), x);
}

let pow22523Impl: ((x: Fe) => Fe) | undefined;

/**
 * x^(2^252 − 3): most of a point decoding or encoding (~254 squarings), so it runs in
 * WebAssembly (`wasm25519.ts`, ~8× faster, canonical result) wherever that is
 * available, instantiated at the first call; `pow22523BigInt` otherwise.
 */
function pow22523(x: Fe): Fe {
  pow22523Impl ??= wasmPow22523() ?? pow22523BigInt;
  return pow22523Impl(x);
}

/**
 * Chooses the implementations of `pow22523`, of decoding's arithmetic, of the
 * multi-scalar multiplication and of the sums (`sumOfPoints`, `sumOfCheckedAffine`),
 * for the benchmarks and tests that compare them: 'wasm' (all in WebAssembly, the
 * default where available), 'wasm-pow' (only the exponentiation) or 'bigint'. Returns
 * whether the choice took effect (false where WebAssembly is unavailable; bigints are used).
 */
export function useArithmetic(kind: 'wasm' | 'wasm-pow' | 'bigint'): boolean {
  const pow = kind === 'bigint' ? undefined : wasmPow22523();
  const decode = kind === 'wasm' ? wasmDecodeRistretto() : undefined;
  const msm = kind === 'wasm' ? wasmMsm() : undefined;
  const sum = kind === 'wasm' ? wasmSum() : undefined;
  const sumAffine = kind === 'wasm' ? wasmSumOfAffine() : undefined;
  pow22523Impl = pow ?? pow22523BigInt;
  decodeImpl = decode ?? decodeBigInt;
  msmImpl = msm ?? msmBigInt;
  sumImpl = sum ?? sumBigInt;
  sumAffineImpl = sumAffine ?? sumAffineBigInt;
  return (
    kind === 'bigint' ||
    (pow !== undefined &&
      (kind === 'wasm-pow' ||
        (decode !== undefined && msm !== undefined && sum !== undefined && sumAffine !== undefined)))
  );
}

/** RFC 9496 SQRT_RATIO_M1(1, v): (was_square, non-negative 1/√v or √(i/v)). */
function invSqrt(v: Fe): { readonly isSquare: boolean; readonly value: Fe } {
  const v3 = mul(sqr(v), v);
  const v7 = mul(sqr(v3), v);
  let r = mul(v3, pow22523(v7));
  const check = canon(mul(v, sqr(r)));
  const correct = check === 1n;
  const flipped = check === P - 1n;
  const flippedI = check === canon(P - SQRT_M1);
  if (flipped || flippedI) r = mul(r, SQRT_M1);
  r = canon(r);
  if ((r & 1n) === 1n) r = P - r;
  return { isSquare: correct || flipped, value: r };
}

const EdwardsPoint = ed25519.Point;
type EdwardsPoint = InstanceType<typeof EdwardsPoint>;

/** The Edwards representative inside a ristretto255 point (a protected field of the library). */
function edwardsOf(p: Point): EdwardsPoint {
  return (p as unknown as { readonly ep: EdwardsPoint }).ep;
}

/** Whether 32 little-endian bytes with the top bit clear encode a value below p = 2^255 − 19. */
function belowP(bytes: Uint8Array): boolean {
  if (bytes[31] !== 0x7f) return true;
  for (let i = 30; i > 0; i--) if (bytes[i] !== 0xff) return true;
  return (bytes[0] as number) < 0xed;
}

/** Affine x, y and t = x·y of a decoded point, canonical. */
type Decoded = readonly [Fe, Fe, Fe];

/** RFC 9496 §4.3.1 DECODE with bigints, from a canonical non-negative s; undefined for no point. */
function decodeBigInt(bytes: Uint8Array): Decoded | undefined {
  const s = bytesToNumberLE(bytes);
  const ss = sqr(s);
  const u1 = sub(1n, ss);
  const u2 = 1n + ss;
  const u2sq = sqr(u2);
  // v = a·d·u1² − u2² with a = −1
  const v = sub(P4 - mul(D, sqr(u1)), u2sq);
  const inv = invSqrt(mul(v, u2sq));
  const dx = mul(inv.value, u2);
  const dy = mul(mul(inv.value, dx), v);
  let x = canon(mul(2n * s, dx));
  if ((x & 1n) === 1n) x = P - x;
  const y = canon(mul(u1, dy));
  const t = canon(mul(x, y));
  if (!inv.isSquare || (t & 1n) === 1n || y === 0n) return undefined;
  return [x, y, t];
}

let decodeImpl: ((bytes: Uint8Array) => Decoded | undefined) | undefined;

/**
 * RFC 9496 §4.3.1 DECODE. Returns undefined for anything but a canonical encoding
 * of a group element, exactly where the library's `fromBytes` throws. The arithmetic
 * runs in WebAssembly where available (`wasm25519.ts`, the same steps), with bigints
 * (`decodeBigInt`) otherwise.
 */
export function decodeRistretto(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 32) return undefined;
  // Canonical: below p and non-negative (even). The top bit set means ≥ 2^255 > p.
  if (((bytes[31] as number) & 0x80) !== 0 || ((bytes[0] as number) & 1) !== 0 || !belowP(bytes)) return undefined;
  decodeImpl ??= wasmDecodeRistretto() ?? decodeBigInt;
  const decoded = decodeImpl(bytes);
  if (decoded === undefined) return undefined;
  const [x, y, t] = decoded;
  return new Point(new EdwardsPoint(x, y, 1n, t));
}

/** RFC 9496 §4.3.2 ENCODE. */
export function encodeRistretto(point: Point): Uint8Array {
  const ep = edwardsOf(point);
  let X: Fe = ep.X;
  let Y: Fe = ep.Y;
  const Z: Fe = ep.Z;
  const T: Fe = ep.T;
  const u1 = mul(Z + Y, sub(Z, Y));
  const u2 = mul(X, Y);
  const inv = invSqrt(mul(u1, sqr(u2))).value;
  const den1 = mul(inv, u1);
  const den2 = mul(inv, u2);
  const zInv = mul(mul(den1, den2), T);
  let den: Fe;
  if (isNegative(mul(T, zInv))) {
    const ix = mul(X, SQRT_M1);
    X = mul(Y, SQRT_M1);
    Y = ix;
    den = mul(den1, INVSQRT_A_MINUS_D);
  } else {
    den = den2;
  }
  if (isNegative(mul(X, zInv))) Y = P4 - Y;
  let s = canon(mul(sub(Z, Y), den));
  if ((s & 1n) === 1n) s = P - s;
  return numberToBytesLE(s, 32);
}

// ---- multi-scalar multiplication ----

/** Extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z. */
type Ext = { X: Fe; Y: Fe; Z: Fe; T: Fe };
/** An affine point ready for mixed addition: y − x, y + x, 2d·x·y (and x, y to start a bucket). */
type Cached = { readonly ymx: Fe; readonly ypx: Fe; readonly t2d: Fe; readonly x: Fe; readonly y: Fe };

/** Extended + extended (add-2008-hwcd-3, a = −1): 9M. */
function addExt(p: Ext, q: Ext): Ext {
  const a = mulOnce(sub(p.Y, p.X), sub(q.Y, q.X));
  const b = mulOnce(p.Y + p.X, q.Y + q.X);
  const c = mulOnce(mul(p.T, D2), q.T);
  const d = 2n * mulOnce(p.Z, q.Z);
  const e = subWide(b, a);
  const f = subWide(d, c);
  const g = d + c;
  const h = b + a;
  return { X: mul(e, f), Y: mul(g, h), Z: mul(f, g), T: mul(e, h) };
}

/** Extended ± affine (madd-2008-hwcd-3): 7M. */
function addCached(p: Ext, q: Cached, negate: boolean): Ext {
  const a = mulOnce(sub(p.Y, p.X), negate ? q.ypx : q.ymx);
  const b = mulOnce(p.Y + p.X, negate ? q.ymx : q.ypx);
  const c = mulOnce(p.T, negate ? P4 - q.t2d : q.t2d);
  const d = 2n * p.Z;
  const e = subWide(b, a);
  const f = subWide(d, c);
  const g = d + c;
  const h = b + a;
  return { X: mul(e, f), Y: mul(g, h), Z: mul(f, g), T: mul(e, h) };
}

/** dbl-2008-hwcd, a = −1: 4M + 4S. */
function double(p: Ext): Ext {
  const a = sqr(p.X);
  const b = sqr(p.Y);
  const c = 2n * sqr(p.Z);
  const h = a + b;
  const e = sub(h, sqr(p.X + p.Y));
  const g = sub(a, b);
  const f = c + g;
  return { X: mul(e, f), Y: mul(g, h), Z: mul(f, g), T: mul(e, h) };
}

function fromCached(q: Cached, negate: boolean): Ext {
  const x = negate ? P - q.x : q.x;
  return { X: x, Y: q.y, Z: 1n, T: mul(x, q.y) };
}

/** Field inversion (public values only: noble's inverse is not constant-time either). */
function invert(a: Fe): Fe {
  return EdwardsPoint.Fp.inv(canon(a));
}

/** Affine forms of the points, with one field inversion for all of them (Montgomery's trick). */
function toCached(points: readonly Point[]): Cached[] {
  const eps = points.map(edwardsOf);
  const prefix: Fe[] = new Array<Fe>(eps.length);
  let acc: Fe = 1n;
  for (let i = 0; i < eps.length; i++) {
    prefix[i] = acc;
    const z = (eps[i] as EdwardsPoint).Z;
    if (z !== 1n) acc = mul(acc, z);
  }
  let inv = invert(acc);
  const out: Cached[] = new Array<Cached>(eps.length);
  for (let i = eps.length - 1; i >= 0; i--) {
    const ep = eps[i] as EdwardsPoint;
    let x: Fe;
    let y: Fe;
    if (ep.Z === 1n) {
      x = ep.X;
      y = ep.Y;
    } else {
      const zInv = mul(inv, prefix[i] as Fe);
      inv = mul(inv, ep.Z);
      x = canon(mul(ep.X, zInv));
      y = canon(mul(ep.Y, zInv));
    }
    out[i] = { ymx: sub(y, x), ypx: y + x, t2d: mul(mul(x, y), D2), x, y };
  }
  return out;
}

/** Signed base-2^c digits in [−2^(c−1), 2^(c−1)], least significant first. */
function signedDigits(scalar: bigint, c: number, windows: number): Int32Array {
  const digits = new Int32Array(windows);
  const half = 1 << (c - 1);
  const full = 1 << c;
  const mask = BigInt(full - 1);
  const shift = BigInt(c);
  let s = scalar;
  let carry = 0;
  for (let w = 0; w < windows && (s !== 0n || carry !== 0); w++) {
    let d = Number(s & mask) + carry;
    s >>= shift;
    carry = 0;
    if (d > half) {
      d -= full;
      carry = 1;
    }
    digits[w] = d;
  }
  return digits;
}

/** Bits of a non-negative n: from its hexadecimal digits (toString(2) costs ~15× more). */
function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex.charAt(0), 16)));
}

/** Window width minimising additions: per-point mixed additions plus two bucket sums per window. */
function windowFor(bits: readonly number[], maxBits: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 16; c++) {
    const windows = Math.ceil((maxBits + 1) / c);
    let cost = windows * 2 * (1 << (c - 1)) * (9 / 7) + windows * c * (8 / 7);
    for (const b of bits) cost += Math.ceil((b + 1) / c);
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

/**
 * The bucket method with bigints, given the window width c and the number of windows:
 * the fallback where WebAssembly is unavailable, and the reference of the tests.
 */
function msmBigInt(points: readonly Point[], scalars: readonly bigint[], c: number, windows: number): boolean {
  const cached = toCached(points);
  const digits = scalars.map((s) => signedDigits(s, c, windows));
  const bucketCount = 1 << (c - 1);
  const buckets: (Ext | undefined)[] = new Array<Ext | undefined>(bucketCount);
  let total: Ext | undefined;
  for (let w = windows - 1; w >= 0; w--) {
    if (total !== undefined) for (let k = 0; k < c; k++) total = double(total);
    buckets.fill(undefined);
    for (let j = 0; j < cached.length; j++) {
      const d = (digits[j] as Int32Array)[w] as number;
      if (d === 0) continue;
      const q = cached[j] as Cached;
      const negate = d < 0;
      const slot = (negate ? -d : d) - 1;
      const bucket = buckets[slot];
      buckets[slot] = bucket === undefined ? fromCached(q, negate) : addCached(bucket, q, negate);
    }
    // Σ_k (k+1)·bucket_k as running sums from the top.
    let running: Ext | undefined;
    let sum: Ext | undefined;
    for (let k = bucketCount - 1; k >= 0; k--) {
      const bucket = buckets[k];
      if (bucket !== undefined) running = running === undefined ? bucket : addExt(running, bucket);
      if (running !== undefined) sum = sum === undefined ? running : addExt(sum, running);
    }
    if (sum !== undefined) total = total === undefined ? sum : addExt(total, sum);
  }
  if (total === undefined) return true;
  // Ristretto identity: the Edwards representative is a 4-torsion point, x = 0 or y = 0.
  return canon(total.X) === 0n || canon(total.Y) === 0n;
}

type MsmImpl = (points: readonly Point[], scalars: readonly bigint[], c: number, windows: number) => boolean;

/** The bucket method in WebAssembly (`wasm25519.ts`), or undefined where unavailable. */
function wasmMsm(): MsmImpl | undefined {
  const run = wasmMsmIsIdentity();
  if (run === undefined) return undefined;
  // undefined from `run`: the memory could not grow to this MSM's size.
  return (points, scalars, c, windows) =>
    run(points.map(edwardsOf), scalars, c, windows) ?? msmBigInt(points, scalars, c, windows);
}

let msmImpl: MsmImpl | undefined;

/** Drops the zero scalars, chooses the window, and runs `impl`. */
function msmWith(impl: MsmImpl, points: readonly Point[], scalars: readonly bigint[]): boolean {
  if (points.length !== scalars.length) throw new Error('invariant failed: msm lengths');
  const order = Point.Fn.ORDER;
  const keep: number[] = [];
  for (let i = 0; i < scalars.length; i++) {
    const s = scalars[i] as bigint;
    if (s < 0n || s >= order) throw new Error('invariant failed: msm scalar out of range');
    if (s !== 0n) keep.push(i);
  }
  if (keep.length === 0) return true;
  const keptScalars = keep.map((i) => scalars[i] as bigint);
  const bits = keptScalars.map(bitLength);
  const maxBits = bits.reduce((a, b) => Math.max(a, b), 0);
  const c = windowFor(bits, maxBits);
  const windows = Math.ceil((maxBits + 1) / c);
  return impl(
    keep.map((i) => points[i] as Point),
    keptScalars,
    c,
    windows,
  );
}

/**
 * Whether Σ scalarᵢ·pointᵢ is the identity of ristretto255: Pippenger's bucket method
 * with signed digits, skipping zero digits and the high windows of short scalars. The
 * point arithmetic runs in WebAssembly where available (`wasm25519.ts`, the same
 * steps), with bigints (`msmIsIdentityBigInt`) otherwise.
 * Variable time: public inputs only (batch verification).
 */
export function msmIsIdentity(points: readonly Point[], scalars: readonly bigint[]): boolean {
  msmImpl ??= wasmMsm() ?? msmBigInt;
  return msmWith(msmImpl, points, scalars);
}

/** `msmIsIdentity` with bigints only, whatever `useArithmetic` chose (the tests' reference). */
export function msmIsIdentityBigInt(points: readonly Point[], scalars: readonly bigint[]): boolean {
  return msmWith(msmBigInt, points, scalars);
}

/** Window width of `linearCombination`: signed digits in [−8, 8], a table of 1..8 multiples per point. */
const STRAUS_WINDOW = 4;
const STRAUS_WINDOWS = Math.ceil((Point.Fn.BITS + 1) / STRAUS_WINDOW);

function negateExt(p: Ext): Ext {
  return { X: sub(0n, p.X), Y: p.Y, Z: p.Z, T: sub(0n, p.T) };
}

/**
 * Σ scalarᵢ·pointᵢ as a point, by Straus' method: one chain of doublings shared by
 * every term, signed 4-bit digits and a table of 1..8 multiples per point. For two
 * variable points (recomputing a Chaum–Pedersen commitment z·A − c·M) it costs about
 * half of two separate multiplications. Variable time: public inputs only.
 */
export function linearCombination(points: readonly Point[], scalars: readonly bigint[]): Point {
  if (points.length !== scalars.length) throw new Error('invariant failed: linear combination lengths');
  const order = Point.Fn.ORDER;
  const tables: Ext[][] = [];
  const digits: Int32Array[] = [];
  for (let i = 0; i < points.length; i++) {
    const s = scalars[i] as bigint;
    if (s < 0n || s >= order) throw new Error('invariant failed: linear combination scalar out of range');
    if (s === 0n) continue;
    const base = extOf(points[i] as Point);
    const table: Ext[] = [base, double(base)];
    for (let k = 2; k < 8; k++) table.push(addExt(table[k - 1] as Ext, base));
    tables.push(table);
    digits.push(signedDigits(s, STRAUS_WINDOW, STRAUS_WINDOWS));
  }
  let total: Ext | undefined;
  for (let w = STRAUS_WINDOWS - 1; w >= 0; w--) {
    if (total !== undefined) for (let k = 0; k < STRAUS_WINDOW; k++) total = double(total);
    for (let j = 0; j < tables.length; j++) {
      const d = (digits[j] as Int32Array)[w] as number;
      if (d === 0) continue;
      const multiple = (tables[j] as Ext[])[(d < 0 ? -d : d) - 1] as Ext;
      const term = d < 0 ? negateExt(multiple) : multiple;
      total = total === undefined ? term : addExt(total, term);
    }
  }
  return total === undefined ? Point.ZERO : toLibraryPoint(total);
}

// ---- fixed-base multiplication for secret scalars, and batched encoding ----

type SumImpl = (points: readonly Point[]) => Point;

/** Σ points with this module's extended-coordinate addition, with bigints. */
function sumBigInt(points: readonly Point[]): Point {
  let acc: Ext = { X: 0n, Y: 1n, Z: 1n, T: 0n };
  for (const p of points) acc = addExt(acc, extOf(p));
  return toLibraryPoint(acc);
}

/**
 * A sum in WebAssembly (`run`, from wasm25519.ts), `fallback` where `run` cannot grow
 * its memory to this many points; undefined where WebAssembly is unavailable.
 */
function wasmSumWith<T>(
  run: ((points: readonly T[]) => Ext | undefined) | undefined,
  fallback: (points: readonly T[]) => Point,
): ((points: readonly T[]) => Point) | undefined {
  if (run === undefined) return undefined;
  return (points) => {
    if (points.length === 0) return Point.ZERO;
    const sum = run(points);
    return sum === undefined ? fallback(points) : toLibraryPoint(sum);
  };
}

/** The sum in WebAssembly (affine points, mixed additions), or undefined where unavailable. */
function wasmSum(): SumImpl | undefined {
  const run = wasmSumPoints();
  return wasmSumWith(
    run === undefined ? undefined : (points: readonly Point[]) => run(points.map(edwardsOf)),
    sumBigInt,
  );
}

let sumImpl: SumImpl | undefined;

/**
 * Σ points (the validator's running totals; public values, variable time). The
 * arithmetic runs in WebAssembly where available, with bigints (`sumOfPointsBigInt`)
 * otherwise.
 */
export function sumOfPoints(points: readonly Point[]): Point {
  sumImpl ??= wasmSum() ?? sumBigInt;
  return sumImpl(points);
}

/** `sumOfPoints` with bigints only, whatever `useArithmetic` chose (the tests' reference). */
export function sumOfPointsBigInt(points: readonly Point[]): Point {
  return sumBigInt(points);
}

function toLibraryPoint(p: Ext): Point {
  return new Point(new EdwardsPoint(canon(p.X), canon(p.Y), canon(p.Z), canon(p.T)));
}

function extOf(point: Point): Ext {
  const ep = edwardsOf(point);
  return { X: ep.X, Y: ep.Y, Z: ep.Z, T: ep.T };
}

const IDENTITY: Ext = { X: 0n, Y: 1n, Z: 1n, T: 0n };
const WINDOW = 8;
const HALF = 1 << (WINDOW - 1);
/** ⌈253 / 8⌉ windows plus one for the final carry, as the library's tables. */
const WINDOWS = Math.ceil(Point.Fn.BITS / WINDOW) + 1;

/**
 * A fixed-window table of a base point: window w holds j·2^(8w)·B for j = 1..128 in
 * affine form, so each window costs one mixed addition.
 */
export class FixedBaseTable {
  readonly #entries: Cached[];
  readonly #base: Cached;

  constructor(base: Point) {
    const points: Ext[] = [];
    let windowBase = extOf(base);
    for (let w = 0; w < WINDOWS; w++) {
      let acc = windowBase;
      for (let j = 0; j < HALF; j++) {
        points.push(acc);
        acc = addExt(acc, windowBase);
      }
      windowBase = double(points[points.length - 1] as Ext);
    }
    this.#entries = toCached(points.map(toLibraryPoint));
    this.#base = this.#entries[0] as Cached;
  }

  /**
   * k·B for a secret k in [0, L), with the library's constant-time discipline: a
   * fixed number of windows with one addition each (zero digits feed a dummy
   * accumulator), every table entry of a window touched, both signs computed.
   */
  multiply(k: bigint): Ext {
    const digits = secretWindowDigits(k);
    let p = IDENTITY;
    let f = fromCached(this.#base, false);
    for (let w = 0; w < WINDOWS; w++) {
      const digit = digits[w] as number;
      const start = w * HALF;
      const idx = Math.abs(digit) - 1;
      let sel = this.#entries[start] as Cached;
      for (let i = 1; i < HALF; i++) sel = i === idx ? (this.#entries[start + i] as Cached) : sel;
      const neg: Cached = { ymx: sel.ypx, ypx: sel.ymx, t2d: P4 - sel.t2d, x: sel.x, y: sel.y };
      if (digit === 0) f = addCached(f, this.#entries[start] as Cached, false);
      else p = addCached(p, digit < 0 ? neg : sel, false);
    }
    return p;
  }
}

/** The library's fixed-position signed recoding (digits in [−127, 128]), fixed length. */
function secretWindowDigits(k: bigint): number[] {
  const size = 1 << WINDOW;
  const mask = BigInt(size - 1);
  const shift = BigInt(WINDOW);
  const digits: number[] = [];
  let n = k;
  for (let w = 0; w < WINDOWS; w++) {
    let v = Number(n & mask);
    n >>= shift;
    if (v > HALF) {
      v -= size;
      n += 1n;
    }
    digits.push(v);
  }
  if (n !== 0n) throw new Error('invariant failed: scalar out of range for the table');
  return digits;
}

/** A point Q held so that 2·Q can be encoded without a square root (see `doubleAndEncode`). */
export type HalfPoint = { readonly ext: Ext };

const INV2: bigint = (Point.Fn.ORDER + 1n) / 2n;

/** Q = (k/2)·B for a secret k: the half of k·B, computed in constant time from B's table. */
export function halfMultiple(table: FixedBaseTable, k: bigint): HalfPoint {
  return { ext: table.multiply((k * INV2) % Point.Fn.ORDER) };
}

export function addHalves(a: HalfPoint, b: HalfPoint): HalfPoint {
  return { ext: addExt(a.ext, b.ext) };
}

/** Q as a half, for a public point Q (e.g. v/2·G for a small v). */
export function halfOfDoubled(q: Point): HalfPoint {
  return { ext: extOf(q) };
}

/**
 * The points 2·Qᵢ and their ristretto255 encodings, with one field inversion for the
 * whole batch instead of one square root per point (the batched double-and-encode of
 * curve25519-dalek, from the Ristretto paper: the encoding of a doubled point is a
 * rational function of the halved point's coordinates).
 */
export function doubleAndEncode(halves: readonly HalfPoint[]): { readonly point: Point; readonly bytes: Uint8Array }[] {
  const states = halves.map(({ ext: q }) => {
    const xx = sqr(q.X);
    const yy = sqr(q.Y);
    const zz = sqr(q.Z);
    const dtt = mul(sqr(q.T), D);
    const e = mul(2n * q.X, q.Y);
    const f = zz + dtt;
    const g = yy + xx;
    const h = sub(zz, dtt);
    const eg = mul(e, g);
    const fh = mul(f, h);
    return { q, e, f, g, h, eg, fh, efgh: canon(mul(eg, fh)) };
  });
  // Montgomery's trick over the non-zero products (zero only for the identity class).
  const prefix: Fe[] = new Array<Fe>(states.length);
  let acc: Fe = 1n;
  states.forEach((s, i) => {
    prefix[i] = acc;
    if (s.efgh !== 0n) acc = mul(acc, s.efgh);
  });
  let inv = invert(acc);
  const out: { point: Point; bytes: Uint8Array }[] = new Array<{ point: Point; bytes: Uint8Array }>(states.length);
  for (let i = states.length - 1; i >= 0; i--) {
    const s = states[i] as (typeof states)[number];
    const doubled = toLibraryPoint(double(s.q));
    if (s.efgh === 0n) {
      out[i] = { point: doubled, bytes: encodeRistretto(doubled) };
      continue;
    }
    const sInv = mul(inv, prefix[i] as Fe);
    inv = mul(inv, s.efgh);
    const zInv = mul(s.eg, sInv);
    const tInv = mul(s.fh, sInv);
    let e = s.e;
    let g = s.g;
    let h = s.h;
    let magic = INVSQRT_A_MINUS_D;
    if (isNegative(mul(s.eg, zInv))) {
      const minusE = P8 - e;
      e = g;
      g = minusE;
      h = mul(s.f, SQRT_M1);
      magic = SQRT_M1;
    }
    if (isNegative(mul(mul(h, e), zInv))) g = P8 - g;
    let r = canon(mul(sub(h, g), mul(magic, mul(g, tInv))));
    if ((r & 1n) === 1n) r = P - r;
    out[i] = { point: doubled, bytes: numberToBytesLE(r, 32) };
  }
  return out;
}

// ---- points handed between threads ----

/** Affine coordinates (x, y) of a point's Edwards representative. */
export function affineOf(point: Point): readonly [bigint, bigint] {
  const ep = edwardsOf(point);
  if (ep.Z === 1n) return [ep.X, ep.Y];
  const zInv = invert(ep.Z);
  return [canon(mul(ep.X, zInv)), canon(mul(ep.Y, zInv))];
}

/**
 * The point with these affine coordinates, as `affineOf` gave them for a point that
 * was decoded and checked (in another thread). No validation: never for untrusted input.
 */
export function pointFromCheckedAffine(x: bigint, y: bigint): Point {
  return new Point(new EdwardsPoint(x, y, 1n, canon(mul(x, y))));
}

/** Bytes of a point's affine coordinates: x then y, 32 bytes each, canonical, little-endian. */
export const AFFINE_BYTES = 64;

/** `affineOf` as AFFINE_BYTES bytes written into `out` at `at` (how points cross between threads as bytes). */
export function writeAffineBytes(point: Point, out: Uint8Array, at: number): void {
  const [x, y] = affineOf(point);
  out.set(numberToBytesLE(canon(x), 32), at);
  out.set(numberToBytesLE(canon(y), 32), at + 32);
}

/** `pointFromCheckedAffine` of the bytes `writeAffineBytes` wrote. Never for untrusted input. */
export function pointFromCheckedAffineBytes(bytes: Uint8Array): Point {
  if (bytes.length !== AFFINE_BYTES) throw new Error('invariant failed: affine coordinates are 64 bytes');
  return pointFromCheckedAffine(bytesToNumberLE(bytes.subarray(0, 32)), bytesToNumberLE(bytes.subarray(32)));
}

type SumAffineImpl = (points: readonly Uint8Array[]) => Point;

function sumAffineBigInt(points: readonly Uint8Array[]): Point {
  return sumBigInt(points.map(pointFromCheckedAffineBytes));
}

/** The sum in WebAssembly straight from the bytes, or undefined where unavailable. */
function wasmSumOfAffine(): SumAffineImpl | undefined {
  return wasmSumWith(wasmSumAffine(), sumAffineBigInt);
}

let sumAffineImpl: SumAffineImpl | undefined;

/**
 * Σ of checked points given as `writeAffineBytes` wrote them: in WebAssembly straight
 * from the bytes where available, with bigints otherwise.
 */
export function sumOfCheckedAffine(points: readonly Uint8Array[]): Point {
  sumAffineImpl ??= wasmSumOfAffine() ?? sumAffineBigInt;
  return sumAffineImpl(points);
}
