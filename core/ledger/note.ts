/**
 * C2SP signed-note: a text ending in a newline, a blank line, then one or more
 * signature lines "— <key name> <base64(key id ‖ signature)>".
 *
 *   key ID       = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]
 *   verifier key = <name>+<key id, 8 hex>+<base64(type ‖ public key)>
 *   signer key   = PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(type ‖ secret key)>
 *
 * The signer-key form is the one golang.org/x/mod/sumdb/note uses, so keys move
 * between this code and the Go ecosystem unchanged. Ed25519 verification is
 * strict (RFC 8032 rules, no ZIP-215 leniency), as docs/SPEC.md §4.3 pins.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  fromHex,
  toBase64,
  toHex,
  utf8Decode,
  utf8Encode,
  type Bytes,
} from '../encoding/bytes';
import { sha256 } from '../encoding/hash';
import { err, ok, type Result } from '../result';

/** Signature type bytes assigned by the signed-note spec that Urna uses. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

const EM_DASH_PREFIX = '\u2014 ';
/** The spec asks verifiers to cap signatures and accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SEED_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;

export type NoteError =
  | { readonly kind: 'malformed-note'; readonly reason: string }
  | { readonly kind: 'malformed-key'; readonly reason: string }
  | { readonly kind: 'bad-signature'; readonly name: string; readonly keyId: number }
  | { readonly kind: 'no-verified-signature' };

export function describeNoteError(error: NoteError): string {
  switch (error.kind) {
    case 'malformed-note':
      return `malformed note: ${error.reason}`;
    case 'malformed-key':
      return `malformed key: ${error.reason}`;
    case 'bad-signature':
      return `signature by ${error.name} (key id ${keyIdHex(error.keyId)}) does not verify`;
    case 'no-verified-signature':
      return 'no signature from a known key';
  }
}

export type NoteSignature = {
  readonly name: string;
  /** uint32 key id, big-endian first four bytes of the base64 payload. */
  readonly keyId: number;
  /** The signature bytes after the key id. */
  readonly signature: Bytes;
};

export type Note = {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
};

/** Something that can sign note text under one name and key id. */
export type NoteSigner = {
  readonly name: string;
  readonly keyId: number;
  sign(message: Bytes): Bytes;
};

/** Something that can check a signature line with a matching name and key id. */
export type NoteVerifier = {
  readonly name: string;
  readonly keyId: number;
  verify(message: Bytes, signature: Bytes): boolean;
};

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** A key name: non-empty, no Unicode space, no plus (it separates vkey fields). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControlCharacter(name);
}

function hasControlCharacter(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what the spec forbids
  return /[\u0000-\u0009\u000b-\u001f]/.test(text);
}

export function computeKeyId(name: string, signatureType: number, publicKey: Bytes): number {
  const digest = sha256(concatBytes(utf8Encode(name), Uint8Array.of(0x0a, signatureType), publicKey));
  return readUint32(digest, 0);
}

function readUint32(bytes: Bytes, offset: number): number {
  return (
    ((bytes[offset] ?? 0) * 2 ** 24 +
      ((bytes[offset + 1] ?? 0) << 16) +
      ((bytes[offset + 2] ?? 0) << 8) +
      (bytes[offset + 3] ?? 0)) >>>
    0
  );
}

function writeUint32(keyId: number): Bytes {
  return Uint8Array.of((keyId >>> 24) & 0xff, (keyId >>> 16) & 0xff, (keyId >>> 8) & 0xff, keyId & 0xff);
}

