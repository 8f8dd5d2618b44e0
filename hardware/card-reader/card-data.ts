import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual, concatBytes, toHex, utf8Decode, utf8Encode } from '../../core/encoding/bytes';
import { sha256 } from '../../core/encoding/hash';
import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';

/** Card roles, and their byte in the certificate. */
export type CardRole = 'poll-worker' | 'election-official' | 'voter-activation';
const ROLE_BYTE: Record<CardRole, number> = { 'poll-worker': 1, 'election-official': 2, 'voter-activation': 3 };
const ROLE_OF_BYTE = new Map<number, CardRole>(
  Object.entries(ROLE_BYTE).map(([role, byte]) => [byte, role as CardRole]),
);

/** Staff cards need a PIN before they will sign a challenge. */
export const roleNeedsPin = (role: CardRole): boolean => role !== 'voter-activation';

const TAG = {
  cardId: 0x80,
  role: 0x81,
  publicKey: 0x82,
  issuerKeyId: 0x84,
  tokenId: 0x85,
  electionId: 0x86,
  precinctId: 0x87,
  ballotStyleId: 0x88,
  signature: 0x9e,
} as const;
const CERTIFICATE_DOMAIN = 'urna/card-certificate/v1';
const TOKEN_DOMAIN = 'urna/activation-token/v1';
const AUTH_DOMAIN = 'urna/card-auth/v1';

export type CardCertificate = {
  readonly cardId: string;
  readonly role: CardRole;
  readonly publicKey: Uint8Array;
  /** Hex of the first 4 bytes of SHA-256 of the issuer's public key. */
  readonly issuerKeyId: string;
};

export type ActivationToken = {
  readonly cardId: string;
  /** Hex of 16 random bytes; the station remembers every id it has burnt. */
  readonly tokenId: string;
  readonly electionId: string;
  readonly precinctId: string;
  readonly ballotStyleId: string;
  readonly issuerKeyId: string;
};

export function keyId(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).slice(0, 4));
}

type Tlv = { readonly tag: number; readonly value: Uint8Array };

function encodeTlv(items: readonly Tlv[]): Uint8Array {
  return concatBytes(
    ...items.map((item) => {
      if (item.value.length > 255) throw new RangeError(`TLV ${item.tag} is too long`);
      return concatBytes(Uint8Array.of(item.tag, item.value.length), item.value);
    }),
  );
}

function decodeTlv(bytes: Uint8Array): Tlv[] | undefined {
  const items: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return undefined;
    const tag = bytes[at] ?? 0;
    const length = bytes[at + 1] ?? 0;
    if (at + 2 + length > bytes.length) return undefined;
    items.push({ tag, value: bytes.slice(at + 2, at + 2 + length) });
    at += 2 + length;
  }
  return items;
}

function domainMessage(domain: string, body: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(domain), Uint8Array.of(0), body);
}

/** Splits signed TLV bytes into the signed part and the trailing 64-byte signature. */
function splitSigned(
  bytes: Uint8Array,
): { body: Uint8Array; fields: Map<number, Uint8Array>; signature: Uint8Array } | undefined {
  const items = decodeTlv(bytes);
  const last = items?.[items.length - 1];
  if (!items || !last || last.tag !== TAG.signature || last.value.length !== 64) return undefined;
  const fields = new Map<number, Uint8Array>();
  for (const item of items.slice(0, -1)) {
    if (fields.has(item.tag)) return undefined;
    fields.set(item.tag, item.value);
  }
  return { body: bytes.slice(0, bytes.length - 66), fields, signature: last.value };
}

export function issueCertificate(
  input: { cardId: string; role: CardRole; publicKey: Uint8Array },
  issuerSecretKey: Uint8Array,
): Uint8Array {
  const issuerPublic = ed25519.getPublicKey(issuerSecretKey);
  const body = encodeTlv([
    { tag: TAG.cardId, value: utf8Encode(input.cardId) },
    { tag: TAG.role, value: Uint8Array.of(ROLE_BYTE[input.role]) },
    { tag: TAG.publicKey, value: input.publicKey },
    { tag: TAG.issuerKeyId, value: sha256(issuerPublic).slice(0, 4) },
  ]);
  const signature = ed25519.sign(domainMessage(CERTIFICATE_DOMAIN, body), issuerSecretKey);
  return concatBytes(body, encodeTlv([{ tag: TAG.signature, value: signature }]));
}

