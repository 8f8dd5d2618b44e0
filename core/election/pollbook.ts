/**
 * The poll book's keyed hashes (docs/SPEC.md §7.3: check-ins live in a separate
 * poll-book log that stores only keyed hashes).
 *
 * A voter id (passport or registration number) has little entropy, so a plain hash
 * could be reversed by trying every id. The hash is therefore an HMAC under a
 * per-election poll-book key that is NOT in the election package (the package is
 * public in the election record). The authority hands the key to each station at
 * provisioning (`<data dir>/pollbook.key`, mode 0600); the package carries only
 * `pollBookKeyId`, a commitment to the key, so a station can tell it holds the key
 * the signed voter lists were made with.
 *
 * Nothing here touches ballots: the hash is bound to the election id and never to
 * a ballot id, a counter or a time, so the ballot log and the poll-book log cannot
 * be joined through it.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toBase64Url, utf8Encode, type Bytes } from '../encoding/bytes';
import { sha256 } from '../encoding/hash';

export const POLLBOOK_KEY_BYTES = 32;
const VOTER_HASH_DOMAIN = 'urna/voter-id/v1';
const KEY_ID_DOMAIN = 'urna/pollbook-key-id/v1';

/** Voter ids are typed by hand: case, spaces and hyphens must not make two ids of one. */
export function normalizeVoterId(typed: string): string {
  return typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―]/gu, '');
}

/** A typed voter id that can be a real one: letters and digits, 4 to 32 of them. */
export function isPlausibleVoterId(typed: string): boolean {
  return /^[\p{L}\p{N}]{4,32}$/u.test(normalizeVoterId(typed));
}

/** HMAC-SHA-256 of the normalized voter id, bound to one election; unpadded base64url. */
export function voterHash(pollBookKey: Bytes, electionId: string, voterId: string): string {
  const message = concatBytes(
    utf8Encode(VOTER_HASH_DOMAIN),
    Uint8Array.of(0),
    utf8Encode(electionId),
    Uint8Array.of(0),
    utf8Encode(normalizeVoterId(voterId)),
  );
  return toBase64Url(hmac(nobleSha256, pollBookKey, message));
}

/** The commitment to a poll-book key that the election package carries. */
export function pollBookKeyId(pollBookKey: Bytes): string {
  return toBase64Url(sha256(concatBytes(utf8Encode(KEY_ID_DOMAIN), Uint8Array.of(0), pollBookKey)));
}
