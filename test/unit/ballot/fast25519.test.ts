/**
 * The fast ristretto255 decoding, encoding and multi-scalar multiplication must agree
 * with @noble/curves exactly: same accepted encodings, same points, same bytes.
 */
import { pippenger } from '@noble/curves/abstract/curve.js';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, hexToBytes } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { deterministicRandom, GroupElement } from '../../../core/ballot';
import { toBase64Url } from '../../../core/encoding/bytes';
import {
  AFFINE_BYTES,
  addHalves,
  affineOf,
  decodeRistretto,
  doubleAndEncode,
  encodeRistretto,
  FixedBaseTable,
  halfMultiple,
  halfOfDoubled,
  linearCombination,
  msmIsIdentity,
  msmIsIdentityBigInt,
  pointFromCheckedAffine,
  pow22523BigInt,
  sumOfCheckedAffine,
  sumOfPoints,
  sumOfPointsBigInt,
  useArithmetic,
  writeAffineBytes,
} from '../../../core/ballot/fast25519';
import {
  LAZY_LIMB_BOUND,
  LIMB_WIDTHS,
  limbsValue,
  wasmFieldForTests,
  wasmMsmIsIdentity,
  wasmPow22523,
  wasmSumPoints,
} from '../../../core/ballot/wasm25519';

