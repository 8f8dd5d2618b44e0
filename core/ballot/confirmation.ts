/**
 * Confirmation codes, chained per station: code₀ is a seed fixed by the election and
 * the station, and each ballot's code is SHA-256 over the canonical JSON of the
 * previous code and the ballot's ciphertexts. A voter's receipt therefore commits to
 * the ballot and to everything the station encrypted before it.
 *
 *   seed = SHA-256(canonical {"domain":"urna/confirmation-seed/v1","extendedBaseHash":…,"stationId":…})
 *   code = SHA-256(canonical {"ballot":{"ballotId":…,"contests":[{"contestId":…,"selections":
 *            [{"alpha":…,"beta":…,"selectionId":…}]}]},"domain":"urna/confirmation-code/v1","previous":…})
 */
import { type Bytes, fromBase64Url, toBase64Url } from '../encoding/bytes';
import { canonicalBytes } from '../encoding/canonical-json';
import { sha256 } from '../encoding/hash';
import type { Brand, StationId } from '../ids';
import type { EncryptedBallot } from './encrypt';

/** 32 bytes; the receipt prints a short form and a QR code of the whole. */
export type ConfirmationCode = Brand<Bytes, 'ConfirmationCode'>;

export function confirmationSeed(extendedBaseHash: Bytes, stationId: StationId): ConfirmationCode {
  return sha256(
    canonicalBytes({ domain: 'urna/confirmation-seed/v1', extendedBaseHash: toBase64Url(extendedBaseHash), stationId }),
  ) as ConfirmationCode;
}

/** The ballot's ciphertexts as the JSON value the code is computed over. */
export function ballotCiphertexts(ballot: EncryptedBallot): unknown {
  return {
    ballotId: ballot.ballotId,
    contests: ballot.contests.map((c) => ({
      contestId: c.contestId,
      selections: c.selections.map((s) => ({
        selectionId: s.selectionId,
        alpha: s.ciphertext.alpha.toBase64Url(),
        beta: s.ciphertext.beta.toBase64Url(),
      })),
    })),
  };
}

export function nextConfirmationCode(previous: ConfirmationCode, ballot: EncryptedBallot): ConfirmationCode {
  return sha256(
    canonicalBytes({
      domain: 'urna/confirmation-code/v1',
      previous: toBase64Url(previous),
      ballot: ballotCiphertexts(ballot),
    }),
  ) as ConfirmationCode;
}

/** A code as a ledger entry states it (unpadded base64url, 32 bytes by the entry's schema). */
export function confirmationCodeOf(text: string): ConfirmationCode {
  return fromBase64Url(text) as ConfirmationCode;
}
