/**
 * The wire form of every ballot-cryptography record: canonical JSON (RFC 8785) with
 * points and scalars as unpadded base64url, each record with `type` and `v`. Parsing
 * untrusted JSON goes through a strict zod schema and then decodes every point and
 * scalar, refusing non-canonical encodings, so a parsed record re-serialises to the
 * same bytes.
 */
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { z } from 'zod';
import { type Bytes, fromBase64Url, toBase64Url } from '../encoding/bytes';
import { canonicalize } from '../encoding/canonical-json';
import { type ContestId, type GuardianId, ID_PATTERN, type SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import type {
  CeremonyAcceptance,
  CeremonyCommitment,
  CeremonyParameters,
  GuardianAnnouncement,
  GuardianKeyShare,
  GuardianSecrets,
  KeyCeremonyRecord,
  ShareComplaint,
  ShareMessage,
} from './ceremony';
import type { ChallengedBallot } from './challenge';
import type { EncryptedBallot } from './encrypt';
import { readEncryptedBallotRecord } from './encrypted-ballot-record';
import { AFFINE_BYTES, writeAffineBytes } from './fast25519';
import { GroupElement, type Scalar, scalarFromBytes, scalarToBase64Url } from './group';
import { BALLOT_ID_PATTERN, type BallotId } from './manifest';
import type { CompactProof, RangeProof } from './proofs';
import type { EncryptedTally, PartialDecryption, PlaintextTally } from './tally';

const b64_32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected 32 bytes as unpadded base64url');
const id = z.string().regex(ID_PATTERN, 'expected an id');
const ballotId = z.string().regex(BALLOT_ID_PATTERN, 'expected a ballot id');
const compactProof = z.strictObject({ c: b64_32, z: b64_32 });
const branch = z.strictObject({ a: b64_32, b: b64_32, c: b64_32, z: b64_32 });
const index = z.number().int().min(1).max(1000);

export const encryptedBallotSchema = z.strictObject({
  type: z.literal('encrypted-ballot'),
  v: z.literal(1),
  ballotId,
  contests: z.array(
    z.strictObject({
      contestId: id,
      selections: z.array(z.strictObject({ selectionId: id, alpha: b64_32, beta: b64_32, proof: z.array(branch) })),
      proof: z.array(branch),
    }),
  ),
});

export const challengedBallotSchema = z.strictObject({
  type: z.literal('challenged-ballot'),
  v: z.literal(1),
  ballotId,
  masterNonce: b64_32,
  choices: z.record(id, z.array(id)),
});

export const guardianAnnouncementSchema = z.strictObject({
  type: z.literal('guardian-announcement'),
  v: z.literal(1),
  guardianId: id,
  index,
  coefficientCommitments: z.array(b64_32).min(1),
  coefficientProofs: z.array(compactProof).min(1),
  transportKey: b64_32,
  transportKeyProof: compactProof,
});

export const shareMessageSchema = z.strictObject({
  type: z.literal('guardian-share'),
  v: z.literal(1),
  from: id,
  to: id,
  ephemeralKey: b64_32,
  encryptedShare: b64_32,
  signature: compactProof,
});

export const shareComplaintSchema = z.strictObject({
  type: z.literal('share-complaint'),
  v: z.literal(1),
  accuser: id,
  accused: id,
  share: shareMessageSchema,
  sharedSecret: b64_32,
  proof: compactProof,
});

export const ceremonyCommitmentSchema = z.strictObject({
  type: z.literal('ceremony-commitment'),
  v: z.literal(1),
  guardianId: id,
  index,
  baseHash: b64_32,
  threshold: index,
  guardianIds: z.array(id).min(1).max(1000),
  announcementHash: b64_32,
});

export const ceremonyAcceptanceSchema = z.strictObject({
  type: z.literal('ceremony-acceptance'),
  v: z.literal(1),
  guardianId: id,
  index,
  transcriptHash: b64_32,
  signature: compactProof,
});

/** v2: the guardians' acceptances of the transcript are part of the record. */
export const keyCeremonySchema = z.strictObject({
  type: z.literal('key-ceremony'),
  v: z.literal(2),
  baseHash: b64_32,
  threshold: index,
  guardians: z.array(guardianAnnouncementSchema).min(1),
  jointKey: b64_32,
  acceptances: z.array(ceremonyAcceptanceSchema).min(1),
});

/** A guardian's private state between ceremony steps: stored only encrypted, on its own machine. */
export const guardianCeremonyStateSchema = z.strictObject({
  type: z.literal('guardian-ceremony-state'),
  v: z.literal(1),
  baseHash: b64_32,
  threshold: index,
  guardianIds: z.array(id).min(1).max(1000),
  guardianId: id,
  coefficients: z.array(b64_32).min(1),
  transportSecret: b64_32,
  announcement: guardianAnnouncementSchema,
  received: z.array(z.strictObject({ from: id, share: b64_32 })),
});

export const guardianKeyShareSchema = z.strictObject({
  type: z.literal('guardian-key-share'),
  v: z.literal(1),
  guardianId: id,
  index,
  threshold: index,
  baseHash: b64_32,
  jointKey: b64_32,
  verificationKey: b64_32,
  secret: b64_32,
});

export const encryptedTallySchema = z.strictObject({
  type: z.literal('encrypted-tally'),
  v: z.literal(1),
  ballotCount: z.number().int().min(0),
  contests: z.array(
    z.strictObject({
      contestId: id,
      selections: z.array(z.strictObject({ selectionId: id, alpha: b64_32, beta: b64_32 })),
    }),
  ),
});

export const partialDecryptionSchema = z.strictObject({
  type: z.literal('partial-decryption'),
  v: z.literal(1),
  guardianId: id,
  index,
  shares: z.array(z.strictObject({ contestId: id, selectionId: id, share: b64_32, proof: compactProof })),
});

export const plaintextTallySchema = z.strictObject({
  type: z.literal('plaintext-tally'),
  v: z.literal(1),
  ballotCount: z.number().int().min(0),
  contests: z.array(
    z.strictObject({
      contestId: id,
      selections: z.array(z.strictObject({ selectionId: id, count: z.number().int().min(0) })),
    }),
  ),
});

export type EncryptedBallotRecord = z.infer<typeof encryptedBallotSchema>;
export type ChallengedBallotRecord = z.infer<typeof challengedBallotSchema>;
export type GuardianAnnouncementRecord = z.infer<typeof guardianAnnouncementSchema>;
export type ShareMessageRecord = z.infer<typeof shareMessageSchema>;
export type ShareComplaintRecord = z.infer<typeof shareComplaintSchema>;
export type KeyCeremonyRecordJson = z.infer<typeof keyCeremonySchema>;
export type CeremonyCommitmentRecord = z.infer<typeof ceremonyCommitmentSchema>;
export type CeremonyAcceptanceRecord = z.infer<typeof ceremonyAcceptanceSchema>;
export type GuardianCeremonyStateRecord = z.infer<typeof guardianCeremonyStateSchema>;
export type GuardianKeyShareRecord = z.infer<typeof guardianKeyShareSchema>;
export type EncryptedTallyRecord = z.infer<typeof encryptedTallySchema>;
export type PartialDecryptionRecord = z.infer<typeof partialDecryptionSchema>;
export type PlaintextTallyRecord = z.infer<typeof plaintextTallySchema>;

export type RecordProblem =
  | { readonly problem: 'schema'; readonly detail: string }
  | {
      readonly problem: 'encoding';
      readonly path: string;
      readonly detail: 'not-a-point' | 'not-a-scalar' | 'not-canonical';
    };

/** Thrown only inside this module, turned into a RecordProblem at the boundary. */
class EncodingProblem extends Error {
  constructor(
    readonly path: string,
    readonly detail: 'not-a-point' | 'not-a-scalar' | 'not-canonical',
  ) {
    super(`${detail} at ${path}`);
  }
}

function bytes32(text: string, path: string): Bytes {
  let bytes: Bytes;
  try {
    bytes = fromBase64Url(text);
  } catch {
    throw new EncodingProblem(path, 'not-canonical');
  }
  // Unpadded base64url has spare bits in its last character; refuse a second spelling.
  if (toBase64Url(bytes) !== text) throw new EncodingProblem(path, 'not-canonical');
  return bytes;
}

function point(text: string, path: string): GroupElement {
  const decoded = GroupElement.decode(bytes32(text, path));
  if (!decoded.ok) throw new EncodingProblem(path, 'not-a-point');
  return decoded.value;
}

function scalar(text: string, path: string): Scalar {
  const decoded = scalarFromBytes(bytes32(text, path));
  if (!decoded.ok) throw new EncodingProblem(path, 'not-a-scalar');
  return decoded.value;
}

function parseWith<S extends z.ZodType, T>(
  schema: S,
  json: unknown,
  decode: (record: z.infer<S>) => T,
): Result<T, RecordProblem> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) return err({ problem: 'schema', detail: z.prettifyError(parsed.error) });
  try {
    return ok(decode(parsed.data));
  } catch (error) {
    if (error instanceof EncodingProblem) return err({ problem: 'encoding', path: error.path, detail: error.detail });
    throw error;
  }
}