/** Standard padded base64 that must round-trip exactly (no stray bits, no whitespace). */
export function decodeBase64Strict(text: string): Bytes | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    const bytes = fromBase64(text);
    return toBase64(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Plain RFC 8032 Ed25519 verification by the platform (Node's OpenSSL: about 50×
 * faster than the library's bigints): s < L and [s]B − [k]A encoding to exactly R,
 * the stricter, cofactorless equation. See `installEd25519Accelerator`.
 */
export type Ed25519Accelerator = (publicKey: Bytes, message: Bytes, signature: Bytes) => boolean;

let accelerator: Ed25519Accelerator | undefined;
/** Public key (hex) → whether it decodes canonically to a point not of small order; the keys of a record are few. */
const strictKeys = new Map<string, boolean>();
const STRICT_KEYS_KEPT = 4096;
const SCALAR_ORDER = ed25519.Point.Fn.ORDER;

/**
 * Lets `verifyEd25519Strict` accept a signature on the platform's word, with the
 * same verdicts: whatever it accepts (s < L, [s]B − [k]A = R exactly, k hashed from
 * the same bytes) the library's cofactored check accepts too, once A is known to
 * decode canonically to a point not of small order (checked here, once per key).
 * Anything it refuses goes to the library, which decides. `undefined` removes it.
 */
export function installEd25519Accelerator(fast: Ed25519Accelerator | undefined): void {
  accelerator = fast;
}

function strictPublicKey(publicKey: Bytes): boolean {
  const hex = toHex(publicKey);
  let valid = strictKeys.get(hex);
  if (valid === undefined) {
    try {
      valid = !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
    } catch {
      valid = false;
    }
    if (strictKeys.size >= STRICT_KEYS_KEPT) strictKeys.clear();
    strictKeys.set(hex, valid);
  }
  return valid;
}

/** Strict Ed25519 (RFC 8032 §5.1.7 with canonical encodings; ZIP-215 off). */
export function verifyEd25519Strict(publicKey: Bytes, message: Bytes, signature: Bytes): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE || signature.length !== ED25519_SIGNATURE_SIZE) return false;
  if (
    accelerator !== undefined &&
    bytesToNumberLE(signature.subarray(32)) < SCALAR_ORDER &&
    strictPublicKey(publicKey) &&
    accelerator(publicKey, message, signature)
  )
    return true;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    // noble throws on encodings that are not points; for a verifier that is just "invalid".
    return false;
  }
}

// ---------------------------------------------------------------- verifier keys

export type VerifierKey = {
  readonly name: string;
  readonly keyId: number;
  readonly signatureType: number;
  readonly publicKey: Bytes;
};

export function formatVerifierKey(name: string, signatureType: number, publicKey: Bytes): string {
  if (!isValidKeyName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  const keyId = computeKeyId(name, signatureType, publicKey);
  return `${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(Uint8Array.of(signatureType), publicKey))}`;
}

function parseKeyParts(
  name: string,
  idHex: string,
  material: string,
  what: string,
): Result<{ keyId: number; signatureType: number; key: Bytes }, NoteError> {
  const bad = (reason: string) => err<NoteError>({ kind: 'malformed-key', reason: `${what}: ${reason}` });
  if (!isValidKeyName(name)) return bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) return bad('key id is not 8 lowercase hex digits');
  const decoded = decodeBase64Strict(material);
  if (decoded === undefined || decoded.length < 2) return bad('key material is not canonical base64');
  const signatureType = decoded[0] as number;
  return ok({ keyId: readUint32(fromHex(idHex), 0), signatureType, key: decoded.subarray(1) });
}

/**
 * Splits on the first `fields - 1` plus signs: names and key ids cannot hold '+',
 * but the base64 key material at the end can.
 */
