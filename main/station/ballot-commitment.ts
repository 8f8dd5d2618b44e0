/**
 * The ballot commitment, the cryptographic half of casting (casting.ts) (docs/SPEC.md §3; the
 * printing order: docs/PAPER.md): check the voter's marks against the contest rules, encrypt them with
 * proofs under a fresh random ballot id (bound to this station and the ballot style), chain the confirmation code on the
 * station's previous code; and the ledger entries for what happens next.
 */
import {
  checkMarks,
  shortConfirmationCode,
  undervotedContests,
  type BallotMarks,
  type BallotView,
} from '../../core/api/ballot';
import type { StationRefusal } from '../../core/api/refusals';
import {
  challengedBallotToRecord,
  encryptBallot,
  encryptedBallotToRecord,
  nextConfirmationCode,
  type BallotId,
  type BallotManifest,
  type ConfirmationCode,
  type ElectionContext,
  type RandomSource,
} from '../../core/ballot';
import { toBase64Url, toHex } from '../../core/encoding/bytes';
import type { SelectionId } from '../../core/ids';
import type {
  BallotCastEntry,
  BallotChallengedEntry,
  BallotPendingEntry,
  BallotVoidedEntry,
  VoidReason,
} from '../../core/ledger/station-entries';
import { err, ok, type Result } from '../../core/result';
import type { BallotCommitment } from './voter-session';

export type CommitRefusal = Extract<StationRefusal, { readonly kind: 'invalid-marks' | 'undervote-not-acknowledged' }>;

/** 128 random bits, hex: unguessable, and joinable to nothing but its own paper record. */
export function newBallotId(random: RandomSource): BallotId {
  return toHex(random(16)) as BallotId;
}

export function commitBallot(input: {
  readonly context: ElectionContext;
  readonly manifest: BallotManifest;
  /** This station: bound, with the ballot style, into the ballot's nonces and proofs. */
  readonly stationId: string;
  readonly ballot: BallotView;
  readonly marks: BallotMarks;
  readonly undervoteAcknowledged: boolean;
  readonly previousCode: ConfirmationCode;
  readonly random: RandomSource;
}): Result<BallotCommitment, CommitRefusal> {
  const { ballot, marks } = input;
  const problems = checkMarks(ballot, marks);
  if (problems.length > 0) return err({ kind: 'invalid-marks', problems });
  const undervoted = undervotedContests(ballot, marks);
  if (undervoted.length > 0 && !input.undervoteAcknowledged) {
    return err({ kind: 'undervote-not-acknowledged', contestIds: undervoted.map((c) => c.contestId) });
  }
  const choices: Record<string, readonly SelectionId[]> = {};
  for (const contest of ballot.contests) {
    const marked = marks.selections[contest.contestId];
    if (marked !== undefined && marked.length > 0) choices[contest.contestId] = marked as readonly SelectionId[];
  }
  const ballotId = newBallotId(input.random);
  const encrypted = encryptBallot(
    input.context,
    input.manifest,
    { stationId: input.stationId, ballotStyleId: ballot.ballotStyleId },
    { ballotId, choices },
    input.random,
  );
  // The marks passed the same contest rules the encryption checks, so a refusal here is a bug.
  if (!encrypted.ok)
    throw new Error(`invariant failed: checked marks refused by encryption: ${encrypted.error.problem}`);
  const code = nextConfirmationCode(input.previousCode, encrypted.value.ballot);
  return ok({
    ballotStyleId: ballot.ballotStyleId,
    encrypted: encrypted.value.ballot,
    masterNonce: encrypted.value.masterNonce,
    marks,
    previousCode: input.previousCode,
    code,
    shown: { short: shortConfirmationCode(code), full: toBase64Url(code) },
  });
}

/** The plaintext choices as the challenge publishes them: every contest, blank ones empty. */
function publishedChoices(commitment: BallotCommitment): Record<string, SelectionId[]> {
  const choices: Record<string, SelectionId[]> = {};
  for (const contest of commitment.encrypted.contests) {
    choices[contest.contestId] = [
      ...((commitment.marks.selections[contest.contestId] ?? []) as readonly SelectionId[]),
    ];
  }
  return choices;
}

export function pendingEntry(commitment: BallotCommitment): BallotPendingEntry {
  return {
    type: 'ballot-pending',
    v: 1,
    ballotStyleId: commitment.ballotStyleId,
    ballot: encryptedBallotToRecord(commitment.encrypted),
    confirmationCode: toBase64Url(commitment.code),
  };
}

export function challengedEntry(commitment: BallotCommitment): BallotChallengedEntry {
  return {
    type: 'ballot-challenged',
    v: 1,
    ballotStyleId: commitment.ballotStyleId,
    ballot: encryptedBallotToRecord(commitment.encrypted),
    confirmationCode: toBase64Url(commitment.code),
    challenge: challengedBallotToRecord({
      ballotId: commitment.encrypted.ballotId,
      choices: publishedChoices(commitment),
      masterNonce: commitment.masterNonce,
    }),
  };
}

export function castEntry(ballotId: string): BallotCastEntry {
  return { type: 'ballot-cast', v: 1, ballotId };
}

export function voidedEntry(ballotId: string, reason: VoidReason): BallotVoidedEntry {
  return { type: 'ballot-voided', v: 1, ballotId, reason };
}
