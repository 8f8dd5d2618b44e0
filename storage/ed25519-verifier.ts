/**
 * Ed25519 verification on Node's OpenSSL for core/ledger/note.ts: a record's
 * checkpoints, cosignatures, enrollments and package carry dozens of signatures,
 * each about 5 ms with the library's bigints and 0.1 ms here. The verdicts stay the
 * library's (installEd25519Accelerator says why); keys are imported once.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { toHex, type Bytes } from '../core/encoding/bytes';
import { installEd25519Accelerator } from '../core/ledger/note';

const keys = new Map<string, KeyObject>();
const KEYS_KEPT = 4096;

function keyObject(publicKey: Bytes): KeyObject {
  const hex = toHex(publicKey);
  let key = keys.get(hex);
  if (key === undefined) {
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    if (keys.size >= KEYS_KEPT) keys.clear();
    keys.set(hex, key);
  }
  return key;
}

/** OpenSSL's RFC 8032 verification; false (the library decides) for anything it cannot take. */
export function nodeEd25519Verify(publicKey: Bytes, message: Bytes, signature: Bytes): boolean {
  try {
    return verify(null, message, keyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** Every later `verifyEd25519Strict` in this thread tries OpenSSL first. */
export function useNodeEd25519(): void {
  installEd25519Accelerator(nodeEd25519Verify);
}