function splitPlus(text: string, fields: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < fields - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** Parses `<name>+<key id>+<base64(type ‖ public key)>`, checking the key id. */
export function parseVerifierKey(text: string): Result<VerifierKey, NoteError> {
  const parts = splitPlus(text, 3);
  if (parts === undefined) return err({ kind: 'malformed-key', reason: 'verifier key must be <name>+<id>+<key>' });
  const [name, idHex, material] = parts as [string, string, string];
  const parsed = parseKeyParts(name, idHex, material, 'verifier key');
  if (!parsed.ok) return parsed;
  const { keyId, signatureType, key } = parsed.value;
  if (signatureType !== SIGNATURE_TYPE_ED25519 && signatureType !== SIGNATURE_TYPE_COSIGNATURE_V1) {
    return err({ kind: 'malformed-key', reason: `unsupported signature type 0x${signatureType.toString(16)}` });
  }
  if (key.length !== ED25519_PUBLIC_KEY_SIZE)
    return err({ kind: 'malformed-key', reason: 'Ed25519 public key must be 32 bytes' });
  if (computeKeyId(name, signatureType, key) !== keyId)
    return err({ kind: 'malformed-key', reason: 'key id does not match the key' });
  return ok({ name, keyId, signatureType, publicKey: key });
}

/** A note verifier for a type-0x01 Ed25519 verifier key. */
export function ed25519NoteVerifier(name: string, publicKey: Bytes): NoteVerifier {
  return {
    name,
    keyId: computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey),
    verify: (message, signature) => verifyEd25519Strict(publicKey, message, signature),
  };
}

/** Verifier for a `<name>+<id>+<base64>` string of type 0x01. */
export function noteVerifierFromKey(text: string): Result<NoteVerifier, NoteError> {
  const parsed = parseVerifierKey(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.signatureType !== SIGNATURE_TYPE_ED25519) {
    return err({ kind: 'malformed-key', reason: 'not an Ed25519 note key (type 0x01)' });
  }
  return ok(ed25519NoteVerifier(parsed.value.name, parsed.value.publicKey));
}

// ---------------------------------------------------------------- signer keys

export type SignerKey = {
  readonly name: string;
  readonly keyId: number;
  readonly signatureType: number;
  /** The 32-byte Ed25519 seed: callers should wipe it once they have built a signer. */
  readonly secretKey: Bytes;
  readonly publicKey: Bytes;
};

export function formatSignerKey(name: string, signatureType: number, secretKey: Bytes): string {
  if (!isValidKeyName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  if (secretKey.length !== ED25519_SEED_SIZE) throw new Error('Ed25519 secret key must be a 32-byte seed');
  const keyId = computeKeyId(name, signatureType, ed25519.getPublicKey(secretKey));
  return `PRIVATE+KEY+${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(Uint8Array.of(signatureType), secretKey))}`;
}

/**
 * What kind of key file a text is, for an error that says "a verifier key was given
 * where a secret key is expected" instead of only "malformed". Never returns the key.
 */
export function keyTextKind(text: string): 'secret key' | 'verifier key' | 'not a key' {
  const trimmed = text.trim();
  if (trimmed.startsWith('PRIVATE+KEY+')) return 'secret key';
  return parseVerifierKey(trimmed).ok ? 'verifier key' : 'not a key';
}

/** Parses `PRIVATE+KEY+<name>+<key id>+<base64(type ‖ seed)>`, checking the key id. */
export function parseSignerKey(text: string): Result<SignerKey, NoteError> {
  const parts = splitPlus(text, 5);
  if (parts === undefined || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    return err({ kind: 'malformed-key', reason: 'signer key must be PRIVATE+KEY+<name>+<id>+<key>' });
  }
  const parsed = parseKeyParts(parts[2] as string, parts[3] as string, parts[4] as string, 'signer key');
  if (!parsed.ok) return parsed;
  const { keyId, signatureType, key } = parsed.value;
  if (signatureType !== SIGNATURE_TYPE_ED25519 && signatureType !== SIGNATURE_TYPE_COSIGNATURE_V1) {
    return err({ kind: 'malformed-key', reason: `unsupported signature type 0x${signatureType.toString(16)}` });
  }
  if (key.length !== ED25519_SEED_SIZE) return err({ kind: 'malformed-key', reason: 'Ed25519 seed must be 32 bytes' });
  const publicKey = ed25519.getPublicKey(key);
  const name = parts[2] as string;
  if (computeKeyId(name, signatureType, publicKey) !== keyId) {
    return err({ kind: 'malformed-key', reason: 'key id does not match the key' });
  }
  return ok({ name, keyId, signatureType, secretKey: key, publicKey });
}

// ---------------------------------------------------------------- notes

function malformed(reason: string): Result<never, NoteError> {
  return err({ kind: 'malformed-note', reason });
}

/** Checks a note text: valid UTF-8 already (it is a string), ends in newline, no control characters. */
export function checkNoteText(text: string): Result<void, NoteError> {
  if (!text.endsWith('\n')) return malformed('note text must end with a newline');
  if (hasControlCharacter(text)) return malformed('note text contains an ASCII control character');
  if (/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    return malformed('note text contains a lone surrogate');
  }
  return ok();
}

export function formatSignatureLine(signature: NoteSignature): string {
  return `${EM_DASH_PREFIX}${signature.name} ${toBase64(concatBytes(writeUint32(signature.keyId), signature.signature))}\n`;
}

export function formatNote(note: Note): string {
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/** Signs note text with each signer; the result is the complete signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const checked = checkNoteText(text);
  if (!checked.ok) throw new Error(describeNoteError(checked.error));
  if (signers.length === 0) throw new Error('a signed note needs at least one signer');
  const message = utf8Encode(text);
  const signatures = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(message) }));
  return formatNote({ text, signatures });
}

/** Splits a signed note into text and signature lines without checking any signature. */
export function parseNote(input: string | Bytes): Result<Note, NoteError> {
  let note: string;
  if (typeof input === 'string') {
    note = input;
  } else {
    try {
      note = utf8Decode(input);
    } catch {
      return malformed('note is not valid UTF-8');
    }
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const checked = checkNoteText(text);
  if (!checked.ok) return checked;
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    return malformed('signature block must be non-empty and end with a newline');
  if (hasControlCharacter(block)) return malformed('signature block contains an ASCII control character');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX)) return malformed('signature line must start with "— "');
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) return malformed('signature line has no space between name and signature');
    const name = rest.slice(0, space);
    if (!isValidKeyName(name)) return malformed('signature line has an invalid key name');
    const decoded = decodeBase64Strict(rest.slice(space + 1));
    if (decoded === undefined || decoded.length < 5)
      return malformed('signature is not canonical base64 of key id and signature');
    signatures.push({ name, keyId: readUint32(decoded, 0), signature: decoded.subarray(4) });
  }
  return ok({ text, signatures });
}

