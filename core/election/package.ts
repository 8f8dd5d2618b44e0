/**
 * The election package: the definition plus the election authority's signature over
 * its base hash. The base hash is SHA-256 of the definition's canonical JSON
 * (RFC 8785), so it does not depend on key order or whitespace, and every station,
 * validator and verifier computes the same value from the same definition.
 *
 * On disk (election.json):
 *   { "format": "urna/election-package/v1",
 *     "definition": { ... },
 *     "authoritySignature": "<signed note>" }
 * The signed note's text is three lines:
 *   urna/election-package/v1
 *   <election id>
 *   <base64 of the base hash>
 */
import { canonicalBytes } from '../encoding/canonical-json';
import { concatBytes, fromBase64Url, toBase64, toHex, utf8Decode, utf8Encode, type Bytes } from '../encoding/bytes';
import { sha256 } from '../encoding/hash';
import type { ElectionId } from '../ids';
import {
  decodeBase64Strict,
  describeNoteError,
  keyIdHex,
  noteVerifierFromKey,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
  type NoteSigner,
  type NoteVerifier,
} from '../ledger/note';
import { err, ok, type Result } from '../result';
import { parseElectionDefinition, type ElectionDefinition } from './definition';
import { electionError, nestErrors, type ElectionError } from './errors';

export const ELECTION_PACKAGE_FORMAT = 'urna/election-package/v1';
/** Far above any real definition; stops a hostile file before JSON.parse. */
export const MAX_PACKAGE_BYTES = 4 * 1024 * 1024;

export type ElectionPackage = {
  readonly format: typeof ELECTION_PACKAGE_FORMAT;
  readonly definition: ElectionDefinition;
  /** The complete signed note, as signNote produced it. */
  readonly authoritySignature: string;
};

export type VerifiedElectionPackage = ElectionPackage & {
  readonly baseHash: Bytes;
};

/** SHA-256 of the canonical JSON of the definition. */
export function electionBaseHash(definition: ElectionDefinition): Bytes {
  return sha256(canonicalBytes(definition));
}

const EXTENDED_BASE_HASH_TAG = utf8Encode('urna/extended-base-hash/v1');

/**
 * The hash every ballot proof is bound to: the base hash together with the joint
 * public key (as ElectionGuard's extended base hash). The joint key is already in
 * the definition; hashing it again keeps the binding explicit for the proofs.
 */
export function electionExtendedBaseHash(definition: ElectionDefinition): Bytes {
  const jointKey = fromBase64Url(definition.guardians.jointPublicKey);
  return sha256(concatBytes(EXTENDED_BASE_HASH_TAG, Uint8Array.of(0), electionBaseHash(definition), jointKey));
}

const CEREMONY_BASE_HASH_TAG = utf8Encode('urna/ceremony-base/v2');

/**
 * What the key ceremony is bound to: the definition as it stands before the ceremony,
 * i.e. with the two values the ceremony produces (the joint key and the ceremony
 * record's hash) left out. The guardians hash the definition they were given, the
 * authority later adds the ceremony's outputs and signs, and a verifier recomputes
 * this from the signed definition and compares it with the record's base hash.
 */
export function electionCeremonyBaseHash(definition: ElectionDefinition): Bytes {
  const { jointPublicKey: _key, ceremonyRecordHash: _record, ...guardians } = definition.guardians;
  // The audio ballot is rendered after the ceremony from the definition's final text; it is not the guardians' to bind.
  const { audio: _audio, ...rest } = definition;
  return sha256(concatBytes(CEREMONY_BASE_HASH_TAG, Uint8Array.of(0), canonicalBytes({ ...rest, guardians })));
}

/**
 * A definition as the guardians receive it before their ceremony: complete but for
 * `guardians.jointPublicKey` and `guardians.ceremonyRecordHash`, which may be absent
 * (they are filled with placeholders for the schema check and play no part in
 * `electionCeremonyBaseHash`). A signed package is accepted too.
 */
export function parseDefinitionBeforeCeremony(json: unknown): Result<ElectionDefinition, ElectionError[]> {
  const raw =
    json !== null && typeof json === 'object' && (json as { format?: unknown }).format === ELECTION_PACKAGE_FORMAT
      ? (json as { definition?: unknown }).definition
      : json;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return parseElectionDefinition(raw);
  const guardians = (raw as { guardians?: unknown }).guardians;
  const filled =
    guardians !== null && typeof guardians === 'object' && !Array.isArray(guardians)
      ? {
          ...raw,
          guardians: {
            jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
            ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
            ...guardians,
          },
        }
      : raw;
  return parseElectionDefinition(filled);
}