const compactOut = (p: CompactProof) => ({ c: scalarToBase64Url(p.c), z: scalarToBase64Url(p.z) });
const compactIn = (p: { c: string; z: string }, path: string): CompactProof => ({
  c: scalar(p.c, `${path}.c`),
  z: scalar(p.z, `${path}.z`),
});
const rangeOut = (p: RangeProof) =>
  p.branches.map((b) => ({
    a: b.a.toBase64Url(),
    b: b.b.toBase64Url(),
    c: scalarToBase64Url(b.c),
    z: scalarToBase64Url(b.z),
  }));
const rangeIn = (p: readonly { a: string; b: string; c: string; z: string }[], path: string): RangeProof => ({
  branches: p.map((b, j) => ({
    a: point(b.a, `${path}[${j}].a`),
    b: point(b.b, `${path}[${j}].b`),
    c: scalar(b.c, `${path}[${j}].c`),
    z: scalar(b.z, `${path}[${j}].z`),
  })),
});

// ---- encrypted ballot ----

export function encryptedBallotToRecord(ballot: EncryptedBallot): EncryptedBallotRecord {
  return {
    type: 'encrypted-ballot',
    v: 1,
    ballotId: ballot.ballotId,
    contests: ballot.contests.map((c) => ({
      contestId: c.contestId,
      selections: c.selections.map((s) => ({
        selectionId: s.selectionId,
        alpha: s.ciphertext.alpha.toBase64Url(),
        beta: s.ciphertext.beta.toBase64Url(),
        proof: rangeOut(s.proof),
      })),
      proof: rangeOut(c.proof),
    })),
  };
}