const Point = ristretto255.Point;
const L = Point.Fn.ORDER;
const random = deterministicRandom('fast25519-test');
const scalar = (): bigint => (bytesToNumberLE(random(64)) % (L - 1n)) + 1n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function libraryDecode(bytes: Uint8Array): InstanceType<typeof Point> | undefined {
  try {
    return Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

describe('fast ristretto255', () => {
  it('encodes and decodes like the library (points with Z ≠ 1 included)', () => {
    for (let i = 0; i < 200; i++) {
      const p = Point.BASE.multiply(scalar()).add(Point.BASE.multiply(scalar()));
      const bytes = p.toBytes();
      expect(hex(encodeRistretto(p))).toBe(hex(bytes));
      const decoded = decodeRistretto(bytes);
      expect(decoded?.equals(p)).toBe(true);
      expect(hex(encodeRistretto(decoded as InstanceType<typeof Point>))).toBe(hex(bytes));
    }
    expect(decodeRistretto(new Uint8Array(32))?.equals(Point.ZERO)).toBe(true);
    expect(hex(encodeRistretto(Point.ZERO))).toBe(hex(new Uint8Array(32)));
  });

  it('accepts exactly the encodings the library accepts', () => {
    let valid = 0;
    for (let i = 0; i < 5000; i++) {
      const b = random(32);
      if (i % 2 === 0) {
        b[31] = (b[31] as number) & 0x7f;
        b[0] = (b[0] as number) & 0xfe;
      }
      if (i % 7 === 0) {
        b.fill(0xff);
        b[0] = 0xec - (i % 3);
        b[31] = 0x7f;
      }
      const lib = libraryDecode(b);
      const mine = decodeRistretto(b);
      expect(mine === undefined).toBe(lib === undefined);
      if (lib !== undefined) {
        valid += 1;
        expect(lib.equals(mine as InstanceType<typeof Point>)).toBe(true);
      }
    }
    expect(valid).toBeGreaterThan(100);
    expect(decodeRistretto(new Uint8Array(31))).toBeUndefined();
  });

  it('refuses the non-canonical and invalid encodings of RFC 9496 A.2', () => {
    const bad = [
      // non-canonical field encodings
      '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
      'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      // negative field elements
      '0100000000000000000000000000000000000000000000000000000000000000',
      '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20',
      'c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562',
      // non-square x²
      '26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371',
      '4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f',
      'de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b',
      // negative xy value
      '3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e',
      'a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220',
      'd483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e',
      // s = −1, which gives y = 0
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    ];
    for (const text of bad) {
      expect(libraryDecode(hexToBytes(text))).toBeUndefined();
      expect(decodeRistretto(hexToBytes(text))).toBeUndefined();
    }
  });

  it('multi-scalar multiplication: identity exactly when the library sum is zero', () => {
    for (const n of [1, 2, 3, 17, 150, 700]) {
      const points = Array.from({ length: n }, (_, i) =>
        i % 3 === 0
          ? Point.BASE.multiply(scalar())
          : (decodeRistretto(Point.BASE.multiply(scalar()).toBytes()) as InstanceType<typeof Point>),
      );
      const scalars = Array.from({ length: n }, (_, i) =>
        i % 4 === 0 ? bytesToNumberLE(random(16)) : i % 5 === 0 ? 0n : scalar(),
      );
      const sum = pippenger(Point, points, scalars);
      const withNegation = [...points, sum.negate()];
      const ones = [...scalars, 1n];
      expect(msmIsIdentity(withNegation, ones)).toBe(true);
      const off = [...ones];
      off[0] = ((off[0] as bigint) + 1n) % L;
      expect(msmIsIdentity(withNegation, off)).toBe(false);
      // Edge digits: L − 1 and powers of two at window boundaries.
      const edge = [L - 1n, 1n << 127n, (1n << 128n) - 1n, 2n ** 252n];
      const edgePoints = edge.map(() => Point.BASE.multiply(scalar()));
      const edgeSum = pippenger(Point, edgePoints, edge);
      expect(msmIsIdentity([...edgePoints, edgeSum.negate()], [...edge, 1n])).toBe(true);
    }
    expect(msmIsIdentity([], [])).toBe(true);
    expect(msmIsIdentity([Point.BASE], [0n])).toBe(true);
  });

  it('a linear combination equals the sum of the library multiplications, zero and extreme scalars included', () => {
    const points = Array.from(
      { length: 4 },
      () => decodeRistretto(Point.BASE.multiply(scalar()).toBytes()) as InstanceType<typeof Point>,
    );
    const cases: bigint[][] = [
      [scalar(), scalar()],
      [L - 1n, 1n],
      [0n, scalar()],
      [0n, 0n],
      [8n, L - 8n],
      [scalar(), scalar(), scalar(), scalar()],
    ];
    for (const scalars of cases) {
      const used = points.slice(0, scalars.length);
      const expected = used.reduce(
        (sum, p, i) => ((scalars[i] as bigint) === 0n ? sum : sum.add(p.multiply(scalars[i] as bigint))),
        Point.ZERO,
      );
      const got = linearCombination(used, scalars);
      expect(got.equals(expected)).toBe(true);
      expect(hex(got.toBytes())).toBe(hex(expected.toBytes()));
    }
    // z·A − c·(x·A) is x-independent only when it should be: a Chaum–Pedersen commitment.
    const a = points[0] as InstanceType<typeof Point>;
    const x = scalar();
    const u = scalar();
    const c = scalar();
    const z = (u + c * x) % L;
    expect(linearCombination([a, a.multiply(x)], [z, (L - c) % L]).equals(a.multiply(u))).toBe(true);
    expect(() => linearCombination([a], [L])).toThrow(/out of range/);
  });

  it('fixed-base halves, doubled and encoded in a batch, equal k·B and its encoding', () => {
    const base = Point.BASE.multiply(scalar());
    const table = new FixedBaseTable(base);
    const ks = [0n, 1n, 2n, 127n, 128n, 129n, 255n, 256n, L - 1n, L - 2n, ...Array.from({ length: 60 }, scalar)];
    const results = doubleAndEncode(ks.map((k) => halfMultiple(table, k)));
    ks.forEach((k, i) => {
      const expected = k === 0n ? Point.ZERO : base.multiply(k);
      expect(results[i]?.point.equals(expected)).toBe(true);
      expect(hex(results[i]?.bytes as Uint8Array)).toBe(hex(expected.toBytes()));
    });
    const other = Point.BASE.multiply(scalar());
    const mixed = Array.from({ length: 9 }, () => ({ a: scalar(), q: other.multiply(scalar()) }));
    const encoded = doubleAndEncode(mixed.map(({ a, q }) => addHalves(halfMultiple(table, a), halfOfDoubled(q))));
    mixed.forEach(({ a, q }, i) =>
      expect(hex(encoded[i]?.bytes as Uint8Array)).toBe(hex(base.multiply(a).add(q.double()).toBytes())),
    );
  });
});

describe('pow22523 in WebAssembly', () => {
  const P = (1n << 255n) - 19n;
  const mod = (x: bigint): bigint => ((x % P) + P) % P;
  const wasm = wasmPow22523();
  const field = wasmFieldForTests();
  /** The module's limb invariant: every limb below 2^26 + 2^16. */
  const BOUND = 2 ** 26 + 2 ** 16;

  function expectSame(x: bigint): void {
    const got = (wasm as (x: bigint) => bigint)(x);
    expect(got >= 0n && got < P, `canonical for ${x}`).toBe(true);
    expect(got, `x = ${x}`).toBe(mod(pow22523BigInt(x < 0n ? mod(x) : x)));
  }

  it('is available in Node', () => {
    expect(wasm).toBeDefined();
    expect(field).toBeDefined();
  });

  it('equals the bigint addition chain on edge inputs', () => {
    const maxLimbs = limbsValue(LIMB_WIDTHS.map((w) => 2 ** w - 1));
    const evenLimbs = limbsValue(LIMB_WIDTHS.map((w, i) => (i % 2 === 0 ? 2 ** w - 1 : 0)));
    const oddLimbs = limbsValue(LIMB_WIDTHS.map((w, i) => (i % 2 === 1 ? 2 ** w - 1 : 0)));
    const edges = [
      0n,
      1n,
      2n,
      3n,
      19n,
      P - 2n,
      P - 1n,
      P,
      P + 1n,
      P + 18n,
      2n * P,
      (1n << 255n) - 1n,
      1n << 255n,
      (1n << 256n) - 1n,
      1n << 256n,
      (1n << 256n) + (1n << 15n),
      (1n << 257n) - 1n,
      maxLimbs,
      maxLimbs + (1n << 255n),
      evenLimbs,
      oddLimbs,
      -1n,
      -P,
    ];
    expect(maxLimbs).toBe((1n << 255n) - 1n);
    for (const x of edges) expectSame(x);
  });

  it('equals the bigint addition chain on 3000 random inputs below 2^257', () => {
    const rnd = deterministicRandom('fast25519-pow22523');
    for (let i = 0; i < 3000; i++) {
      const wide = bytesToNumberLE(rnd(33)) >> 7n; // below 2^257
      const x = i % 3 === 0 ? wide : i % 3 === 1 ? wide % P : wide % (1n << 256n);
      expectSame(x);
    }
  });

  it('decoding and encoding agree with the library with each implementation', () => {
    const rnd = deterministicRandom('fast25519-implementations');
    const encodings: Uint8Array[] = [
      new Uint8Array(32),
      ...[
        'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'eaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      ].map(hexToBytes),
    ];
    for (let i = 0; i < 150; i++)
      encodings.push(Point.BASE.multiply((bytesToNumberLE(rnd(64)) % (L - 1n)) + 1n).toBytes());
    for (let i = 0; i < 300; i++) {
      const b = rnd(32);
      b[31] = (b[31] as number) & 0x7f;
      b[0] = (b[0] as number) & 0xfe;
      encodings.push(b);
    }
    try {
      for (const kind of ['bigint', 'wasm-pow', 'wasm'] as const) {
        expect(useArithmetic(kind)).toBe(true);
        for (const bytes of encodings) {
          const lib = libraryDecode(bytes);
          const mine = decodeRistretto(bytes);
          expect(mine === undefined, `${kind} ${hex(bytes)}`).toBe(lib === undefined);
          if (lib === undefined) continue;
          const m = mine as InstanceType<typeof Point>;
          expect(m.equals(lib)).toBe(true);
          // Same coordinates as the library's own decoding, exactly.
          expect(m.toAffine()).toEqual(lib.toAffine());
          expect(hex(encodeRistretto(m))).toBe(hex(bytes));
        }
      }
    } finally {
      useArithmetic('wasm');
    }
  });

  it('multiplies and squares limbs at the bounds of the invariant, keeping it', () => {
    const f = field as NonNullable<typeof field>;
    const rnd = deterministicRandom('fast25519-limbs');
    const randomLimbs = (): number[] => Array.from({ length: 10 }, () => Number(bytesToNumberLE(rnd(4))) % BOUND);
    const inputs: number[][] = [
      Array.from({ length: 10 }, () => BOUND - 1),
      LIMB_WIDTHS.map((w) => 2 ** w - 1),
      LIMB_WIDTHS.map((w, i) => (i % 2 === 1 ? BOUND - 1 : 2 ** w - 1)),
      Array.from({ length: 10 }, () => 0),
      ...Array.from({ length: 300 }, randomLimbs),
    ];
    const checkLimbs = (out: readonly number[]): void => {
      out.forEach((limb, i) => {
        // Masked limbs are within their width; h1 and h5 get one late small carry.
        const limit = 2 ** (LIMB_WIDTHS[i] as number) + (i === 1 ? 2 ** 15 : i === 5 ? 2 ** 11 : 0);
        expect(Number.isInteger(limb) && limb >= 0 && limb < limit, `limb ${i} = ${limb}`).toBe(true);
      });
    };
    for (const a of inputs) {
      for (const b of [inputs[0] as number[], a, randomLimbs()]) {
        const product = f.mul(a, b);
        checkLimbs(product);
        expect(mod(limbsValue(product))).toBe(mod(limbsValue(a) * limbsValue(b)));
      }
      const square = f.sqrn(a, 1);
      checkLimbs(square);
      expect(mod(limbsValue(square))).toBe(mod(limbsValue(a) ** 2n));
      const fourth = f.sqrn(a, 3);
      expect(mod(limbsValue(fourth))).toBe(mod(limbsValue(a) ** 8n));
    }
  });

  it('multiplies and squares lazy limbs up to M = 15·2^24, with carried results', () => {
    const f = field as NonNullable<typeof field>;
    const rnd = deterministicRandom('fast25519-lazy-limbs');
    const M = LAZY_LIMB_BOUND;
    const randomLimbs = (): number[] => Array.from({ length: 10 }, () => Number(bytesToNumberLE(rnd(4))) % M);
    const inputs: number[][] = [
      Array.from({ length: 10 }, () => M - 1),
      Array.from({ length: 10 }, (_, i) => (i % 2 === 1 ? M - 1 : 0)),
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? M - 1 : 2 ** 25)),
      ...Array.from({ length: 200 }, randomLimbs),
    ];
    /** Carried: even limbs below 2^26, odd limbs below 2^25 + 2^18. */
    const checkCarried = (out: readonly number[]): void => {
      out.forEach((limb, i) => {
        const limit = i % 2 === 0 ? 2 ** 26 : 2 ** 25 + 2 ** 18;
        expect(Number.isInteger(limb) && limb >= 0 && limb < limit, `limb ${i} = ${limb}`).toBe(true);
      });
    };
    for (const a of inputs) {
      for (const b of [inputs[0] as number[], a, randomLimbs()]) {
        const product = f.mul(a, b);
        checkCarried(product);
        expect(mod(limbsValue(product))).toBe(mod(limbsValue(a) * limbsValue(b)));
      }
      const square = f.sqrn(a, 1);
      checkCarried(square);
      expect(mod(limbsValue(square))).toBe(mod(limbsValue(a) ** 2n));
    }
  });
});

