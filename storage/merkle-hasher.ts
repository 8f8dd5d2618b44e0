/**
 * The Merkle hasher every store uses (station ledger, validator stores, record
 * verification in the CLI): the hashes of core/ledger/merkle.ts on Node's native
 * SHA-256. Re-deriving every root when a store opens is dominated by hashing, so
 * the leaf and node inputs are assembled in one buffer and hashed in one call.
 */
import { hash } from 'node:crypto';
import type { Bytes } from '../core/encoding/bytes';
import type { MerkleHasher } from '../core/ledger/merkle';

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

function sha256Prefixed(prefix: number, a: Bytes, b?: Bytes): Bytes {
  const buffer = new Uint8Array(1 + a.length + (b?.length ?? 0));
  buffer[0] = prefix;
  buffer.set(a, 1);
  if (b !== undefined) buffer.set(b, 1 + a.length);
  return hash('sha256', buffer, 'buffer');
}

export const nodeMerkleHasher: MerkleHasher = {
  leaf: (entry) => sha256Prefixed(LEAF_PREFIX, entry),
  node: (left, right) => sha256Prefixed(NODE_PREFIX, left, right),
};
