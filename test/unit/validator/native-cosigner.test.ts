/**
 * The validator's native (OpenSSL) cosigner signs exactly what core's library
 * cosigner signs, so switching between them changes no cosignature byte, and what
 * it signs verifies as a cosignature/v1 line.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosign, ed25519Cosigner, verifyCosignature } from '../../../core/ledger/cosignature';
import { nativeEd25519Cosigner } from '../../../validator/native-cosigner';

describe('nativeEd25519Cosigner', () => {
  it('gives the same key id, public key and signatures as the library cosigner', () => {
    for (let i = 0; i < 20; i++) {
      const seed = new Uint8Array(randomBytes(32));
      const message = new Uint8Array(randomBytes(i * 37));
      const library = ed25519Cosigner('validator-1', seed);
      const native = nativeEd25519Cosigner('validator-1', seed);
      expect(native.keyId).toBe(library.keyId);
      expect(native.publicKey).toEqual(library.publicKey);
      expect(native.signMessage(message)).toEqual(library.signMessage(message));
    }
  });

  it('cosigns a checkpoint that verifies under the validator key', () => {
    const native = nativeEd25519Cosigner('validator-1', new Uint8Array(randomBytes(32)));
    const body = 'urna.example/station/s-1/ballots\n3\nq9N0Ql3nM0pQ0e0eFzq8Hk2xW1oY3u7c8T9Zr4M5j6A=\n';
    const signature = cosign(body, native, 1_700_000_000);
    expect(cosign(body, ed25519Cosigner('validator-1', new Uint8Array(32)), 1_700_000_000).signature).not.toEqual(
      signature.signature,
    );
    const verified = verifyCosignature(body, signature, 'validator-1', native.publicKey);
    expect(verified.ok && verified.value.timestamp).toBe(1_700_000_000);
  });

  it('refuses a secret key that is not 32 bytes, and a bad name', () => {
    expect(() => nativeEd25519Cosigner('validator-1', new Uint8Array(31))).toThrow();
    expect(() => nativeEd25519Cosigner('bad name with spaces', new Uint8Array(32))).toThrow('invalid key name');
  });
});