export type OpenedNote = Note & {
  /** The known keys whose signatures verified, in signature order. */
  readonly verifiedBy: readonly NoteVerifier[];
};

/**
 * Parses a note and verifies it as the spec asks: signatures from unknown keys
 * (name and key id not both matching) are ignored, a known key's signature that
 * fails rejects the whole note, and at least one known key must have signed.
 */
export function openNote(input: string | Bytes, verifiers: readonly NoteVerifier[]): Result<OpenedNote, NoteError> {
  const parsed = parseNote(input);
  if (!parsed.ok) return parsed;
  const message = utf8Encode(parsed.value.text);
  const verifiedBy: NoteVerifier[] = [];
  for (const sig of parsed.value.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (verifier === undefined) continue;
    if (!verifier.verify(message, sig.signature))
      return err({ kind: 'bad-signature', name: sig.name, keyId: sig.keyId });
    if (!verifiedBy.includes(verifier)) verifiedBy.push(verifier);
  }
  if (verifiedBy.length === 0) return err({ kind: 'no-verified-signature' });
  return ok({ ...parsed.value, verifiedBy });
}

/** A note signer over a raw Ed25519 seed (used by tests and tools; the station uses its own). */
export function ed25519NoteSigner(name: string, secretKey: Bytes): NoteSigner & { readonly publicKey: Bytes } {
  if (!isValidKeyName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  const publicKey = ed25519.getPublicKey(secretKey);
  return {
    name,
    keyId: computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey),
    publicKey,
    sign: (message) => ed25519.sign(message, secretKey),
  };
}

export function sameKey(a: VerifierKey, b: VerifierKey): boolean {
  return (
    a.name === b.name &&
    a.keyId === b.keyId &&
    a.signatureType === b.signatureType &&
    bytesEqual(a.publicKey, b.publicKey)
  );
}
