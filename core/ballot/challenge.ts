/**
 * Benaloh challenge: after seeing the confirmation code, a voter may challenge instead
 * of casting. The station then publishes the plaintext and the master nonce, and
 * anyone can re-encrypt and compare with the ciphertexts the code committed to. The
 * nonces are bound to the station and style the ballot was shown with (`binding`).
 */
import type { Bytes } from '../encoding/bytes';
import { bytesEqual } from '../encoding/bytes';
import type { ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import { type ConfirmationCode, nextConfirmationCode } from './confirmation';
import { ciphertextsEqual, type ElectionContext, encrypt } from './elgamal';
import {
  type BallotBinding,
  type EncryptedBallot,
  MASTER_NONCE_BYTES,
  type PlaintextBallot,
  selectionNonce,
  selectionValues,
} from './encrypt';
import type { BallotManifest } from './manifest';

export type ChallengedBallot = PlaintextBallot & { readonly masterNonce: Bytes };

export type ChallengeCheck = 'ballot-id' | 'plaintext' | 'ballot-structure' | 'ciphertext' | 'confirmation-code';

export type ChallengeFailure = {
  readonly check: ChallengeCheck;
  readonly contestId?: ContestId;
  readonly selectionId?: SelectionId;
};

/**
 * Re-encrypts the published plaintext with the published nonce and compares it with
 * the encrypted ballot; when the previous code and the printed code are given, checks
 * that chain link too.
 */
export function verifyChallengedBallot(
  context: ElectionContext,
  manifest: BallotManifest,
  binding: BallotBinding,
  encrypted: EncryptedBallot,
  challenged: ChallengedBallot,
  codes?: { readonly previous: ConfirmationCode; readonly printed: ConfirmationCode },
): Result<void, ChallengeFailure> {
  if (challenged.ballotId !== encrypted.ballotId) return err({ check: 'ballot-id' });
  if (challenged.masterNonce.length !== MASTER_NONCE_BYTES) return err({ check: 'plaintext' });
  const values = selectionValues(manifest, challenged);
  if (!values.ok) return err({ check: 'plaintext' });
  if (encrypted.contests.length !== manifest.contests.length) return err({ check: 'ballot-structure' });
  for (let ci = 0; ci < manifest.contests.length; ci++) {
    const contest = manifest.contests[ci];
    const actual = encrypted.contests[ci];
    if (
      !contest ||
      !actual ||
      actual.contestId !== contest.contestId ||
      actual.selections.length !== contest.selections.length
    ) {
      return err({ check: 'ballot-structure', ...(contest ? { contestId: contest.contestId } : {}) });
    }
    for (let si = 0; si < contest.selections.length; si++) {
      const selectionId = contest.selections[si] as SelectionId;
      const published = actual.selections[si];
      if (published?.selectionId !== selectionId)
        return err({ check: 'ballot-structure', contestId: contest.contestId, selectionId });
      const nonce = selectionNonce(
        context,
        binding,
        encrypted.ballotId,
        contest.contestId,
        selectionId,
        challenged.masterNonce,
      );
      const recomputed = encrypt(context, values.value[ci]?.[si] ?? 0, nonce);
      if (!ciphertextsEqual(recomputed, published.ciphertext))
        return err({ check: 'ciphertext', contestId: contest.contestId, selectionId });
    }
  }
  if (codes && !bytesEqual(nextConfirmationCode(codes.previous, encrypted), codes.printed))
    return err({ check: 'confirmation-code' });
  return ok();
}