function decodeEncryptedBallot(r: EncryptedBallotRecord): EncryptedBallot {
  return {
    ballotId: r.ballotId as BallotId,
    contests: r.contests.map((c, ci) => ({
      contestId: c.contestId as ContestId,
      selections: c.selections.map((s, si) => {
        const path = `contests[${ci}].selections[${si}]`;
        return {
          selectionId: s.selectionId as SelectionId,
          ciphertext: { alpha: point(s.alpha, `${path}.alpha`), beta: point(s.beta, `${path}.beta`) },
          proof: rangeIn(s.proof, `${path}.proof`),
        };
      }),
      proof: rangeIn(c.proof, `contests[${ci}].proof`),
    })),
  };
}

/** An encrypted-ballot record, checked and decoded in one pass (encrypted-ballot-record.ts). */
export function parseEncryptedBallot(json: unknown): Result<EncryptedBallot, RecordProblem> {
  return readEncryptedBallotRecord(json);
}

/** The reference: `encryptedBallotSchema`, then decoding, as separate steps (tests compare the two). */
export function parseEncryptedBallotWithSchema(json: unknown): Result<EncryptedBallot, RecordProblem> {
  return parseWith(encryptedBallotSchema, json, decodeEncryptedBallot);
}

/**
 * Rebuilds a ballot from a record that `parseEncryptedBallot` has already accepted
 * (in a verification worker, or before the record was stored): no schema pass, and
 * points are decoded only when used; the proofs, already checked, are read only if
 * asked for. Never for unchecked input.
 */
