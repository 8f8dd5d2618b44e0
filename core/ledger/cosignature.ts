/**
 * C2SP tlog-cosignature, Ed25519 flavour (cosignature/v1, signature type 0x04).
 *
 *   key ID    = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]
 *   message   = "cosignature/v1\n" ‖ "time <POSIX seconds>\n" ‖ checkpoint body
 *   signature = u64 big-endian timestamp ‖ Ed25519 signature (64 bytes)
 *
 * The whole checkpoint body, extension lines included, is signed, as the spec
 * requires. A cosignature is an ordinary note signature line, so a cosigned
 * checkpoint is the station's note with the validators' lines appended.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, utf8Encode, type Bytes } from '../encoding/bytes';
import { err, ok, type Result } from '../result';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  checkNoteText,
  computeKeyId,
  describeNoteError,
  formatSignatureLine,
  isValidKeyName,
  parseNote,
  verifyEd25519Strict,
  type NoteError,
  type NoteSignature,
  type NoteVerifier,
} from './note';

const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;
/** The spec caps the timestamp at 2^63 - 1; seconds as a JS number stay far below that. */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export type CosignatureError =
  | { readonly kind: 'malformed-cosignature'; readonly reason: string }
  | { readonly kind: 'bad-cosignature' }
  | { readonly kind: 'note'; readonly reason: string };

export function describeCosignatureError(error: CosignatureError): string {
  switch (error.kind) {
    case 'malformed-cosignature':
      return `malformed cosignature: ${error.reason}`;
    case 'bad-cosignature':
      return 'cosignature does not verify';
    case 'note':
      return `cosigned note: ${error.reason}`;
  }
}

/** The exact bytes a cosigner signs over a checkpoint body at `timestamp` seconds. */
export function cosignatureMessage(checkpointBody: string, timestamp: number): Bytes {
  assertTimestamp(timestamp);
  const checked = checkNoteText(checkpointBody);
  if (!checked.ok) throw new Error(describeNoteError(checked.error));
  return utf8Encode(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`);
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) {
    throw new RangeError('cosignature timestamp must be a non-negative integer number of seconds');
  }
}

function encodeTimestamp(timestamp: number): Bytes {
  const out = new Uint8Array(TIMESTAMP_SIZE);
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp), false);
  return out;
}

/** A cosigner: an Ed25519 key known under a name, e.g. one validator. */
export type Cosigner = {
  readonly name: string;
  readonly keyId: number;
  /** Signs the cosignature message; returns the 64-byte Ed25519 signature. */
  signMessage(message: Bytes): Bytes;
};

export function cosignatureKeyId(name: string, publicKey: Bytes): number {
  return computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
}

/** A cosigner over a raw Ed25519 seed (tests and tools; validators wrap their own keys). */
export function ed25519Cosigner(name: string, secretKey: Bytes): Cosigner & { readonly publicKey: Bytes } {
  if (!isValidKeyName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  const publicKey = ed25519.getPublicKey(secretKey);
  return { name, keyId: cosignatureKeyId(name, publicKey), publicKey, signMessage: (m) => ed25519.sign(m, secretKey) };
}

/** Makes one cosignature over a checkpoint body. */
export function cosign(checkpointBody: string, cosigner: Cosigner, timestamp: number): NoteSignature {
  const signature = cosigner.signMessage(cosignatureMessage(checkpointBody, timestamp));
  if (signature.length !== ED25519_SIGNATURE_SIZE) throw new Error('cosigner returned a signature of the wrong size');
  return { name: cosigner.name, keyId: cosigner.keyId, signature: concatBytes(encodeTimestamp(timestamp), signature) };
}

/** Appends a cosignature line to a signed checkpoint note. */
export function addCosignature(
  signedCheckpoint: string,
  cosigner: Cosigner,
  timestamp: number,
): Result<string, CosignatureError> {
  const note = parseNote(signedCheckpoint);
  if (!note.ok) return err({ kind: 'note', reason: describeNoteError(note.error) });
  return ok(`${signedCheckpoint}${formatSignatureLine(cosign(note.value.text, cosigner, timestamp))}`);
}

export type VerifiedCosignature = { readonly name: string; readonly keyId: number; readonly timestamp: number };

/** Splits the timestamped_signature structure. */
export function splitTimestampedSignature(
  signature: Bytes,
): Result<{ timestamp: number; signature: Bytes }, CosignatureError> {
  if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
    return err({ kind: 'malformed-cosignature', reason: 'expected 8-byte timestamp and 64-byte signature' });
  }
  const big = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0, false);
  if (big > BigInt(MAX_TIMESTAMP)) return err({ kind: 'malformed-cosignature', reason: 'timestamp out of range' });
  return ok({ timestamp: Number(big), signature: signature.subarray(TIMESTAMP_SIZE) });
}

/** Verifies one cosignature line's bytes over a checkpoint body under a cosigner public key. */
export function verifyCosignature(
  checkpointBody: string,
  cosignature: NoteSignature,
  cosignerName: string,
  publicKey: Bytes,
): Result<VerifiedCosignature, CosignatureError> {
  if (cosignature.name !== cosignerName || cosignature.keyId !== cosignatureKeyId(cosignerName, publicKey)) {
    return err({ kind: 'malformed-cosignature', reason: 'name or key id does not match the cosigner' });
  }
  const split = splitTimestampedSignature(cosignature.signature);
  if (!split.ok) return split;
  const message = cosignatureMessage(checkpointBody, split.value.timestamp);
  if (!verifyEd25519Strict(publicKey, message, split.value.signature)) return err({ kind: 'bad-cosignature' });
  return ok({ name: cosignerName, keyId: cosignature.keyId, timestamp: split.value.timestamp });
}

/**
 * A cosigner as a note verifier, so `openNote(checkpoint, [station, ...validators])`
 * checks the station signature and every known cosignature in one pass.
 */
export function cosignatureNoteVerifier(name: string, publicKey: Bytes): NoteVerifier {
  const keyId = cosignatureKeyId(name, publicKey);
  return {
    name,
    keyId,
    verify: (message, signature) => {
      const split = splitTimestampedSignature(signature);
      if (!split.ok) return false;
      const signed = concatBytes(utf8Encode(`cosignature/v1\ntime ${split.value.timestamp}\n`), message);
      return verifyEd25519Strict(publicKey, signed, split.value.signature);
    },
  };
}

/** Finds and verifies every cosignature by known cosigners in a signed checkpoint. */
export function verifyCosignedCheckpoint(
  signedCheckpoint: string,
  cosigners: readonly { readonly name: string; readonly publicKey: Bytes }[],
): Result<VerifiedCosignature[], CosignatureError | { readonly kind: 'note-error'; readonly error: NoteError }> {
  const note = parseNote(signedCheckpoint);
  if (!note.ok) return err({ kind: 'note-error', error: note.error });
  const verified: VerifiedCosignature[] = [];
  for (const sig of note.value.signatures) {
    const cosigner = cosigners.find((c) => c.name === sig.name && cosignatureKeyId(c.name, c.publicKey) === sig.keyId);
    if (cosigner === undefined) continue;
    const result = verifyCosignature(note.value.text, sig, cosigner.name, cosigner.publicKey);
    if (!result.ok) return result;
    verified.push(result.value);
  }
  return ok(verified);
}