export type CertificateError = 'malformed' | 'unknown-issuer' | 'bad-signature';

/** Checks a certificate against the election's card issuer keys (strict Ed25519). */
export function verifyCertificate(
  bytes: Uint8Array,
  issuerPublicKeys: readonly Uint8Array[],
): Result<CardCertificate, CertificateError> {
  const signed = splitSigned(bytes);
  if (!signed) return err('malformed');
  const cardId = signed.fields.get(TAG.cardId);
  const roleByte = signed.fields.get(TAG.role);
  const publicKey = signed.fields.get(TAG.publicKey);
  const issuerKeyIdBytes = signed.fields.get(TAG.issuerKeyId);
  const role = roleByte?.length === 1 ? ROLE_OF_BYTE.get(roleByte[0] ?? 0) : undefined;
  if (!cardId || cardId.length === 0 || !role || publicKey?.length !== 32 || issuerKeyIdBytes?.length !== 4)
    return err('malformed');
  const issuer = issuerPublicKeys.find((key) => bytesEqual(sha256(key).slice(0, 4), issuerKeyIdBytes));
  if (!issuer) return err('unknown-issuer');
  if (!verifyStrict(signed.signature, domainMessage(CERTIFICATE_DOMAIN, signed.body), issuer))
    return err('bad-signature');
  return ok({ cardId: utf8Decode(cardId), role, publicKey, issuerKeyId: toHex(issuerKeyIdBytes) });
}

export function issueActivationToken(
  input: { cardId: string; tokenId: Uint8Array; electionId: string; precinctId: string; ballotStyleId: string },
  issuerSecretKey: Uint8Array,
): Uint8Array {
  const body = encodeTlv([
    { tag: TAG.cardId, value: utf8Encode(input.cardId) },
    { tag: TAG.tokenId, value: input.tokenId },
    { tag: TAG.electionId, value: utf8Encode(input.electionId) },
    { tag: TAG.precinctId, value: utf8Encode(input.precinctId) },
    { tag: TAG.ballotStyleId, value: utf8Encode(input.ballotStyleId) },
    { tag: TAG.issuerKeyId, value: sha256(ed25519.getPublicKey(issuerSecretKey)).slice(0, 4) },
  ]);
  const signature = ed25519.sign(domainMessage(TOKEN_DOMAIN, body), issuerSecretKey);
  return concatBytes(body, encodeTlv([{ tag: TAG.signature, value: signature }]));
}

export function verifyActivationToken(
  bytes: Uint8Array,
  issuerPublicKeys: readonly Uint8Array[],
): Result<ActivationToken, CertificateError> {
  const signed = splitSigned(bytes);
  if (!signed) return err('malformed');
  const text = (tag: number): string | undefined => {
    const value = signed.fields.get(tag);
    return value && value.length > 0 ? utf8Decode(value) : undefined;
  };
  const tokenId = signed.fields.get(TAG.tokenId);
  const issuerKeyIdBytes = signed.fields.get(TAG.issuerKeyId);
  const cardId = text(TAG.cardId);
  const electionId = text(TAG.electionId);
  const precinctId = text(TAG.precinctId);
  const ballotStyleId = text(TAG.ballotStyleId);
  if (
    !cardId ||
    !electionId ||
    !precinctId ||
    !ballotStyleId ||
    tokenId?.length !== 16 ||
    issuerKeyIdBytes?.length !== 4
  )
    return err('malformed');
  const issuer = issuerPublicKeys.find((key) => bytesEqual(sha256(key).slice(0, 4), issuerKeyIdBytes));
  if (!issuer) return err('unknown-issuer');
  if (!verifyStrict(signed.signature, domainMessage(TOKEN_DOMAIN, signed.body), issuer)) return err('bad-signature');
  return ok({
    cardId,
    tokenId: toHex(tokenId),
    electionId,
    precinctId,
    ballotStyleId,
    issuerKeyId: toHex(issuerKeyIdBytes),
  });
}

/** What a card signs in INTERNAL AUTHENTICATE. */
export function authenticationMessage(challenge: Uint8Array): Uint8Array {
  return domainMessage(AUTH_DOMAIN, challenge);
}

export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