export function encryptedBallotFromCheckedRecord(
  r: EncryptedBallotRecord,
  ciphertextCoordinates?: Uint8Array,
): EncryptedBallot {
  // With the coordinates of every α and β (`ciphertextCoordinates`), no square root is needed.
  let next = 0;
  const ciphertextPoint = (text: string): GroupElement => {
    if (ciphertextCoordinates === undefined) return GroupElement.fromCheckedText(text);
    const at = next;
    next += AFFINE_BYTES;
    if (next > ciphertextCoordinates.length) throw new Error('invariant failed: too few ciphertext coordinates');
    return GroupElement.fromCheckedAffine(text, ciphertextCoordinates.subarray(at, next));
  };
  return {
    ballotId: r.ballotId as BallotId,
    contests: r.contests.map((c) => ({
      contestId: c.contestId as ContestId,
      selections: c.selections.map((s) => ({
        selectionId: s.selectionId as SelectionId,
        ciphertext: { alpha: ciphertextPoint(s.alpha), beta: ciphertextPoint(s.beta) },
        proof: checkedRangeProof(s.proof),
      })),
      proof: checkedRangeProof(c.proof),
    })),
  };
}

/** A range proof from a checked record, decoded on first use. */
function checkedRangeProof(p: readonly { a: string; b: string; c: string; z: string }[]): RangeProof {
  let branches: RangeProof['branches'] | undefined;
  const checkedScalar = (text: string) => bytesToNumberLE(fromBase64Url(text));
  return {
    get branches() {
      branches ??= p.map((b) => ({
        a: GroupElement.fromCheckedText(b.a),
        b: GroupElement.fromCheckedText(b.b),
        c: checkedScalar(b.c),
        z: checkedScalar(b.z),
      }));
      return branches;
    },
  };
}

/**
 * The affine coordinates of every α and β of a decoded ballot, in record order, as
 * bytes (fast25519 `writeAffineBytes`, 64 per point): what a verification worker hands
 * back for `encryptedBallotFromCheckedRecord`.
 */
export function ciphertextCoordinates(ballot: EncryptedBallot): Uint8Array {
  const count = ballot.contests.reduce((n, c) => n + 2 * c.selections.length, 0);
  const out = new Uint8Array(count * AFFINE_BYTES);
  let at = 0;
  for (const c of ballot.contests) {
    for (const s of c.selections) {
      writeAffineBytes(s.ciphertext.alpha.point, out, at);
      writeAffineBytes(s.ciphertext.beta.point, out, at + AFFINE_BYTES);
      at += 2 * AFFINE_BYTES;
    }
  }
  return out;
}

// ---- challenged ballot ----

export function challengedBallotToRecord(ballot: ChallengedBallot): ChallengedBallotRecord {
  const choices: Record<string, string[]> = {};
  for (const [contestId, selections] of Object.entries(ballot.choices)) choices[contestId] = [...selections];
  return {
    type: 'challenged-ballot',
    v: 1,
    ballotId: ballot.ballotId,
    masterNonce: toBase64Url(ballot.masterNonce),
    choices,
  };
}

