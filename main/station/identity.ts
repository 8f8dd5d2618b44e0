/**
 * The station's Ed25519 identity: made once at provisioning, kept in a key file
 * readable by its owner only, and handed to the rest of the station as a signer.
 *
 * The key file holds one line in the signed-note signer-key form
 * `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`. Loading it turns the seed
 * into a node:crypto KeyObject and wipes the bytes, so no caller (least of all the
 * renderer, which only ever sees results through IPC) can read the secret back.
 */
import { createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
  constants as fsConstants,
} from 'node:fs';
import path from 'node:path';
import { toBase64Url, type Bytes } from '../../core/encoding/bytes';
import {
  SIGNATURE_TYPE_ED25519,
  describeNoteError,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  parseSignerKey,
  type NoteSigner,
} from '../../core/ledger/note';
import { err, ok, type Result } from '../../core/result';

/** What the station's ledger and sync code get: a signing function and the public half. */
export type StationSigner = NoteSigner & {
  /** `<name>+<key id>+<base64(0x01 ‖ public key)>`, the content of station.vkey. */
  readonly verifierKey: string;
  readonly publicKey: Bytes;
};

export type IdentityError =
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'already-provisioned'; readonly path: string }
  | { readonly kind: 'insecure-permissions'; readonly path: string; readonly mode: number }
  | { readonly kind: 'not-a-file'; readonly path: string }
  | { readonly kind: 'malformed'; readonly path: string; readonly reason: string };

export function describeIdentityError(error: IdentityError): string {
  switch (error.kind) {
    case 'missing':
      return `no station key at ${error.path}: provision the station first`;
    case 'already-provisioned':
      return `a station key already exists at ${error.path}; refusing to replace it`;
    case 'insecure-permissions':
      return `station key ${error.path} has mode ${(error.mode & 0o777).toString(8).padStart(4, '0')}; it must not be readable by group or others (chmod 600)`;
    case 'not-a-file':
      return `station key ${error.path} is not a regular file`;
    case 'malformed':
      return `station key ${error.path} is malformed: ${error.reason}`;
  }
}

const KEY_FILE_MODE = 0o600;

/**
 * Makes a new station key and writes it with mode 0600. Refuses to overwrite an
 * existing key: replacing a station's identity must be a deliberate act.
 */
export function provisionStationIdentity(keyPath: string, name: string): Result<StationSigner, IdentityError> {
  if (!isValidKeyName(name))
    return err({ kind: 'malformed', path: keyPath, reason: `invalid key name ${JSON.stringify(name)}` });
  mkdirSync(path.dirname(keyPath), { recursive: true, mode: 0o700 });
  const seed = new Uint8Array(randomBytes(32));
  const line = `${formatSignerKey(name, SIGNATURE_TYPE_ED25519, seed)}\n`;
  seed.fill(0);
  let fd: number;
  try {
    // O_EXCL: never clobber a key; mode applies at creation, before any byte is written.
    fd = openSync(keyPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, KEY_FILE_MODE);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return err({ kind: 'already-provisioned', path: keyPath });
    throw error;
  }
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(path.dirname(keyPath));
  return loadStationIdentity(keyPath);
}

/** Loads the station key, refusing a file that group or others could read or write. */
export function loadStationIdentity(keyPath: string): Result<StationSigner, IdentityError> {
  let fd: number;
  try {
    fd = openSync(keyPath, fsConstants.O_RDONLY);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return err({ kind: 'missing', path: keyPath });
    throw error;
  }
  let text: string;
  try {
    // fstat on the open descriptor: the file we check is the file we read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) return err({ kind: 'not-a-file', path: keyPath });
    if ((stat.mode & 0o077) !== 0) return err({ kind: 'insecure-permissions', path: keyPath, mode: stat.mode });
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const parsed = parseSignerKey(text.replace(/\n$/, ''));
  if (!parsed.ok) return err({ kind: 'malformed', path: keyPath, reason: describeNoteError(parsed.error) });
  const { name, keyId, signatureType, secretKey, publicKey } = parsed.value;
  if (signatureType !== SIGNATURE_TYPE_ED25519)
    return err({ kind: 'malformed', path: keyPath, reason: 'not an Ed25519 note key' });
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(secretKey), x: toBase64Url(publicKey) },
    format: 'jwk',
  });
  secretKey.fill(0);
  return ok(signerFromKeyObject(name, keyId, publicKey, privateKey));
}

function signerFromKeyObject(name: string, keyId: number, publicKey: Bytes, privateKey: KeyObject): StationSigner {
  return Object.freeze({
    name,
    keyId,
    publicKey: Uint8Array.from(publicKey),
    verifierKey: formatVerifierKey(name, SIGNATURE_TYPE_ED25519, publicKey),
    sign: (message: Bytes): Bytes => new Uint8Array(cryptoSign(null, message, privateKey)),
  });
}

/** Loads the key if it exists, otherwise provisions it (demo and first boot). */
export function loadOrProvisionStationIdentity(keyPath: string, name: string): Result<StationSigner, IdentityError> {
  const loaded = loadStationIdentity(keyPath);
  if (loaded.ok || loaded.error.kind !== 'missing') return loaded;
  return provisionStationIdentity(keyPath, name);
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, fsConstants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
