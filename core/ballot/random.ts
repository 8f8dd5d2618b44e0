/**
 * A deterministic byte stream for known-answer tests and reproducible benchmarks:
 * SHA-256 in counter mode over a seed. Never use it for a real election; real
 * ballots and ceremonies take `systemRandom`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type Bytes, utf8Encode } from '../encoding/bytes';
import type { RandomSource } from './group';

export function deterministicRandom(seed: Bytes | string): RandomSource {
  const seedBytes = typeof seed === 'string' ? utf8Encode(seed) : seed;
  const tag = utf8Encode('urna/test-random/v1');
  let counter = 0;
  let buffer = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (offset === buffer.length) {
        const block = new Uint8Array(4);
        new DataView(block.buffer).setUint32(0, counter++);
        buffer = sha256.create().update(tag).update(seedBytes).update(block).digest();
        offset = 0;
      }
      const take = Math.min(length - filled, buffer.length - offset);
      out.set(buffer.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
    }
    return out;
  };
}