/** The ristretto255 generator's encoding: a valid key to stand in before the ceremony. */
export const CEREMONY_PLACEHOLDER_KEY = '4vKuCmq8TnGohKlhxQBRX1jjC2qlgt2NtqZZReCNLXY';
export const CEREMONY_PLACEHOLDER_HASH = 'A'.repeat(43);

/** The base hash as printed on poll-worker screens and reports: hex in groups of four. */
export function formatBaseHashForDisplay(baseHash: Bytes): string {
  return (toHex(baseHash).match(/.{1,4}/g) ?? []).join(' ');
}

export function electionPackageNoteText(electionId: ElectionId, baseHash: Bytes): string {
  return `${ELECTION_PACKAGE_FORMAT}\n${electionId}\n${toBase64(baseHash)}\n`;
}

/**
 * Signs a definition. The signer must be the authority the definition names, so
 * that the package can be checked against its own authority key as well as a
 * pinned one.
 */
export function signElectionPackage(
  definition: ElectionDefinition,
  signer: NoteSigner,
): Result<ElectionPackage, ElectionError[]> {
  const named = parseVerifierKey(definition.authority.verifierKey);
  if (!named.ok)
    return err([
      electionError('definition.authority.verifierKey', 'bad-authority-key', {
        detail: describeNoteError(named.error),
      }),
    ]);
  if (named.value.name !== signer.name || named.value.keyId !== signer.keyId) {
    return err([
      electionError('definition.authority.verifierKey', 'authority-key-mismatch', {
        named: `${named.value.name}+${keyIdHex(named.value.keyId)}`,
        pinned: `${signer.name}+${keyIdHex(signer.keyId)}`,
      }),
    ]);
  }
  const text = electionPackageNoteText(definition.electionId, electionBaseHash(definition));
  return ok({ format: ELECTION_PACKAGE_FORMAT, definition, authoritySignature: signNote(text, [signer]) });
}

