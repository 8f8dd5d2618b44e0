/**
 * The validator's cosigner on Node's native Ed25519 (OpenSSL). Ed25519 signatures are
 * deterministic (RFC 8032), so it signs exactly the bytes core's `ed25519Cosigner`
 * does; only faster: the library's signing was about 5 % of a validator's CPU time
 * under load (`npm run bench -- validator-scale` with URNA_BENCH_SCALE_PROFILE).
 * core/ cannot use node:crypto (it also runs in the renderer), so this lives here.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { Bytes } from '../core/encoding/bytes';
import { bytesEqual } from '../core/encoding/bytes';
import { ed25519Cosigner, type Cosigner } from '../core/ledger/cosignature';

/** PKCS #8 wrapping of a 32-byte Ed25519 seed (RFC 8410): the DER header, then the seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function privateKeyOf(seed: Bytes): KeyObject {
  if (seed.length !== 32) throw new Error('an Ed25519 secret key is 32 bytes');
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    // The key object holds its own copy; this one need not linger in memory.
    der.fill(0);
  }
}

export function nativeEd25519Cosigner(name: string, secretKey: Bytes): Cosigner & { readonly publicKey: Bytes } {
  // The library's cosigner checks the name and derives the public key and key id.
  const { keyId, publicKey } = ed25519Cosigner(name, secretKey);
  const key = privateKeyOf(secretKey);
  const nativePublic = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32);
  if (!bytesEqual(nativePublic, publicKey))
    throw new Error('invariant failed: OpenSSL and the library derive different Ed25519 public keys');
  return { name, keyId, publicKey, signMessage: (message) => new Uint8Array(sign(null, message, key)) };
}
