/**
 * The fast ristretto255 decoding, encoding and multi-scalar multiplication must agree
 * with @noble/curves exactly: same accepted encodings, same points, same bytes.
 */
import { pippenger } from '@noble/curves/abstract/curve.js';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, hexToBytes } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { deterministicRandom } from '../../../core/ballot';
import { addHalves, decodeRistretto, doubleAndEncode, encodeRistretto, FixedBaseTable, halfMultiple, halfOfDoubled, msmIsIdentity, pow22523BigInt, useArithmetic } from '../../../core/ballot/fast25519';
import { LIMB_WIDTHS, limbsValue, wasmFieldForTests, wasmPow22523 } from '../../../core/ballot/wasm25519';

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
      const points = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Point.BASE.multiply(scalar()) : (decodeRistretto(Point.BASE.multiply(scalar()).toBytes()) as InstanceType<typeof Point>)));
      const scalars = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? bytesToNumberLE(random(16)) : i % 5 === 0 ? 0n : scalar()));
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
    mixed.forEach(({ a, q }, i) => expect(hex(encoded[i]?.bytes as Uint8Array)).toBe(hex(base.multiply(a).add(q.double()).toBytes())));
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
    const edges = [0n, 1n, 2n, 3n, 19n, P - 2n, P - 1n, P, P + 1n, P + 18n, 2n * P, (1n << 255n) - 1n, 1n << 255n, (1n << 256n) - 1n, 1n << 256n, (1n << 256n) + (1n << 15n), (1n << 257n) - 1n, maxLimbs, maxLimbs + (1n << 255n), evenLimbs, oddLimbs, -1n, -P];
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
    const encodings: Uint8Array[] = [new Uint8Array(32), ...['ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'eaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'].map(hexToBytes)];
    for (let i = 0; i < 150; i++) encodings.push(Point.BASE.multiply((bytesToNumberLE(rnd(64)) % (L - 1n)) + 1n).toBytes());
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
});