export function parseChallengedBallot(json: unknown): Result<ChallengedBallot, RecordProblem> {
  return parseWith(challengedBallotSchema, json, (r) => ({
    ballotId: r.ballotId as BallotId,
    masterNonce: bytes32(r.masterNonce, 'masterNonce'),
    choices: r.choices as Record<string, SelectionId[]>,
  }));
}

// ---- key ceremony ----

export function guardianAnnouncementToRecord(a: GuardianAnnouncement): GuardianAnnouncementRecord {
  return {
    type: 'guardian-announcement',
    v: 1,
    guardianId: a.guardianId,
    index: a.index,
    coefficientCommitments: a.coefficientCommitments.map((c) => c.toBase64Url()),
    coefficientProofs: a.coefficientProofs.map(compactOut),
    transportKey: a.transportKey.toBase64Url(),
    transportKeyProof: compactOut(a.transportKeyProof),
  };
}

function announcementIn(r: GuardianAnnouncementRecord, path: string): GuardianAnnouncement {
  return {
    guardianId: r.guardianId as GuardianId,
    index: r.index,
    coefficientCommitments: r.coefficientCommitments.map((c, j) => point(c, `${path}.coefficientCommitments[${j}]`)),
    coefficientProofs: r.coefficientProofs.map((p, j) => compactIn(p, `${path}.coefficientProofs[${j}]`)),
    transportKey: point(r.transportKey, `${path}.transportKey`),
    transportKeyProof: compactIn(r.transportKeyProof, `${path}.transportKeyProof`),
  };
}

export function parseGuardianAnnouncement(json: unknown): Result<GuardianAnnouncement, RecordProblem> {
  return parseWith(guardianAnnouncementSchema, json, (r) => announcementIn(r, '$'));
}

export function shareMessageToRecord(m: ShareMessage): ShareMessageRecord {
  return {
    type: 'guardian-share',
    v: 1,
    from: m.from,
    to: m.to,
    ephemeralKey: m.ephemeralKey.toBase64Url(),
    encryptedShare: toBase64Url(m.encryptedShare),
    signature: compactOut(m.signature),
  };
}

function shareIn(r: ShareMessageRecord, path: string): ShareMessage {
  return {
    from: r.from as GuardianId,
    to: r.to as GuardianId,
    ephemeralKey: point(r.ephemeralKey, `${path}.ephemeralKey`),
    encryptedShare: bytes32(r.encryptedShare, `${path}.encryptedShare`),
    signature: compactIn(r.signature, `${path}.signature`),
  };
}

export function parseShareMessage(json: unknown): Result<ShareMessage, RecordProblem> {
  return parseWith(shareMessageSchema, json, (r) => shareIn(r, '$'));
}

export function shareComplaintToRecord(c: ShareComplaint): ShareComplaintRecord {
  return {
    type: 'share-complaint',
    v: 1,
    accuser: c.accuser,
    accused: c.accused,
    share: shareMessageToRecord(c.share),
    sharedSecret: c.sharedSecret.toBase64Url(),
    proof: compactOut(c.proof),
  };
}

export function parseShareComplaint(json: unknown): Result<ShareComplaint, RecordProblem> {
  return parseWith(shareComplaintSchema, json, (r) => ({
    accuser: r.accuser as GuardianId,
    accused: r.accused as GuardianId,
    share: shareIn(r.share, 'share'),
    sharedSecret: point(r.sharedSecret, 'sharedSecret'),
    proof: compactIn(r.proof, 'proof'),
  }));
}

export function ceremonyCommitmentToRecord(c: CeremonyCommitment): CeremonyCommitmentRecord {
  return {
    type: 'ceremony-commitment',
    v: 1,
    guardianId: c.guardianId,
    index: c.index,
    baseHash: toBase64Url(c.baseHash),
    threshold: c.threshold,
    guardianIds: [...c.guardianIds],
    announcementHash: toBase64Url(c.announcementHash),
  };
}

