/**
 * What `urna verify` and the tally tools report when the election record does not
 * hold: one named check, and where it failed (station, log, entry index, guardian),
 * so an observer can go straight to the file and line that is wrong.
 */
import type { LogKind } from '../ids';
import { stepOfFailure, type VerifyStepId } from './steps';

export type RecordCheck =
  /** A file the layout requires is missing or is not what it should be. */
  | 'record-layout'
  /** election.json: schema, the authority's signature, the signed id and base hash. */
  | 'election-package'
  /** guardians/key-ceremony.json: Schnorr proofs, commitments, the joint key as their product. */
  | 'ceremony-record'
  /** The ceremony record is not the one the package commits to (hash, guardians, threshold, joint key). */
  | 'ceremony-binding'
  /** validators/<name>.vkey differs from the key the package names. */
  | 'validator-key'
  | 'enrollment'
  /** station-manifest.json is missing, not signed by the authority, not for this package, or disagrees with an enrollment. */
  | 'station-manifest'
  /** A station the manifest lists has neither logs in the record nor the authority's not-operated statement. */
  | 'station-missing'
  /** stations/<id>/ holds a station the manifest does not list. */
  | 'station-not-listed'
  /** stations/<id>/not-operated.json is not the authority's statement for this station, or sits beside logs. */
  | 'station-not-operated'
  /** station.vkey differs from the key the enrollment signs. */
  | 'station-key'
  /** The station's own signature on a checkpoint (or a bad checkpoint body). */
  | 'checkpoint-signature'
  /** A cosignature line by a validator of the package that does not verify. */
  | 'cosignature'
  /** Fewer than t distinct validators of the package cosigned the checkpoint. */
  | 'cosignature-threshold'
  /** The entries do not rebuild the checkpoint's tree (size or root). */
  | 'log-root'
  | 'entry-schema'
  | 'polls-transition'
  | 'polls-not-open'
  | 'polls-not-closed'
  | 'ballots-cast-mismatch'
  | 'ballot-style'
  | 'ballot-id-reused'
  | 'ballot-not-pending'
  | 'ballot-record'
  /** A selection whose α is the identity (nonce 0): its ciphertext shows the vote. */
  | 'identity-ciphertext'
  /** A ballot id shown twice in the election (at two stations; within one log it is ballot-id-reused). */
  | 'duplicate-ballot-id'
  /** A selection ciphertext's α appears twice in the election (a copied or re-used encryption). */
  | 'duplicate-ciphertext'
  | 'confirmation-code'
  | 'ballot-proof'
  | 'challenge'
  /** tally/encrypted-totals.json is not the product of the cast ballots. */
  | 'encrypted-totals'
  | 'tally-share'
  | 'partial-decryption-proof'
  | 'too-few-guardians'
  | 'decryption'
  /** results.json is not what the verified decryption gives. */
  | 'results'
  | 'results-nist';

export type RecordFailure = {
  readonly check: RecordCheck;
  readonly message: string;
  readonly stationId?: string;
  readonly log?: LogKind;
  /** Index of the entry in the log (0-based, the line number in entries.jsonl minus one). */
  readonly index?: number;
  readonly guardianId?: string;
  readonly file?: string;
  /** The docs/SPEC.md §11 step that failed (filled in by verifyRecord; see steps.ts). */
  readonly step?: VerifyStepId;
};

/** One line for the terminal: where, then the step (docs/SPEC.md §11) and check, then what. */
export function describeRecordFailure(failure: RecordFailure): string {
  const where = [
    failure.stationId === undefined ? undefined : `station ${failure.stationId}`,
    failure.log === undefined ? undefined : `${failure.log} log`,
    failure.index === undefined ? undefined : `entry ${failure.index}`,
    failure.guardianId === undefined ? undefined : `guardian ${failure.guardianId}`,
    failure.file === undefined ? undefined : failure.file,
  ].filter((part): part is string => part !== undefined);
  return `${where.length > 0 ? `${where.join(', ')}: ` : ''}${stepOfFailure(failure)} check ${failure.check} failed: ${failure.message}`;
}
