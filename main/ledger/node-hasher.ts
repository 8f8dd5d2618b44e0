/**
 * The Merkle hasher on Node's native SHA-256. It computes exactly the hashes of
 * core/ledger/merkle.ts (tests compare the two); it exists because re-deriving
 * every root when a store opens is dominated by hashing.
 */
import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import type { Bytes } from '../../core/encoding/bytes';
import type { MerkleHasher } from '../../core/ledger/merkle';

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

type OneShotHash = (algorithm: string, data: Bytes, encoding: 'buffer') => Buffer;
// crypto.hash (Node ≥ 20.12) skips the Hash object; fall back where it is missing.
const oneShot = (nodeCrypto as { hash?: OneShotHash }).hash;

function sha256Parts(a: Bytes, b: Bytes, c?: Bytes): Bytes {
  if (oneShot !== undefined) {
    const total = a.length + b.length + (c?.length ?? 0);
    const buffer = new Uint8Array(total);
    buffer.set(a, 0);
    buffer.set(b, a.length);
    if (c !== undefined) buffer.set(c, a.length + b.length);
    return oneShot('sha256', buffer, 'buffer');
  }
  const hash = createHash('sha256').update(a).update(b);
  if (c !== undefined) hash.update(c);
  return hash.digest();
}

export const nodeMerkleHasher: MerkleHasher = {
  leaf: (entry) => sha256Parts(LEAF_PREFIX, entry),
  node: (left, right) => sha256Parts(NODE_PREFIX, left, right),
};