export function parseCeremonyCommitment(json: unknown): Result<CeremonyCommitment, RecordProblem> {
  return parseWith(ceremonyCommitmentSchema, json, (r) => ({
    guardianId: r.guardianId as GuardianId,
    index: r.index,
    baseHash: bytes32(r.baseHash, 'baseHash'),
    threshold: r.threshold,
    guardianIds: r.guardianIds as GuardianId[],
    announcementHash: bytes32(r.announcementHash, 'announcementHash'),
  }));
}

export function ceremonyAcceptanceToRecord(a: CeremonyAcceptance): CeremonyAcceptanceRecord {
  return {
    type: 'ceremony-acceptance',
    v: 1,
    guardianId: a.guardianId,
    index: a.index,
    transcriptHash: toBase64Url(a.transcriptHash),
    signature: compactOut(a.signature),
  };
}

function acceptanceIn(r: CeremonyAcceptanceRecord, path: string): CeremonyAcceptance {
  return {
    guardianId: r.guardianId as GuardianId,
    index: r.index,
    transcriptHash: bytes32(r.transcriptHash, `${path}.transcriptHash`),
    signature: compactIn(r.signature, `${path}.signature`),
  };
}

export function parseCeremonyAcceptance(json: unknown): Result<CeremonyAcceptance, RecordProblem> {
  return parseWith(ceremonyAcceptanceSchema, json, (r) => acceptanceIn(r, '$'));
}

export type GuardianCeremonyState = {
  readonly params: CeremonyParameters;
  readonly guardianId: GuardianId;
  readonly secrets: GuardianSecrets;
  readonly announcement: GuardianAnnouncement;
};

export function guardianCeremonyStateToRecord(state: GuardianCeremonyState): GuardianCeremonyStateRecord {
  return {
    type: 'guardian-ceremony-state',
    v: 1,
    baseHash: toBase64Url(state.params.baseHash),
    threshold: state.params.threshold,
    guardianIds: [...state.params.guardianIds],
    guardianId: state.guardianId,
    coefficients: state.secrets.coefficients.map(scalarToBase64Url),
    transportSecret: scalarToBase64Url(state.secrets.transportSecret),
    announcement: guardianAnnouncementToRecord(state.announcement),
    received: state.secrets.received.map(([from, share]) => ({ from, share: scalarToBase64Url(share) })),
  };
}

export function parseGuardianCeremonyState(json: unknown): Result<GuardianCeremonyState, RecordProblem> {
  return parseWith(guardianCeremonyStateSchema, json, (r) => ({
    params: {
      baseHash: bytes32(r.baseHash, 'baseHash'),
      threshold: r.threshold,
      guardianIds: r.guardianIds as GuardianId[],
    },
    guardianId: r.guardianId as GuardianId,
    secrets: {
      coefficients: r.coefficients.map((c, j) => scalar(c, `coefficients[${j}]`)),
      transportSecret: scalar(r.transportSecret, 'transportSecret'),
      received: r.received.map((x, j) => [x.from as GuardianId, scalar(x.share, `received[${j}].share`)] as const),
    },
    announcement: announcementIn(r.announcement, 'announcement'),
  }));
}

export function keyCeremonyToRecord(record: KeyCeremonyRecord): KeyCeremonyRecordJson {
  return {
    type: 'key-ceremony',
    v: 2,
    baseHash: toBase64Url(record.baseHash),
    threshold: record.threshold,
    guardians: record.guardians.map(guardianAnnouncementToRecord),
    jointKey: record.jointKey.toBase64Url(),
    acceptances: record.acceptances.map(ceremonyAcceptanceToRecord),
  };
}

export function parseKeyCeremony(json: unknown): Result<KeyCeremonyRecord, RecordProblem> {
  return parseWith(keyCeremonySchema, json, (r) => ({
    baseHash: bytes32(r.baseHash, 'baseHash'),
    threshold: r.threshold,
    guardians: r.guardians.map((g, i) => announcementIn(g, `guardians[${i}]`)),
    jointKey: point(r.jointKey, 'jointKey'),
    acceptances: r.acceptances.map((a, i) => acceptanceIn(a, `acceptances[${i}]`)),
  }));
}