/** The package file: indented JSON for people; the hash never depends on the layout. */
export function serializeElectionPackage(pkg: ElectionPackage): string {
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

// ---------------------------------------------------------------- reading

/** Parses file bytes as JSON, refusing oversize files and malformed UTF-8. */
export function parseJsonFile(bytes: Bytes, maxBytes = MAX_PACKAGE_BYTES): Result<unknown, ElectionError[]> {
  if (bytes.length > maxBytes) return err([electionError('', 'package-too-large', { max: maxBytes })]);
  let textValue: string;
  try {
    textValue = utf8Decode(bytes);
  } catch {
    return err([electionError('', 'not-json', { detail: 'not UTF-8' })]);
  }
  try {
    return ok(JSON.parse(textValue) as unknown);
  } catch (error) {
    return err([electionError('', 'not-json', { detail: error instanceof Error ? error.message : String(error) })]);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const ENVELOPE_KEYS = new Set(['format', 'definition', 'authoritySignature']);

type SignedClaim = { readonly electionId: string; readonly baseHash: Bytes };

function parseClaim(text: string): SignedClaim | undefined {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[0] !== ELECTION_PACKAGE_FORMAT || lines[3] !== '') return undefined;
  const baseHash = decodeBase64Strict(lines[2] ?? '');
  if (baseHash?.length !== 32) return undefined;
  return { electionId: lines[1] ?? '', baseHash };
}

export type PackageTrust =
  /** The station: only the key pinned at provisioning counts. */
  | { readonly authorityKey: string }
  /** A verifier with no pinned key: checks the package against the key it names. */
  | { readonly authorityKey: 'self' };

/**
 * Checks a package as read from a file: the envelope, the definition's schema, the
 * authority's signature, and that the signature covers exactly this definition.
 * Returns every problem it can find; signature checks run only on a valid
 * definition, because the hash of an invalid one means nothing.
 */
export function verifyElectionPackage(
  input: unknown,
  trust: PackageTrust,
): Result<VerifiedElectionPackage, ElectionError[]> {
  if (!isRecord(input))
    return err([
      electionError('', 'wrong-type', {
        expected: 'object',
        received: Array.isArray(input) ? 'array' : input === null ? 'null' : typeof input,
      }),
    ]);
  const errors: ElectionError[] = [];
  for (const key of Object.keys(input)) if (!ENVELOPE_KEYS.has(key)) errors.push(electionError(key, 'unknown-field'));
  if (!('format' in input)) errors.push(electionError('format', 'required'));
  else if (input.format !== ELECTION_PACKAGE_FORMAT)
    errors.push(electionError('format', 'invalid-value', { values: JSON.stringify(ELECTION_PACKAGE_FORMAT) }));

  let definition: ElectionDefinition | undefined;
  if (!('definition' in input)) errors.push(electionError('definition', 'required'));
  else {
    const parsed = parseElectionDefinition(input.definition);
    if (parsed.ok) definition = parsed.value;
    else errors.push(...nestErrors('definition', parsed.error));
  }

  const signature = input.authoritySignature;
  if (signature === undefined || signature === '') errors.push(electionError('authoritySignature', 'not-signed'));
  else if (typeof signature !== 'string')
    errors.push(electionError('authoritySignature', 'wrong-type', { expected: 'string', received: typeof signature }));

  if (errors.length > 0 || definition === undefined || typeof signature !== 'string') return err(errors);

  const checked = checkAuthoritySignature(definition, signature, trust);
  if (!checked.ok) return checked;
  return ok({ format: ELECTION_PACKAGE_FORMAT, definition, authoritySignature: signature, baseHash: checked.value });
}

function checkAuthoritySignature(
  definition: ElectionDefinition,
  signature: string,
  trust: PackageTrust,
): Result<Bytes, ElectionError[]> {
  const at = 'authoritySignature';
  const named = definition.authority.verifierKey;
  const trustedKey = trust.authorityKey === 'self' ? named : trust.authorityKey;
  const verifier = noteVerifierFromKey(trustedKey);
  if (!verifier.ok) return err([electionError(at, 'bad-authority-key', { detail: describeNoteError(verifier.error) })]);
  if (trustedKey !== named) {
    return err([
      electionError('definition.authority.verifierKey', 'authority-key-mismatch', {
        named: keyLabel(named),
        pinned: keyLabel(trustedKey),
      }),
    ]);
  }

  const note = parseNote(signature);
  if (!note.ok) return err([electionError(at, 'malformed-note', { detail: describeNoteError(note.error) })]);
  if (note.value.signatures.length === 0) return err([electionError(at, 'not-signed')]);
  const opened = openNote(signature, [verifier.value]);
  if (!opened.ok) {
    if (opened.error.kind === 'no-verified-signature') {
      return err([electionError(at, 'not-signed-by-authority', { keyId: keyLabel(trustedKey) })]);
    }
    return err([electionError(at, 'bad-signature', { detail: describeNoteError(opened.error) })]);
  }

  const claim = parseClaim(opened.value.text);
  if (claim === undefined)
    return err([
      electionError(at, 'malformed-note', { detail: 'the signed text is not an election package statement' }),
    ]);
  if (claim.electionId !== definition.electionId) {
    return err([electionError(at, 'election-mismatch', { signed: claim.electionId, actual: definition.electionId })]);
  }
  const baseHash = electionBaseHash(definition);
  if (toHex(claim.baseHash) !== toHex(baseHash)) {
    // Printed as everywhere else for people, so the signed hash can be compared by eye with the one on screens and reports.
    return err([
      electionError(at, 'hash-mismatch', {
        signed: formatBaseHashForDisplay(claim.baseHash),
        actual: formatBaseHashForDisplay(baseHash),
      }),
    ]);
  }
  return ok(baseHash);
}

/** `name+keyid` of a verifier key, short enough for an error message. */
function keyLabel(key: string): string {
  const parsed = parseVerifierKey(key);
  return parsed.ok ? `${parsed.value.name}+${keyIdHex(parsed.value.keyId)}` : key.slice(0, 80);
}

/** Reads and verifies a package file's bytes. */
export function readElectionPackage(
  bytes: Bytes,
  trust: PackageTrust,
): Result<VerifiedElectionPackage, ElectionError[]> {
  const json = parseJsonFile(bytes);
  if (!json.ok) return json;
  return verifyElectionPackage(json.value, trust);
}

/** A note verifier for the authority key a definition names. */
export function authorityVerifier(definition: ElectionDefinition): Result<NoteVerifier, ElectionError[]> {
  const verifier = noteVerifierFromKey(definition.authority.verifierKey);
  if (!verifier.ok)
    return err([
      electionError('authority.verifierKey', 'bad-authority-key', { detail: describeNoteError(verifier.error) }),
    ]);
  return ok(verifier.value);
}
