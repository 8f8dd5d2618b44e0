import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes, fromHex, utf8Encode, type Bytes } from '../../../core/encoding/bytes';
import { installEd25519Accelerator, verifyEd25519Strict } from '../../../core/ledger/note';
import { nodeEd25519Verify } from '../../../storage/ed25519-verifier';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
/** A point of order 8 (the list of small-order points in "Taming the many EdDSAs"). */
const ORDER_8 = Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
const IDENTITY_BYTES = Point.ZERO.toBytes();

const library = (publicKey: Bytes, message: Bytes, signature: Bytes): boolean => {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
};

function challenge(r: Bytes, publicKey: Bytes, message: Bytes): bigint {
  return bytesToNumberLE(sha512(concatBytes(r, publicKey, message))) % L;
}

/** An honest key's signature whose R carries a torsion component: the cofactored check accepts it, OpenSSL's not. */
function torsionedSignature(message: Bytes): { publicKey: Bytes; signature: Bytes } {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(ed25519.utils.randomSecretKey());
  const r = 123456789n;
  const R = Point.BASE.multiply(r).add(ORDER_8).toBytes();
  const s = (r + challenge(R, pointBytes, message) * scalar) % L;
  return { publicKey: pointBytes, signature: concatBytes(R, numberToBytesLE(s, 32)) };
}

/** A small-order key "signing" with R the identity and s = 0: RFC 8032's equation holds, the strict rules refuse the key. */
function smallOrderKeySignature(): { publicKey: Bytes; message: Bytes; signature: Bytes } {
  const publicKey = ORDER_8.toBytes();
  for (let i = 0; ; i++) {
    const message = utf8Encode(`small-order ${i}`);
    if (challenge(IDENTITY_BYTES, publicKey, message) % 8n === 0n)
      return { publicKey, message, signature: concatBytes(IDENTITY_BYTES, new Uint8Array(32)) };
  }
}

afterEach(() => installEd25519Accelerator(undefined));

describe("Ed25519 on Node's OpenSSL (storage/ed25519-verifier.ts)", () => {
  it('gives the same verdict as the library on honest, altered, torsioned and small-order-key signatures', () => {
    const secret = ed25519.utils.randomSecretKey();
    const publicKey = ed25519.getPublicKey(secret);
    const message = utf8Encode('checkpoint body\n');
    const honest = ed25519.sign(message, secret);
    const flipped = Uint8Array.from(honest);
    flipped[5] = (flipped[5] as number) ^ 1;
    const highS = Uint8Array.from(honest);
    const sPlusL = bytesToNumberLE(honest.subarray(32)) + L;
    highS.set(numberToBytesLE(sPlusL, 32), 32);
    const torsioned = torsionedSignature(message);
    const smallOrder = smallOrderKeySignature();
    const cases: [string, Bytes, Bytes, Bytes][] = [
      ['honest', publicKey, message, honest],
      ['flipped bit', publicKey, message, flipped],
      ['s + L', publicKey, message, highS],
      ['R with a torsion component', torsioned.publicKey, message, torsioned.signature],
      ['small-order key', smallOrder.publicKey, smallOrder.message, smallOrder.signature],
    ];
    // The vectors do what they claim: OpenSSL and the library disagree on the last two.
    expect(library(torsioned.publicKey, message, torsioned.signature)).toBe(true);
    expect(nodeEd25519Verify(torsioned.publicKey, message, torsioned.signature)).toBe(false);
    expect(library(smallOrder.publicKey, smallOrder.message, smallOrder.signature)).toBe(false);
    expect(nodeEd25519Verify(smallOrder.publicKey, smallOrder.message, smallOrder.signature)).toBe(true);

    const withoutAccelerator = cases.map(([, k, m, s]) => verifyEd25519Strict(k, m, s));
    let consulted = 0;
    installEd25519Accelerator((k, m, s) => {
      consulted++;
      return nodeEd25519Verify(k, m, s);
    });
    const withAccelerator = cases.map(([, k, m, s]) => verifyEd25519Strict(k, m, s));
    expect(withAccelerator).toEqual(cases.map(([, k, m, s]) => library(k, m, s)));
    expect(withAccelerator).toEqual(withoutAccelerator);
    expect(withAccelerator).toEqual([true, false, false, true, false]);
    // Honest, flipped and torsioned went to OpenSSL; s ≥ L and the small-order key never reach it.
    expect(consulted).toBe(3);
  });
});