export function guardianKeyShareToRecord(share: GuardianKeyShare): GuardianKeyShareRecord {
  return {
    type: 'guardian-key-share',
    v: 1,
    guardianId: share.guardianId,
    index: share.index,
    threshold: share.threshold,
    baseHash: toBase64Url(share.baseHash),
    jointKey: share.jointKey.toBase64Url(),
    verificationKey: share.verificationKey.toBase64Url(),
    secret: scalarToBase64Url(share.secret),
  };
}

export function parseGuardianKeyShare(json: unknown): Result<GuardianKeyShare, RecordProblem> {
  return parseWith(guardianKeyShareSchema, json, (r) => ({
    guardianId: r.guardianId as GuardianId,
    index: r.index,
    threshold: r.threshold,
    baseHash: bytes32(r.baseHash, 'baseHash'),
    jointKey: point(r.jointKey, 'jointKey'),
    verificationKey: point(r.verificationKey, 'verificationKey'),
    secret: scalar(r.secret, 'secret'),
  }));
}

// ---- tally ----

export function encryptedTallyToRecord(tally: EncryptedTally): EncryptedTallyRecord {
  return {
    type: 'encrypted-tally',
    v: 1,
    ballotCount: tally.ballotCount,
    contests: tally.contests.map((c) => ({
      contestId: c.contestId,
      selections: c.selections.map((s) => ({
        selectionId: s.selectionId,
        alpha: s.ciphertext.alpha.toBase64Url(),
        beta: s.ciphertext.beta.toBase64Url(),
      })),
    })),
  };
}

export function parseEncryptedTally(json: unknown): Result<EncryptedTally, RecordProblem> {
  return parseWith(encryptedTallySchema, json, (r) => ({
    ballotCount: r.ballotCount,
    contests: r.contests.map((c, ci) => ({
      contestId: c.contestId as ContestId,
      selections: c.selections.map((s, si) => ({
        selectionId: s.selectionId as SelectionId,
        ciphertext: {
          alpha: point(s.alpha, `contests[${ci}].selections[${si}].alpha`),
          beta: point(s.beta, `contests[${ci}].selections[${si}].beta`),
        },
      })),
    })),
  }));
}

export function partialDecryptionToRecord(partial: PartialDecryption): PartialDecryptionRecord {
  return {
    type: 'partial-decryption',
    v: 1,
    guardianId: partial.guardianId,
    index: partial.index,
    shares: partial.shares.map((s) => ({
      contestId: s.contestId,
      selectionId: s.selectionId,
      share: s.share.toBase64Url(),
      proof: compactOut(s.proof),
    })),
  };
}

export function parsePartialDecryption(json: unknown): Result<PartialDecryption, RecordProblem> {
  return parseWith(partialDecryptionSchema, json, (r) => ({
    guardianId: r.guardianId as GuardianId,
    index: r.index,
    shares: r.shares.map((s, i) => ({
      contestId: s.contestId as ContestId,
      selectionId: s.selectionId as SelectionId,
      share: point(s.share, `shares[${i}].share`),
      proof: compactIn(s.proof, `shares[${i}].proof`),
    })),
  }));
}

export function plaintextTallyToRecord(tally: PlaintextTally): PlaintextTallyRecord {
  return {
    type: 'plaintext-tally',
    v: 1,
    ballotCount: tally.ballotCount,
    contests: tally.contests.map((c) => ({ contestId: c.contestId, selections: c.selections.map((s) => ({ ...s })) })),
  };
}

export function parsePlaintextTally(json: unknown): Result<PlaintextTally, RecordProblem> {
  return parseWith(plaintextTallySchema, json, (r) => r as unknown as PlaintextTally);
}

/** The canonical JSON text of any record above. */
export function recordToCanonicalJson(record: { readonly type: string; readonly v: number }): string {
  return canonicalize(record);
}
