import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { Bytes } from './bytes';

/** SHA-256, the one hash of every pinned format. */
export function sha256(data: Bytes): Bytes {
  return nobleSha256(data);
}