describe('multi-scalar multiplication in WebAssembly', () => {
  type RistrettoPoint = InstanceType<typeof Point>;
  const Edwards = ed25519.Point;
  const P = (1n << 255n) - 19n;
  const rnd = deterministicRandom('fast25519-msm');
  const below = (n: bigint): bigint => bytesToNumberLE(rnd(64)) % n;
  const index = (n: number): number => Number(bytesToNumberLE(rnd(4)) % BigInt(n));
  const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;
  const power = (x: bigint, e: bigint, m: bigint): bigint => {
    let r = 1n;
    for (let b = mod(x, m), k = e; k > 0n; k >>= 1n, b = (b * b) % m) if ((k & 1n) === 1n) r = (r * b) % m;
    return r;
  };
  const SQRT_M1 = power(2n, (P - 1n) / 4n, P);
  /** The Edwards 4-torsion points: each represents the ristretto255 identity. */
  const TORSION = [
    new Edwards(0n, 1n, 1n, 0n),
    new Edwards(0n, P - 1n, 1n, 0n),
    new Edwards(SQRT_M1, 0n, 1n, 0n),
    new Edwards(P - SQRT_M1, 0n, 1n, 0n),
  ];
  const edwardsOf = (p: RistrettoPoint): InstanceType<typeof Edwards> =>
    (p as unknown as { readonly ep: InstanceType<typeof Edwards> }).ep;

  /**
   * The same group element in different forms: the library's point (Z ≠ 1 in general),
   * decoded (Z = 1), rebuilt from affine coordinates, another Edwards representative
   * (plus a 4-torsion point), and projectively rescaled.
   */
  function representative(p: RistrettoPoint): RistrettoPoint {
    const ep = edwardsOf(p);
    switch (index(6)) {
      case 0:
        return p;
      case 1:
        return decodeRistretto(p.toBytes()) as RistrettoPoint;
      case 2:
        return pointFromCheckedAffine(...affineOf(p));
      case 3:
      case 4:
        return new Point(ep.add(TORSION[index(4)] as InstanceType<typeof Edwards>));
      default: {
        const s = below(P - 1n) + 1n;
        return new Point(new Edwards(mod(ep.X * s, P), mod(ep.Y * s, P), mod(ep.Z * s, P), mod(ep.T * s, P)));
      }
    }
  }

  /** Points with known discrete logarithms (base G); log 0 is the identity. */
  const logs = [0n, 1n, 2n, L - 1n, ...Array.from({ length: 28 }, () => below(L - 1n) + 1n)];
  const pool = logs.map((r) => (r === 0n ? Point.ZERO : Point.BASE.multiply(r)));

  function randomScalar(): bigint {
    const pattern = (byte: number): bigint => mod(bytesToNumberLE(new Uint8Array(32).fill(byte)), L);
    switch (index(12)) {
      case 0:
        return 0n;
      case 1:
        return 1n;
      case 2:
        return L - 1n;
      case 3:
        return [2n, L - 2n, (1n << 128n) - 1n, 1n << 252n, (1n << 252n) - 1n][index(5)] as bigint;
      case 4:
        return BigInt(index(1 << 16));
      case 5:
        return 1n << BigInt(index(253));
      case 6:
        return pattern([0x80, 0xff, 0xaa, 0x55, 0x7f][index(5)] as number);
      case 7:
      case 8:
      case 9:
        return bytesToNumberLE(rnd(16)); // the 128-bit weights of batch verification
      default:
        return below(L);
    }
  }

  type Case = { points: RistrettoPoint[]; scalars: bigint[]; logs: bigint[] };

  /** n entries whose sum is the identity by construction: the last scalar balances the others. */
  function identityCase(n: number): Case {
    const c: Case = { points: [], scalars: [], logs: [] };
    let sum = 0n;
    for (let i = 0; i < n - 1; i++) {
      const j = index(pool.length);
      const k = randomScalar();
      c.points.push(representative(pool[j] as RistrettoPoint));
      c.scalars.push(k);
      c.logs.push(logs[j] as bigint);
      sum += k * (logs[j] as bigint);
    }
    const j = 1 + index(pool.length - 1); // a non-zero log
    const r = logs[j] as bigint;
    c.points.push(representative(pool[j] as RistrettoPoint));
    c.scalars.push(mod(-sum * power(r, L - 2n, L), L));
    c.logs.push(r);
    return c;
  }

  function expectBoth(
    points: readonly RistrettoPoint[],
    scalars: readonly bigint[],
    expected: boolean,
    label: string,
  ): void {
    expect(msmIsIdentity(points, scalars), `wasm ${label}`).toBe(expected);
    expect(msmIsIdentityBigInt(points, scalars), `bigint ${label}`).toBe(expected);
  }

  it('is available in Node and the default', () => {
    expect(wasmMsmIsIdentity()).toBeDefined();
    expect(useArithmetic('wasm')).toBe(true);
  });

  it('agrees with the bigint version, true and false as constructed, on 250 seeded MSMs of 1 to 300 points', () => {
    const sizes = [
      1,
      2,
      3,
      4,
      5,
      7,
      8,
      9,
      15,
      16,
      17,
      31,
      33,
      64,
      100,
      150,
      255,
      256,
      257,
      300,
      ...Array.from({ length: 230 }, () => 1 + index(48)),
    ];
    let falseCases = 0;
    sizes.forEach((n, caseIndex) => {
      const c = identityCase(n);
      const label = `case ${caseIndex}, ${n} points`;
      expectBoth(c.points, c.scalars, true, label);
      // The same sum with other representatives of the same points: still the identity.
      expectBoth(
        c.points.map((p) => representative(p)),
        c.scalars,
        true,
        `${label}, other representatives`,
      );
      // One scalar + 1 on a point that is not the identity: the sum becomes that point.
      const live = c.logs.flatMap((r, i) => (r === 0n ? [] : [i]));
      const i = live[index(live.length)] as number;
      const plusOne = [...c.scalars];
      plusOne[i] = mod((plusOne[i] as bigint) + 1n, L);
      expectBoth(c.points, plusOne, false, `${label}, scalar ${i} + 1`);
      // One point with a non-zero scalar swapped for a point of another log.
      const used = c.scalars.flatMap((k, m) => (k === 0n ? [] : [m]));
      if (used.length > 0) {
        const m = used[index(used.length)] as number;
        const other = (logs.indexOf(c.logs[m] as bigint) + 1 + index(logs.length - 1)) % logs.length;
        const swapped = [...c.points];
        swapped[m] = representative(pool[other] as RistrettoPoint);
        expectBoth(swapped, c.scalars, false, `${label}, point ${m} swapped`);
        falseCases += 1;
      }
      falseCases += 1;
    });
    expect(falseCases).toBeGreaterThan(400);
  });

  it('recognises every 4-torsion representative of the identity, alone and as a sum', () => {
    for (const t of TORSION) {
      const identity = new Point(t);
      expectBoth([identity], [1n], true, 'torsion point');
      expectBoth([identity, identity, Point.BASE], [below(L), L - 1n, 0n], true, 'torsion points');
      // G + (−G + T): the Edwards sum is T, not (0, 1), and the ristretto sum is the identity.
      const shifted = new Point(edwardsOf(Point.BASE.negate()).add(t));
      expectBoth([Point.BASE, shifted], [5n, 5n], true, 'sum on a torsion point');
      expectBoth([Point.BASE, shifted], [5n, 6n], false, 'sum off the identity');
    }
    expectBoth([], [], true, 'empty');
    expectBoth([Point.BASE, Point.ZERO], [0n, 7n], true, 'zero scalar and identity');
  });

  it('grows its memory for a large MSM, and decoding (another instance) still works after', () => {
    const c = identityCase(3000);
    expectBoth(c.points, c.scalars, true, '3000 points');
    const off = [...c.scalars];
    off[2999] = mod((off[2999] as bigint) + 1n, L); // the balancing point, never the identity
    expectBoth(c.points, off, false, '3000 points, one scalar + 1');
    const small = identityCase(40);
    expectBoth(small.points, small.scalars, true, 'small after large');
    for (let i = 0; i < 20; i++) {
      const bytes = Point.BASE.multiply(below(L - 1n) + 1n).toBytes();
      expect(decodeRistretto(bytes)?.toAffine()).toEqual(libraryDecode(bytes)?.toAffine());
    }
    const pow = wasmPow22523() as (x: bigint) => bigint;
    expect(pow(12345n)).toBe(mod(pow22523BigInt(12345n), P));
  });

  it('sums points like the library: affine and projective, repeated, opposite, torsion, and thousands at once', () => {
    expect(wasmSumPoints()).toBeDefined();
    const librarySum = (points: readonly RistrettoPoint[]): RistrettoPoint =>
      points.reduce((acc, p) => acc.add(p), Point.ZERO);
    const expectSum = (points: readonly RistrettoPoint[], what: string): void => {
      const expected = hex(librarySum(points).toBytes());
      expect(hex(encodeRistretto(sumOfPoints(points))), what).toBe(expected);
      expect(hex(encodeRistretto(sumOfPointsBigInt(points))), `${what} (bigint)`).toBe(expected);
    };
    const randomPoint = (): RistrettoPoint => Point.BASE.multiply(below(L - 1n) + 1n);
    // Decoded points are affine (Z = 1); the library's products are not.
    const affine = (p: RistrettoPoint): RistrettoPoint => decodeRistretto(p.toBytes()) as RistrettoPoint;
    expectSum([], 'empty');
    expectSum([Point.BASE], 'one point');
    expectSum([Point.ZERO, Point.ZERO], 'identities');
    const p = randomPoint();
    expectSum([p, p], 'a point twice (the addition doubles)');
    expectSum([affine(p), p, affine(p)], 'one point, affine and projective');
    expectSum([p, p.negate()], 'a point and its opposite');
    expectSum([randomPoint(), p, p.negate()], 'opposites after another point');
    for (const t of TORSION) expectSum([p, new Point(t), randomPoint()], 'with a torsion representative');
    for (let round = 0; round < 20; round++) {
      const n = 1 + index(60);
      expectSum(
        Array.from({ length: n }, () => (index(2) === 0 ? affine(randomPoint()) : randomPoint())),
        `${n} random points`,
      );
    }
    const many = Array.from({ length: 64 }, () => affine(randomPoint()));
    const thousands = Array.from({ length: 3000 }, (_, i) => many[i % 64] as RistrettoPoint);
    expectSum(thousands, '3000 points (more than one chunk, memory grown)');
  });

  it('sums points handed over as affine bytes, straight and inside group elements, like the library', () => {
    const librarySum = (points: readonly RistrettoPoint[]): string =>
      hex(points.reduce((acc, p) => acc.add(p), Point.ZERO).toBytes());
    const bytesOf = (p: RistrettoPoint): Uint8Array => {
      const out = new Uint8Array(AFFINE_BYTES);
      writeAffineBytes(p, out, 0);
      return out;
    };
    const points = Array.from({ length: 300 }, (_, i) => {
      const p = Point.BASE.multiply(below(L - 1n) + 1n);
      return i % 3 === 0 ? p : (decodeRistretto(p.toBytes()) as RistrettoPoint);
    });
    points.push(points[7] as RistrettoPoint, (points[8] as RistrettoPoint).negate(), Point.ZERO);
    for (const n of [1, 2, 3, 50, points.length]) {
      const some = points.slice(0, n);
      const expected = librarySum(some);
      expect(hex(encodeRistretto(sumOfCheckedAffine(some.map(bytesOf)))), `${n} points`).toBe(expected);
      const elements = some.map((p) => GroupElement.fromCheckedAffine(toBase64Url(p.toBytes()), bytesOf(p)));
      expect(hex(encodeRistretto(GroupElement.sum(elements))), `${n} elements`).toBe(expected);
      // One element without coordinates: the sum falls back to the points, same result.
      const mixed = [
        ...elements.slice(1),
        GroupElement.fromCheckedText(toBase64Url((some[0] as RistrettoPoint).toBytes())),
      ];
      expect(hex(encodeRistretto(GroupElement.sum(mixed))), `${n} elements, one decoded`).toBe(expected);
      for (const [i, e] of elements.slice(0, 5).entries())
        expect(e.point.equals(some[i] as RistrettoPoint), `element ${i}'s point`).toBe(true);
    }
    expect(hex(encodeRistretto(sumOfCheckedAffine([])))).toBe(hex(Point.ZERO.toBytes()));
    try {
      expect(useArithmetic('bigint')).toBe(true);
      expect(hex(encodeRistretto(sumOfCheckedAffine(points.map(bytesOf))))).toBe(librarySum(points));
    } finally {
      useArithmetic('wasm');
    }
  });

  it('useArithmetic switches the MSM too', () => {
    const c = identityCase(30);
    try {
      for (const kind of ['bigint', 'wasm-pow', 'wasm'] as const) {
        expect(useArithmetic(kind)).toBe(true);
        expect(msmIsIdentity(c.points, c.scalars)).toBe(true);
        expect(sumOfPoints(c.points).equals(c.points.reduce((acc, p) => acc.add(p), Point.ZERO))).toBe(true);
      }
    } finally {
      useArithmetic('wasm');
    }
  });
});
